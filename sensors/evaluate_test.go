package sensors_test

import (
	"testing"
	"time"

	"sitrep/sensors"
)

func f(v float64) *float64 { return &v }

var t0 = time.Date(2025, 6, 1, 2, 0, 0, 0, time.UTC)

// at builds readings every 10 s from t0: values[i] at t0 + 10·i s.
func at(values ...float64) []sensors.Reading {
	out := make([]sensors.Reading, len(values))
	for i, v := range values {
		out[i] = sensors.Reading{At: t0.Add(time.Duration(i) * 10 * time.Second), Value: v}
	}
	return out
}

// chlorine is a chlorine detector, 0–10 ppm, 一级 0.5 ppm, 二级 1 ppm,
// 20 s hold, 0.1 ppm deadband.
func chlorine() *sensors.Definition {
	return &sensors.Definition{Kind: sensors.ToxicGas, Unit: sensors.PPM, RangeMin: 0, RangeMax: 10,
		WarnHigh: f(0.5), AlarmHigh: f(1), Hold: 20 * time.Second, Deadband: f(0.1)}
}

type step struct {
	from, to string // "", "warning/high", …
}

func cond(c sensors.Condition) string {
	if c.Level == sensors.Normal {
		return ""
	}
	return c.Level.Code() + "/" + string(c.Dir)
}

func TestThresholdsWithHoldAndHysteresis(t *testing.T) {
	oxygen := &sensors.Definition{Kind: sensors.Oxygen, Unit: sensors.VolPct, RangeMin: 0, RangeMax: 30,
		WarnLow: f(19.5), AlarmLow: f(18), WarnHigh: f(23.5), Deadband: f(0.2)}
	tests := []struct {
		name  string
		def   *sensors.Definition
		vals  []float64
		want  []step
		final string
	}{
		{"below the set point: nothing", chlorine(), []float64{0.1, 0.3, 0.49, 0.2}, nil, ""},
		// Reached at 10 s, still at 30 s: held 20 s → raised at 30 s.
		{"held for the hold time: raised", chlorine(), []float64{0.2, 0.6, 0.7, 0.6}, []step{{"", "warning/high"}}, "warning/high"},
		{"the set point itself counts", chlorine(), []float64{0.5, 0.5, 0.5}, []step{{"", "warning/high"}}, "warning/high"},
		{"a spike shorter than the hold: nothing", chlorine(), []float64{0.2, 0.9, 0.9, 0.3, 0.9, 0.9, 0.2}, nil, ""},
		{"a dip restarts the hold", chlorine(), []float64{0.6, 0.6, 0.4, 0.6, 0.6, 0.6}, []step{{"", "warning/high"}}, "warning/high"},
		{"straight past both set points: 二级 at once", chlorine(), []float64{0.1, 2, 2, 2}, []step{{"", "alarm/high"}}, "alarm/high"},
		{"escalates once 二级 is held", chlorine(), []float64{0.6, 0.6, 0.6, 1.2, 1.2, 1.2}, []step{{"", "warning/high"}, {"warning/high", "alarm/high"}}, "alarm/high"},
		// Hovering at the line: 0.45 is inside the 0.1 deadband, so the
		// alarm stays; 0.39 is past it, so it clears.
		{"hovering inside the deadband: no flapping", chlorine(), []float64{0.6, 0.6, 0.6, 0.45, 0.52, 0.41, 0.5, 0.45, 0.42}, []step{{"", "warning/high"}}, "warning/high"},
		{"clears past the deadband", chlorine(), []float64{0.6, 0.6, 0.6, 0.45, 0.39}, []step{{"", "warning/high"}, {"warning/high", ""}}, ""},
		{"steps down from 二级 past its deadband", chlorine(), []float64{1.5, 1.5, 1.5, 0.95, 0.85, 0.3}, []step{{"", "alarm/high"}, {"alarm/high", "warning/high"}, {"warning/high", ""}}, ""},
		{"zero hold: at once", func() *sensors.Definition { d := chlorine(); d.Hold = 0; return d }(), []float64{0.6, 0.2}, []step{{"", "warning/high"}, {"warning/high", ""}}, ""},
		{"low side: oxygen deficiency", oxygen, []float64{20.9, 19.4, 17.9, 18.1, 19.6, 19.8}, []step{{"", "warning/low"}, {"warning/low", "alarm/low"}, {"alarm/low", "warning/low"}, {"warning/low", ""}}, ""},
		{"a jump across: one clears, the other is raised", oxygen, []float64{24, 17}, []step{{"", "warning/high"}, {"warning/high", ""}, {"", "alarm/low"}}, "alarm/low"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			st, ts, late := tc.def.Evaluate(sensors.State{}, at(tc.vals...))
			if late != 0 {
				t.Fatalf("%d late", late)
			}
			var got []step
			for _, tr := range ts {
				got = append(got, step{cond(tr.From), cond(tr.To)})
			}
			if len(got) != len(tc.want) {
				t.Fatalf("transitions %v, want %v", got, tc.want)
			}
			for i := range got {
				if got[i] != tc.want[i] {
					t.Fatalf("transitions %v, want %v", got, tc.want)
				}
			}
			if cond(st.Condition) != tc.final {
				t.Fatalf("final %q, want %q", cond(st.Condition), tc.final)
			}
		})
	}
}

