package layers_test

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"sitrep/internal/apitest"
	"sitrep/internal/auth"
)

// The sensitive-site import runs set-based (registry/import_bulk.go): each
// bad row must still get what a POST of that row alone gets, field by
// field and word for word, for the checks that need the database too
// (PostGIS validity, swapped coordinates, a code already stored).
func TestImportChecksEachRowAsAPostWould(t *testing.T) {
	e := apitest.Start(t)
	loadTestCounty(t, e)
	site := func(code string, geom any) map[string]any {
		return feature(geom, map[string]any{"code": code, "name": "点" + code, "kind": "school"})
	}
	create(t, e, "sensitive_sites", site("STORED", point(seatLon, seatLat)))
	bowtie := map[string]any{"type": "Polygon", "coordinates": [][][]float64{{{87.40, 43.47}, {87.41, 43.48}, {87.41, 43.47}, {87.40, 43.48}, {87.40, 43.47}}}}
	rows := []map[string]any{
		site("OK-0", point(seatLon, seatLat)),
		site("BOWTIE", bowtie),
		site("SWAPPED", point(seatLat, seatLon)), // [lat, lon]
		site("STORED", point(seatLon+0.01, seatLat)),
		site("OK-0", point(seatLon+0.02, seatLat)), // the code of row 0
		feature(point(seatLon, seatLat), map[string]any{"code": "BAD-KIND", "name": "甲", "kind": "castle"}),
		site("OK-6", square(300, 100)),
	}
	stored := e.Count(`SELECT count(*) FROM sensitive_sites`)
	rep := okImport(t, e, "sensitive_sites", "application/geo+json", collection(rows), "?dry_run=true")
	if rep.Rows != 7 || rep.Valid != 2 || rep.Created != 0 || len(rep.Errors) != 5 {
		t.Fatalf("report %+v", rep)
	}
	// Rows 1, 2, 3 and 5 alone, as POSTs: the import names the same field
	// (under /features/i) with the same words.
	byRow := map[int][]rowError{}
	for _, re := range rep.Errors {
		byRow[re.Row] = append(byRow[re.Row], re)
	}
	for _, i := range []int{1, 2, 3, 5} {
		r := e.Do("POST", "/api/v1/sensitive_sites", auth.Editor, rows[i])
		if r.StatusCode != 409 && r.StatusCode != 422 {
			t.Fatalf("row %d posted alone: %d %s", i, r.StatusCode, r.Body)
		}
		var p struct {
			Errors []struct{ Field, Detail string }
		}
		r.JSON(t, &p)
		var want, got []string
		for _, fe := range p.Errors {
			want = append(want, fmt.Sprintf("/features/%d%s %s", i, fe.Field, fe.Detail))
		}
		for _, re := range byRow[i] {
			got = append(got, re.Field+" "+re.Detail)
		}
		if len(want) == 0 || !reflect.DeepEqual(got, want) {
			t.Errorf("row %d\n import %q\n POST   %q", i, got, want)
		}
	}
	if dup := byRow[4]; len(dup) != 1 || dup[0].Field != "/features/4/properties/code" || !strings.Contains(dup[0].Detail, "第 2 行") {
		t.Errorf("in-file duplicate: %+v", dup)
	}
	if n := e.Count(`SELECT count(*) FROM sensitive_sites`); n != stored {
		t.Fatalf("a dry run stored %d sites", n-stored)
	}

	// The good rows alone go in whole.
	rep = okImport(t, e, "sensitive_sites", "application/geo+json", collection([]map[string]any{rows[0], rows[6]}), "")
	if rep.Created != 2 || len(rep.Errors) != 0 {
		t.Fatalf("good rows: %+v", rep)
	}
}

