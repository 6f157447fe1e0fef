package dispatch

import (
	"math"
	"strings"
	"testing"
	"time"

	"sitrep/internal/api"
	"sitrep/internal/inputtest"
)

// FuzzPositions: no body of POST /positions makes decoding or the batch
// check panic; a refusal is a client problem naming each bad fix member by
// JSON Pointer; an accepted batch holds only fixes the tables take.
func FuzzPositions(f *testing.F) {
	for _, s := range []string{
		`[{"team_id":1,"lon":87.41,"lat":43.47,"observed_at":"2025-06-01T10:00:00+08:00"}]`,
		`[{"team_id":1,"lon":87.41,"lat":43.47,"observed_at":"2025-06-01T02:00:00Z","speed":12.5,"heading":359.9},` +
			`{"team_id":2,"lon":-180,"lat":90,"observed_at":"2025-06-01T02:00:01.123456789Z","speed":0,"heading":0}]`,
		`[{"team_id": 1, "lon": 200, "lat": 43, "observed_at": "2025-01-01T00:00:00Z"}, {"team_id": 0, "lon": 87, "lat": 43}]`,
		`[{"team_id":1,"lon":87,"lat":43,"observed_at":"2099-01-01T00:00:00Z","speed":-1,"heading":360}]`,
		`[]`, `null`, `{}`, `[{}]`, `[null]`, `"x"`, ``, `[`, `[{"team_id":1}] []`,
		`[{"team_id":1e30,"lon":1e400,"lat":-1e400,"observed_at":"2025-06-01T02:00:00Z"}]`,
		`[{"team_id":99999999999999999999,"lon":87,"lat":43,"observed_at":"2025-06-01T02:00:00Z"}]`,
		`[{"team_id":1,"lon":87,"lat":43,"observed_at":"2025-06-01T02:00:00Z","colour":"red"}]`,
		`[{"team_id":1,"lon":87,"lat":43,"observed_at":"2025-06-01T02:00:00\u0000Z"}]`,
		`[{"team_id":1,"lon":87,"lat":43,"observed_at":"0000-01-01T00:00:00-23:59"}]`,
		`[{"team_id":1,"lon":87,"lat":43,"observed_at":"2025-13-01T02:00:00Z"}]`,
		`[{"team_id":1,"lon":"87","lat":43,"observed_at":'2025-06-01T02:00:00Z'}]`,
		"[{\"team_id\":1,\"lon\":87,\"lat\":43,\"observed_at\":\"\xff\"}]",
		strings.Repeat("[", 10001) + strings.Repeat("]", 10001),
		"[" + strings.Repeat("{},", MaxBatch) + "{}]",
	} {
		f.Add([]byte(s))
	}
	now := time.Date(2025, 6, 1, 2, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, body []byte) {
		var fixes []Fix
		err := api.DecodeJSONBytes(body, &fixes)
		if err == nil {
			err = validateFixes(fixes, now)
		}
		if err != nil {
			inputtest.RefusedBody(t, body, err)
			return
		}
		if len(fixes) == 0 || len(fixes) > MaxBatch {
			t.Fatalf("%q: took %d fixes", body, len(fixes))
		}
		for _, x := range fixes {
			finite := func(p *float64) bool { return p == nil || !(math.IsNaN(*p) || math.IsInf(*p, 0)) }
			switch {
			case x.TeamID < 1, x.Lon == nil, x.Lat == nil, !finite(x.Lon), !finite(x.Lat),
				math.Abs(*x.Lon) > 180, math.Abs(*x.Lat) > 90, !finite(x.SpeedMS), !finite(x.HeadingDeg),
				x.ObservedAt.IsZero(), x.ObservedAt.After(now.Add(MaxClockSkew)),
				x.SpeedMS != nil && *x.SpeedMS < 0, x.HeadingDeg != nil && (*x.HeadingDeg < 0 || *x.HeadingDeg >= 360):
				t.Fatalf("%q: took %+v", body, x)
			}
		}
	})
}