// The same readings give the same alarm however the batches split them
// and in whatever order each batch lists them; a reading older than what
// the rules took is late and changes nothing.
func TestReadingsInBatchesAndOutOfOrder(t *testing.T) {
	d := chlorine()
	rs := at(0.2, 0.6, 0.7, 0.8, 1.1, 1.2, 1.3, 0.3)
	whole, wantTS, _ := d.Evaluate(sensors.State{}, rs)

	reversed := []sensors.Reading{rs[7], rs[6], rs[5], rs[4], rs[3], rs[2], rs[1], rs[0]}
	st, ts, late := d.Evaluate(sensors.State{}, reversed)
	if late != 0 || cond(st.Condition) != cond(whole.Condition) || len(ts) != len(wantTS) {
		t.Fatalf("reversed: %v late %d, want %v", ts, late, wantTS)
	}

	st = sensors.State{}
	var all []sensors.Transition
	for _, b := range [][]sensors.Reading{{rs[1], rs[0]}, {rs[3], rs[2], rs[4]}, {rs[7], rs[5], rs[6]}} {
		var ts []sensors.Transition
		st, ts, _ = d.Evaluate(st, b)
		all = append(all, ts...)
	}
	if len(all) != len(wantTS) || cond(st.Condition) != cond(whole.Condition) {
		t.Fatalf("in batches: %v, want %v", all, wantTS)
	}
	for i := range all {
		if all[i].At != wantTS[i].At || cond(all[i].To) != cond(wantTS[i].To) {
			t.Fatalf("in batches: %v, want %v", all, wantTS)
		}
	}

	// A late batch (a gateway catching up) is kept by the caller, not
	// evaluated: the spike it holds is history, not the present.
	st2, ts, late := d.Evaluate(st, []sensors.Reading{{At: t0.Add(15 * time.Second), Value: 9}, rs[7]})
	if late != 2 || len(ts) != 0 || st2 != st {
		t.Fatalf("late batch: %d late, %v, state changed %v", late, ts, st2 != st)
	}
}

func TestStale(t *testing.T) {
	d := chlorine()
	d.StaleAfter = 2 * time.Minute
	for _, c := range []struct {
		since time.Duration
		want  bool
	}{{0, false}, {-30 * time.Second, false}, {2 * time.Minute, false}, {2*time.Minute + time.Second, true}, {time.Hour, true}} {
		if got := d.Stale(t0, t0.Add(c.since)); got != c.want {
			t.Errorf("silent %s: stale %v, want %v", c.since, got, c.want)
		}
	}
	var none sensors.Definition
	if none.StaleTime() != sensors.DefaultStaleAfter {
		t.Fatal("no stale time: the default")
	}
}
