package weatherstore

import (
	"math"
	"strings"
	"testing"
	"time"

	"sitrep/internal/api"
	"sitrep/internal/inputtest"
)

// FuzzObservations: no body of POST /weather-observations makes decoding or
// the batch check panic; a refusal names each bad member by JSON Pointer;
// an accepted batch holds only observations of a known station, in the
// kept window, each value finite and in its range.
func FuzzObservations(f *testing.F) {
	for _, s := range []string{
		`{"observations":[{"station":1,"observed_at":"2025-06-21T14:00:00+08:00","wind_from_deg":300,"wind_speed_ms":3.2,"cloud_oktas":2}]}`,
		`{"observations":[{"station":1,"observed_at":"2025-06-21T05:50:00Z","wind_from_deg":361,"wind_speed_ms":-1,"temperature_c":70,"cloud_oktas":10,"pressure_hpa":101300}]}`,
		`{"observations":[{"station":2,"observed_at":"2025-06-21T05:50:00Z","temperature_c":20}]}`,
		`{"observations":[{"station":1,"observed_at":"2025-06-21T05:50:00Z"}]}`,
		`{"observations":[{"station":1,"wind_from_deg":null,"wind_speed_ms":1e400}]}`,
		`{"observations":[]}`, `{}`, `null`, `[]`, `{"observations":[null]}`, ``, `{`,
		`{"observations":[{"station":1,"observed_at":"2025-06-21T05:50:00Z","pressure_hpa":880,"humidity":40}]}`,
		`{"observations":[` + strings.Repeat(`{},`, MaxBatch) + `{}]}`,
	} {
		f.Add([]byte(s))
	}
	now := time.Date(2025, 6, 21, 6, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, body []byte) {
		var b batchBody
		err := api.DecodeJSONBytes(body, &b)
		if err == nil {
			err = checkObservations(b.Observations, []int64{1}, now)
		}
		if err != nil {
			inputtest.RefusedBody(t, body, err)
			return
		}
		for _, o := range b.Observations {
			in := func(p *float64, lo, hi float64) bool { return p == nil || (!math.IsNaN(*p) && *p >= lo && *p <= hi) }
			if o.Station != 1 || o.At.IsZero() || o.At.After(now.Add(clockSkew)) || !in(o.WindFromDeg, 0, 360) ||
				!in(o.WindSpeedMS, 0, 75) || !in(o.CloudOktas, 0, 8) || !in(o.TemperatureC, -60, 60) || !in(o.PressureHPa, 400, 1100) {
				t.Fatalf("%q: took %+v", body, o)
			}
		}
	})
}
