package vocabulary_test

import (
	"strings"
	"testing"
	"unicode"

	"sitrep/geo/protective"
	"sitrep/internal/areas"
	"sitrep/internal/channels"
	"sitrep/internal/layers"
	"sitrep/internal/vocabulary"
)

func hasHan(s string) bool {
	return strings.IndexFunc(s, func(r rune) bool { return unicode.Is(unicode.Han, r) }) >= 0
}

// Every vocabulary the console needs is there; every term has a code and a
// Chinese label; every registry field with allowed values has its list,
// in the field's own order, with the labels its errors use.
func TestVocabularies(t *testing.T) {
	table, err := protective.Default()
	if err != nil {
		t.Fatal(err)
	}
	all := vocabulary.All(table)
	for _, name := range []string{"township", "incident.kind", "incident.state", "incident.grade", "response.level",
		"report.tier", "report.kind", "warning.level", "warning.category", "zone.model", "zone.level",
		"evacuation.from_kind", "plume.substance", "protective.substance", "role", "sensitive_sites.kind", "hazard_sources.filing_status",
		"rescue_teams.capabilities", "rescue_teams.status", "shelters.class",
		"warning_channel.kind", "warning_channel.format", "warning_channel.auth_type"} {
		if _, ok := all[name]; !ok {
			t.Errorf("no vocabulary %s", name)
		}
	}
	for name, v := range all {
		if !hasHan(v.Title) || len(v.Terms) == 0 {
			t.Errorf("%s: title %q, %d terms", name, v.Title, len(v.Terms))
		}
		seen := map[string]bool{}
		for _, term := range v.Terms {
			if term.Code == "" || !hasHan(term.Label) || seen[term.Code] {
				t.Errorf("%s: term %+v", name, term)
			}
			seen[term.Code] = true
		}
	}
	for _, l := range layers.All {
		for _, f := range l.Fields {
			if len(f.Enum) == 0 {
				continue
			}
			v, ok := all[l.Name+"."+f.Name]
			if !ok || len(v.Terms) != len(f.Enum) {
				t.Fatalf("%s.%s: %+v", l.Name, f.Name, v)
			}
			for i, code := range f.Enum {
				if v.Terms[i].Code != code || v.Terms[i].Label != f.Label(code) {
					t.Errorf("%s.%s term %d: %+v, want %s %s", l.Name, f.Name, i, v.Terms[i], code, f.Label(code))
				}
			}
		}
	}
	// Townships show as names, not as codes (650121102 is 板房沟镇).
	for _, term := range all["township"].Terms {
		if term.Label != areas.TownshipName(term.Code) {
			t.Errorf("township %+v", term)
		}
	}
	// The release channels' form offers what the channel checks accept, in
	// their order, with the labels their errors use.
	if got := all["warning_channel.kind"].Terms; len(got) != len(channels.KindCodes) || got[0].Code != "sms" || got[0].Label != channels.Kinds["sms"] {
		t.Errorf("channel kinds: %+v", got)
	}
	if got := all["sensitive_sites.kind"].Terms; got[0].Code != "residential" || got[0].Label != "居住区、村庄" {
		t.Errorf("site kinds: %+v", got)
	}
}
