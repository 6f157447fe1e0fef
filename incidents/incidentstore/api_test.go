package incidentstore_test

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"sitrep/internal/apitest"
	"sitrep/internal/areas"
	"sitrep/internal/auth"
	"sitrep/internal/journal"
)

type feature struct {
	ID         string `json:"id"`
	Geometry   json.RawMessage
	Properties struct {
		Label         string  `json:"label"`
		Drill         bool    `json:"drill"`
		Grade         string  `json:"grade"`
		AtRisk        bool    `json:"at_risk"`
		OutsideCounty *bool   `json:"outside_county"`
		State         string  `json:"state"`
		Level         *string `json:"level"`
		Version       int     `json:"version"`
		RiskFlags     []struct {
			Criterion string `json:"criterion"`
			Reason    string `json:"reason"`
		} `json:"risk_flags"`
		Deadlines []struct {
			Key     string `json:"key"`
			DueBJ   string `json:"due_beijing"`
			Overdue bool   `json:"overdue"`
		} `json:"deadlines"`
		FirstRecipient struct{ ID, Name string } `json:"first_recipient"`
		Lead           struct{ ID, Name string } `json:"lead"`
		Escalation     []struct {
			Tier string `json:"tier"`
		} `json:"escalation"`
		Response *struct {
			Level  string `json:"level"`
			Lead   struct{ ID string }
			Groups []struct {
				ID    string
				Leads []struct{ ID, Name string }
			} `json:"groups"`
			Checklist []struct {
				ID     string     `json:"id"`
				Status string     `json:"status"`
				By     string     `json:"by"`
				At     *time.Time `json:"at"`
			} `json:"checklist"`
		} `json:"response"`
	} `json:"properties"`
}

func create(t *testing.T, e *apitest.Env, body map[string]any) feature {
	t.Helper()
	base := map[string]any{"kind": "hazardous_chemicals", "place": "板房沟镇某化工厂",
		"occurred_at": time.Now().Add(-time.Hour).UTC().Format(time.RFC3339),
		"reported_at": time.Now().Add(-50 * time.Minute).UTC().Format(time.RFC3339),
		"location":    map[string]any{"type": "Point", "coordinates": []float64{87.4, 43.5}}}
	for k, v := range body {
		base[k] = v
	}
	r := e.Do("POST", "/api/v1/incidents", auth.DutyOfficer, base)
	if r.StatusCode != 201 {
		t.Fatalf("create: %d %s", r.StatusCode, r.Body)
	}
	var f feature
	r.JSON(t, &f)
	return f
}

func get(t *testing.T, e *apitest.Env, id string) feature {
	t.Helper()
	r := e.Do("GET", "/api/v1/incidents/"+id, auth.Viewer, nil)
	if r.StatusCode != 200 {
		t.Fatalf("get: %d %s", r.StatusCode, r.Body)
	}
	var f feature
	r.JSON(t, &f)
	return f
}

func move(t *testing.T, e *apitest.Env, id string, body map[string]any, want int) feature {
	t.Helper()
	if _, ok := body["reason"]; !ok {
		body["reason"] = "测试"
	}
	r := e.Do("POST", "/api/v1/incidents/"+id+"/transitions", auth.Admin, body)
	if r.StatusCode != want {
		t.Fatalf("transition %v: %d, want %d: %s", body, r.StatusCode, want, r.Body)
	}
	var f feature
	if want == 200 {
		r.JSON(t, &f)
	}
	return f
}

var allChecks = map[string]any{"people_rescued": true, "scene_controlled": true,
	"environment_within_standards": true, "secondary_hazards_removed": true, "proposed_by": "现场指挥部"}

