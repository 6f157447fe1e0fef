package orgplan

import (
	"errors"
	"slices"
	"testing"
	"time"

	"sitrep/incidents"
	"sitrep/internal/validation"
)

func ids(us []Unit) []string {
	out := make([]string, len(us))
	for i, u := range us {
		out[i] = u.ID
	}
	return out
}

func TestActivateLeadByKind(t *testing.T) {
	p := mustDefault(t)
	want := map[incidents.Kind]string{
		incidents.MiningIndustryTrade: "emergency_bureau",
		incidents.RoadTraffic:         "public_security",
		incidents.Fire:                "fire_rescue",
		incidents.SpecialEquipment:    "market_supervision",
		incidents.HazardousChemicals:  "emergency_bureau",
		incidents.Gas:                 "construction",
		incidents.Construction:        "construction",
		incidents.FarmMachinery:       "agriculture",
		incidents.OtherKind:           "emergency_bureau",
	}
	for _, k := range incidents.Kinds() {
		a, err := p.Activate(incidents.LevelIII, k)
		if err != nil {
			t.Fatal(err)
		}
		if a.Lead.ID != want[k] {
			t.Errorf("%v: lead %s, want %s", k, a.Lead.ID, want[k])
		}
		if a.DutyPhone != "0991-5921442" || len(a.Groups) != 12 {
			t.Errorf("%v: phone %q, %d groups", k, a.DutyPhone, len(a.Groups))
		}
	}
}

func TestActivateResolvesSectorAuthority(t *testing.T) {
	p := mustDefault(t)
	a, err := p.Activate(incidents.LevelII, incidents.FarmMachinery)
	if err != nil {
		t.Fatal(err)
	}
	var inv ActivatedGroup
	for _, g := range a.Groups {
		if g.ID == "investigation" {
			inv = g
		}
		for _, u := range append(slices.Clone(g.Leads), g.Members...) {
			if u.Placeholder == SectorAuthority {
				t.Errorf("%s still has the sector placeholder", g.Name)
			}
		}
	}
	want := []string{"emergency_bureau", "agriculture", "public_security", "trade_union", "incident_township", "experts"}
	if got := ids(inv.Members); !slices.Equal(got, want) {
		t.Errorf("investigation members = %v, want %v", got, want)
	}
	// For a mining accident the sector is the emergency bureau, already a
	// member: listed once.
	a, _ = p.Activate(incidents.LevelII, incidents.MiningIndustryTrade)
	for _, g := range a.Groups {
		if g.ID == "investigation" {
			if got := ids(g.Members); !slices.Equal(got, []string{"emergency_bureau", "public_security", "trade_union", "incident_township", "experts"}) {
				t.Errorf("mining investigation members = %v", got)
			}
		}
	}
}

func TestActivateGroupsAsAnnex3(t *testing.T) {
	p := mustDefault(t)
	a, _ := p.Activate(incidents.LevelIII, incidents.Fire)
	byID := map[string]ActivatedGroup{}
	for _, g := range a.Groups {
		byID[g.ID] = g
	}
	onsite := byID["onsite_operations"]
	if got := ids(onsite.Leads); !slices.Equal(got, []string{"emergency_bureau", "fire_rescue"}) {
		t.Errorf("现场处置组 leads = %v", got)
	}
	if len(onsite.Members) != 10 {
		t.Errorf("现场处置组 members = %v", ids(onsite.Members))
	}
	if got := ids(byID["relocation"].Leads); !slices.Equal(got, []string{"incident_township"}) {
		t.Errorf("转移安置组 leads = %v", got)
	}
}

func TestChecklistByLevel(t *testing.T) {
	p := mustDefault(t)
	for _, tt := range []struct {
		level incidents.ResponseLevel
		n     int
	}{{incidents.LevelI, 10}, {incidents.LevelII, 10}, {incidents.LevelIII, 10}, {incidents.LevelIV, 9}} {
		a, err := p.Activate(tt.level, incidents.Gas)
		if err != nil {
			t.Fatal(err)
		}
		if len(a.Checklist) != tt.n {
			t.Errorf("level %v: %d items, want %d", tt.level, len(a.Checklist), tt.n)
		}
		for _, it := range a.Checklist {
			if it.Status != ItemPending || len(it.Responsible) == 0 {
				t.Errorf("%s: %+v", it.ID, it)
			}
			if it.ID == "department_plans" && ids(it.Responsible)[0] != "construction" {
				t.Errorf("department plans responsible = %v", ids(it.Responsible))
			}
		}
	}
}

func TestActivateRejectsBadInput(t *testing.T) {
	p := mustDefault(t)
	if _, err := p.Activate(0, incidents.Fire); err == nil {
		t.Error("level 0 accepted")
	}
	if _, err := p.Activate(incidents.LevelI, 0); err == nil {
		t.Error("kind 0 accepted")
	}
}

func TestChecklistMark(t *testing.T) {
	p := mustDefault(t)
	a, _ := p.Activate(incidents.LevelIII, incidents.Fire)
	it := &a.Checklist[0]
	when := time.Date(2024, 5, 1, 8, 0, 0, 0, time.FixedZone("x", 3600))
	if err := it.Mark(ItemDone, " 王五 ", when, ""); err != nil {
		t.Fatal(err)
	}
	if it.Status != ItemDone || it.By != "王五" || it.At.Location() != time.UTC || !it.At.Equal(when) {
		t.Errorf("item = %+v", it)
	}
	err := it.Mark(ItemNotApplicable, "", time.Time{}, "")
	var v validation.Errors
	if !errors.As(err, &v) || len(v) != 3 || v[0].Field != "by" || v[1].Field != "at" || v[2].Field != "note" {
		t.Fatalf("got %v", err)
	}
	if it.Status != ItemDone {
		t.Error("failed mark changed the item")
	}
	if err := it.Mark("finished", "x", when, ""); err == nil {
		t.Error("unknown status accepted")
	}
}
