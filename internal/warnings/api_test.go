package warnings_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"sitrep/internal/apitest"
	"sitrep/internal/auth"
	"sitrep/internal/journal"
	"sitrep/internal/pgtest"
	"sitrep/internal/warnings"
)

func square() map[string]any {
	return map[string]any{"type": "Polygon", "coordinates": [][][]float64{{
		{87.40, 43.50}, {87.45, 43.50}, {87.45, 43.53}, {87.40, 43.53}, {87.40, 43.50}}}}
}

func warningBody(level string) map[string]any {
	return map[string]any{"level": level, "category": "hazardous_chemicals", "event": "液氨储罐泄漏",
		"area": square(), "area_desc": "板房沟镇东沟村及周边3公里",
		"onset": time.Now().UTC().Format(time.RFC3339), "items": []string{"关闭门窗", "听从疏散指挥"}}
}

type wfeature struct {
	ID         string `json:"id"`
	Properties struct {
		Identifier string `json:"identifier"`
		Level      string `json:"level"`
		Status     string `json:"status"`
		MsgType    string `json:"msg_type"`
		Drill      bool   `json:"drill"`
		Label      string `json:"label"`
	} `json:"properties"`
}

var identifier = regexp.MustCompile(`^650121000000\d{2}_\d{14}_\d$`)

// Plan 3.2.2 through the API: a duty officer cannot issue orange, nor raise
// yellow to orange; a commander can; refusals store nothing.
func TestWarningRoles(t *testing.T) {
	e := apitest.Start(t)
	r := e.Do("POST", "/api/v1/warnings", auth.DutyOfficer, warningBody("orange"))
	p := apitest.ExpectProblem(t, r, 403)
	if !slices.Equal(apitest.FieldsOf(p), []string{"/level"}) {
		t.Fatalf("fields %v", apitest.FieldsOf(p))
	}
	// Even with a broken body, the role is what the caller hears about.
	bad := warningBody("red")
	delete(bad, "items")
	apitest.ExpectProblem(t, e.Do("POST", "/api/v1/warnings", auth.DutyOfficer, bad), 403)
	apitest.ExpectProblem(t, e.Do("POST", "/api/v1/warnings", auth.Dispatcher, warningBody("blue")), 403)
	if n := e.Count(`SELECT count(*) FROM warnings`) + e.Count(`SELECT count(*) FROM audit_log WHERE entity = 'warnings'`); n != 0 {
		t.Fatalf("refused issues left %d rows", n)
	}

	r = e.Do("POST", "/api/v1/warnings", auth.DutyOfficer, warningBody("yellow"))
	if r.StatusCode != 201 || r.Header.Get("Content-Type") != "application/geo+json" {
		t.Fatalf("%d %s", r.StatusCode, r.Body)
	}
	var w wfeature
	r.JSON(t, &w)
	if !identifier.MatchString(w.Properties.Identifier) || w.Properties.MsgType != "Alert" {
		t.Fatalf("issued %+v", w.Properties)
	}
	r = e.Do("PUT", "/api/v1/warnings/"+w.ID, auth.DutyOfficer, warningBody("orange"), "If-Match", etagOf(e, w.ID))
	if p := apitest.ExpectProblem(t, r, 403); !slices.Equal(apitest.FieldsOf(p), []string{"/level"}) {
		t.Fatalf("fields %v", apitest.FieldsOf(p))
	}
	if n := e.Count(`SELECT count(*) FROM warning_versions WHERE warning_id = $1`, w.ID); n != 1 {
		t.Fatalf("%d versions after a refused adjust", n)
	}
	r = e.Do("PUT", "/api/v1/warnings/"+w.ID, auth.Commander, warningBody("orange"), "If-Match", etagOf(e, w.ID))
	if r.StatusCode != 200 {
		t.Fatalf("%d %s", r.StatusCode, r.Body)
	}
	var adj wfeature
	r.JSON(t, &adj)
	if adj.Properties.Level != "orange" || adj.Properties.MsgType != "Update" || adj.ID != w.ID {
		t.Fatalf("adjusted %+v", adj)
	}
	// Lifting an orange warning needs a commander too.
	apitest.ExpectProblem(t, e.Do("POST", "/api/v1/warnings/"+w.ID+"/lift", auth.DutyOfficer, map[string]any{}, "If-Match", etagOf(e, w.ID)), 403)
	r = e.Do("POST", "/api/v1/warnings/"+w.ID+"/lift", auth.Commander, map[string]any{"reason": "泄漏已控制"}, "If-Match", etagOf(e, w.ID))
	if r.StatusCode != 200 {
		t.Fatalf("%d %s", r.StatusCode, r.Body)
	}
	apitest.ExpectProblem(t, e.Do("POST", "/api/v1/warnings/"+w.ID+"/lift", auth.Commander, map[string]any{}, "If-Match", etagOf(e, w.ID)), 409)
	var hist struct {
		Features []wfeature `json:"features"`
	}
	e.Do("GET", "/api/v1/warnings/"+w.ID+"/history", auth.Viewer, nil).JSON(t, &hist)
	var got []string
	for _, f := range hist.Features {
		got = append(got, f.Properties.MsgType+":"+f.Properties.Status)
	}
	if want := []string{"Alert:adjusted", "Update:lifted", "Cancel:lifted"}; !slices.Equal(got, want) {
		t.Fatalf("history %v, want %v", got, want)
	}
	var active struct {
		Type     string     `json:"type"`
		Features []wfeature `json:"features"`
	}
	e.Do("GET", "/api/v1/warnings", auth.Viewer, nil).JSON(t, &active)
	if active.Type != "FeatureCollection" || len(active.Features) != 0 {
		t.Fatalf("active after lift: %+v", active)
	}
	if n := e.Count(`SELECT count(*) FROM events WHERE topic = 'warnings'`); n != 3 {
		t.Fatalf("%d warning events, want 3", n)
	}
}

