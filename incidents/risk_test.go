package incidents

import (
	"slices"
	"strings"
	"testing"
)

func TestRiskCriteria(t *testing.T) {
	tests := []struct {
		name string
		in   RiskInput
		want []RiskCriterion
	}{
		{"nothing", RiskInput{}, nil},
		{"10 endangered", RiskInput{Casualties: Casualties{Endangered: 10}}, []RiskCriterion{RiskEndangered}},
		{"9 endangered", RiskInput{Casualties: Casualties{Endangered: 9}}, nil},
		{"3 trapped", RiskInput{Casualties: Casualties{Trapped: 3}}, []RiskCriterion{RiskTrappedMissing}},
		{"3 missing", RiskInput{Casualties: Casualties{Missing: 3}}, []RiskCriterion{RiskTrappedMissing}},
		{"2 trapped + 1 missing", RiskInput{Casualties: Casualties{Trapped: 2, Missing: 1}}, []RiskCriterion{RiskTrappedMissing}},
		{"2 trapped", RiskInput{Casualties: Casualties{Trapped: 2}}, nil},
		{"1 trapped + 1 missing", RiskInput{Casualties: Casualties{Trapped: 1, Missing: 1}}, nil},
		{"500 evacuated", RiskInput{Casualties: Casualties{Evacuated: 500}}, []RiskCriterion{RiskEvacuated}},
		{"499 evacuated", RiskInput{Casualties: Casualties{Evacuated: 499}}, nil},
		{"drinking water polluted", RiskInput{Exposure: Exposure{Polluted: map[PollutionTarget]int{PollutionDrinkingWater: 1}}}, []RiskCriterion{RiskPollution}},
		{"zero counts do not fire", RiskInput{Exposure: Exposure{
			Polluted:   map[PollutionTarget]int{PollutionRiver: 0},
			Endangered: map[ImportantSite]int{SiteAirport: 0},
		}}, nil},
		{"oil station endangered", RiskInput{Exposure: Exposure{Endangered: map[ImportantSite]int{SiteOilGasStation: 2}}}, []RiskCriterion{RiskImportantSite}},
		{"other by hand", RiskInput{OtherReason: "山体滑坡威胁下游村庄"}, []RiskCriterion{RiskOther}},
		{"blank other reason", RiskInput{OtherReason: "   "}, nil},
		{"all six, plan order", RiskInput{
			Casualties:  Casualties{Endangered: 12, Trapped: 3, Evacuated: 600},
			Exposure:    Exposure{Polluted: map[PollutionTarget]int{PollutionLake: 1}, Endangered: map[ImportantSite]int{SiteStation: 1}},
			OtherReason: "x",
		}, []RiskCriterion{RiskEndangered, RiskTrappedMissing, RiskEvacuated, RiskPollution, RiskImportantSite, RiskOther}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			flags := RiskFlagsOf(tt.in)
			var got []RiskCriterion
			for _, f := range flags {
				got = append(got, f.Criterion)
				if f.Reason == "" {
					t.Errorf("%v: empty reason", f.Criterion)
				}
			}
			if !slices.Equal(got, tt.want) {
				t.Fatalf("criteria = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestEveryPollutionTargetAndSiteFires(t *testing.T) {
	for _, p := range PollutionTargets() {
		f := RiskFlagsOf(RiskInput{Exposure: Exposure{Polluted: map[PollutionTarget]int{p: 1}}})
		if len(f) != 1 || f[0].Criterion != RiskPollution || !strings.Contains(f[0].Reason, p.Label()) {
			t.Errorf("%v: %+v", p, f)
		}
	}
	for _, s := range ImportantSites() {
		f := RiskFlagsOf(RiskInput{Exposure: Exposure{Endangered: map[ImportantSite]int{s: 1}}})
		if len(f) != 1 || f[0].Criterion != RiskImportantSite || !strings.Contains(f[0].Reason, s.Label()) {
			t.Errorf("%v: %+v", s, f)
		}
	}
}

func TestRiskReasonText(t *testing.T) {
	f := RiskFlagsOf(RiskInput{
		Casualties: Casualties{Trapped: 2, Missing: 1},
		Exposure:   Exposure{Polluted: map[PollutionTarget]int{PollutionRiver: 2, PollutionDrinkingWater: 1}},
	})
	if f[0].Reason != "被困2人、下落不明1人，合计3人，达到3人以上" {
		t.Errorf("reason = %q", f[0].Reason)
	}
	// Canonical order, not map order.
	if f[1].Reason != "严重污染范围内有生活水源1处、河流2处" {
		t.Errorf("reason = %q", f[1].Reason)
	}
}
