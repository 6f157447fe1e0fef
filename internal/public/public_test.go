package public_test

import (
	"encoding/xml"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"sitrep/internal/apitest"
	"sitrep/internal/auth"
)

func warningBody(level string, drill bool) map[string]any {
	return map[string]any{"level": level, "category": "hazardous_chemicals", "event": "液氨储罐泄漏",
		"area": map[string]any{"type": "Polygon", "coordinates": [][][]float64{{
			{87.40, 43.50}, {87.45, 43.50}, {87.45, 43.53}, {87.40, 43.53}, {87.40, 43.50}}}},
		"area_desc": "板房沟镇东沟村及周边3公里", "drill": drill,
		"onset": time.Now().UTC().Format(time.RFC3339), "items": []string{"关闭门窗", "听从疏散指挥"}}
}

type situation struct {
	Warnings []struct {
		Identifier string `json:"identifier"`
		MsgType    string `json:"msg_type"`
		Level      string `json:"level"`
		Headline   string `json:"headline"`
		CAP        string `json:"cap"`
	} `json:"warnings"`
	Shelters  []map[string]any `json:"shelters"`
	Zones     []map[string]any `json:"zones"`
	Synthetic bool             `json:"synthetic"`
}

// publishZones records an incident (a drill or not), computes its
// protective zones and switches them on; it returns how many.
func publishZones(t *testing.T, e *apitest.Env, drill bool) int {
	t.Helper()
	r := e.Do("POST", "/api/v1/incidents", auth.Dispatcher, map[string]any{"kind": "hazardous_chemicals", "place": "公开测试液氨泄漏",
		"occurred_at": time.Now().Add(-10 * time.Minute).UTC().Format(time.RFC3339), "drill": drill,
		"location": map[string]any{"type": "Point", "coordinates": []float64{87.40, 43.47}}})
	if r.StatusCode != 201 {
		t.Fatalf("incident: %d %s", r.StatusCode, r.Body)
	}
	var inc struct{ ID string }
	r.JSON(t, &inc)
	r = e.Do("POST", "/api/v1/incidents/"+inc.ID+"/zones", auth.Dispatcher, map[string]any{"model": "protective",
		"inputs": map[string]any{"key": "ammonia", "case": "large", "windFromDeg": 300}})
	if r.StatusCode != 201 {
		t.Fatalf("zones: %d %s", r.StatusCode, r.Body)
	}
	var run struct {
		Features []struct {
			ID         string
			Properties struct{ Version int }
		}
	}
	r.JSON(t, &run)
	for _, z := range run.Features {
		if r := e.Do("PATCH", "/api/v1/zones/"+z.ID, auth.Dispatcher, map[string]any{"active": true},
			"If-Match", `"`+strconv.Itoa(z.Properties.Version)+`"`); r.StatusCode != 200 {
			t.Fatalf("activate zone: %d %s", r.StatusCode, r.Body)
		}
	}
	return len(run.Features)
}

// waitFor polls the public situation, with no credentials, until ok holds;
// the snapshot follows the live stream, which follows the commit.
func waitFor(t *testing.T, e *apitest.Env, what string, ok func(situation) bool) situation {
	t.Helper()
	var s situation
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		r := e.Do("GET", "/public/situation.json", "", nil)
		if r.StatusCode != 200 {
			t.Fatalf("situation: %d %s", r.StatusCode, r.Body)
		}
		s = situation{}
		r.JSON(t, &s)
		if ok(s) {
			return s
		}
	}
	t.Fatalf("public situation never showed %s: %+v", what, s)
	return s
}

