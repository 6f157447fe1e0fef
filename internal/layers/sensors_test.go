package layers_test

import (
	"context"
	"log/slog"
	"net/http"
	"os"
	"strings"
	"testing"

	"sitrep/internal/apitest"
	"sitrep/internal/auth"
)

func sensorProps(hs string, more map[string]any) map[string]any {
	p := map[string]any{"code": "GT-101", "name": "液氯库有毒气体检测器", "hazard_source_id": hs,
		"kind": "toxic_gas", "unit": "ppm", "range_max": 10, "warn_high": 0.5, "alarm_high": 1, "hold_s": 10}
	for k, v := range more {
		p[k] = v
	}
	return p
}

// A sensor belongs to a hazard source: its definition is checked by the
// rules (unit of its kind, set points in order), its hazard source must
// exist, and a hazard source with sensors cannot be deleted.
func TestSensorLayer(t *testing.T) {
	e := apitest.StartLogged(t, slog.New(slog.NewTextHandler(os.Stderr, nil)))
	hs := create(t, e, "hazard_sources", feature(point(seatLon, seatLat), hazardProps(line("氯", 10))))
	s := create(t, e, "sensors", feature(point(seatLon+0.0001, seatLat), sensorProps(hs.ID, nil)))
	if p := props(t, e, "sensors", s.ID); p["kind"] != "toxic_gas" {
		t.Fatalf("stored %v", p)
	}
	for _, c := range []struct {
		more  map[string]any
		field string
	}{
		{map[string]any{"code": "GT-102", "unit": "%LEL"}, "/properties/unit"},
		{map[string]any{"code": "GT-103", "alarm_high": 0.2}, "/properties/alarm_high"},
		{map[string]any{"code": "GT-104", "hazard_source_id": 999999}, "/properties/hazard_source_id"},
		{map[string]any{"code": "GT-105", "kind": "smoke"}, "/properties/kind"},
	} {
		r := e.Do("POST", "/api/v1/sensors", auth.Editor, feature(point(seatLon, seatLat), sensorProps(hs.ID, c.more)))
		if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(string(r.Body), `"field":"`+c.field+`"`) {
			t.Errorf("%v: %d %s", c.more, r.StatusCode, r.Body)
		}
	}
	if n := e.Count(`SELECT count(*) FROM sensors`); n != 1 {
		t.Fatalf("%d sensors after refusals", n)
	}
	// An open alarm closes when the sensor is taken out of service.
	if _, err := e.Pool.Exec(context.Background(), `INSERT INTO alarms (sensor_id, hazard_source_id, kind, level, message, raised_at, changed_at)
		VALUES ($1, $2, 'stale', 'warning', '失联', now(), now())`, s.ID, hs.ID); err != nil {
		t.Fatal(err)
	}
	r := e.Do("PATCH", "/api/v1/sensors/"+s.ID, auth.Editor, map[string]any{"properties": map[string]any{"out_of_service": true}}, "If-Match", s.ETag)
	if r.StatusCode != http.StatusOK || e.Count(`SELECT count(*) FROM alarms WHERE cleared_at IS NULL`) != 0 ||
		e.Count(`SELECT count(*) FROM events WHERE topic = 'alarms' AND action = 'clear'`) != 1 {
		t.Fatalf("out of service: %d %s; open alarms %d", r.StatusCode, r.Body, e.Count(`SELECT count(*) FROM alarms WHERE cleared_at IS NULL`))
	}
	r = e.Do("DELETE", "/api/v1/hazard_sources/"+hs.ID, auth.Editor, nil, "If-Match", hs.ETag)
	if r.StatusCode != http.StatusConflict || !strings.Contains(string(r.Body), "监测传感器") {
		t.Fatalf("delete a hazard source with sensors: %d %s", r.StatusCode, r.Body)
	}
}
