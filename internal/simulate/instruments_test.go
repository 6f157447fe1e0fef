package simulate

import (
	"context"
	"testing"
	"time"

	"sitrep/internal/apitest"
	"sitrep/internal/auth"
)

// The simulated leak crosses the detector's set points and raises an
// alarm; the station's wind turns; the detector chosen to fall silent
// stops after a minute.
func TestInstrumentsLeakAndTurningWind(t *testing.T) {
	e := apitest.Start(t)
	feature := func(layer string, props map[string]any) string {
		r := e.Do("POST", "/api/v1/"+layer, auth.Editor, map[string]any{"type": "Feature",
			"geometry": map[string]any{"type": "Point", "coordinates": []float64{87.41, 43.47}}, "properties": props})
		if r.StatusCode != 201 {
			t.Fatalf("%s: %d %s", layer, r.StatusCode, r.Body)
		}
		var f struct{ ID string }
		r.JSON(t, &f)
		return f.ID
	}
	hs := feature("hazard_sources", map[string]any{"name": "液氯库〔测试〕", "enterprise": "县自来水厂〔测试〕", "filing_status": "filed",
		"inventory": []map[string]any{{"chemical": "氯", "max_tonnes": 8}}})
	feature("sensors", map[string]any{"name": "氯气检测器", "hazard_source_id": parseID(hs), "kind": "toxic_gas", "unit": "ppm",
		"range_max": 10, "warn_high": 0.5, "alarm_high": 1, "hold_s": 10})
	feature("sensors", map[string]any{"name": "液位计", "hazard_source_id": parseID(hs), "kind": "tank_level", "unit": "%",
		"range_max": 100, "warn_high": 85})
	feature("weather_stations", map[string]any{"name": "测试气象站"})

	s := New(Config{URL: e.URL, Token: e.Tokens[auth.Admin], Tick: 2 * time.Second, Seed: 3})
	ctx := context.Background()
	in, err := s.loadInstruments(ctx)
	if err != nil || in.leak != 0 || in.silent != 1 || len(in.stations) != 1 {
		t.Fatalf("instruments %+v, %v", in, err)
	}
	base := time.Now().Add(-4 * time.Minute)
	for step := 0; step <= 60; step++ {
		if err := s.tickInstruments(ctx, in, step, base.Add(time.Duration(step)*2*time.Second)); err != nil {
			t.Fatalf("step %d: %v", step, err)
		}
	}
	if n := e.Count(`SELECT count(*) FROM alarms WHERE kind = 'threshold' AND level = 'alarm'`); n != 1 {
		t.Fatalf("%d 二级 alarms from the leak", n)
	}
	if n := e.Count(`SELECT count(*) FROM sensor_readings WHERE sensor_id = $1`, parseID(hs)+1); n > 31 {
		t.Fatalf("the silent detector sent %d readings", n)
	}
	if n := e.Count(`SELECT count(DISTINCT wind_from_deg) FROM weather_observations`); n != 61 {
		t.Fatalf("%d distinct wind directions in 61 observations", n)
	}
}
