package incidents

import "testing"

func TestDrillsStayOutOfStatistics(t *testing.T) {
	incs := []Incident{
		{Kind: Fire, Casualties: Casualties{Deaths: 3}},
		{Kind: Fire, Drill: true, Casualties: Casualties{Deaths: 40, DirectLossYuan: 1 << 40}},
		{Kind: Gas, Casualties: Casualties{Endangered: 10, DirectLossYuan: 500}},
		{Kind: Gas, Drill: true, Casualties: Casualties{Trapped: 5}},
	}
	s := Tally(incs)
	if s.Incidents != 2 || s.Drills != 2 {
		t.Fatalf("incidents=%d drills=%d", s.Incidents, s.Drills)
	}
	if s.Deaths != 3 || s.DirectLossYuan != 500 || s.AtRisk != 1 {
		t.Errorf("drill figures leaked: %+v", s)
	}
	if s.ByGrade[GradeI] != 0 || s.ByGrade[GradeIII] != 1 || s.ByGrade[GradeIV] != 1 || s.ByKind[Fire] != 1 || s.ByKind[Gas] != 1 {
		t.Errorf("by grade/kind: %+v %+v", s.ByGrade, s.ByKind)
	}

	ptrs := []*Incident{&incs[0], &incs[1], &incs[2], &incs[3]}
	real := RealOnly(ptrs)
	if len(real) != 2 || real[0] != &incs[0] || real[1] != &incs[2] {
		t.Errorf("RealOnly = %v", real)
	}
}

func TestMarked(t *testing.T) {
	if got := Marked(true, "火灾事故续报"); got != "【演练】火灾事故续报" {
		t.Errorf("drill: %q", got)
	}
	if got := Marked(false, "火灾事故续报"); got != "火灾事故续报" {
		t.Errorf("real: %q", got)
	}
}
