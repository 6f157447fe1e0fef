package hazards

import (
	"errors"
	"fmt"
	"math/big"
	"slices"
	"strings"
)

// Holding is one line of a unit's inventory: the maximum quantity of one
// chemical present in the unit (GB 18218-2018 4.2: tanks, vessels and
// storage areas count at their design maximum).
//
// Chemical is a catalogue id, CAS number or Chinese name. A chemical not
// named in the catalogue is accepted only with HazardClasses (表2 codes,
// e.g. ["W5.3"]); it is then identified by class. For a catalogue entry,
// HazardClasses may raise a 表4 β (a category 2 liquid kept above its
// boiling point is W5.1) and must name the class when the entry's β is not
// fixed (gasoline); they never change a 表1 Q or a 表3 β.
type Holding struct {
	Chemical      string   `json:"chemical"`
	HazardClasses []string `json:"hazard_classes,omitempty"`
	Tonnes        float64  `json:"tonnes"`
}

// Term is one line's contribution to S and R, with where each number
// comes from, so a grade can be checked by hand.
type Term struct {
	Line       int     `json:"line"`
	Chemical   string  `json:"chemical"`
	EntryID    string  `json:"entry_id,omitempty"`
	NameZH     string  `json:"name_zh,omitempty"`
	Tonnes     float64 `json:"tonnes"`          // q
	QTonnes    float64 `json:"critical_tonnes"` // Q
	Beta       float64 `json:"beta"`            // β
	Ratio      float64 `json:"ratio"`           // q/Q
	Weighted   float64 `json:"weighted_ratio"`  // β·q/Q
	QSource    string  `json:"q_source"`
	BetaSource string  `json:"beta_source"`
}

// Result is the identification and grading of one unit.
//
// When S < 1 the unit is not a major hazard source: Major is false and
// Grade is GradeNone. R and Alpha are still computed and reported, for
// information only (how close the unit is to a grade once it crosses
// S = 1); they must not be shown as a grade.
type Result struct {
	S      float64 `json:"s"`
	Major  bool    `json:"major"`
	R      float64 `json:"r"`
	Alpha  float64 `json:"alpha"`
	People int     `json:"people_within_500m"`
	Grade  Grade   `json:"grade"`
	Terms  []Term  `json:"terms"`
}

type exactTerm struct {
	ratio, weighted *big.Rat
}

// Identify computes S = Σ q/Q (GB 18218-2018 4.2) and whether the unit
// is a major hazard source (S ≥ 1, exactly). An empty inventory is S = 0.
func (c *Catalogue) Identify(inventory []Holding) (s float64, major bool, terms []Term, err error) {
	terms, ex, err := c.terms(inventory)
	if err != nil {
		return 0, false, nil, err
	}
	sr := sumRatios(ex)
	return toFloat(sr), sr.Cmp(one) >= 0, terms, nil
}

// Grade identifies the unit and grades it (GB 18218-2018 4.3):
// R = α·Σ β·q/Q, α from 表5 by the people within 500 m, grade from 表6.
func (c *Catalogue) Grade(inventory []Holding, peopleWithin500m int) (Result, error) {
	alpha, err := Alpha(peopleWithin500m)
	if err != nil {
		return Result{}, err
	}
	terms, ex, err := c.terms(inventory)
	if err != nil {
		return Result{}, err
	}
	sr := sumRatios(ex)
	rr := new(big.Rat)
	for _, t := range ex {
		rr.Add(rr, t.weighted)
	}
	rr.Mul(rr, exact(alpha))
	res := Result{
		S:      toFloat(sr),
		Major:  sr.Cmp(one) >= 0,
		R:      toFloat(rr),
		Alpha:  alpha,
		People: peopleWithin500m,
		Terms:  terms,
	}
	if res.Major {
		res.Grade = gradeOf(rr)
	}
	return res, nil
}

// Identify uses the shipped catalogue.
func Identify(inventory []Holding) (s float64, major bool, terms []Term, err error) {
	return DefaultCatalogue().Identify(inventory)
}

// GradeInventory uses the shipped catalogue. (The package-level name
// differs from the method because Grade is the type.)
func GradeInventory(inventory []Holding, peopleWithin500m int) (Result, error) {
	return DefaultCatalogue().Grade(inventory, peopleWithin500m)
}

func sumRatios(ex []exactTerm) *big.Rat {
	s := new(big.Rat)
	for _, t := range ex {
		s.Add(s, t.ratio)
	}
	return s
}

func (c *Catalogue) terms(inventory []Holding) ([]Term, []exactTerm, error) {
	terms := make([]Term, 0, len(inventory))
	ex := make([]exactTerm, 0, len(inventory))
	for i, h := range inventory {
		t, e, err := c.term(h)
		if err != nil {
			return nil, nil, &LineError{Line: i, Chemical: h.Chemical, Err: err}
		}
		t.Line = i
		terms = append(terms, t)
		ex = append(ex, e)
	}
	return terms, ex, nil
}

