package hazards

import (
	"encoding/json"
	"errors"
	"math"
	"strings"
	"testing"
)

func h(chem string, tonnes float64, classes ...string) Holding {
	return Holding{Chemical: chem, Tonnes: tonnes, HazardClasses: classes}
}

// S exactly 1 and just below (GB 18218-2018 4.2.3: S ≥ 1 is major).
func TestIdentifyBoundary(t *testing.T) {
	for _, tc := range []struct {
		name  string
		inv   []Holding
		s     float64
		major bool
	}{
		{"empty", nil, 0, false},
		{"ammonia exactly Q", []Holding{h("氨", 10)}, 1, true},
		{"ammonia just below", []Holding{h("氨", 9.999)}, 0.9999, false},
		{"zero tonnes", []Holding{h("chlorine", 0)}, 0, false},
		// 0.1/0.3 + 0.25/0.75 + 25/75 is 1 exactly; thirds are where
		// binary floating point goes astray.
		{"three thirds", []Holding{h("光气", 0.1), h("异氰酸甲酯", 0.25), h("三氧化硫", 25)}, 1, true},
		{"three thirds minus a gram", []Holding{h("光气", 0.1), h("异氰酸甲酯", 0.25), h("三氧化硫", 24.999999)}, 0.99999998666, false},
		{"half and half", []Holding{h("7782-50-5", 2.5), h("lpg", 25)}, 1, true},
		{"mixed below", []Holding{h("甲醇", 200), h("苯", 10), h("氢气", 1)}, 0.4 + 0.2 + 0.2, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, major, terms, err := Identify(tc.inv)
			if err != nil {
				t.Fatal(err)
			}
			if major != tc.major || math.Abs(s-tc.s) > 1e-9 {
				t.Errorf("S = %v major = %v; want %v %v", s, major, tc.s, tc.major)
			}
			if len(terms) != len(tc.inv) {
				t.Errorf("%d terms for %d lines", len(terms), len(tc.inv))
			}
		})
	}
}

