package sensors

import (
	"fmt"
	"time"

	"sitrep/internal/validation"
)

// DefaultStaleAfter is how long a sensor may be silent when its definition
// says nothing: gateways forward detector values every few seconds, so five
// minutes of nothing is a broken link, a dead gateway or a dead detector.
const DefaultStaleAfter = 5 * time.Minute

// MaxHold bounds the hold time: a gas alarm delayed by more than ten
// minutes is no alarm.
const MaxHold = 10 * time.Minute

// Definition is what the rules need to know of one sensor.
type Definition struct {
	Kind               Kind
	Unit               Unit
	RangeMin, RangeMax float64
	// Set points; nil where the sensor has none. Warn* are the first-stage
	// (一级) alarm, Alarm* the second-stage (二级).
	WarnHigh, AlarmHigh, WarnLow, AlarmLow *float64
	// Hold is how long a set point must stay reached before it counts.
	Hold time.Duration
	// Deadband is how far back past a set point the value must come to
	// step down; nil takes DefaultDeadband.
	Deadband *float64
	// StaleAfter is how long the sensor may be silent; 0 takes
	// DefaultStaleAfter.
	StaleAfter time.Duration
}

// deadband is the deadband in use.
func (d *Definition) deadband() float64 {
	if d.Deadband != nil {
		return *d.Deadband
	}
	return DefaultDeadband(d.Kind, d.RangeMin, d.RangeMax)
}

// StaleTime is how long the sensor may be silent.
func (d *Definition) StaleTime() time.Duration {
	if d.StaleAfter > 0 {
		return d.StaleAfter
	}
	return DefaultStaleAfter
}

// setPoint is set point level (1 or 2) of direction dir, or nil.
func (d *Definition) setPoint(dir Direction, level Level) *float64 {
	switch {
	case dir == High && level == Warning:
		return d.WarnHigh
	case dir == High && level == Alarm:
		return d.AlarmHigh
	case dir == Low && level == Warning:
		return d.WarnLow
	case dir == Low && level == Alarm:
		return d.AlarmLow
	}
	return nil
}

// setPointFields name the set points as the registry does.
var setPointFields = map[Direction]map[Level]string{
	High: {Warning: "warn_high", Alarm: "alarm_high"},
	Low:  {Warning: "warn_low", Alarm: "alarm_low"},
}

// Check reports every fault of the definition, each named by its registry
// field: the kind and unit, the range, and set points that are inside the
// range, in order (二级 beyond 一级 on each side, every high above every low
// with the deadband clear between them), a hold time and a deadband that
// make sense.
func (d *Definition) Check() validation.Errors {
	errs := d.checkKind()
	if len(errs) > 0 {
		return errs
	}
	bad := func(field, format string, args ...any) {
		errs = append(errs, validation.FieldError{Field: field, Detail: fmt.Sprintf(format, args...)})
	}
	some := false
	for _, dir := range []Direction{High, Low} {
		for _, lvl := range []Level{Warning, Alarm} {
			p := d.setPoint(dir, lvl)
			if p == nil {
				continue
			}
			some = true
			if !(*p >= d.RangeMin && *p <= d.RangeMax) {
				bad(setPointFields[dir][lvl], "须在量程 %s–%s %s 之内", num(d.RangeMin), num(d.RangeMax), d.Unit)
			}
		}
	}
	if !some {
		bad("warn_high", "至少须设一个报警值（一级或二级，高或低）")
		return errs
	}
	if len(errs) > 0 {
		return errs
	}
	if d.WarnHigh != nil && d.AlarmHigh != nil && !(*d.AlarmHigh > *d.WarnHigh) {
		bad("alarm_high", "二级报警值（高）须高于一级报警值（高）%s", num(*d.WarnHigh))
	}
	if d.WarnLow != nil && d.AlarmLow != nil && !(*d.AlarmLow < *d.WarnLow) {
		bad("alarm_low", "二级报警值（低）须低于一级报警值（低）%s", num(*d.WarnLow))
	}
	if d.Deadband != nil && !(*d.Deadband >= 0 && *d.Deadband < (d.RangeMax-d.RangeMin)/2) {
		bad("deadband", "回差须 ≥ 0 且小于量程的一半（%s %s）", num((d.RangeMax-d.RangeMin)/2), d.Unit)
	}
	if lowestHigh, highestLow, ok := d.innerSetPoints(); ok && len(errs) == 0 {
		if db := d.deadband(); !(highestLow+db < lowestHigh-db) {
			bad("warn_low", "低报警值 %s 与高报警值 %s 之间须留出两倍回差（%s %s）", num(highestLow), num(lowestHigh), num(2*db), d.Unit)
		}
	}
	if d.Hold < 0 || d.Hold > MaxHold {
		bad("hold_s", "延时须在 0–%d 秒之间", int(MaxHold/time.Second))
	}
	if d.StaleAfter < 0 {
		bad("stale_after_s", validation.NotNegative)
	}
	return errs
}

// innerSetPoints are the lowest high and the highest low set point, when
// the sensor has both sides.
func (d *Definition) innerSetPoints() (lowestHigh, highestLow float64, ok bool) {
	hi, lo := d.WarnHigh, d.WarnLow
	if hi == nil {
		hi = d.AlarmHigh
	}
	if lo == nil {
		lo = d.AlarmLow
	}
	if hi == nil || lo == nil {
		return 0, 0, false
	}
	return *hi, *lo, true
}
