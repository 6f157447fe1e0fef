package hazards

import (
	_ "embed"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
	"strconv"
	"sync"
)

//go:embed safe_distances.json
var safeDistancesJSON []byte

// SiteKind is a kind of neighbouring site that a major hazard source must
// keep away from (plan 3.1.2; 《危险化学品安全管理条例》第十九条).
type SiteKind string

const (
	SiteResidential         SiteKind = "residential" // 居住区、村庄
	SiteSchool              SiteKind = "school"
	SiteHospital            SiteKind = "hospital"
	SiteCrowdedPlace        SiteKind = "crowded_place"
	SiteDrinkingWaterSource SiteKind = "drinking_water_source"
	SiteStation             SiteKind = "station" // rail, bus, airport
	SitePowerStation        SiteKind = "power_station"
	SiteReservoir           SiteKind = "reservoir"
	SiteShelter             SiteKind = "shelter" // 应急避难场所
	SiteOtherImportant      SiteKind = "other_important"
)

// SiteKinds lists every kind, in display order.
var SiteKinds = []SiteKind{
	SiteResidential, SiteSchool, SiteHospital, SiteCrowdedPlace, SiteDrinkingWaterSource,
	SiteStation, SitePowerStation, SiteReservoir, SiteShelter, SiteOtherImportant,
}

// Valid reports whether k is a known kind.
func (k SiteKind) Valid() bool { return slices.Contains(SiteKinds, k) }

// siteKindLabels are the kinds' Chinese names, as people read them.
var siteKindLabels = map[SiteKind]string{
	SiteResidential:         "居住区、村庄",
	SiteSchool:              "学校",
	SiteHospital:            "医院",
	SiteCrowdedPlace:        "人员密集场所",
	SiteDrinkingWaterSource: "饮用水源",
	SiteStation:             "车站、机场",
	SitePowerStation:        "电站、变电站",
	SiteReservoir:           "水库",
	SiteShelter:             "应急避难场所",
	SiteOtherImportant:      "其他重要设施",
}

// Label is the kind's Chinese name; "" for an unknown kind.
func (k SiteKind) Label() string { return siteKindLabels[k] }

// Site is one neighbouring site with its distance from the hazard source,
// as PostGIS measured it (nearest boundary to nearest boundary, metres).
type Site struct {
	Kind      SiteKind `json:"kind"`
	ID        string   `json:"id"`
	Name      string   `json:"name,omitempty"`
	DistanceM float64  `json:"distance_m"`
}

// Violation is a site closer than the rule allows.
type Violation struct {
	SiteKind   SiteKind `json:"site_kind"`
	SiteID     string   `json:"site_id"`
	SiteName   string   `json:"site_name,omitempty"`
	DistanceM  float64  `json:"distance_m"`
	MinimumM   float64  `json:"minimum_m"`
	ShortfallM float64  `json:"shortfall_m"`
	// InvalidDistance is set when the distance given was NaN, infinite or
	// negative; the site is then reported rather than skipped, with
	// DistanceM 0, so a broken measurement is looked at.
	InvalidDistance bool   `json:"invalid_distance,omitempty"`
	Rule            string `json:"rule"`
}

// KindRule explains where a kind's distances come from.
type KindRule struct {
	Kind   SiteKind `json:"kind"`
	NameZH string   `json:"name_zh"`
	Basis  string   `json:"basis"`
}

// DistanceRules holds the minimum distance per grade and site kind. It is
// immutable; With returns a changed copy.
type DistanceRules struct {
	source  string
	kinds   map[SiteKind]KindRule
	minimum map[Grade]map[SiteKind]float64
}

type distanceFile struct {
	Source  string                         `json:"source"`
	Kinds   []KindRule                     `json:"kinds"`
	Minimum map[Grade]map[SiteKind]float64 `json:"minimum_m"`
}

var defaultRules = sync.OnceValues(func() (*DistanceRules, error) {
	return ParseDistanceRules(safeDistancesJSON)
})

// DefaultDistanceRules are the shipped screening defaults
// (safe_distances.json). It panics if that file is invalid, which the
// package tests rule out.
func DefaultDistanceRules() *DistanceRules {
	r, err := defaultRules()
	if err != nil {
		panic(err)
	}
	return r
}

// ParseDistanceRules reads and validates a rules file: every grade I–IV
// must give a positive distance for every site kind, so no pair is left
// unchecked by omission.
func ParseDistanceRules(data []byte) (*DistanceRules, error) {
	var f distanceFile
	if err := decodeStrict(data, &f); err != nil {
		return nil, fmt.Errorf("%w：%v", ErrInvalidRules, err)
	}
	if f.Source == "" {
		return nil, fmt.Errorf("%w：source 必填（距离的出处）", ErrInvalidRules)
	}
	r := &DistanceRules{source: f.Source, kinds: map[SiteKind]KindRule{}, minimum: map[Grade]map[SiteKind]float64{}}
	for _, k := range f.Kinds {
		if !k.Kind.Valid() {
			return nil, fmt.Errorf("%w：未知场所类别 %q", ErrInvalidRules, k.Kind)
		}
		if _, dup := r.kinds[k.Kind]; dup {
			return nil, fmt.Errorf("%w：场所类别 %q 重复说明", ErrInvalidRules, k.Kind)
		}
		if k.NameZH == "" || k.Basis == "" {
			return nil, fmt.Errorf("%w：场所类别 %q 须有 name_zh 和 basis", ErrInvalidRules, k.Kind)
		}
		r.kinds[k.Kind] = k
	}
	for g, row := range f.Minimum {
		if !g.Valid() {
			return nil, fmt.Errorf("%w：级别 %q", ErrInvalidRules, g)
		}
		r.minimum[g] = maps.Clone(row)
	}
	if err := r.validate(); err != nil {
		return nil, err
	}
	return r, nil
}

