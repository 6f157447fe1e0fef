package incidents

// Drills (plan 7.3: a county-wide drill every two years) run through the
// same rules as real incidents — grading, lifecycle, reporting clock,
// activation — because that is what they exercise. What differs is that
// a drill must never be mistaken for a real incident: it is marked in
// every message and never counted in statistics. The flag is set when the
// incident is created and never changes: a drill that turns real, or the
// reverse, is a new incident.

// DrillMark prefixes every text a drill produces (titles, notifications,
// SMS), the way exercise traffic is marked on radio.
const DrillMark = "【演练】"

// Marked returns text with DrillMark in front when drill is true.
func Marked(drill bool, text string) string {
	if drill {
		return DrillMark + text
	}
	return text
}

// Drillable is anything that knows whether it belongs to a drill.
type Drillable interface{ IsDrill() bool }

// RealOnly returns the items that are not drills, keeping order. Every
// statistic goes through it, or through Tally.
func RealOnly[T Drillable](items []T) []T {
	out := make([]T, 0, len(items))
	for _, it := range items {
		if !it.IsDrill() {
			out = append(out, it)
		}
	}
	return out
}

// Stats are the counts of real incidents; drills are only counted, apart.
type Stats struct {
	Incidents       int           `json:"incidents"`
	ByGrade         map[Grade]int `json:"by_grade"`
	ByKind          map[Kind]int  `json:"by_kind"`
	AtRisk          int           `json:"at_risk"` // 较大涉险
	Deaths          int           `json:"deaths"`
	SeriousInjuries int           `json:"serious_injuries"`
	DirectLossYuan  int64         `json:"direct_loss_yuan"`
	Drills          int           `json:"drills"` // excluded from everything above
}

// Tally sums incidents for statistics, leaving drills out of every figure
// except Drills.
func Tally(incidents []Incident) Stats {
	s := Stats{ByGrade: map[Grade]int{}, ByKind: map[Kind]int{}}
	for i := range incidents {
		inc := &incidents[i]
		if inc.IsDrill() {
			s.Drills++
			continue
		}
		a := inc.Assess()
		s.Incidents++
		s.ByGrade[a.Grade]++
		s.ByKind[inc.Kind]++
		if a.AtRisk() {
			s.AtRisk++
		}
		s.Deaths += inc.Casualties.Deaths
		s.SeriousInjuries += inc.Casualties.SeriousInjuries
		s.DirectLossYuan += inc.Casualties.DirectLossYuan
	}
	return s
}