// Every transition the lifecycle forbids is refused with 409 and leaves the
// incident, its timeline and the audit trail as they were.
func TestForbiddenTransitionsThroughAPI(t *testing.T) {
	e := apitest.Start(t)
	targets := map[string]map[string]any{
		"verified":   {"state": "verified"},
		"active":     {"state": "active", "level": "II"},
		"suspended":  {"state": "suspended"},
		"terminated": {"state": "terminated", "termination": allChecks},
		"closed":     {"state": "closed"},
	}
	// How to reach each state from reported.
	paths := map[string][]map[string]any{
		"reported":   nil,
		"verified":   {{"state": "verified"}},
		"active":     {{"state": "verified"}, {"state": "active", "level": "II"}},
		"suspended":  {{"state": "verified"}, {"state": "active", "level": "II"}, {"state": "suspended"}},
		"terminated": {{"state": "verified"}, {"state": "active", "level": "II"}, {"state": "terminated", "termination": allChecks}},
		"closed":     {{"state": "verified"}, {"state": "closed"}},
	}
	allowed := map[string][]string{
		"reported": {"verified"}, "verified": {"active", "closed"}, "active": {"suspended", "terminated"},
		"suspended": {"active"}, "terminated": {"closed"}, "closed": {},
	}
	tested := 0
	for from, path := range paths {
		f := create(t, e, nil)
		for _, step := range path {
			copyStep := map[string]any{}
			for k, v := range step {
				copyStep[k] = v
			}
			move(t, e, f.ID, copyStep, 200)
		}
		before := get(t, e, f.ID)
		for to, body := range targets {
			if slices.Contains(allowed[from], to) {
				continue
			}
			audit := e.Count(`SELECT count(*) FROM audit_log`)
			events := e.Count(`SELECT count(*) FROM events`)
			timeline := e.Count(`SELECT count(*) FROM incident_timeline WHERE incident_id = $1`, f.ID)
			b := map[string]any{}
			for k, v := range body {
				b[k] = v
			}
			b["reason"] = "测试"
			r := e.Do("POST", "/api/v1/incidents/"+f.ID+"/transitions", auth.Admin, b)
			p := apitest.ExpectProblem(t, r, 409)
			if !slices.Contains(apitest.FieldsOf(p), "/state") {
				t.Errorf("%s → %s: problem names %v, want /state", from, to, apitest.FieldsOf(p))
			}
			after := get(t, e, f.ID)
			if after.Properties.Version != before.Properties.Version || after.Properties.State != from {
				t.Errorf("%s → %s changed the incident: %+v", from, to, after.Properties)
			}
			if e.Count(`SELECT count(*) FROM audit_log`) != audit || e.Count(`SELECT count(*) FROM events`) != events ||
				e.Count(`SELECT count(*) FROM incident_timeline WHERE incident_id = $1`, f.ID) != timeline {
				t.Errorf("%s → %s left a trace", from, to)
			}
			tested++
		}
	}
	// active → active at the same level is forbidden too.
	f := create(t, e, nil)
	move(t, e, f.ID, map[string]any{"state": "verified"}, 200)
	move(t, e, f.ID, map[string]any{"state": "active", "level": "III"}, 200)
	move(t, e, f.ID, map[string]any{"state": "active", "level": "III"}, 409)
	if tested != 23 {
		t.Fatalf("tested %d forbidden transitions, want 23", tested)
	}
}

// Terminating needs the four 4.7 conditions, each named when missing.
func TestTerminationConditions(t *testing.T) {
	e := apitest.Start(t)
	f := create(t, e, nil)
	move(t, e, f.ID, map[string]any{"state": "verified"}, 200)
	move(t, e, f.ID, map[string]any{"state": "active", "level": "IV"}, 200)

	r := e.Do("POST", "/api/v1/incidents/"+f.ID+"/transitions", auth.Commander, map[string]any{"state": "terminated", "reason": "结束"})
	p := apitest.ExpectProblem(t, r, 422)
	if !slices.Contains(apitest.FieldsOf(p), "/termination") {
		t.Fatalf("fields %v, want /termination", apitest.FieldsOf(p))
	}
	partial := map[string]any{"people_rescued": true, "scene_controlled": false,
		"environment_within_standards": true, "secondary_hazards_removed": false, "proposed_by": "现场指挥部"}
	r = e.Do("POST", "/api/v1/incidents/"+f.ID+"/transitions", auth.Commander,
		map[string]any{"state": "terminated", "reason": "结束", "termination": partial})
	p = apitest.ExpectProblem(t, r, 422)
	got := apitest.FieldsOf(p)
	slices.Sort(got)
	if want := []string{"/termination/scene_controlled", "/termination/secondary_hazards_removed"}; !slices.Equal(got, want) {
		t.Fatalf("fields %v, want %v", got, want)
	}
	if s := get(t, e, f.ID).Properties.State; s != "active" {
		t.Fatalf("state %s after refused termination", s)
	}
	// A dispatcher may not end a response (the HQ decides, 4.7).
	r = e.Do("POST", "/api/v1/incidents/"+f.ID+"/transitions", auth.Dispatcher,
		map[string]any{"state": "terminated", "reason": "结束", "termination": allChecks})
	apitest.ExpectProblem(t, r, 403)
	done := move(t, e, f.ID, map[string]any{"state": "terminated", "termination": allChecks}, 200)
	if done.Properties.State != "terminated" || done.Properties.Level != nil {
		t.Fatalf("after termination: %+v", done.Properties)
	}
}