func (c *Catalogue) term(h Holding) (Term, exactTerm, error) {
	if !finite(h.Tonnes) || h.Tonnes < 0 {
		return Term{}, exactTerm{}, fmt.Errorf("%w：%v 吨（须为 ≥ 0 的有限数）", ErrBadQuantity, h.Tonnes)
	}
	if strings.TrimSpace(h.Chemical) == "" {
		return Term{}, exactTerm{}, fmt.Errorf("%w：未填写危险化学品", ErrUnknownChemical)
	}
	declared, err := c.resolveClasses(h.HazardClasses)
	if err != nil {
		return Term{}, exactTerm{}, err
	}
	t := Term{Chemical: h.Chemical, Tonnes: h.Tonnes}

	entry, err := c.Lookup(h.Chemical)
	switch {
	case err == nil:
		t.EntryID, t.NameZH = entry.ID, entry.NameZH
		t.QTonnes, t.QSource = entry.QTonnes, entry.Source
		t.Beta, t.BetaSource, err = c.entryBeta(entry, declared)
		if err != nil {
			return Term{}, exactTerm{}, err
		}
	case len(declared) > 0 && !errors.Is(err, ErrAmbiguousChemical) && validKey(h.Chemical):
		// GB 18218-2018 4.1: a chemical not in 表1 takes its Q from 表2,
		// the lowest Q when it has several hazards. 表4 gives β per class;
		// the standard does not say which to take for several classes, so
		// the highest (the conservative reading).
		q, qc := declared[0].QTonnes, declared[0].Code
		b, bc := declared[0].Beta, declared[0].Code
		for _, d := range declared[1:] {
			if d.QTonnes < q {
				q, qc = d.QTonnes, d.Code
			}
			if d.Beta > b {
				b, bc = d.Beta, d.Code
			}
		}
		t.QTonnes, t.QSource = q, "GB 18218-2018 表2 "+qc
		t.Beta, t.BetaSource = b, "GB 18218-2018 表4 "+bc
	default:
		// A CAS number failing its check digit is never identified by
		// class: it is most likely a mistyped 表1 chemical, which would
		// otherwise get a 表2 Q silently.
		return Term{}, exactTerm{}, fmt.Errorf("%w（GB 18218-2018 表1 未列名的危险化学品须填写危险性类别 hazard_classes）", err)
	}

	q := exact(h.Tonnes)
	ratio := q.Quo(q, exact(t.QTonnes))
	weighted := new(big.Rat).Mul(ratio, exact(t.Beta))
	t.Ratio, t.Weighted = toFloat(ratio), toFloat(weighted)
	return t, exactTerm{ratio: ratio, weighted: weighted}, nil
}

func (c *Catalogue) resolveClasses(codes []string) ([]HazardClass, error) {
	out := make([]HazardClass, 0, len(codes))
	for _, code := range codes {
		hc, err := c.Class(code)
		if err != nil {
			return nil, err
		}
		if !slices.ContainsFunc(out, func(x HazardClass) bool { return x.Code == hc.Code }) {
			out = append(out, hc)
		}
	}
	return out, nil
}

// entryBeta applies GB 18218-2018 4.3: a 表3 β is fixed; otherwise 表4,
// where declared classes can raise the catalogue value, never lower it.
func (c *Catalogue) entryBeta(e Entry, declared []HazardClass) (float64, string, error) {
	if e.BetaTable == BetaTable3 {
		return e.Beta, e.BetaSource, nil
	}
	if e.Beta == 0 && len(declared) == 0 {
		want := "表2 中的任一类别"
		if len(e.BetaClasses) > 0 {
			want = strings.Join(e.BetaClasses, "、") + " 之一"
		}
		return 0, "", fmt.Errorf("%w：%s（%s）：请填写%s", ErrBetaNeedsClass, e.NameZH, e.ID, want)
	}
	if e.Beta == 0 && len(e.BetaClasses) > 0 {
		ok := slices.ContainsFunc(declared, func(d HazardClass) bool { return slices.Contains(e.BetaClasses, d.Code) })
		if !ok {
			return 0, "", fmt.Errorf("%w：%s（%s）：请填写 %s 之一", ErrBetaNeedsClass, e.NameZH, e.ID, strings.Join(e.BetaClasses, "、"))
		}
	}
	beta, src := e.Beta, e.BetaSource
	for _, d := range declared {
		if d.Beta > beta {
			beta, src = d.Beta, "GB 18218-2018 表4 "+d.Code+"（按填写的类别）"
		}
	}
	return beta, src, nil
}

// validKey is false for a key shaped like a CAS number that fails its
// check digit.
func validKey(key string) bool {
	if !looksLikeCAS(key) {
		return true
	}
	_, ok := normaliseCAS(key)
	return ok
}
