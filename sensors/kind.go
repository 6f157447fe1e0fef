package sensors

import (
	"fmt"
	"math"
	"slices"
	"strconv"

	"sitrep/internal/validation"
)

// Kind is what a sensor measures.
type Kind string

// The kinds of sensor.
const (
	ToxicGas     Kind = "toxic_gas"
	FlammableGas Kind = "flammable_gas"
	Oxygen       Kind = "oxygen"
	TankLevel    Kind = "tank_level"
	Pressure     Kind = "pressure"
	Temperature  Kind = "temperature"
)

// Unit is the unit a sensor reports in; units keep their symbols.
type Unit string

// The units.
const (
	PPM     Unit = "ppm"
	MgM3    Unit = "mg/m3"
	LEL     Unit = "%LEL"
	VolPct  Unit = "%VOL"
	Metre   Unit = "m"
	Percent Unit = "%"
	KPa     Unit = "kPa"
	MPa     Unit = "MPa"
	DegC    Unit = "degC"
)

type kindSpec struct {
	label string
	units []Unit
	// deadband is the default deadband as a share of the span (ISA-18.2
	// 5.3 / EEMUA 191 recommended deadbands: level 5 %, pressure 2 %,
	// temperature 1 %; analysers 2 %).
	deadband float64
}

var kinds = []Kind{ToxicGas, FlammableGas, Oxygen, TankLevel, Pressure, Temperature}

var kindSpecs = map[Kind]kindSpec{
	ToxicGas:     {"有毒气体", []Unit{PPM, MgM3}, 0.02},
	FlammableGas: {"可燃气体", []Unit{LEL, VolPct}, 0.02},
	Oxygen:       {"氧气含量", []Unit{VolPct}, 0.02},
	TankLevel:    {"储罐液位", []Unit{Metre, Percent}, 0.05},
	Pressure:     {"压力", []Unit{KPa, MPa}, 0.02},
	Temperature:  {"温度", []Unit{DegC}, 0.01},
}

// Kinds lists the kind codes in display order.
func Kinds() []string {
	out := make([]string, len(kinds))
	for i, k := range kinds {
		out[i] = string(k)
	}
	return out
}

// KindLabel is a kind's Chinese name.
func KindLabel(code string) string { return kindSpecs[Kind(code)].label }

type unitSpec struct {
	label string
	// lo, hi bound any measuring range in the unit: what the quantity can
	// physically be, so a range typed in the wrong unit is caught.
	lo, hi float64
}

var units = []Unit{PPM, MgM3, LEL, VolPct, Metre, Percent, KPa, MPa, DegC}

var unitSpecs = map[Unit]unitSpec{
	PPM:     {"ppm（体积分数，百万分之一）", 0, 1e6},
	MgM3:    {"mg/m³（质量浓度）", 0, 1e6},
	LEL:     {"%LEL（爆炸下限的百分数）", 0, 100},
	VolPct:  {"%VOL（体积分数）", 0, 100},
	Metre:   {"m（米）", 0, 100},
	Percent: {"%（罐容百分比）", 0, 100},
	KPa:     {"kPa（千帕，表压）", -101.325, 1e5},
	MPa:     {"MPa（兆帕，表压）", -0.101325, 100},
	DegC:    {"°C（摄氏度）", -273.15, 2000},
}

// Units lists the unit codes.
func Units() []string {
	out := make([]string, len(units))
	for i, u := range units {
		out[i] = string(u)
	}
	return out
}

// UnitLabel is a unit's symbol with its Chinese name.
func UnitLabel(code string) string { return unitSpecs[Unit(code)].label }

// UnitsOf lists the units a kind may report in.
func UnitsOf(k Kind) []Unit { return kindSpecs[k].units }

// DefaultDeadband is the deadband of a definition that states none: the
// kind's share of the measuring span.
func DefaultDeadband(k Kind, rangeMin, rangeMax float64) float64 {
	return kindSpecs[k].deadband * (rangeMax - rangeMin)
}

// NAMUR NE 43: a 4–20 mA transmitter signals a measurement from 3.8 to
// 20.5 mA, that is from 1.25 % of the span below the range to 3.125 %
// above it (saturated at the ends); beyond that it signals a failure.
const (
	ne43Below = 0.2 / 16
	ne43Above = 0.5 / 16
)

// CheckReading checks one reading against the sensor: a finite value in
// the sensor's unit, inside its measuring range as NAMUR NE 43 lets a
// transmitter signal it. It returns the field at fault ("unit" or "value")
// and why, or "" when the reading stands.
func (d *Definition) CheckReading(unit string, value float64) (field, detail string) {
	if Unit(unit) != d.Unit {
		return "unit", fmt.Sprintf("此传感器以 %s 报告，收到 %q；不做单位换算，请检查网关配置", d.Unit, unit)
	}
	if math.IsNaN(value) || math.IsInf(value, 0) {
		return "value", "须为有限的数"
	}
	span := d.RangeMax - d.RangeMin
	if value < d.RangeMin-ne43Below*span || value > d.RangeMax+ne43Above*span {
		return "value", fmt.Sprintf("%s %s 超出量程 %s–%s %s（按 NAMUR NE 43 可至 −1.25%%/+3.125%% 量程）：可能是故障信号或单位错误",
			num(value), d.Unit, num(d.RangeMin), num(d.RangeMax), d.Unit)
	}
	return "", ""
}

func num(f float64) string { return strconv.FormatFloat(f, 'g', 6, 64) }

// checkKind checks kind, unit and range, and names each fault by the
// registry field it is about.
func (d *Definition) checkKind() validation.Errors {
	var errs validation.Errors
	spec, ok := kindSpecs[d.Kind]
	if !ok {
		return append(errs, validation.FieldError{Field: "kind", Detail: validation.OneOf(Kinds(), KindLabel)})
	}
	if !slices.Contains(spec.units, d.Unit) {
		codes := make([]string, len(spec.units))
		for i, u := range spec.units {
			codes[i] = string(u)
		}
		return append(errs, validation.FieldError{Field: "unit", Detail: spec.label + "传感器的单位" + validation.OneOf(codes, UnitLabel)})
	}
	u := unitSpecs[d.Unit]
	if !(d.RangeMin >= u.lo && d.RangeMin <= u.hi) {
		errs = append(errs, validation.FieldError{Field: "range_min", Detail: fmt.Sprintf("以 %s 计须在 %s–%s 之间", d.Unit, num(u.lo), num(u.hi))})
	}
	if !(d.RangeMax >= u.lo && d.RangeMax <= u.hi) {
		errs = append(errs, validation.FieldError{Field: "range_max", Detail: fmt.Sprintf("以 %s 计须在 %s–%s 之间", d.Unit, num(u.lo), num(u.hi))})
	}
	if len(errs) == 0 && !(d.RangeMax > d.RangeMin) {
		errs = append(errs, validation.FieldError{Field: "range_max", Detail: "量程上限须大于下限"})
	}
	return errs
}