func patch(t *testing.T, e *apitest.Env, f feature, body map[string]any) feature {
	t.Helper()
	r := e.Do("PATCH", "/api/v1/incidents/"+f.ID, auth.Dispatcher, body, "If-Match", fmt.Sprintf(`"%d"`, f.Properties.Version))
	if r.StatusCode != 200 {
		t.Fatalf("patch %v: %d %s", body, r.StatusCode, r.Body)
	}
	var out feature
	r.JSON(t, &out)
	return out
}

func flags(f feature) []string {
	var out []string
	for _, fl := range f.Properties.RiskFlags {
		out = append(out, fl.Criterion)
	}
	return out
}

// Grade and 较大涉险 flags follow every update, at the plan's boundaries.
func TestGradeAndFlagsRecomputed(t *testing.T) {
	e := apitest.Start(t)
	f := create(t, e, map[string]any{"casualties": map[string]any{"deaths": 2, "endangered": 9}})
	if f.Properties.Grade != "IV" || f.Properties.AtRisk {
		t.Fatalf("created: grade %s at_risk %v", f.Properties.Grade, f.Properties.AtRisk)
	}
	f = patch(t, e, f, map[string]any{"casualties": map[string]any{"deaths": 3}})
	if f.Properties.Grade != "III" {
		t.Fatalf("3 deaths: grade %s, want III (以上 includes 3)", f.Properties.Grade)
	}
	f = patch(t, e, f, map[string]any{"casualties": map[string]any{"endangered": 10}})
	if got := flags(f); !slices.Equal(got, []string{"endangered"}) {
		t.Fatalf("10 endangered: flags %v", got)
	}
	f = patch(t, e, f, map[string]any{"casualties": map[string]any{"endangered": 0, "trapped": 2, "missing": 1}})
	if got := flags(f); !slices.Equal(got, []string{"trapped_or_missing"}) {
		t.Fatalf("2 trapped + 1 missing: flags %v", got)
	}
	f = patch(t, e, f, map[string]any{"casualties": map[string]any{"deaths": 0, "trapped": 0, "missing": 0, "direct_loss_yuan": 99_999_999}})
	if f.Properties.Grade != "II" || f.Properties.AtRisk {
		t.Fatalf("loss just under 1亿: grade %s at_risk %v, want II, false", f.Properties.Grade, f.Properties.AtRisk)
	}
	var stored string
	if err := e.Pool.QueryRow(context.Background(), `SELECT grade FROM incidents WHERE id = $1`, f.ID).Scan(&stored); err != nil || stored != "II" {
		t.Fatalf("stored grade %q, %v", stored, err)
	}
	// A stale If-Match is refused, and so is a missing one.
	r := e.Do("PATCH", "/api/v1/incidents/"+f.ID, auth.Dispatcher, map[string]any{"place": "x"}, "If-Match", `"1"`)
	apitest.ExpectProblem(t, r, 412)
	r = e.Do("PATCH", "/api/v1/incidents/"+f.ID, auth.Dispatcher, map[string]any{"place": "x"})
	apitest.ExpectProblem(t, r, 428)
	// Bad input names the field and changes nothing.
	r = e.Do("PATCH", "/api/v1/incidents/"+f.ID, auth.Dispatcher, map[string]any{"casualties": map[string]any{"deaths": -1}},
		"If-Match", fmt.Sprintf(`"%d"`, f.Properties.Version))
	if p := apitest.ExpectProblem(t, r, 422); !slices.Equal(apitest.FieldsOf(p), []string{"/casualties/deaths"}) {
		t.Fatalf("fields %v", apitest.FieldsOf(p))
	}
	if get(t, e, f.ID).Properties.Version != f.Properties.Version {
		t.Fatal("a refused update changed the version")
	}
}