// LoadDistanceRules reads a rules file from r.
func LoadDistanceRules(rd io.Reader) (*DistanceRules, error) {
	data, err := io.ReadAll(rd)
	if err != nil {
		return nil, err
	}
	return ParseDistanceRules(data)
}

// LoadDistanceRulesFile reads a rules file, to replace the defaults.
func LoadDistanceRulesFile(path string) (*DistanceRules, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return ParseDistanceRules(data)
}

func (r *DistanceRules) validate() error {
	for _, k := range SiteKinds {
		if _, ok := r.kinds[k]; !ok {
			return fmt.Errorf("%w：场所类别 %q 缺少说明", ErrInvalidRules, k)
		}
	}
	for _, g := range Grades {
		row, ok := r.minimum[g]
		if !ok {
			return fmt.Errorf("%w：%s 级没有距离", ErrInvalidRules, g)
		}
		for k, m := range row {
			if !k.Valid() {
				return fmt.Errorf("%w：%s 级：未知场所类别 %q", ErrInvalidRules, g, k)
			}
			if !finite(m) || m <= 0 {
				return fmt.Errorf("%w：%s 级，%s：距离须为正数，收到 %v", ErrInvalidRules, g, k, m)
			}
		}
		for _, k := range SiteKinds {
			if _, ok := row[k]; !ok {
				return fmt.Errorf("%w：%s 级：缺少 %s 的距离", ErrInvalidRules, g, k)
			}
		}
	}
	return nil
}

// Source says where the distances come from.
func (r *DistanceRules) Source() string { return r.source }

// Kind returns the description of a site kind.
func (r *DistanceRules) Kind(k SiteKind) (KindRule, bool) {
	kr, ok := r.kinds[k]
	return kr, ok
}

// Minimum is the minimum distance in metres for a grade and site kind.
func (r *DistanceRules) Minimum(g Grade, k SiteKind) (float64, bool) {
	m, ok := r.minimum[g][k]
	return m, ok
}

// With returns a copy of the rules with one distance changed, for a
// county decision made at run time.
func (r *DistanceRules) With(g Grade, k SiteKind, metres float64) (*DistanceRules, error) {
	if !g.Valid() {
		return nil, fmt.Errorf("%w：级别 %q", ErrInvalidRules, g)
	}
	if !k.Valid() {
		return nil, fmt.Errorf("%w：未知场所类别 %q", ErrInvalidRules, k)
	}
	if !finite(metres) || metres <= 0 {
		return nil, fmt.Errorf("%w：距离须为正数，收到 %v", ErrInvalidRules, metres)
	}
	n := &DistanceRules{source: r.source, kinds: maps.Clone(r.kinds), minimum: map[Grade]map[SiteKind]float64{}}
	for gg, row := range r.minimum {
		n.minimum[gg] = maps.Clone(row)
	}
	n.minimum[g][k] = metres
	return n, nil
}

// Check lists the sites closer to a hazard source of grade g than the
// rules allow, most serious first (smallest distance/minimum). A distance
// equal to the minimum complies (不小于). A source without a grade (not a
// major hazard source) has no rule and yields nothing. A site of unknown
// kind is held to the strictest distance of the grade, and says so.
func (r *DistanceRules) Check(g Grade, sites []Site) []Violation {
	row, ok := r.minimum[g]
	if !ok {
		return nil
	}
	var out []Violation
	for _, s := range sites {
		minimum, known := row[s.Kind]
		what := ""
		if known {
			kr := r.kinds[s.Kind]
			what = fmt.Sprintf("%s(%s)", kr.NameZH, s.Kind)
		} else {
			strictest := SiteKinds[0]
			for _, k := range SiteKinds {
				if row[k] > row[strictest] {
					strictest = k
				}
			}
			minimum = row[strictest]
			what = fmt.Sprintf("未知类别 %q,按最严的%s(%s)", s.Kind, r.kinds[strictest].NameZH, strictest)
		}
		v := Violation{SiteKind: s.Kind, SiteID: s.ID, SiteName: s.Name, DistanceM: s.DistanceM, MinimumM: minimum}
		if !finite(s.DistanceM) || s.DistanceM < 0 {
			v.DistanceM, v.InvalidDistance = 0, true
			v.ShortfallM = minimum
			v.Rule = fmt.Sprintf("%s重大危险源距%s应不小于 %s m;距离数据无效(%v),按不满足处理,请核查", g.Label(), what, metres(minimum), s.DistanceM)
			out = append(out, v)
			continue
		}
		if s.DistanceM >= minimum {
			continue
		}
		v.ShortfallM = minimum - s.DistanceM
		v.Rule = fmt.Sprintf("%s重大危险源距%s应不小于 %s m,实际 %s m,差 %s m", g.Label(), what, metres(minimum), metres(s.DistanceM), metres(v.ShortfallM))
		if known {
			v.Rule += ";依据:" + r.kinds[s.Kind].Basis
		}
		out = append(out, v)
	}
	slices.SortStableFunc(out, func(a, b Violation) int {
		ra, rb := a.DistanceM/a.MinimumM, b.DistanceM/b.MinimumM
		switch {
		case ra < rb:
			return -1
		case ra > rb:
			return 1
		}
		return 0
	})
	return out
}

// Check applies the shipped default rules.
func Check(g Grade, sites []Site) []Violation { return DefaultDistanceRules().Check(g, sites) }

func metres(m float64) string { return strconv.FormatFloat(m, 'f', -1, 64) }
