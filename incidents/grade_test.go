package incidents

import (
	"errors"
	"testing"

	"sitrep/internal/validation"
)

func TestGradeBoundaries(t *testing.T) {
	tests := []struct {
		name string
		c    Casualties
		want Grade
	}{
		{"nothing", Casualties{}, GradeIV},
		{"30 deaths", Casualties{Deaths: 30}, GradeI},
		{"29 deaths", Casualties{Deaths: 29}, GradeII},
		{"10 deaths", Casualties{Deaths: 10}, GradeII},
		{"9 deaths", Casualties{Deaths: 9}, GradeIII},
		{"3 deaths", Casualties{Deaths: 3}, GradeIII},
		{"2 deaths", Casualties{Deaths: 2}, GradeIV},
		{"100 injured", Casualties{SeriousInjuries: 100}, GradeI},
		{"99 injured", Casualties{SeriousInjuries: 99}, GradeII},
		{"50 injured", Casualties{SeriousInjuries: 50}, GradeII},
		{"49 injured", Casualties{SeriousInjuries: 49}, GradeIII},
		{"10 injured", Casualties{SeriousInjuries: 10}, GradeIII},
		{"9 injured", Casualties{SeriousInjuries: 9}, GradeIV},
		{"1亿", Casualties{DirectLossYuan: 100_000_000}, GradeI},
		{"1亿-1", Casualties{DirectLossYuan: 99_999_999}, GradeII},
		{"5000万", Casualties{DirectLossYuan: 50_000_000}, GradeII},
		{"5000万-1", Casualties{DirectLossYuan: 49_999_999}, GradeIII},
		{"1000万", Casualties{DirectLossYuan: 10_000_000}, GradeIII},
		{"1000万-1", Casualties{DirectLossYuan: 9_999_999}, GradeIV},
		{"most severe input wins", Casualties{Deaths: 2, SeriousInjuries: 50, DirectLossYuan: 10_000_000}, GradeII},
		{"loss decides over few deaths", Casualties{Deaths: 1, DirectLossYuan: 200_000_000}, GradeI},
		{"trapped and endangered do not grade", Casualties{Trapped: 50, Missing: 50, Endangered: 1000, Evacuated: 10000}, GradeIV},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, reasons := GradeOf(tt.c)
			if got != tt.want {
				t.Fatalf("GradeOf(%+v) = %v, want %v", tt.c, got, tt.want)
			}
			if len(reasons) == 0 {
				t.Fatal("no reasons")
			}
			for _, r := range reasons {
				if r.Grade != got || r.Rule == "" {
					t.Errorf("reason %+v does not match grade %v", r, got)
				}
			}
		})
	}
}

func TestGradeReasonsNameDecidingInput(t *testing.T) {
	g, reasons := GradeOf(Casualties{Deaths: 3, SeriousInjuries: 12, DirectLossYuan: 1})
	if g != GradeIII || len(reasons) != 2 || reasons[0].Input != InputDeaths || reasons[1].Input != InputSeriousInjuries {
		t.Fatalf("got %v %+v", g, reasons)
	}
	if reasons[0].Value != 3 || reasons[0].Rule != "死亡3人以上10人以下" {
		t.Errorf("reason = %+v", reasons[0])
	}
	_, reasons = GradeOf(Casualties{})
	if len(reasons) != 3 {
		t.Errorf("一般 with nothing above it should list all three inputs, got %+v", reasons)
	}
}

func TestGradeAtLeast(t *testing.T) {
	if !GradeII.AtLeast(GradeIII) || !GradeIII.AtLeast(GradeIII) || GradeIV.AtLeast(GradeIII) || Grade(0).AtLeast(GradeIV) {
		t.Error("AtLeast wrong")
	}
}

func TestCasualtiesValidate(t *testing.T) {
	if err := (Casualties{}).Validate(); err != nil {
		t.Fatalf("zero casualties: %v", err)
	}
	err := Casualties{Deaths: -1, DirectLossYuan: -5}.Validate()
	var v validation.Errors
	if !errors.As(err, &v) || len(v) != 2 || v[0].Field != "deaths" || v[1].Field != "direct_loss_yuan" {
		t.Fatalf("got %v", err)
	}
}