// Problem+json names the fields of bad input to create.
func TestCreateBadInput(t *testing.T) {
	e := apitest.Start(t)
	r := e.Do("POST", "/api/v1/incidents", auth.DutyOfficer, map[string]any{"kind": "meteor", "occurred_at": "yesterday",
		"location": map[string]any{"type": "Point", "coordinates": []float64{200, 43}},
		"area":     map[string]any{"type": "Polygon", "coordinates": [][][]float64{{{87, 43}, {88, 43}, {88, 44}}}}})
	p := apitest.ExpectProblem(t, r, 422)
	got := apitest.FieldsOf(p)
	for _, want := range []string{"/kind", "/occurred_at", "/location/coordinates", "/area/coordinates/0"} {
		if !slices.Contains(got, want) {
			t.Errorf("fields %v lack %s", got, want)
		}
	}
	// A self-intersecting area is refused by PostGIS's ST_IsValid.
	r = e.Do("POST", "/api/v1/incidents", auth.DutyOfficer, map[string]any{"kind": "fire", "place": "x",
		"occurred_at": time.Now().Add(-time.Minute).Format(time.RFC3339),
		"area":        map[string]any{"type": "Polygon", "coordinates": [][][]float64{{{87, 43}, {88, 44}, {88, 43}, {87, 44}, {87, 43}}}}})
	if p := apitest.ExpectProblem(t, r, 422); !slices.Equal(apitest.FieldsOf(p), []string{"/area"}) {
		t.Fatalf("bowtie: %s", r.Body)
	}
	if n := e.Count(`SELECT count(*) FROM incidents`); n != 0 {
		t.Fatalf("%d incidents stored from bad input", n)
	}
	r = e.Do("POST", "/api/v1/incidents", auth.Viewer, map[string]any{"kind": "fire"})
	apitest.ExpectProblem(t, r, 403)
}

// Drills are marked in responses and events and kept out of statistics.
func TestDrillsApart(t *testing.T) {
	e := apitest.Start(t)
	create(t, e, map[string]any{"casualties": map[string]any{"deaths": 3}})
	d := create(t, e, map[string]any{"drill": true, "casualties": map[string]any{"deaths": 40}})
	if !d.Properties.Drill || !strings.HasPrefix(d.Properties.Label, "【演练】") {
		t.Fatalf("drill not marked: %+v", d.Properties)
	}
	var st struct {
		Incidents int            `json:"incidents"`
		Deaths    int            `json:"deaths"`
		Drills    int            `json:"drills"`
		ByGrade   map[string]int `json:"by_grade"`
	}
	e.Do("GET", "/api/v1/incidents/stats", auth.Viewer, nil).JSON(t, &st)
	if st.Incidents != 1 || st.Deaths != 3 || st.Drills != 1 || st.ByGrade["I"] != 0 || st.ByGrade["III"] != 1 {
		t.Fatalf("stats %+v", st)
	}
	var drillFlag, propDrill bool
	var label string
	err := e.Pool.QueryRow(context.Background(), `SELECT drill, (data->'properties'->>'drill')::boolean, data->'properties'->>'label'
		FROM events WHERE topic = 'incidents' AND entity_id = $1`, d.ID).Scan(&drillFlag, &propDrill, &label)
	if err != nil || !drillFlag || !propDrill || !strings.HasPrefix(label, "【演练】") {
		t.Fatalf("drill event: %v %v %v %q", err, drillFlag, propDrill, label)
	}
}