// What an import stores is what POSTing its rows one by one stores: the
// features, their history, their audit rows and their live events, ids in
// file order. Sites (points, polygons, a typed township) and teams (a
// point property, a line list, tags, a timestamp).
func TestImportStoresWhatPostsStore(t *testing.T) {
	teams := make([]map[string]any, 30)
	for i := range teams {
		teams[i] = feature(point(seatLon+float64(i)*0.001, seatLat), map[string]any{
			"code": fmt.Sprintf("T%02d", i), "name": fmt.Sprintf("队伍 %d", i), "kind": "fire_rescue", "headcount": 10 + i,
			"status": "available", "capabilities": []string{"hazmat", "rope_rescue"},
			"equipment":     []map[string]any{{"item": "水罐车", "quantity": 2, "unit": "辆"}},
			"last_position": point(seatLon, seatLat+float64(i)*0.001), "observed_at": "2026-05-01T08:00:00+08:00",
		})
	}
	// The sites are more than MaxImportEvents: audited in the database and
	// streamed as one reload, so their events are not compared; the teams
	// are streamed one create each.
	for _, c := range []struct {
		layer    string
		features []map[string]any
		events   string
	}{{"sensitive_sites", siteFeatures(250), "reload"}, {"rescue_teams", teams, "per-feature"}} {
		imported, posted := apitest.Start(t), apitest.Start(t)
		loadTestCounty(t, imported)
		loadTestCounty(t, posted)
		if rep := okImport(t, imported, c.layer, "application/geo+json", collection(c.features), ""); rep.Created != len(c.features) || rep.Events != c.events {
			t.Fatalf("%s: %+v", c.layer, rep)
		}
		for _, f := range c.features {
			create(t, posted, c.layer, f)
		}
		withEvents := c.events == "per-feature"
		if got, want := storedRows(t, imported, c.layer, withEvents), storedRows(t, posted, c.layer, withEvents); !reflect.DeepEqual(got, want) {
			for i := range min(len(got), len(want)) {
				if got[i] != want[i] {
					t.Fatalf("%s: imported and posted differ, first at %d:\nimported %s\nposted   %s", c.layer, i, got[i], want[i])
				}
			}
			t.Fatalf("%s: %d rows imported, %d posted", c.layer, len(got), len(want))
		}
	}
}

// storedRows lists, in id order, each feature of the layer, its history,
// its audit row and (withEvents) its live event, without what differs
// between two databases (ids, times, sequence numbers).
func storedRows(t *testing.T, e *apitest.Env, layer string, withEvents bool) []string {
	t.Helper()
	rows, err := e.Pool.Query(context.Background(), `
		SELECT 'history ' || h.version || ' ' || h.action || ' ' || h.actor_name || ' ' || (h.feature - 'id' #- '{properties,updated_at}')::text,
			'audit ' || a.action || ' ' || a.actor_name || ' ' || coalesce(a.actor_id::text, '-') || ' ' || (a.after - 'id' #- '{properties,updated_at}')::text,
			'event ' || coalesce(ev.action || ' ' || (ev.data - 'id' #- '{properties,updated_at}')::text, '-')
		FROM registry_history h
		JOIN audit_log a ON a.entity = h.layer AND a.entity_id = h.feature_id::text
		LEFT JOIN events ev ON $2 AND ev.topic = h.layer AND ev.entity_id = h.feature_id::text
		WHERE h.layer = $1 ORDER BY h.feature_id, h.version`, layer, withEvents)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var h, a, ev string
		if err := rows.Scan(&h, &a, &ev); err != nil {
			t.Fatal(err)
		}
		out = append(out, h, a, ev)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	// The audit rows, in their own order, name the features in id order.
	var audited string
	if err := e.Pool.QueryRow(context.Background(), `SELECT coalesce(json_agg(a.after->'properties'->>'code' ORDER BY a.id), '[]')::text
		FROM audit_log a WHERE a.entity = $1 AND a.action = 'create'`, layer).Scan(&audited); err != nil {
		t.Fatal(err)
	}
	out = append(out, "audited: "+audited)
	// Ids follow the file: the codes come out in the order they went in.
	var ordered string
	if err := e.Pool.QueryRow(context.Background(), `SELECT coalesce(json_agg(h.feature->'properties'->>'code' ORDER BY h.feature_id), '[]')::text
		FROM registry_history h WHERE h.layer = $1`, layer).Scan(&ordered); err != nil {
		t.Fatal(err)
	}
	var codes []string
	if err := json.Unmarshal([]byte(ordered), &codes); err != nil {
		t.Fatal(err)
	}
	return append(out, "codes in id order: "+strings.Join(codes, ","))
}

// A constraint the set-based checks do not know refuses the set-based
// insert as a whole; the import then runs row by row and names the row,
// and stores nothing.
func TestImportNamesTheRowAConstraintRefuses(t *testing.T) {
	e := apitest.Start(t)
	loadTestCounty(t, e)
	if _, err := e.Pool.Exec(context.Background(), `ALTER TABLE sensitive_sites ADD CONSTRAINT test_no_castles CHECK (name <> '城堡')`); err != nil {
		t.Fatal(err)
	}
	features := siteFeatures(50)
	features[37]["properties"].(map[string]any)["name"] = "城堡"
	rep := okImport(t, e, "sensitive_sites", "application/geo+json", collection(features), "?dry_run=true")
	if got := errorsAt(rep.Errors); !reflect.DeepEqual(got, []string{"39:37:/features/37/properties"}) || !strings.Contains(rep.Errors[0].Detail, "test_no_castles") {
		t.Fatalf("errors %+v", rep.Errors)
	}
	if rep.Valid != 49 {
		t.Fatalf("report %+v", rep)
	}
	if n := e.Count(`SELECT count(*) FROM sensitive_sites`); n != 0 {
		t.Fatalf("%d stored", n)
	}
}
