package hazards

import (
	"encoding/json"
	"errors"
	"math"
	"strings"
	"testing"
)

func TestDefaultDistanceRules(t *testing.T) {
	r := DefaultDistanceRules()
	for _, g := range Grades {
		for _, k := range SiteKinds {
			if m, ok := r.Minimum(g, k); !ok || m <= 0 {
				t.Errorf("%s/%s: no default", g, k)
			}
		}
	}
	// a more severe grade never asks for less distance
	for _, k := range SiteKinds {
		for i := 1; i < len(Grades); i++ {
			hi, _ := r.Minimum(Grades[i-1], k)
			lo, _ := r.Minimum(Grades[i], k)
			if hi < lo {
				t.Errorf("%s: grade %s %v m < grade %s %v m", k, Grades[i-1], hi, Grades[i], lo)
			}
		}
	}
	if m, _ := r.Minimum(GradeIV, SiteShelter); m != 1000 {
		t.Errorf("shelter minimum %v, want GB 51324-2019's 1000 m", m)
	}
	if !strings.Contains(r.Source(), "GB/T 37243") {
		t.Error("source should name the method the defaults stand in for")
	}
}

func TestCheck(t *testing.T) {
	sites := []Site{
		{Kind: SiteSchool, ID: "s1", Name: "水西沟镇中心学校", DistanceM: 320},
		{Kind: SiteResidential, ID: "v1", Name: "某村", DistanceM: 300}, // exactly the grade I minimum: complies
		{Kind: SiteShelter, ID: "sh1", DistanceM: 999.9},
		{Kind: SiteHospital, ID: "h1", DistanceM: 2000},
		{Kind: SiteDrinkingWaterSource, ID: "w1", DistanceM: 0}, // inside
	}
	v := Check(GradeI, sites)
	if len(v) != 3 {
		t.Fatalf("%d violations, want 3: %+v", len(v), v)
	}
	// most serious first: water source at 0, school at 320/500, shelter at 999.9/1000
	if v[0].SiteID != "w1" || v[1].SiteID != "s1" || v[2].SiteID != "sh1" {
		t.Errorf("order %s %s %s", v[0].SiteID, v[1].SiteID, v[2].SiteID)
	}
	s := v[1]
	if s.MinimumM != 500 || s.DistanceM != 320 || s.ShortfallM != 180 || s.SiteKind != SiteSchool || s.SiteName == "" {
		t.Errorf("school violation %+v", s)
	}
	for _, want := range []string{"一级", "学校", "500", "320", "180", "GB 36894"} {
		if !strings.Contains(s.Rule, want) {
			t.Errorf("rule %q lacks %q", s.Rule, want)
		}
	}
	if !strings.Contains(v[2].Rule, "GB 51324") {
		t.Errorf("shelter rule %q should cite GB 51324-2019", v[2].Rule)
	}
	// the same school is fine next to a grade IV source (200 m)
	if v := Check(GradeIV, sites[:1]); len(v) != 0 {
		t.Errorf("grade IV at 320 m from a school: %+v", v)
	}
	if v := Check(GradeNone, sites); v != nil {
		t.Errorf("a unit that is not a major hazard source has no rule: %+v", v)
	}
}

func TestCheckBadInput(t *testing.T) {
	v := Check(GradeIII, []Site{
		{Kind: "kindergarten", ID: "k1", DistanceM: 900},
		{Kind: "kindergarten", ID: "k2", DistanceM: 250},
		{Kind: SiteSchool, ID: "nan", DistanceM: math.NaN()},
		{Kind: SiteSchool, ID: "neg", DistanceM: -5},
	})
	ids := map[string]Violation{}
	for _, x := range v {
		ids[x.SiteID] = x
	}
	// unknown kind: held to the strictest distance of the grade (shelter, 1000 m)
	if k, ok := ids["k1"]; !ok || k.MinimumM != 1000 || !strings.Contains(k.Rule, "kindergarten") {
		t.Errorf("unknown kind: %+v", k)
	}
	for _, id := range []string{"nan", "neg"} {
		if x, ok := ids[id]; !ok || !x.InvalidDistance || x.DistanceM != 0 {
			t.Errorf("%s: want an invalid-distance violation, got %+v", id, x)
		}
	}
	if _, err := json.Marshal(v); err != nil {
		t.Errorf("violations must encode as JSON: %v", err)
	}
}

func TestDistanceRulesWith(t *testing.T) {
	r := DefaultDistanceRules()
	n, err := r.With(GradeII, SiteSchool, 800)
	if err != nil {
		t.Fatal(err)
	}
	if m, _ := n.Minimum(GradeII, SiteSchool); m != 800 {
		t.Errorf("changed minimum %v", m)
	}
	if m, _ := r.Minimum(GradeII, SiteSchool); m != 500 {
		t.Errorf("With changed the original: %v", m)
	}
	for name, err := range map[string]error{
		"grade": func() error { _, err := r.With(GradeNone, SiteSchool, 1); return err }(),
		"kind":  func() error { _, err := r.With(GradeI, "zoo", 1); return err }(),
		"zero":  func() error { _, err := r.With(GradeI, SiteSchool, 0); return err }(),
		"NaN":   func() error { _, err := r.With(GradeI, SiteSchool, math.NaN()); return err }(),
	} {
		if !errors.Is(err, ErrInvalidRules) {
			t.Errorf("With bad %s: %v", name, err)
		}
	}
}

func TestDistanceRulesValidation(t *testing.T) {
	good := string(safeDistancesJSON)
	if _, err := ParseDistanceRules([]byte(good)); err != nil {
		t.Fatal(err)
	}
	for name, doc := range map[string]string{
		"missing kind":     strings.Replace(good, `"school": 300, `, ``, 1),
		"negative":         strings.Replace(good, `"residential": 100`, `"residential": -100`, 1),
		"unknown kind":     strings.Replace(good, `"residential": 100`, `"residential": 100, "zoo": 5`, 1),
		"bad grade":        strings.Replace(good, `"IV":`, `"V":`, 1),
		"no source":        strings.Replace(good, `"source": "Sitrep`, `"sauce": "Sitrep`, 1),
		"undescribed kind": strings.Replace(good, `"kind": "reservoir"`, `"kind": "residential"`, 1),
	} {
		if _, err := ParseDistanceRules([]byte(doc)); err == nil {
			t.Errorf("%s: accepted", name)
		} else if name != "bad grade" && !errors.Is(err, ErrInvalidRules) {
			t.Errorf("%s: error %v; want ErrInvalidRules", name, err)
		}
	}
}