// An incident outside the county is accepted and flagged; without a county
// boundary nothing is claimed.
func TestOutsideCounty(t *testing.T) {
	e := apitest.Start(t)
	unknown := create(t, e, nil)
	if unknown.Properties.OutsideCounty != nil {
		t.Fatalf("no county loaded, outside_county = %v", *unknown.Properties.OutsideCounty)
	}
	county := json.RawMessage(`{"type":"Polygon","coordinates":[[[87.0,43.0],[88.0,43.0],[88.0,44.0],[87.0,44.0],[87.0,43.0]]]}`)
	if err := areas.NewStore(e.Pool).Upsert(context.Background(), journal.Actor{Name: "test"},
		[]areas.Area{{Code: "650121", Name: "乌鲁木齐县", IsCounty: true, Geometry: county}}); err != nil {
		t.Fatal(err)
	}
	in := create(t, e, nil)
	out := create(t, e, map[string]any{"location": map[string]any{"type": "Point", "coordinates": []float64{86.5, 43.5}}})
	if in.Properties.OutsideCounty == nil || *in.Properties.OutsideCounty {
		t.Fatalf("inside: %v", in.Properties.OutsideCounty)
	}
	if out.Properties.OutsideCounty == nil || !*out.Properties.OutsideCounty {
		t.Fatalf("outside: %v", out.Properties.OutsideCounty)
	}
	// Moving it inside clears the flag.
	moved := patch(t, e, out, map[string]any{"location": map[string]any{"type": "Point", "coordinates": []float64{87.5, 43.5}}})
	if moved.Properties.OutsideCounty == nil || *moved.Properties.OutsideCounty {
		t.Fatalf("moved inside: %v", moved.Properties.OutsideCounty)
	}
}

// Activating a response builds the lead, groups and checklist from the plan;
// checklist items record who and when.
func TestResponseActivation(t *testing.T) {
	e := apitest.Start(t)
	f := create(t, e, map[string]any{"kind": "road_traffic", "township": "水西沟镇"})
	if f.Properties.FirstRecipient.ID == "" || len(f.Properties.Escalation) == 0 {
		t.Fatalf("first recipient / chain missing: %+v", f.Properties)
	}
	move(t, e, f.ID, map[string]any{"state": "verified"}, 200)
	r := e.Do("POST", "/api/v1/incidents/"+f.ID+"/response", auth.DutyOfficer, map[string]any{"level": "III", "reason": "较大"})
	apitest.ExpectProblem(t, r, 403)
	r = e.Do("POST", "/api/v1/incidents/"+f.ID+"/response", auth.Commander, map[string]any{"level": "V", "reason": "x"})
	if p := apitest.ExpectProblem(t, r, 422); !slices.Equal(apitest.FieldsOf(p), []string{"/level"}) {
		t.Fatalf("%s", r.Body)
	}
	r = e.Do("POST", "/api/v1/incidents/"+f.ID+"/response", auth.Commander, map[string]any{"level": "III", "reason": "较大事故"})
	if r.StatusCode != 200 {
		t.Fatalf("%d %s", r.StatusCode, r.Body)
	}
	r.JSON(t, &f)
	resp := f.Properties.Response
	if resp == nil || resp.Level != "III" || resp.Lead.ID != f.Properties.Lead.ID || len(resp.Groups) == 0 || len(resp.Checklist) == 0 {
		t.Fatalf("response %+v", resp)
	}
	if *f.Properties.Level != "III" || f.Properties.State != "active" {
		t.Fatalf("state %s level %v", f.Properties.State, f.Properties.Level)
	}
	item := resp.Checklist[0].ID
	r = e.Do("PATCH", "/api/v1/incidents/"+f.ID+"/checklist/"+item, auth.DutyOfficer, map[string]any{"status": "done"})
	if r.StatusCode != 200 {
		t.Fatalf("%d %s", r.StatusCode, r.Body)
	}
	r.JSON(t, &f)
	it := f.Properties.Response.Checklist[0]
	if it.Status != "done" || it.By != "duty_officer" || it.At == nil {
		t.Fatalf("item %+v", it)
	}
	r = e.Do("PATCH", "/api/v1/incidents/"+f.ID+"/checklist/"+item, auth.DutyOfficer, map[string]any{"status": "not_applicable"})
	if p := apitest.ExpectProblem(t, r, 422); !slices.Equal(apitest.FieldsOf(p), []string{"/note"}) {
		t.Fatalf("%s", r.Body)
	}
	apitest.ExpectProblem(t, e.Do("PATCH", "/api/v1/incidents/"+f.ID+"/checklist/nope", auth.DutyOfficer, map[string]any{"status": "done"}), 404)
	// Raising the level keeps what the checklist already records.
	r = e.Do("POST", "/api/v1/incidents/"+f.ID+"/response", auth.Commander, map[string]any{"level": "II", "reason": "升级"})
	r.JSON(t, &f)
	for _, c := range f.Properties.Response.Checklist {
		if c.ID == item && c.Status != "done" {
			t.Fatalf("level change lost the checklist: %+v", c)
		}
	}
	var tl []struct{ Type string }
	e.Do("GET", "/api/v1/incidents/"+f.ID+"/timeline", auth.Viewer, nil).JSON(t, &tl)
	var types []string
	for _, x := range tl {
		types = append(types, x.Type)
	}
	if want := []string{"created", "state", "state", "checklist", "state"}; !slices.Equal(types, want) {
		t.Fatalf("timeline %v, want %v", types, want)
	}
}

