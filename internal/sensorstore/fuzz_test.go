package sensorstore

import (
	"math"
	"strings"
	"testing"
	"time"

	"sitrep/internal/api"
	"sitrep/internal/inputtest"
	"sitrep/sensors"
)

// FuzzReadings: no body of POST /sensor-readings makes decoding or the
// batch check panic; a refusal is a client problem naming each bad reading
// member by JSON Pointer; an accepted batch holds only readings of a known
// sensor, in its unit, finite, inside its range and its kept window.
func FuzzReadings(f *testing.F) {
	for _, s := range []string{
		`{"readings":[{"sensor":1,"at":"2025-06-01T10:00:00+08:00","value":0.3,"unit":"ppm"}]}`,
		`{"readings":[{"sensor":1,"at":"2025-06-01T01:59:00Z","value":10.3,"unit":"ppm"},{"sensor":1,"at":"2025-06-01T01:59:00Z","value":-0.1,"unit":"ppm"}]}`,
		`{"readings":[{"sensor":2,"at":"2025-06-01T02:00:00Z","value":1,"unit":"ppm"}]}`,
		`{"readings":[{"sensor":1,"at":"2025-06-01T02:00:00Z","value":1,"unit":"mg/m3"}]}`,
		`{"readings":[{"sensor":1,"at":"2099-06-01T02:00:00Z","value":1,"unit":"ppm"},{"sensor":1,"value":1,"unit":"ppm"}]}`,
		`{"readings":[{"sensor":1,"at":"1999-06-01T02:00:00Z","value":1e308,"unit":"ppm"}]}`,
		`{"readings":[]}`, `{}`, `null`, `[]`, `{"readings":null}`, `{"readings":[null]}`, ``, `{`,
		`{"readings":[{"sensor":"1","at":"2025-06-01T02:00:00Z","value":"1","unit":1}]}`,
		`{"readings":[{"sensor":1,"at":"2025-06-01T02:00:00Z","value":1,"unit":"ppm","extra":true}]}`,
		`{"readings":[{"sensor":1,"at":"2025-06-01T02:00:00\u0000Z","value":1,"unit":"ppm"}]}`,
		"{\"readings\":[{\"sensor\":1,\"at\":\"2025-06-01T02:00:00Z\",\"value\":1,\"unit\":\"\xff\"}]}",
		`{"readings":[` + strings.Repeat(`{},`, MaxBatch) + `{}]}`,
	} {
		f.Add([]byte(s))
	}
	now := time.Date(2025, 6, 1, 2, 0, 0, 0, time.UTC)
	hi := 1.0
	sens := map[int64]*sensor{1: {id: 1, def: sensors.Definition{Kind: sensors.ToxicGas, Unit: sensors.PPM, RangeMax: 10, WarnHigh: &hi}}}
	f.Fuzz(func(t *testing.T, body []byte) {
		var b batchBody
		err := api.DecodeJSONBytes(body, &b)
		if err == nil {
			err = checkReadings(b.Readings, sens, now, DefaultRetention)
		}
		if err != nil {
			inputtest.RefusedBody(t, body, err)
			return
		}
		if len(b.Readings) == 0 || len(b.Readings) > MaxBatch {
			t.Fatalf("%q: took %d readings", body, len(b.Readings))
		}
		for _, r := range b.Readings {
			if r.Sensor != 1 || r.Unit != "ppm" || math.IsNaN(r.Value) || r.Value < -0.2 || r.Value > 10.4 ||
				r.At.Before(now.Add(-DefaultRetention)) || r.At.After(now.Add(clockSkew)) {
				t.Fatalf("%q: took %+v", body, r)
			}
		}
	})
}
