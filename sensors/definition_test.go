package sensors_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"sitrep/sensors"
)

func TestCheckReading(t *testing.T) {
	d := chlorine()
	for _, c := range []struct {
		unit  string
		value float64
		field string
	}{
		{"ppm", 0.3, ""},
		{"ppm", 10, ""},
		{"ppm", 10.3, ""},  // NE 43: up to +3.125 % of the span
		{"ppm", -0.12, ""}, // and −1.25 % below
		{"ppm", 10.4, "value"},
		{"ppm", -0.2, "value"},
		{"mg/m3", 0.3, "unit"}, // no silent conversion
		{"PPM", 0.3, "unit"},
		{"", 0.3, "unit"},
	} {
		field, detail := d.CheckReading(c.unit, c.value)
		if field != c.field {
			t.Errorf("%s %v: field %q (%s), want %q", c.unit, c.value, field, detail, c.field)
		}
		if field != "" && !strings.ContainsAny(detail, "量程单位") {
			t.Errorf("%s %v: detail %q", c.unit, c.value, detail)
		}
	}
}

func TestCheckDefinition(t *testing.T) {
	ok := func(d *sensors.Definition) *sensors.Definition { return d }
	tests := []struct {
		name   string
		def    *sensors.Definition
		fields []string
	}{
		{"chlorine detector", chlorine(), nil},
		{"flammable in %LEL, 20/40 (GB/T 50493)", ok(&sensors.Definition{Kind: sensors.FlammableGas, Unit: sensors.LEL, RangeMax: 100, WarnHigh: f(20), AlarmHigh: f(40)}), nil},
		{"unknown kind", &sensors.Definition{Kind: "smoke", Unit: sensors.PPM, RangeMax: 1, WarnHigh: f(0.5)}, []string{"kind"}},
		{"unit of another kind", &sensors.Definition{Kind: sensors.FlammableGas, Unit: sensors.PPM, RangeMax: 100, WarnHigh: f(20)}, []string{"unit"}},
		{"a range the unit cannot hold", &sensors.Definition{Kind: sensors.FlammableGas, Unit: sensors.LEL, RangeMax: 200, WarnHigh: f(20)}, []string{"range_max"}},
		{"range upside down", &sensors.Definition{Kind: sensors.Pressure, Unit: sensors.MPa, RangeMin: 2, RangeMax: 1, WarnHigh: f(1.5)}, []string{"range_max"}},
		{"no set point", &sensors.Definition{Kind: sensors.ToxicGas, Unit: sensors.PPM, RangeMax: 10}, []string{"warn_high"}},
		{"set point outside the range", &sensors.Definition{Kind: sensors.ToxicGas, Unit: sensors.PPM, RangeMax: 10, WarnHigh: f(1), AlarmHigh: f(20)}, []string{"alarm_high"}},
		{"二级 below 一级", &sensors.Definition{Kind: sensors.ToxicGas, Unit: sensors.PPM, RangeMax: 10, WarnHigh: f(2), AlarmHigh: f(1)}, []string{"alarm_high"}},
		{"二级 low above 一级 low", &sensors.Definition{Kind: sensors.Oxygen, Unit: sensors.VolPct, RangeMax: 30, WarnLow: f(18), AlarmLow: f(19.5)}, []string{"alarm_low"}},
		{"highs and lows overlap through the deadband", &sensors.Definition{Kind: sensors.Oxygen, Unit: sensors.VolPct, RangeMax: 30, WarnLow: f(19.5), WarnHigh: f(20), Deadband: f(0.5)}, []string{"warn_low"}},
		{"deadband of half the span", &sensors.Definition{Kind: sensors.ToxicGas, Unit: sensors.PPM, RangeMax: 10, WarnHigh: f(1), Deadband: f(5)}, []string{"deadband"}},
		{"hold of an hour", &sensors.Definition{Kind: sensors.ToxicGas, Unit: sensors.PPM, RangeMax: 10, WarnHigh: f(1), Hold: time.Hour}, []string{"hold_s"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			for _, e := range tc.def.Check() {
				got = append(got, e.Field)
				if e.Detail == "" {
					t.Errorf("%s: no detail", e.Field)
				}
			}
			if !slices.Equal(got, tc.fields) {
				t.Fatalf("faults at %v, want %v (%v)", got, tc.fields, tc.def.Check())
			}
		})
	}
}

// Every kind and unit has a Chinese name; every kind's units exist.
func TestLabels(t *testing.T) {
	for _, k := range sensors.Kinds() {
		if sensors.KindLabel(k) == "" {
			t.Errorf("kind %s has no label", k)
		}
		for _, u := range sensors.UnitsOf(sensors.Kind(k)) {
			if !slices.Contains(sensors.Units(), string(u)) {
				t.Errorf("kind %s: unit %s not listed", k, u)
			}
		}
	}
	for _, u := range sensors.Units() {
		if sensors.UnitLabel(u) == "" {
			t.Errorf("unit %s has no label", u)
		}
	}
	for _, l := range sensors.LevelCodes {
		if sensors.LevelLabel(l) == "" {
			t.Errorf("level %s has no label", l)
		}
	}
}
