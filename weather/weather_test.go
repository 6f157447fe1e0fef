package weather_test

import (
	"errors"
	"slices"
	"testing"
	"time"

	"sitrep/geo/plume"
	"sitrep/weather"
)

func f(v float64) *float64 { return &v }

// The county seat, 板房沟镇.
const lon, lat = 87.41, 43.47

// Stability from a station's readings: wind, cloud and the sun at the place
// and time (Turner; EPA-454/R-99-005 Tables 6-4 to 6-6).
func TestStabilityFromObservations(t *testing.T) {
	noon := time.Date(2025, 6, 21, 6, 10, 0, 0, time.UTC)      // solar noon, sun ≈ 70° up
	midnight := time.Date(2025, 6, 21, 18, 10, 0, 0, time.UTC) // 02:10 北京时间
	tests := []struct {
		name      string
		at        time.Time
		speed     float64
		cloud     *float64
		class     plume.Class
		assumed   bool
		wantOktas float64
	}{
		{"summer noon, clear, light wind: very unstable", noon, 2, f(0), plume.A, false, 0},
		{"summer noon, overcast: neutral", noon, 2, f(8), plume.D, false, 8},
		{"summer noon, strong wind: neutral-ish", noon, 7, f(0), plume.C, false, 0},
		{"clear night, light wind: stable", midnight, 2, f(1), plume.F, false, 1},
		{"overcast night: slightly stable", midnight, 2, f(8), plume.E, false, 8},
		{"windy night: neutral", midnight, 8, f(1), plume.D, false, 1},
		// No cloud observed: the cover that gives the most stable class.
		{"night, cloud not observed: clear sky assumed", midnight, 2, nil, plume.F, true, 0},
		{"noon, cloud not observed: overcast assumed", noon, 2, nil, plume.D, true, 8},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			o := weather.Observation{At: tc.at, WindFromDeg: f(300), WindSpeedMS: f(tc.speed), CloudOktas: tc.cloud}
			got, err := weather.Derive(o, lon, lat, tc.at)
			if err != nil {
				t.Fatal(err)
			}
			if got.Stability.Class != tc.class || got.CloudAssumed != tc.assumed || got.CloudOktas != tc.wantOktas {
				t.Fatalf("class %s (assumed %v, %v oktas), want %s (assumed %v, %v oktas); %+v",
					got.Stability.Class, got.CloudAssumed, got.CloudOktas, tc.class, tc.assumed, tc.wantOktas, got.Stability)
			}
			if got.WindFromDeg != 300 || got.WindSpeedMS != tc.speed {
				t.Fatalf("wind %v/%v", got.WindFromDeg, got.WindSpeedMS)
			}
		})
	}
	if _, err := weather.Derive(weather.Observation{At: noon, TemperatureC: f(20)}, lon, lat, noon); !errors.Is(err, weather.ErrNoWind) {
		t.Fatalf("no wind: %v", err)
	}
}

func TestFresh(t *testing.T) {
	at := time.Date(2025, 6, 21, 6, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		age    time.Duration
		maxAge time.Duration
		want   bool
	}{
		{0, 0, true},
		{29 * time.Minute, 0, true},
		{30 * time.Minute, 0, true},
		{31 * time.Minute, 0, false},
		{31 * time.Minute, time.Hour, true},
		{-time.Minute, 0, true},       // a station clock a little ahead
		{-10 * time.Minute, 0, false}, // the run's future
	} {
		if got := weather.Fresh(at.Add(-c.age), at, c.maxAge); got != c.want {
			t.Errorf("age %s (max %s): fresh %v, want %v", c.age, c.maxAge, got, c.want)
		}
	}
}

func TestCheckObservation(t *testing.T) {
	fields := func(o weather.Observation) []string {
		var out []string
		for _, e := range o.Check() {
			out = append(out, e.Field)
		}
		return out
	}
	if got := fields(weather.Observation{WindFromDeg: f(360), WindSpeedMS: f(0), TemperatureC: f(-41.5), CloudOktas: f(8), PressureHPa: f(880)}); got != nil {
		t.Fatalf("a good observation: %v", got)
	}
	got := fields(weather.Observation{WindFromDeg: f(361), WindSpeedMS: f(-1), TemperatureC: f(70), CloudOktas: f(10), PressureHPa: f(1013e2)})
	if !slices.Equal(got, []string{"wind_from_deg", "wind_speed_ms", "temperature_c", "cloud_oktas", "pressure_hpa"}) {
		t.Fatalf("faults at %v", got)
	}
	if got := fields(weather.Observation{}); !slices.Equal(got, []string{"wind_from_deg"}) {
		t.Fatalf("an empty observation: %v", got)
	}
}