// Reports: partial first reports are accepted and say what is missing;
// counts in a report regrade the incident.
func TestReports(t *testing.T) {
	e := apitest.Start(t)
	f := create(t, e, nil)
	r := e.Do("POST", "/api/v1/incidents/"+f.ID+"/reports", auth.Dispatcher, map[string]any{
		"kind": "first", "tier": "county", "content": map[string]any{"unit": "某化工厂", "course": "储罐泄漏"},
		"counts": map[string]any{"deaths": 10}})
	if r.StatusCode != 201 {
		t.Fatalf("%d %s", r.StatusCode, r.Body)
	}
	var out struct {
		Report struct {
			Partial bool     `json:"partial"`
			Missing []string `json:"missing"`
		} `json:"report"`
		Incident feature `json:"incident"`
	}
	r.JSON(t, &out)
	if !out.Report.Partial || !slices.Equal(out.Report.Missing, []string{"time_place_scene", "measures"}) {
		t.Fatalf("report %+v", out.Report)
	}
	if out.Incident.Properties.Grade != "II" {
		t.Fatalf("grade %s after 10 deaths reported", out.Incident.Properties.Grade)
	}
	keys := []string{}
	for _, d := range out.Incident.Properties.Deadlines {
		keys = append(keys, d.Key)
	}
	if want := []string{"unit_report", "chain_report:city", "chain_report:region", "chain_report:state_council", "follow_up:1"}; !slices.Equal(keys, want) {
		t.Fatalf("deadlines %v, want %v", keys, want)
	}
	r = e.Do("POST", "/api/v1/incidents/"+f.ID+"/reports", auth.Dispatcher, map[string]any{"kind": "second", "tier": "township"})
	p := apitest.ExpectProblem(t, r, 422)
	if got := apitest.FieldsOf(p); !slices.Equal(got, []string{"/kind", "/tier"}) {
		t.Fatalf("fields %v", got)
	}
}

// A report taken "just now" names no times: the server takes its own now
// for both, so a caller whose clock runs ahead can never be refused with
// "reported before the accident occurred", and the 30-minute unit report is
// due 30 minutes after that now.
func TestCreateWithoutTimesIsNow(t *testing.T) {
	e := apitest.Start(t)
	for i := range 3 {
		r := e.Do("POST", "/api/v1/incidents", auth.Dispatcher, map[string]any{"kind": "fire", "place": fmt.Sprintf("刚接报的火情 %d", i)})
		if r.StatusCode != 201 {
			t.Fatalf("create without times: %d %s", r.StatusCode, r.Body)
		}
		var f struct {
			Properties struct {
				OccurredAt time.Time `json:"occurred_at"`
				ReportedAt time.Time `json:"reported_at"`
				Deadlines  []struct {
					Key string    `json:"key"`
					Due time.Time `json:"due"`
				} `json:"deadlines"`
			} `json:"properties"`
		}
		r.JSON(t, &f)
		p := f.Properties
		if p.OccurredAt.IsZero() || !p.OccurredAt.Equal(p.ReportedAt) {
			t.Fatalf("occurred_at %v, reported_at %v: want both the server's now", p.OccurredAt, p.ReportedAt)
		}
		if len(p.Deadlines) == 0 || p.Deadlines[0].Key != "unit_report" || !p.Deadlines[0].Due.Equal(p.OccurredAt.Add(30*time.Minute)) {
			t.Fatalf("deadlines %+v: want the unit report 30 min after %v", p.Deadlines, p.OccurredAt)
		}
	}
}