// CAP from the API validates against the OASIS CAP 1.2 schema.
func TestCAPFromAPIValidates(t *testing.T) {
	xmllint, err := exec.LookPath("xmllint")
	if err != nil {
		t.Fatal("xmllint not found: install Debian package libxml2-utils")
	}
	e := apitest.Start(t)
	body := warningBody("blue")
	body["drill"] = true
	body["area"] = map[string]any{"type": "MultiPolygon", "coordinates": [][][][]float64{
		{{{87.40, 43.50}, {87.45, 43.50}, {87.45, 43.53}, {87.40, 43.50}}},
		{{{87.50, 43.50}, {87.55, 43.50}, {87.55, 43.53}, {87.50, 43.50}}}}}
	r := e.Do("POST", "/api/v1/warnings", auth.DutyOfficer, body)
	if r.StatusCode != 201 {
		t.Fatalf("%d %s", r.StatusCode, r.Body)
	}
	var w wfeature
	r.JSON(t, &w)
	if !w.Properties.Drill || !strings.HasPrefix(w.Properties.Label, "【演练】") {
		t.Fatalf("drill not marked: %+v", w.Properties)
	}
	e.Do("PUT", "/api/v1/warnings/"+w.ID, auth.DutyOfficer, warningBody("yellow"), "If-Match", etagOf(e, w.ID)) // drill kept when omitted
	e.Do("POST", "/api/v1/warnings/"+w.ID+"/lift", auth.DutyOfficer, map[string]any{}, "If-Match", etagOf(e, w.ID))
	var hist struct {
		Features []wfeature `json:"features"`
	}
	e.Do("GET", "/api/v1/warnings/"+w.ID+"/history", auth.Viewer, nil).JSON(t, &hist)
	if len(hist.Features) != 3 {
		t.Fatalf("%d versions", len(hist.Features))
	}
	xsd, _ := filepath.Abs(filepath.Join("testdata", "CAP-v1.2.xsd"))
	for _, v := range hist.Features {
		r := e.Do("GET", "/api/v1/warnings/"+w.ID+"/cap.xml?identifier="+v.Properties.Identifier, auth.Viewer, nil)
		if r.StatusCode != 200 || !strings.HasPrefix(r.Header.Get("Content-Type"), "application/cap+xml") {
			t.Fatalf("%d %s %s", r.StatusCode, r.Header.Get("Content-Type"), r.Body)
		}
		if !strings.Contains(string(r.Body), "<status>Exercise</status>") || !strings.Contains(string(r.Body), "43.5,87.4") {
			t.Fatalf("not a drill in lat,lon order:\n%s", r.Body)
		}
		path := filepath.Join(t.TempDir(), "cap.xml")
		if err := os.WriteFile(path, r.Body, 0o600); err != nil {
			t.Fatal(err)
		}
		if out, err := exec.Command(xmllint, "--noout", "--nonet", "--schema", xsd, path).CombinedOutput(); err != nil {
			t.Fatalf("%s does not validate: %v\n%s\n%s", v.Properties.MsgType, err, out, r.Body)
		}
	}
	if n := e.Count(`SELECT count(*) FROM events WHERE topic = 'warnings' AND drill AND (data->'properties'->>'drill')::boolean`); n != 3 {
		t.Fatalf("%d drill-marked events, want 3", n)
	}
}

