package incidentstore

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"sitrep/incidents"
	"sitrep/internal/api"
	"sitrep/internal/inputtest"
)

// incidentBodies are bodies of POST and PATCH /incidents, good and broken.
var incidentBodies = []string{
	`{"kind":"hazardous_chemicals","place":"板房沟镇某化工厂","occurred_at":"2025-06-01T09:00:00+08:00",` +
		`"reported_at":"2025-06-01T09:10:00+08:00","location":{"type":"Point","coordinates":[87.4,43.5]}}`,
	`{"kind":"fire","place":"x","occurred_at":"2025-06-01T01:00:00Z","drill":true,"township":"板房沟镇","unit":"某厂",` +
		`"casualties":{"deaths":3,"serious_injuries":12,"trapped":1,"missing":0,"endangered":40,"evacuated":200,"direct_loss_yuan":15000000},` +
		`"other_risk_reason":"周边有学校","area":{"type":"MultiPolygon","coordinates":[[[[87,43],[88,43],[88,44],[87,43]]]]}}`,
	`{"kind":"meteor","occurred_at":"yesterday","location":{"type":"Point","coordinates":[200,43]},` +
		`"area":{"type":"Polygon","coordinates":[[[87,43],[88,43],[88,44]]]}}`,
	`{"kind":"fire","place":"x","occurred_at":"2025-06-01T01:00:00Z","location":{"type":"Point","coordinates":[87.4,43.5,900]}}`,
	`{"kind":"fire","place":"x","occurred_at":"2025-06-01T01:00:00Z","location":{"type":"GeometryCollection","geometries":[]}}`,
	`{"kind":"fire","place":"x","occurred_at":"2099-06-01T01:00:00Z","reported_at":"2025-06-01T00:00:00Z"}`,
	`{"kind":"fire","place":"x","occurred_at":"2025-06-01T01:00:00Z","casualties":{"deaths":-1,"trapped":99999999999}}`,
	`{"kind":"fire","place":"x","occurred_at":"2025-06-01T01:00:00Z","casualties":{"direct_loss_yuan":1e30}}`,
	`{"kind":"fire","place":"a\u0000b","occurred_at":"2025-06-01T01:00:00Z"}`,
	"{\"kind\":\"fire\",\"place\":\"\xff\xfe\",\"occurred_at\":\"2025-06-01T01:00:00Z\"}",
	`{"kind":"fire","place":'x'}`, `{"kind":"fire","colour":"red"}`, `{"occurred_at":null,"location":null,"area":null}`,
	`{}`, `null`, `[]`, ``, `{"area":` + strings.Repeat("[", 10001) + strings.Repeat("]", 10001) + `}`,
}

// fuzzNow is the clock of the fuzzed checks.
var fuzzNow = time.Date(2025, 6, 1, 2, 0, 0, 0, time.UTC)

// FuzzIncidentBody: no body of a create (POST) or edit (PATCH) makes the
// handlers' decoding and checks panic; a refusal is a client problem
// naming fields by JSON Pointer; what is accepted keeps the location and
// area as sent and counts the rules allow.
func FuzzIncidentBody(f *testing.F) {
	for _, s := range incidentBodies {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		var sent struct {
			Location json.RawMessage `json:"location"`
			Area     json.RawMessage `json:"area"`
		}
		in, err := fuzzCreate(body)
		if err != nil {
			inputtest.RefusedBody(t, body, err)
		} else {
			_ = json.Unmarshal(body, &sent)
			checkGeometry(t, body, sent.Location, in.Location)
			checkGeometry(t, body, sent.Area, in.Area)
			if in.OccurredAt.IsZero() || in.OccurredAt.After(fuzzNow.Add(time.Minute)) || in.ReportedAt.Before(in.OccurredAt) {
				t.Fatalf("%q: occurred %v, reported %v", body, in.OccurredAt, in.ReportedAt)
			}
			if err := in.Casualties.Validate(); err != nil {
				t.Fatalf("%q: %v", body, err)
			}
		}
		p, err := fuzzPatch(body)
		if err != nil {
			inputtest.RefusedBody(t, body, err)
			return
		}
		_ = json.Unmarshal(body, &sent)
		checkGeometry(t, body, sent.Location, p.Location)
		checkGeometry(t, body, sent.Area, p.Area)
		if p.OccurredAt != nil && p.OccurredAt.IsZero() {
			t.Fatalf("%q: occurred_at cleared", body)
		}
	})
}

// checkGeometry fails t unless got, made of the geometry sent, keeps it.
func checkGeometry(t *testing.T, body, sent json.RawMessage, got *string) {
	t.Helper()
	if got == nil {
		if len(sent) > 0 && string(sent) != "null" {
			t.Fatalf("%q: geometry %s accepted and dropped", body, sent)
		}
		return
	}
	inputtest.SameGeometry(t, body, sent, *got)
}

// fuzzCreate does what the create handler and Store.Create do with a body
// before the database, every error as the handler returns it.
func fuzzCreate(body []byte) (NewIncident, error) {
	var b createBody
	if err := api.DecodeJSONBytes(body, &b); err != nil {
		return NewIncident{}, err
	}
	in, err := b.input()
	if err != nil {
		return NewIncident{}, err
	}
	if _, err := in.incident(fuzzNow); err != nil {
		return NewIncident{}, problemOf(err)
	}
	return in, nil
}

// fuzzPatch does what the update handler and Store.Update do with a body
// before the database.
func fuzzPatch(body []byte) (Patch, error) {
	var b patchBody
	if err := api.DecodeJSONBytes(body, &b); err != nil {
		return Patch{}, err
	}
	p, err := b.patch()
	if err != nil {
		return Patch{}, err
	}
	// As Store.Update revises a stored incident with the new counts.
	rec := incidents.Incident{Kind: incidents.Fire, Place: "板房沟镇", OccurredAt: fuzzNow.Add(-time.Hour)}
	if err := rec.Revise(p.Casualties.Apply(rec.Casualties), rec.Exposure, "", fuzzNow); err != nil {
		return Patch{}, problemOf(err)
	}
	return p, nil
}
