package orgplan

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"sitrep/incidents"
)

func mustDefault(t *testing.T) *Plan {
	t.Helper()
	p, err := Default()
	if err != nil {
		t.Fatalf("default plan: %v", err)
	}
	return p
}

func TestDefaultPlanLoads(t *testing.T) {
	p := mustDefault(t)
	if p.DutyPhone != "0991-5921442" || p.County != "乌鲁木齐县" {
		t.Errorf("header: %q %q", p.DutyPhone, p.County)
	}
	if p.HQ.Office.ID != "hq_office" {
		t.Errorf("office = %+v", p.HQ.Office)
	}
	wantGroups := []string{"综合协调组", "现场处置组", "医疗救护组", "治安秩序组", "救援保障组", "转移安置组",
		"善后处置组", "新闻报道组", "技术监测组", "事故调查组", "社会救援力量动员组", "现场临时党支部"}
	if len(p.Groups) != len(wantGroups) {
		t.Fatalf("%d groups", len(p.Groups))
	}
	for i, g := range p.Groups {
		if g.Name != wantGroups[i] {
			t.Errorf("group %d = %s, want %s", i, g.Name, wantGroups[i])
		}
	}
	members := 0
	for _, u := range p.Units {
		if u.Type == UnitMember {
			members++
		}
	}
	if members != 28 { // Annex 2 lists 28 member units
		t.Errorf("%d member units, want 28", members)
	}
	for _, k := range incidents.Kinds() {
		if r, ok := p.Route(k); !ok || r.Lead.ID == "" || r.FirstRecipient.ID == "" || r.Basis == "" {
			t.Errorf("%v: route %+v", k, r)
		}
	}
	if len(p.Checklist) != 10 {
		t.Errorf("%d checklist items", len(p.Checklist))
	}
}

func TestAnnex4FirstRecipients(t *testing.T) {
	p := mustDefault(t)
	want := map[incidents.Kind]string{
		incidents.MiningIndustryTrade: "县应急管理局",
		incidents.RoadTraffic:         "市公安局交通管理支队南郊大队",
		incidents.Fire:                "县消防救援大队",
		incidents.SpecialEquipment:    "县市场监督管理局",
		incidents.FarmMachinery:       "县农业农村局",
	}
	for k, name := range want {
		if r, _ := p.Route(k); r.FirstRecipient.Name != name {
			t.Errorf("%v first recipient = %s, want %s", k, r.FirstRecipient.Name, name)
		}
	}
}

func TestChain(t *testing.T) {
	p := mustDefault(t)
	if got := p.Chain(incidents.TierCity); len(got) != 3 || got[2].Tier != incidents.TierCity {
		t.Errorf("chain to city = %+v", got)
	}
	if got := p.Chain(incidents.TierStateCouncil); len(got) != 5 || got[4].Bodies[len(got[4].Bodies)-1] != "国务院" {
		t.Errorf("chain to State Council = %+v", got)
	}
}

func TestLoadFromFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "plan.json")
	if err := os.WriteFile(path, defaultPlan, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(path); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(filepath.Join(t.TempDir(), "missing.json")); err == nil || !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("missing file: %v", err)
	}
}