// R exactly 100, 50, 10 and just below, with each α of 表5.
func TestGradeBoundaries(t *testing.T) {
	for _, tc := range []struct {
		name   string
		inv    []Holding
		people int
		r      float64
		grade  Grade
	}{
		// chlorine Q 5, β 4 (表3); α 2: R = 2·4·q/5 = 1.6 q
		{"R=100 chlorine α2", []Holding{h("氯", 62.5)}, 100, 100, GradeI},
		{"R<100 chlorine α2", []Holding{h("氯", 62.49)}, 100, 99.984, GradeII},
		{"R=50 chlorine α2", []Holding{h("氯", 31.25)}, 100, 50, GradeII},
		{"R<50 chlorine α2", []Holding{h("氯", 31.24)}, 100, 49.984, GradeIII},
		{"R=10 chlorine α2", []Holding{h("氯", 6.25)}, 100, 10, GradeIII},
		{"R<10 chlorine α2", []Holding{h("氯", 6.24)}, 100, 9.984, GradeIV},
		// methyl isocyanate Q 0.75, β 20; α 1.2: R = 32 q. In float64
		// 1.2·(20·3.125/0.75) is 99.99999999999999: a naive grade II.
		{"R=100 MIC α1.2", []Holding{h("624-83-9", 3.125)}, 30, 100, GradeI},
		{"R=100 MIC α1.2 (49 people)", []Holding{h("624-83-9", 3.125)}, 49, 100, GradeI},
		{"R=50 MIC α1.5", []Holding{h("methyl-isocyanate", 1.25)}, 50, 50, GradeII},
		{"R=100 MIC α1.5 (99 people)", []Holding{h("methyl-isocyanate", 2.5)}, 99, 100, GradeI},
		// phosgene Q 0.3, β 20
		{"R=100 phosgene α1.5", []Holding{h("光气", 1)}, 50, 100, GradeI},
		// nitrogen dioxide Q 1, β 10 (表3): S = 1 exactly
		{"R=10 NO2 α1 (1 person)", []Holding{h("二氧化氮", 1)}, 1, 10, GradeIII},
		{"R=10 NO2 α1 (29 people)", []Holding{h("二氧化氮", 1)}, 29, 10, GradeIII},
		{"R=5 NO2 α0.5 (nobody)", []Holding{h("二氧化氮", 1)}, 0, 5, GradeIV},
		{"R<10 NO2 α1", []Holding{h("二氧化氮", 0.9999), h("氨", 0.001)}, 1, 9.9992, GradeIV},
		// the same inventory across the α steps: ammonia 500 t, Σβq/Q = 100
		{"ammonia 0 people", []Holding{h("ammonia", 500)}, 0, 50, GradeII},
		{"ammonia 29 people", []Holding{h("ammonia", 500)}, 29, 100, GradeI},
		{"ammonia 30 people", []Holding{h("ammonia", 500)}, 30, 120, GradeI},
		{"methanol 29 people", []Holding{h("甲醇", 5000)}, 29, 10, GradeIII},
		{"methanol 30 people", []Holding{h("甲醇", 5000)}, 30, 12, GradeIII},
		{"methanol 50 people", []Holding{h("甲醇", 20000)}, 50, 60, GradeII},
		{"methanol 100 people", []Holding{h("甲醇", 25000)}, 100, 100, GradeI},
		{"methanol 99 people", []Holding{h("甲醇", 25000)}, 99, 75, GradeII},
		// mixed: LPG 100 t (β 1.5: 3), H2S 10 t (β 5: 10), gasoline declared W5.1 400 t (β 1.5: 3)
		// Σ = 16, α 1.5 → 24
		{"mixed", []Holding{h("液化石油气", 100), h("硫化氢", 10), h("汽油", 400, "W5.1")}, 60, 24, GradeIII},
		// a valid CAS not in 表1 is identified by class: acetic acid W5.4, Q 5000
		{"CAS by class", []Holding{h("64-19-7", 5000, "W5.4")}, 0, 0.5, GradeIV},
		// unnamed chemical by class: W5.3 Q 1000 β 1, and J3+W2 (Q min 10, β max 2)
		{"by class", []Holding{h("某溶剂", 2000, "W5.3"), h("某有毒可燃气", 20, "J3", "W2")}, 100, 2 * (2 + 4), GradeIII},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := GradeInventory(tc.inv, tc.people)
			if err != nil {
				t.Fatal(err)
			}
			if math.Abs(res.R-tc.r) > 1e-9 || res.Grade != tc.grade || !res.Major {
				t.Errorf("R = %v grade %q major %v; want %v %q", res.R, res.Grade, res.Major, tc.r, tc.grade)
			}
		})
	}
}

// When S < 1 there is no grade, but R is still reported.
func TestGradeNotMajor(t *testing.T) {
	res, err := GradeInventory([]Holding{h("氯", 4.99)}, 1000)
	if err != nil {
		t.Fatal(err)
	}
	if res.Major || res.Grade != GradeNone {
		t.Fatalf("S = %v: major %v grade %q; want not major, no grade", res.S, res.Major, res.Grade)
	}
	if math.Abs(res.R-2*4*4.99/5) > 1e-9 || res.Alpha != 2 {
		t.Errorf("R = %v α = %v; want R computed for information", res.R, res.Alpha)
	}
	b, _ := json.Marshal(res)
	if !strings.Contains(string(b), `"grade":""`) {
		t.Errorf("JSON %s: want an empty grade", b)
	}
}

func TestTermsExplain(t *testing.T) {
	res, err := GradeInventory([]Holding{h("液氯", 10), h("甲醇", 250), h("propylene-oxide", 5, "W5.3")}, 10)
	if err != nil {
		t.Fatal(err)
	}
	cl, me, po := res.Terms[0], res.Terms[1], res.Terms[2]
	if cl.EntryID != "chlorine" || cl.QTonnes != 5 || cl.Beta != 4 || cl.Ratio != 2 || cl.Weighted != 8 || !strings.Contains(cl.BetaSource, "表3") {
		t.Errorf("chlorine term %+v", cl)
	}
	if me.Line != 1 || me.Beta != 1 || me.Ratio != 0.5 || !strings.Contains(me.QSource, "表1") {
		t.Errorf("methanol term %+v", me)
	}
	// a declared class never lowers a catalogue β (propylene oxide is W5.1, β 1.5)
	if po.Beta != 1.5 {
		t.Errorf("propylene oxide β = %v, want 1.5 kept", po.Beta)
	}
}