// The public page's data needs no login, carries real warnings and open
// shelters with free places, and nothing internal: no drills, no phone
// numbers, no teams.
func TestPublicSituation(t *testing.T) {
	e := apitest.Start(t)
	waitFor(t, e, "an empty start", func(s situation) bool { return len(s.Warnings) == 0 })

	if r := e.Do("POST", "/api/v1/warnings", auth.DutyOfficer, warningBody("blue", true)); r.StatusCode != 201 {
		t.Fatalf("drill: %d %s", r.StatusCode, r.Body)
	}
	if r := e.Do("POST", "/api/v1/warnings", auth.DutyOfficer, warningBody("yellow", false)); r.StatusCode != 201 {
		t.Fatalf("warning: %d %s", r.StatusCode, r.Body)
	}
	shelter := map[string]any{"type": "Feature", "geometry": map[string]any{"type": "Point", "coordinates": []float64{87.41, 43.47}},
		"properties": map[string]any{"name": "县第一中学操场", "class": "emergency", "capacity": 500, "status": "open", "occupancy": 120,
			"facilities": []string{"water"}, "contact_phone": "13900000000"}}
	if r := e.Do("POST", "/api/v1/shelters", auth.Editor, shelter); r.StatusCode != 201 {
		t.Fatalf("shelter: %d %s", r.StatusCode, r.Body)
	}
	team := map[string]any{"type": "Feature", "geometry": map[string]any{"type": "Point", "coordinates": []float64{87.41, 43.47}},
		"properties": map[string]any{"name": "县消防救援大队", "kind": "fire", "members": 20, "contact_phone": "13800000000"}}
	e.Do("POST", "/api/v1/rescue_teams", auth.Editor, team)

	publishZones(t, e, true)
	real := publishZones(t, e, false)

	s := waitFor(t, e, "the warning, the shelter and the zones", func(s situation) bool {
		return len(s.Warnings) > 0 && len(s.Shelters) > 0 && len(s.Zones) > 0
	})
	if len(s.Zones) != real {
		t.Fatalf("%d zones, want the real incident's %d (no drill's)", len(s.Zones), real)
	}
	if len(s.Warnings) != 1 || s.Warnings[0].Level != "yellow" {
		t.Fatalf("want the one real warning (no drill): %+v", s.Warnings)
	}
	if s.Shelters[0]["free"] != float64(380) || s.Shelters[0]["name"] != "县第一中学操场" {
		t.Fatalf("shelter: %v", s.Shelters[0])
	}
	r := e.Do("GET", "/public/situation.json", "", nil)
	for _, secret := range []string{"13900000000", "13800000000", "县消防救援大队", "演练", "contact_phone", "issued_by"} {
		if strings.Contains(string(r.Body), secret) {
			t.Fatalf("public situation holds %q:\n%s", secret, r.Body)
		}
	}
	if r.Header.Get("ETag") == "" || !strings.HasPrefix(r.Header.Get("Cache-Control"), "public") {
		t.Fatalf("caching headers: %v", r.Header)
	}
	if again := e.Do("GET", "/public/situation.json", "", nil, "If-None-Match", r.Header.Get("ETag")); again.StatusCode != 304 || len(again.Body) != 0 {
		t.Fatalf("If-None-Match: %d %s", again.StatusCode, again.Body)
	}

	// Real shelters only: not demo data. A made-up shelter opens: the page
	// is told it shows demo data.
	if s.Synthetic {
		t.Fatal("real shelters reported as demo data")
	}
	demo := map[string]any{"type": "Feature", "geometry": map[string]any{"type": "Point", "coordinates": []float64{87.42, 43.48}},
		"properties": map[string]any{"name": "演示避难场所〔演示〕", "class": "emergency", "capacity": 100, "status": "open", "occupancy": 0, "synthetic": true}}
	if r := e.Do("POST", "/api/v1/shelters", auth.Editor, demo); r.StatusCode != 201 {
		t.Fatalf("demo shelter: %d %s", r.StatusCode, r.Body)
	}
	waitFor(t, e, "the demo-data flag", func(s situation) bool { return s.Synthetic })
}

type feed struct {
	Entries []struct {
		ID    string `xml:"id"`
		Title string `xml:"title"`
		Link  struct {
			Href string `xml:"href,attr"`
		} `xml:"link"`
	} `xml:"entry"`
}

