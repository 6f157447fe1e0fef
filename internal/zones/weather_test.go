package zones_test

import (
	"context"
	"testing"
	"time"

	"sitrep/internal/apitest"
	"sitrep/internal/auth"
)

// A zone run asked to take the weather from a station takes it from the
// nearest one with a fresh observation, says which, derives the stability
// from its wind and cloud and the sun, and a value the person gives
// overrides the station's.
func TestWeatherFromNearestFreshStation(t *testing.T) {
	e := apitest.Start(t)
	ctx := context.Background()
	// 1 km away but its newest observation is two hours old; 5 km away and
	// fresh; 20 km away and fresh.
	for _, s := range []struct {
		name     string
		lon      float64
		age      time.Duration
		from, ms float64
	}{{"近站（旧观测）", source[0] + 0.012, 2 * time.Hour, 10, 1}, {"五公里站", source[0] + 0.062, 10 * time.Minute, 300, 2}, {"远站", source[0] + 0.25, 5 * time.Minute, 90, 6}} {
		if _, err := e.Pool.Exec(ctx, `WITH s AS (INSERT INTO weather_stations (geom, name) VALUES (ST_SetSRID(ST_MakePoint($1, $2), 4326), $3) RETURNING id)
			INSERT INTO weather_observations (station_id, observed_at, wind_from_deg, wind_speed_ms) SELECT id, $4, $5, $6 FROM s`,
			s.lon, source[1], s.name, midnight.Add(-s.age), s.from, s.ms); err != nil {
			t.Fatal(err)
		}
	}
	in := plumeInputs(0, midnight)
	in["source"] = []float64{source[0], source[1]}
	for _, k := range []string{"windFromDeg", "windSpeedMS", "cloudOktas"} {
		delete(in, k)
	}
	var got struct {
		Inputs  map[string]any `json:"inputs"`
		Result  struct{ Stability struct{ Class string } }
		Weather struct {
			StationName string   `json:"station_name"`
			Filled      []string `json:"filled"`
			Derived     struct {
				CloudAssumed bool `json:"cloudAssumed"`
			} `json:"derived"`
		} `json:"weather"`
	}
	r := e.Do("POST", "/api/v1/zones/what-if", auth.DutyOfficer, map[string]any{"model": "plume", "weather": "station", "inputs": in})
	if r.StatusCode != 201 {
		t.Fatalf("%d %s", r.StatusCode, r.Body)
	}
	r.JSON(t, &got)
	if got.Weather.StationName != "五公里站" || len(got.Weather.Filled) != 3 || got.Inputs["windFromDeg"] != 300.0 || got.Inputs["windSpeedMS"] != 2.0 {
		t.Fatalf("weather %+v, inputs %v", got.Weather, got.Inputs)
	}
	// A clear night with a light wind is stable (F): the station gave no
	// cloud, so the most stable cover is assumed, and said so.
	if got.Result.Stability.Class != "F" || !got.Weather.Derived.CloudAssumed {
		t.Fatalf("stability %s, cloud assumed %v", got.Result.Stability.Class, got.Weather.Derived.CloudAssumed)
	}
	if n := e.Count(`SELECT count(*) FROM zone_runs WHERE weather ->> 'station_name' = '五公里站'`); n != 1 {
		t.Fatal("the run's record does not say where its wind came from")
	}

	// The person's wind direction overrides the station's.
	in["windFromDeg"] = 45
	r = e.Do("POST", "/api/v1/zones/what-if", auth.DutyOfficer, map[string]any{"model": "plume", "weather": "station", "inputs": in})
	if r.StatusCode != 201 {
		t.Fatalf("%d %s", r.StatusCode, r.Body)
	}
	r.JSON(t, &got)
	if got.Inputs["windFromDeg"] != 45.0 || len(got.Weather.Filled) != 2 {
		t.Fatalf("override: weather %+v, inputs %v", got.Weather, got.Inputs)
	}

	// No station within reach; a model without wind.
	in["source"] = []float64{source[0] - 1, source[1]}
	p := apitest.ExpectProblem(t, e.Do("POST", "/api/v1/zones/what-if", auth.DutyOfficer, map[string]any{"model": "plume", "weather": "station", "inputs": in}), 422)
	expectField(t, p, "/weather")
	p = apitest.ExpectProblem(t, e.Do("POST", "/api/v1/zones/what-if", auth.DutyOfficer, map[string]any{"model": "explosion", "weather": "station",
		"inputs": map[string]any{"substance": "propane", "tntMassKg": 1000, "source": []float64{source[0], source[1]}}}), 422)
	expectField(t, p, "/weather")
}

func expectField(t *testing.T, p map[string]any, field string) {
	t.Helper()
	errs, _ := p["errors"].([]any)
	for _, e := range errs {
		if e.(map[string]any)["field"] == field {
			return
		}
	}
	t.Fatalf("no fault at %s: %v", field, p)
}