func TestDeclaredClassRaisesBeta(t *testing.T) {
	// benzene is category 2 (β 1); kept above its boiling point it is W5.1 (β 1.5). Q stays 表1's.
	res, err := GradeInventory([]Holding{h("苯", 50, "W5.1")}, 0)
	if err != nil {
		t.Fatal(err)
	}
	if tm := res.Terms[0]; tm.Beta != 1.5 || tm.QTonnes != 50 {
		t.Errorf("benzene W5.1: %+v", tm)
	}
	// a 表3 β is fixed: declaring J1 (β 4) does not change ammonia's 2.
	res, _ = GradeInventory([]Holding{h("氨", 10, "J1")}, 0)
	if res.Terms[0].Beta != 2 {
		t.Errorf("ammonia β = %v, want 表3's 2", res.Terms[0].Beta)
	}
}

func TestGradeErrors(t *testing.T) {
	for _, tc := range []struct {
		name   string
		inv    []Holding
		people int
		want   error
		line   int
		text   string
	}{
		{"negative tonnes", []Holding{h("氨", 1), h("氯", -0.5)}, 0, ErrBadQuantity, 1, "-0.5"},
		{"NaN tonnes", []Holding{h("氨", math.NaN())}, 0, ErrBadQuantity, 0, "NaN"},
		{"infinite tonnes", []Holding{h("氨", math.Inf(1))}, 0, ErrBadQuantity, 0, "Inf"},
		{"unknown chemical", []Holding{h("氨", 1), h("甲醇", 1), h("二氧化钛", 3)}, 0, ErrUnknownChemical, 2, "二氧化钛"},
		{"blank chemical", []Holding{h(" ", 3)}, 0, ErrUnknownChemical, 0, ""},
		{"bad CAS check digit", []Holding{h("7664-41-8", 3)}, 0, ErrUnknownChemical, 0, "7664-41-8"},
		{"unknown CAS never by class", []Holding{h("50-00-0x", 3)}, 0, ErrUnknownChemical, 0, ""},
		{"mistyped CAS with class", []Holding{h("7782-50-4", 3, "W4")}, 0, ErrUnknownChemical, 0, "7782-50-4"},
		{"ambiguous CAS with class", []Holding{h("9004-70-0", 3, "W10")}, 0, ErrAmbiguousChemical, 0, "nitrocellulose"},
		{"ambiguous CAS", []Holding{h("6484-52-2", 3)}, 0, ErrAmbiguousChemical, 0, "ammonium-nitrate"},
		{"unknown class", []Holding{h("某物", 3, "W99")}, 0, ErrUnknownClass, 0, "W99"},
		{"gasoline needs class", []Holding{h("汽油", 300)}, 0, ErrBetaNeedsClass, 0, "W5.1"},
		{"gasoline wrong class", []Holding{h("汽油", 300, "W11")}, 0, ErrBetaNeedsClass, 0, "W5.3"},
		{"negative people", []Holding{h("氨", 1)}, -3, ErrBadPeople, -1, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := GradeInventory(tc.inv, tc.people)
			if !errors.Is(err, tc.want) {
				t.Fatalf("error %v; want %v", err, tc.want)
			}
			if !strings.Contains(err.Error(), tc.text) {
				t.Errorf("error %q does not name %q", err, tc.text)
			}
			if tc.line < 0 {
				return
			}
			var le *LineError
			if !errors.As(err, &le) || le.Line != tc.line {
				t.Errorf("error %v: want a LineError for line %d", err, tc.line)
			}
		})
	}
}
