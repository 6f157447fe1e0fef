package sensors

import (
	"slices"
	"time"
)

// Level is how far a value is beyond its set points: none, first stage
// (一级, warning) or second stage (二级, alarm).
type Level int

// The levels.
const (
	Normal  Level = 0
	Warning Level = 1
	Alarm   Level = 2
)

// Code is the level's stable code ("" for normal).
func (l Level) Code() string {
	switch l {
	case Warning:
		return "warning"
	case Alarm:
		return "alarm"
	}
	return ""
}

// LevelCodes lists the level codes.
var LevelCodes = []string{"warning", "alarm"}

// LevelLabel is a level's Chinese name.
func LevelLabel(code string) string {
	switch code {
	case "warning":
		return "一级报警"
	case "alarm":
		return "二级报警"
	}
	return ""
}

// Direction says which side of the normal band a value left by.
type Direction string

// The directions.
const (
	High Direction = "high"
	Low  Direction = "low"
)

// DirectionCodes lists the direction codes.
var DirectionCodes = []string{string(High), string(Low)}

// DirectionLabel is a direction's Chinese name.
func DirectionLabel(code string) string {
	switch Direction(code) {
	case High:
		return "超上限"
	case Low:
		return "低于下限"
	}
	return ""
}

// Condition is where a sensor's value stands: Normal, or a level and the
// side it is on.
type Condition struct {
	Level Level     `json:"level"`
	Dir   Direction `json:"dir,omitempty"`
}

// Reading is one value at one instant.
type Reading struct {
	At    time.Time
	Value float64
}

// State is what the rules remember of a sensor between readings.
type State struct {
	// Condition is the confirmed condition.
	Condition Condition `json:"condition"`
	// PendingHigh[i] and PendingLow[i] are when readings began to reach
	// the level-(i+1) set point without a break (zero: not reached at the
	// last reading). A set point counts once it has been reached for the
	// hold time.
	PendingHigh [2]time.Time `json:"pending_high"`
	PendingLow  [2]time.Time `json:"pending_low"`
	// Last is the newest reading the rules have taken.
	Last time.Time `json:"last"`
}

// Transition is a change of condition, caused by a reading.
type Transition struct {
	From, To Condition
	At       time.Time
	Value    float64
	// SetPoint is the set point of the condition entered, or, on a return
	// to normal, of the condition left.
	SetPoint float64
}

// Evaluate takes readings (in any order) through the rules from st, and
// returns the new state, the transitions in time order, and how many
// readings were late: no newer than the newest already taken (st.Last), so
// ignored by the rules.
func (d *Definition) Evaluate(st State, readings []Reading) (State, []Transition, int) {
	rs := slices.Clone(readings)
	slices.SortStableFunc(rs, func(a, b Reading) int { return a.At.Compare(b.At) })
	var out []Transition
	late := 0
	for _, r := range rs {
		if !st.Last.IsZero() && !r.At.After(st.Last) {
			late++
			continue
		}
		var ts []Transition
		st, ts = d.step(st, r)
		out = append(out, ts...)
	}
	return st, out, late
}

// step takes one reading newer than st.Last.
func (d *Definition) step(st State, r Reading) (State, []Transition) {
	v := r.Value
	reached := func(dir Direction, l Level) bool {
		p := d.setPoint(dir, l)
		if p == nil {
			return false
		}
		if dir == High {
			return v >= *p
		}
		return v <= *p
	}
	// Held within the deadband: the value has not come back past the set
	// point by the deadband.
	db := d.deadband()
	held := func(dir Direction, l Level) bool {
		p := d.setPoint(dir, l)
		if p == nil {
			return false
		}
		if dir == High {
			return v >= *p-db
		}
		return v <= *p+db
	}
	level := func(dir Direction, pending *[2]time.Time) Level {
		out := Normal
		for _, l := range []Level{Warning, Alarm} {
			if reached(dir, l) {
				if pending[l-1].IsZero() {
					pending[l-1] = r.At
				}
				if r.At.Sub(pending[l-1]) >= d.Hold {
					out = l
				}
			} else {
				pending[l-1] = time.Time{}
			}
		}
		if st.Condition.Dir == dir {
			for l := st.Condition.Level; l > out; l-- {
				if held(dir, l) {
					out = l
					break
				}
			}
		}
		return out
	}
	next := st
	next.Last = r.At
	hi, lo := level(High, &next.PendingHigh), level(Low, &next.PendingLow)
	switch {
	case hi > Normal:
		next.Condition = Condition{Level: hi, Dir: High}
	case lo > Normal:
		next.Condition = Condition{Level: lo, Dir: Low}
	default:
		next.Condition = Condition{}
	}
	return next, d.transitions(st.Condition, next.Condition, r)
}

// transitions is the way from one condition to another: a change of level
// on one side is one step; a change of side (a jump from high to low) is
// the old condition clearing and the new one raised.
func (d *Definition) transitions(from, to Condition, r Reading) []Transition {
	if from == to {
		return nil
	}
	t := func(f, t Condition, c Condition) Transition {
		sp := 0.0
		if p := d.setPoint(c.Dir, c.Level); p != nil {
			sp = *p
		}
		return Transition{From: f, To: t, At: r.At, Value: r.Value, SetPoint: sp}
	}
	switch {
	case from.Level == Normal:
		return []Transition{t(from, to, to)}
	case to.Level == Normal:
		return []Transition{t(from, to, from)}
	case from.Dir == to.Dir:
		return []Transition{t(from, to, to)}
	}
	return []Transition{t(from, Condition{}, from), t(Condition{}, to, to)}
}

// Stale reports whether a sensor last heard from at last (its registration
// when it never reported) has been silent longer than its stale time at
// now. A reading stamped a little ahead of now is not silence.
func (d *Definition) Stale(last, now time.Time) bool {
	return now.Sub(last) > d.StaleTime()
}