// The CAP feed carries each real warning's current message, its Update
// and its Cancel as they come, each linking a CAP document; the feed
// validates against RFC 4287's schema and every document against the
// OASIS CAP 1.2 schema; ETag and If-None-Match work on both.
func TestCAPFeed(t *testing.T) {
	xmllint, err := exec.LookPath("xmllint")
	if err != nil {
		t.Fatal("xmllint not found: install Debian package libxml2-utils")
	}
	rng, _ := filepath.Abs(filepath.Join("testdata", "atom.rng"))
	xsd, _ := filepath.Abs(filepath.Join("..", "warnings", "testdata", "CAP-v1.2.xsd"))
	validate := func(schemaFlag, schema string, body []byte) {
		t.Helper()
		path := filepath.Join(t.TempDir(), "doc.xml")
		if err := os.WriteFile(path, body, 0o600); err != nil {
			t.Fatal(err)
		}
		if out, err := exec.Command(xmllint, "--noout", "--nonet", schemaFlag, schema, path).CombinedOutput(); err != nil {
			t.Fatalf("does not validate against %s: %v\n%s\n%s", filepath.Base(schema), err, out, body)
		}
	}
	e := apitest.Start(t)
	readFeed := func(want string) (feed, []byte) {
		t.Helper()
		for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
			r := e.Do("GET", "/public/warnings.atom", "", nil)
			if r.StatusCode != 200 || !strings.HasPrefix(r.Header.Get("Content-Type"), "application/atom+xml") {
				t.Fatalf("feed: %d %s %s", r.StatusCode, r.Header.Get("Content-Type"), r.Body)
			}
			if strings.Contains(string(r.Body), want) {
				var f feed
				if err := xml.Unmarshal(r.Body, &f); err != nil {
					t.Fatal(err)
				}
				validate("--relaxng", rng, r.Body)
				if nm := e.Do("GET", "/public/warnings.atom", "", nil, "If-None-Match", r.Header.Get("ETag")); nm.StatusCode != 304 {
					t.Fatalf("feed If-None-Match: %d", nm.StatusCode)
				}
				return f, r.Body
			}
		}
		t.Fatalf("feed never held %q", want)
		return feed{}, nil
	}
	empty, _ := readFeed("<feed")
	if len(empty.Entries) != 0 {
		t.Fatalf("entries before any warning: %+v", empty.Entries)
	}

	r := e.Do("POST", "/api/v1/warnings", auth.DutyOfficer, warningBody("blue", false))
	if r.StatusCode != 201 {
		t.Fatalf("%d %s", r.StatusCode, r.Body)
	}
	var w struct {
		ID         string
		Properties struct{ Identifier string }
	}
	r.JSON(t, &w)
	first := w.Properties.Identifier
	readFeed(first)
	r = e.Do("PUT", "/api/v1/warnings/"+w.ID, auth.DutyOfficer, warningBody("yellow", false), "If-Match", r.Header.Get("ETag"))
	if r.StatusCode != 200 {
		t.Fatalf("adjust: %d %s", r.StatusCode, r.Body)
	}
	r.JSON(t, &w)
	f, _ := readFeed(w.Properties.Identifier)
	if len(f.Entries) != 1 {
		t.Fatalf("after the adjust: %d entries, want the Update alone", len(f.Entries))
	}
	capDoc := func(href, msgType string) {
		t.Helper()
		r := e.Do("GET", href, "", nil)
		if r.StatusCode != 200 || !strings.HasPrefix(r.Header.Get("Content-Type"), "application/cap+xml") {
			t.Fatalf("%s: %d %s", href, r.StatusCode, r.Body)
		}
		validate("--schema", xsd, r.Body)
		if !strings.Contains(string(r.Body), "<msgType>"+msgType+"</msgType>") || !strings.Contains(string(r.Body), ","+first+",") {
			t.Fatalf("%s: want a %s referencing %s:\n%s", href, msgType, first, r.Body)
		}
		if nm := e.Do("GET", href, "", nil, "If-None-Match", r.Header.Get("ETag")); nm.StatusCode != 304 {
			t.Fatalf("CAP If-None-Match: %d", nm.StatusCode)
		}
	}
	capDoc(f.Entries[0].Link.Href, "Update")

	r = e.Do("POST", "/api/v1/warnings/"+w.ID+"/lift", auth.DutyOfficer, map[string]any{}, "If-Match", r.Header.Get("ETag"))
	if r.StatusCode != 200 {
		t.Fatalf("lift: %d %s", r.StatusCode, r.Body)
	}
	r.JSON(t, &w)
	f, _ = readFeed(w.Properties.Identifier)
	if len(f.Entries) != 1 {
		t.Fatalf("after the lift: %d entries, want the Cancel alone", len(f.Entries))
	}
	capDoc(f.Entries[0].Link.Href, "Cancel")
	apitest.ExpectProblem(t, e.Do("GET", "/public/cap/"+first+".xml", "", nil), 404)

	// The public page itself needs no login either.
	if r := e.Do("GET", "/public/", "", nil); r.StatusCode != 200 || !strings.Contains(string(r.Body), "<html") {
		t.Fatalf("public page: %d", r.StatusCode)
	}
}
