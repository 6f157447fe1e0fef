package warnings_test

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"sitrep/internal/apitest"
	"sitrep/internal/areas"
	"sitrep/internal/auth"
	"sitrep/internal/journal"
)

// box is a rectangle from (w, s) to (e, n).
func box(w, s, e, n float64) map[string]any {
	return map[string]any{"type": "Polygon", "coordinates": [][][]float64{{{w, s}, {e, s}, {e, n}, {w, n}, {w, s}}}}
}

// The county warns its own territory: an area wholly outside it is refused
// unless the warning is a neighbour's passed on; one across the border says
// so in the feature and the CAP document.
func TestWarningJurisdiction(t *testing.T) {
	e := apitest.Start(t)
	if err := areas.NewStore(e.Pool).Upsert(context.Background(), journal.Actor{Name: "test"}, []areas.Area{{
		Code: "650121", Name: "test county", IsCounty: true,
		Geometry: json.RawMessage(`{"type":"Polygon","coordinates":[[[87.0,43.0],[88.0,43.0],[88.0,44.0],[87.0,44.0],[87.0,43.0]]]}`),
	}}); err != nil {
		t.Fatal(err)
	}
	outside := warningBody("blue")
	outside["area"] = box(86.5, 43.4, 86.6, 43.5)
	p := apitest.ExpectProblem(t, e.Do("POST", "/api/v1/warnings", auth.DutyOfficer, outside), 422)
	if !slices.Equal(apitest.FieldsOf(p), []string{"/area"}) {
		t.Fatalf("fields %v", apitest.FieldsOf(p))
	}
	if n := e.Count(`SELECT count(*) FROM warnings`); n != 0 {
		t.Fatalf("a refused warning left %d rows", n)
	}

	outside["relayed_from"] = "昌吉市应急管理局"
	r := e.Do("POST", "/api/v1/warnings", auth.DutyOfficer, outside)
	if r.StatusCode != 201 {
		t.Fatalf("relayed notice: %d %s", r.StatusCode, r.Body)
	}
	var f struct {
		ID         string
		Properties map[string]any
	}
	r.JSON(t, &f)
	if f.Properties["jurisdiction"] != "outside" || f.Properties["relayed_from"] != "昌吉市应急管理局" {
		t.Fatalf("relayed notice: %v", f.Properties)
	}
	c := string(e.Do("GET", "/api/v1/warnings/"+f.ID+"/cap.xml", auth.Viewer, nil).Body)
	if !strings.Contains(c, "转发昌吉市应急管理局发布的") {
		t.Fatalf("relayed CAP does not say whose it is:\n%s", c)
	}

	across := warningBody("blue")
	across["area"] = box(86.95, 43.4, 87.05, 43.5)
	r = e.Do("POST", "/api/v1/warnings", auth.DutyOfficer, across)
	if r.StatusCode != 201 {
		t.Fatalf("across the border: %d %s", r.StatusCode, r.Body)
	}
	r.JSON(t, &f)
	if f.Properties["jurisdiction"] != "crosses" || f.Properties["crosses_border"] != true {
		t.Fatalf("across the border: %v", f.Properties)
	}
	c = string(e.Do("GET", "/api/v1/warnings/"+f.ID+"/cap.xml", auth.Viewer, nil).Body)
	if !strings.Contains(c, "跨越县界") {
		t.Fatalf("CAP of a warning across the border does not say so:\n%s", c)
	}

	r = e.Do("POST", "/api/v1/warnings", auth.DutyOfficer, warningBody("blue"))
	r.JSON(t, &f)
	if f.Properties["jurisdiction"] != "inside" || f.Properties["crosses_border"] != false {
		t.Fatalf("inside: %v", f.Properties)
	}
	// Moving a warning of the county's wholly outside it is refused too.
	r = e.Do("PUT", "/api/v1/warnings/"+f.ID, auth.DutyOfficer, map[string]any{"level": "blue", "category": "hazardous_chemicals",
		"area": box(86.5, 43.4, 86.6, 43.5), "area_desc": "县外", "onset": warningBody("blue")["onset"], "items": []string{"关闭门窗"}},
		"If-Match", etagOf(e, f.ID))
	if p := apitest.ExpectProblem(t, r, 422); !slices.Equal(apitest.FieldsOf(p), []string{"/area"}) {
		t.Fatalf("fields %v", apitest.FieldsOf(p))
	}
}