// Bad input is a problem naming each field, and stores nothing.
func TestWarningBadInput(t *testing.T) {
	e := apitest.Start(t)
	b := warningBody("purple")
	b["area"] = map[string]any{"type": "Polygon", "coordinates": [][][]float64{{{87.4, 43.5}, {87.5, 43.5}, {87.5, 43.6}}}}
	delete(b, "onset")
	p := apitest.ExpectProblem(t, e.Do("POST", "/api/v1/warnings", auth.Commander, b), 422)
	got := apitest.FieldsOf(p)
	for _, want := range []string{"/level", "/onset"} {
		if !slices.Contains(got, want) {
			t.Errorf("fields %v lack %s", got, want)
		}
	}
	b = warningBody("yellow")
	b["area"] = map[string]any{"type": "Polygon", "coordinates": [][][]float64{{{87.4, 43.5}, {87.5, 43.5}, {87.5, 43.6}}}}
	b["items"] = []string{}
	p = apitest.ExpectProblem(t, e.Do("POST", "/api/v1/warnings", auth.Commander, b), 422)
	got = apitest.FieldsOf(p)
	slices.Sort(got)
	if want := []string{"/area/coordinates/0", "/items"}; !slices.Equal(got, want) {
		t.Fatalf("fields %v, want %v", got, want)
	}
	b = warningBody("yellow")
	b["area"] = map[string]any{"type": "Polygon", "coordinates": [][][]float64{{{87, 43}, {88, 44}, {88, 43}, {87, 44}, {87, 43}}}}
	p = apitest.ExpectProblem(t, e.Do("POST", "/api/v1/warnings", auth.Commander, b), 422)
	if !slices.Equal(apitest.FieldsOf(p), []string{"/area"}) {
		t.Fatalf("bowtie: %v", apitest.FieldsOf(p))
	}
	b = warningBody("yellow")
	b["colour"] = "yellow"
	p = apitest.ExpectProblem(t, e.Do("POST", "/api/v1/warnings", auth.Commander, b), 400)
	if !slices.Equal(apitest.FieldsOf(p), []string{"/colour"}) {
		t.Fatalf("unknown field: %v", apitest.FieldsOf(p))
	}
	if n := e.Count(`SELECT count(*) FROM warnings`) + e.Count(`SELECT count(*) FROM warning_identifier_seq`); n != 0 {
		t.Fatalf("bad input left %d rows", n)
	}
}

// Warnings issued in the same second get sequence numbers 0, 1, …
func TestIdentifierSequencePerSecond(t *testing.T) {
	pool := pgtest.New(t)
	s := warnings.NewStore(pool)
	at := time.Date(2025, 6, 1, 2, 0, 0, 0, time.UTC)
	s.Now = func() time.Time { return at }
	w := warnings.Warning{Level: warnings.Blue, Category: "gas", AreaDesc: "某小区",
		Area:  warnings.Area{{{87.4, 43.5}, {87.5, 43.5}, {87.5, 43.6}, {87.4, 43.5}}},
		Onset: at, Items: []string{"注意"}, Authority: warnings.AuthorityOffice}
	var ids []string
	for i := 0; i < 3; i++ {
		f, err := s.Issue(context.Background(), journal.Actor{Name: "test"}, "duty_officer", w, nil)
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, f.Properties["identifier"].(string))
	}
	want := []string{"65012100000000_20250601100000_0", "65012100000000_20250601100000_1", "65012100000000_20250601100000_2"}
	if !slices.Equal(ids, want) {
		t.Fatalf("identifiers %v, want %v", ids, want)
	}
}

// etagOf reads the current version's ETag, as a client would before a change.
func etagOf(e *apitest.Env, id string) string {
	e.T.Helper()
	r := e.Do("GET", "/api/v1/warnings/"+id, auth.Viewer, nil)
	if r.StatusCode != 200 || r.Header.Get("ETag") == "" {
		e.T.Fatalf("GET warning %s: %d, ETag %q", id, r.StatusCode, r.Header.Get("ETag"))
	}
	return r.Header.Get("ETag")
}

// Two duty officers editing the same warning: the second, made from the old
// version, is refused (412) instead of silently replacing the first.
func TestAdjustAndLiftNeedTheCurrentVersion(t *testing.T) {
	e := apitest.Start(t)
	r := e.Do("POST", "/api/v1/warnings", auth.DutyOfficer, warningBody("blue"))
	if r.StatusCode != 201 {
		t.Fatalf("%d %s", r.StatusCode, r.Body)
	}
	var w wfeature
	r.JSON(t, &w)
	first := r.Header.Get("ETag")
	if first == "" || first != etagOf(e, w.ID) {
		t.Fatalf("issue ETag %q, GET ETag %q", first, etagOf(e, w.ID))
	}
	p := apitest.ExpectProblem(t, e.Do("PUT", "/api/v1/warnings/"+w.ID, auth.DutyOfficer, warningBody("yellow")), 428)
	if !slices.Equal(apitest.FieldsOf(p), []string{"If-Match"}) {
		t.Fatalf("fields %v", apitest.FieldsOf(p))
	}
	if r := e.Do("PUT", "/api/v1/warnings/"+w.ID, auth.DutyOfficer, warningBody("yellow"), "If-Match", first); r.StatusCode != 200 {
		t.Fatalf("first adjust: %d %s", r.StatusCode, r.Body)
	}
	apitest.ExpectProblem(t, e.Do("PUT", "/api/v1/warnings/"+w.ID, auth.DutyOfficer, warningBody("blue"), "If-Match", first), 412)
	apitest.ExpectProblem(t, e.Do("POST", "/api/v1/warnings/"+w.ID+"/lift", auth.DutyOfficer, map[string]any{}, "If-Match", first), 412)
	if n := e.Count(`SELECT count(*) FROM warning_versions WHERE warning_id = $1`, w.ID); n != 2 {
		t.Fatalf("%d versions, want 2 (issue and the one adjust)", n)
	}
}