// broken edits the default file text and expects exactly these problems.
func TestBrokenPlans(t *testing.T) {
	tests := []struct {
		name      string
		old, new  string
		wantParts []string // each must appear in the error
	}{
		{"unknown member unit", `"members": ["emergency_120", "trade_union"`, `"members": ["emergency_121", "trade_union"`,
			[]string{`groups[2].members[0]：未知单位 "emergency_121"`}},
		{"unknown lead", `"leads": ["public_security"]`, `"leads": ["police"]`,
			[]string{`groups[3].leads[0]：未知单位 "police"`}},
		{"group without lead", `"leads": ["health"]`, `"leads": []`,
			[]string{"groups[2].leads：工作组至少须有一个牵头单位"}},
		{"kind not routed", `{"kind": "gas", "first_recipient": "construction", "lead": "construction", "sector": "construction",
     "basis": "附件4未列；附件2 县建设局负责城镇燃气行业事故专业应急救援"},`, ``,
			[]string{`routing：事故类别 "gas"（燃气事故）没有指派牵头单位`}},
		{"unknown kind code", `"kind": "gas"`, `"kind": "natural_gas"`,
			[]string{`routing[5].kind：未知的事故类别 "natural_gas"；须为以下之一：mining_industry_trade（工矿商贸事故）、`, `事故类别 "gas"（燃气事故）没有指派牵头单位`}},
		{"kind routed twice", `"kind": "gas"`, `"kind": "fire"`,
			[]string{`routing[5].kind：事故类别 "fire" 重复指派`, `事故类别 "gas"（燃气事故）没有指派牵头单位`}},
		{"route to placeholder", `"kind": "other", "first_recipient": "emergency_bureau"`, `"kind": "other", "first_recipient": "incident_unit"`,
			[]string{`routing[8].first_recipient：须指明实际单位，不能是占位符 "incident_unit"`}},
		{"duplicate unit", `{"id": "water", "name": "县水务局"`, `{"id": "health", "name": "县水务局"`,
			[]string{`units[15].id：单位编号 "health" 重复`, `未知单位 "water"`}},
		{"bad unit type", `"id": "water", "name": "县水务局", "type": "member"`, `"id": "water", "name": "县水务局", "type": "membr"`,
			[]string{`units[15].type：未知单位类型 "membr"`}},
		{"tier out of order", `{"tier": "city", "bodies"`, `{"tier": "region", "bodies"`,
			[]string{`escalation[2].tier：此处应为 "city"，实为 "region"`}},
		{"bad level", `"levels": ["I", "II", "III"]`, `"levels": ["I", "II", "3"]`,
			[]string{`checklist[9].levels[2]：未知的响应级别 "3"`}},
		{"checklist unit", `"responsible": ["propaganda"]`, `"responsible": ["press"]`,
			[]string{`checklist[5].responsible[0]：未知单位 "press"`}},
		{"office unknown", `"office": "hq_office"`, `"office": "office"`,
			[]string{`hq.office：未知单位 "office"`}},
		{"no duty phone", `"duty_phone": "0991-5921442"`, `"duty_phone": ""`,
			[]string{"duty_phone：必填"}},
		{"misspelt field", `"members": ["traffic_police", "incident_township", "incident_unit"]`, `"memebers": ["traffic_police"]`,
			[]string{`第 62 行第 75 列：未知字段 "memebers"`}},
		{"syntax error", `"duty_phone": "0991-5921442",`, `"duty_phone": "0991-5921442"`,
			[]string{`第 6 行第 3 列：JSON 语法错误`}},
		{"wrong type", `"duty_phone": "0991-5921442"`, `"duty_phone": 5921442`,
			[]string{"duty_phone：应为字符串，收到数字"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := string(defaultPlan)
			if strings.Count(src, tt.old) != 1 {
				t.Fatalf("test edit %q matches %d times", tt.old, strings.Count(src, tt.old))
			}
			_, err := Parse([]byte(strings.Replace(src, tt.old, tt.new, 1)))
			var le *LoadError
			if !errors.As(err, &le) {
				t.Fatalf("want *LoadError, got %v", err)
			}
			for _, part := range tt.wantParts {
				if !strings.Contains(err.Error(), part) {
					t.Errorf("error lacks %q:\n%v", part, err)
				}
			}
			if len(le.Problems) != len(tt.wantParts) {
				t.Errorf("%d problems, want %d: %v", len(le.Problems), len(tt.wantParts), err)
			}
		})
	}
}

func TestTrailingData(t *testing.T) {
	_, err := Parse(append(append([]byte{}, defaultPlan...), []byte(`{}`)...))
	if err == nil || !strings.Contains(err.Error(), "预案对象之后还有多余内容") {
		t.Fatalf("got %v", err)
	}
}
