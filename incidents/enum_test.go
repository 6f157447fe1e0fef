package incidents

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

// codes checks, for one enum, that codes are unique and non-empty, that
// labels exist, and that every code parses back and survives JSON.
func checkEnum[T interface {
	~uint8
	Code() string
	Label() string
	Valid() bool
}](t *testing.T, name string, all []T, parse func(string) (T, error)) {
	t.Helper()
	seen := map[string]bool{}
	for _, v := range all {
		if !v.Valid() || v.Code() == "" || v.Label() == "" {
			t.Errorf("%s %d: empty code or label", name, v)
		}
		if seen[v.Code()] {
			t.Errorf("%s: duplicate code %q", name, v.Code())
		}
		seen[v.Code()] = true
		got, err := parse(v.Code())
		if err != nil || got != v {
			t.Errorf("%s: parse(%q) = %v, %v", name, v.Code(), got, err)
		}
	}
	var zero T
	if zero.Valid() {
		t.Errorf("%s: zero value must be invalid", name)
	}
	_, err := parse("nonsense")
	var pe *ParseError
	if !errors.As(err, &pe) {
		t.Fatalf("%s: parse(nonsense) error = %v, want *ParseError", name, err)
	}
	if len(pe.Valid) != len(all) || !strings.Contains(err.Error(), all[0].Code()) {
		t.Errorf("%s: error should list every valid code: %v", name, err)
	}
}

func TestEnums(t *testing.T) {
	checkEnum(t, "Kind", Kinds(), ParseKind)
	checkEnum(t, "Grade", Grades(), ParseGrade)
	checkEnum(t, "RiskCriterion", RiskCriteria(), ParseRiskCriterion)
	checkEnum(t, "PollutionTarget", PollutionTargets(), ParsePollutionTarget)
	checkEnum(t, "ImportantSite", ImportantSites(), ParseImportantSite)
	checkEnum(t, "ResponseLevel", ResponseLevels(), ParseResponseLevel)
	checkEnum(t, "State", States(), ParseState)
	checkEnum(t, "Tier", Tiers(), ParseTier)
	checkEnum(t, "DeadlineKind", DeadlineKinds(), ParseDeadlineKind)
}

func TestKindCodesAreStable(t *testing.T) {
	// These codes are stored; changing one breaks existing data.
	want := []string{"mining_industry_trade", "road_traffic", "fire", "special_equipment",
		"hazardous_chemicals", "gas", "construction", "farm_machinery", "other"}
	for i, k := range Kinds() {
		if k.Code() != want[i] {
			t.Errorf("kind %d code = %q, want %q", i, k.Code(), want[i])
		}
	}
}

func TestEnumJSON(t *testing.T) {
	type doc struct {
		Kind  Kind                    `json:"kind"`
		Grade Grade                   `json:"grade"`
		Sites map[ImportantSite]int   `json:"sites"`
		Poll  map[PollutionTarget]int `json:"poll"`
	}
	in := doc{Kind: RoadTraffic, Grade: GradeIII, Sites: map[ImportantSite]int{SiteAirport: 1}, Poll: map[PollutionTarget]int{PollutionRiver: 2}}
	b, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	const want = `{"kind":"road_traffic","grade":"III","sites":{"airport":1},"poll":{"river":2}}`
	if string(b) != want {
		t.Fatalf("json = %s, want %s", b, want)
	}
	var out doc
	if err := json.Unmarshal(b, &out); err != nil || out.Kind != RoadTraffic || out.Sites[SiteAirport] != 1 || out.Poll[PollutionRiver] != 2 {
		t.Fatalf("round trip = %+v, %v", out, err)
	}
	if err := json.Unmarshal([]byte(`{"kind":"coal"}`), &out); err == nil {
		t.Fatal("unknown kind accepted")
	}
	if _, err := json.Marshal(doc{}); err == nil {
		t.Fatal("zero kind marshalled")
	}
}
