package plume

import (
	"errors"
	"fmt"
	"math"
	"sort"
	"strconv"
	"time"

	"github.com/paulmach/orb"

	"sitrep/geo"
)

// ErrCalm is returned when the wind is below MinWindSpeedMS: the Gaussian
// plume has no defined direction then and must not be used.
var ErrCalm error = &geo.InputError{Input: "windSpeedMS", Msg: "风速低于 1 m/s（静风），高斯烟羽模型不适用"}

// MinWindSpeedMS is the lowest wind speed (m/s at 10 m) accepted.
const MinWindSpeedMS = 1.0

// DefaultMaxDistanceM is where the plume is truncated unless the caller
// says otherwise (ALOHA also stops at 10 km: beyond it wind shifts and
// terrain make a straight-line Gaussian plume unreliable).
const DefaultMaxDistanceM = 10000.0

// Inputs is everything a plume run depends on. Stored with the zones, it
// reproduces them exactly (same Model and Version).
type Inputs struct {
	// Source is the release point, WGS 84 lon/lat.
	Source orb.Point `json:"source"`
	// Time is the instant the zones are for (stability uses the sun then).
	Time time.Time `json:"time"`
	// Substance is a free-text name (or a key of Substances).
	Substance string `json:"substance"`
	// MolecularWeight in g/mol; needed for levels in ppm.
	MolecularWeight float64 `json:"molecularWeight"`
	// ReleaseRateGS is the continuous release rate in g/s.
	ReleaseRateGS float64 `json:"releaseRateGS"`
	// ReleaseHeightM is the effective release height in metres (0 = ground).
	ReleaseHeightM float64 `json:"releaseHeightM"`
	// Levels of concern; any order, sorted most severe first in the result.
	Levels []LevelOfConcern `json:"levels"`
	// WindFromDeg: meteorological direction the wind blows FROM.
	WindFromDeg geo.WindFrom `json:"windFromDeg"`
	// Weather for the stability class.
	StabilityInputs
	// Terrain: rural or urban Briggs coefficients.
	Terrain Terrain `json:"terrain"`
	// StabilityOverride forces a class (e.g. the weather bureau's own); empty
	// means compute it with Turner's method.
	StabilityOverride Class `json:"stabilityOverride,omitempty"`
	// MaxDistanceM truncates the plume (0 = DefaultMaxDistanceM, max 50 km).
	MaxDistanceM float64 `json:"maxDistanceM,omitempty"`
}

// Result is a plume run: provenance, the derived stability and the zones,
// most severe first.
type Result struct {
	Model     string          `json:"model"`
	Version   string          `json:"version"`
	Inputs    Inputs          `json:"inputs"`
	Stability StabilityResult `json:"stability"`
	Zones     []geo.Zone      `json:"zones"`
	// Warnings apply to the whole run (e.g. dense gas).
	Warnings []string `json:"warnings,omitempty"`
}

// Run computes the threat zones for in.
func Run(in Inputs) (Result, error) {
	res := Result{Model: Model, Version: Version, Inputs: in}
	if err := validate(in); err != nil {
		return res, err
	}
	if in.WindSpeedMS < MinWindSpeedMS {
		return res, ErrCalm
	}
	st, err := Stability(in.Source[0], in.Source[1], in.Time, in.StabilityInputs)
	if err != nil {
		return res, err
	}
	if in.StabilityOverride != "" {
		st.Class = in.StabilityOverride
	}
	res.Stability = st
	if s, ok := Substances[in.Substance]; ok && s.DenseGas {
		res.Warnings = append(res.Warnings, s.Name+"比空气重：高斯烟羽只是初步估计")
	}

	maxX := in.MaxDistanceM
	if maxX == 0 {
		maxX = DefaultMaxDistanceM
		res.Inputs.MaxDistanceM = maxX // store the value actually used
	}
	type lvl struct {
		loc LevelOfConcern
		mg  float64
	}
	levels := make([]lvl, 0, len(in.Levels))
	for i, l := range in.Levels {
		mg, err := l.MgM3(in.MolecularWeight)
		if err != nil {
			if errors.Is(err, errNeedsWeight) {
				return res, geo.BadInput("molecularWeight", "关注浓度 %q 以 ppm 表示，须填写大于 0 的分子量（g/mol）", l.Name)
			}
			return res, geo.Under("levels/"+strconv.Itoa(i), err)
		}
		levels = append(levels, lvl{l, mg})
	}
	sort.SliceStable(levels, func(i, j int) bool { return levels[i].mg > levels[j].mg })

	p := params{q: in.ReleaseRateGS * 1000, u: in.WindSpeedMS, h: in.ReleaseHeightM,
		class: st.Class, terrain: in.Terrain, maxX: maxX}
	for i, l := range levels {
		z, err := p.zone(in.Source, in.WindFromDeg, l.mg)
		if err != nil {
			return res, fmt.Errorf("关注浓度 %q：%w", l.loc.Name, err)
		}
		z.Level = i + 1
		z.Name = l.loc.Name
		z.Threshold = l.mg
		z.ThresholdUnit = "mg/m3"
		res.Zones = append(res.Zones, z)
	}
	return res, nil
}

func validate(in Inputs) error {
	switch {
	case !(in.Source[0] >= -180 && in.Source[0] <= 180 && in.Source[1] >= -90 && in.Source[1] <= 90):
		return geo.BadInput("source", "泄漏点 %v 不是 WGS 84 经纬度", in.Source)
	case in.Time.IsZero():
		return geo.BadInput("time", "须填写时间（大气稳定度取决于太阳高度）")
	case !(in.ReleaseRateGS > 0) || math.IsInf(in.ReleaseRateGS, 0):
		return geo.BadInput("releaseRateGS", "泄漏速率须大于 0 g/s，收到 %v", in.ReleaseRateGS)
	case !(in.MolecularWeight >= 0 && in.MolecularWeight <= 1000):
		return geo.BadInput("molecularWeight", "分子量须在 0–1000 g/mol 之间，收到 %v", in.MolecularWeight)
	case !(in.ReleaseHeightM >= 0 && in.ReleaseHeightM <= 1000):
		return geo.BadInput("releaseHeightM", "泄漏高度须在 0–1000 m 之间，收到 %v", in.ReleaseHeightM)
	case len(in.Levels) == 0:
		return geo.BadInput("levels", "至少须有一个关注浓度")
	case in.Terrain != Rural && in.Terrain != Urban:
		return geo.BadInput("terrain", "地形须为 %s（乡村）或 %s（城市），收到 %q", Rural, Urban, in.Terrain)
	case in.StabilityOverride != "" && !in.StabilityOverride.Valid():
		return geo.BadInput("stabilityOverride", "指定的稳定度须为 A–F，收到 %q", in.StabilityOverride)
	case !(in.MaxDistanceM >= 0 && in.MaxDistanceM <= 50000):
		return geo.BadInput("maxDistanceM", "最大距离须在 0–50000 m 之间，收到 %v", in.MaxDistanceM)
	}
	return in.WindFromDeg.Validate()
}

// params is one run's physics; concentrations in mg/m³ (q in mg/s).
type params struct {
	q, u, h float64
	class   Class
	terrain Terrain
	maxX    float64
}

// centreline returns σy and the ground-level centreline concentration at x.
func (p params) centreline(x float64) (sy, c float64) {
	sy, sz, err := Sigmas(p.class, p.terrain, x)
	if err != nil { // inputs are validated; cannot happen
		panic(err)
	}
	return sy, GroundConcentration(p.q, p.u, sy, sz, 0, p.h)
}

const (
	minX     = 1.0 // m; closer than this the source is a point
	gridN    = 240 // log-spaced samples used to find where C ≥ LOC
	sideN    = 120 // vertices per side of a zone
	bisectIt = 60
)

// crossing finds x in [lo, hi] where the centreline concentration crosses
// loc, given that it is ≥ loc at aboveEnd (lo or hi) and < loc at the other.
func (p params) crossing(lo, hi, loc float64, aboveAtLo bool) float64 {
	for range bisectIt {
		mid := math.Sqrt(lo * hi) // geometric: x spans decades
		_, c := p.centreline(mid)
		if (c >= loc) == aboveAtLo {
			lo = mid
		} else {
			hi = mid
		}
	}
	if aboveAtLo {
		return lo
	}
	return hi
}

// zone builds the polygon where ground concentration ≥ loc (mg/m³).
func (p params) zone(src orb.Point, wind geo.WindFrom, loc float64) (geo.Zone, error) {
	// 1. sample the centreline on a log grid to bracket the region ≥ loc.
	xs := make([]float64, gridN)
	above := make([]bool, gridN)
	first, last := -1, -1
	for i := range xs {
		xs[i] = minX * math.Pow(p.maxX/minX, float64(i)/float64(gridN-1))
		_, c := p.centreline(xs[i])
		above[i] = c >= loc
		if above[i] {
			if first < 0 {
				first = i
			}
			last = i
		}
	}
	if first < 0 {
		return geo.Zone{Note: fmt.Sprintf("%.0f m 内地面浓度未达到此关注浓度", p.maxX)}, nil
	}
	for i := first; i <= last; i++ {
		if !above[i] {
			// Cannot happen for Briggs σ's (Ccl is unimodal in x); refuse
			// rather than draw a wrong shape.
			return geo.Zone{}, errors.New("plume: centreline concentration is not unimodal; zone not drawn")
		}
	}
	var note []string
	xStart, xEnd := xs[first], 0.0
	attached := first == 0 // zone touches the source
	if !attached {
		xStart = p.crossing(xs[first-1], xs[first], loc, false)
	}
	truncated := last == gridN-1
	if truncated {
		xEnd = p.maxX
		note = append(note, fmt.Sprintf("%.0f m 外仍超过此浓度：烟羽在此截断", p.maxX))
	} else {
		xEnd = p.crossing(xs[last], xs[last+1], loc, true)
	}
	if xEnd < 100 || xEnd > 10000 {
		// inside 100 m the whole zone is in the near field, where a plume
		// from a real leak (jet, pool, building wake) is not Gaussian.
		note = append(note, "Briggs 扩散参数 σ 的拟合范围为 100 m–10 km，本区域的范围超出此区间，结果为外推")
	}

	// 2. vertices along x: log-spaced from the start, plus points crowding
	// the far tip where the half-width falls like sqrt(xEnd − x).
	var along []float64
	for i := range sideN {
		f := float64(i) / float64(sideN-1)
		along = append(along, xStart*math.Pow(xEnd/xStart, f))
		g := 1 - (1-f)*(1-f)
		along = append(along, xStart+(xEnd-xStart)*g)
	}
	sort.Float64s(along)

	// 3. half-widths; build left side outwards, right side back.
	type pt struct{ x, y float64 }
	var side []pt
	prevX := math.Inf(-1)
	for _, x := range along {
		if x <= prevX*(1+1e-9) || x <= xStart || x >= xEnd {
			continue
		}
		sy, c := p.centreline(x)
		y := HalfWidth(sy, c, loc)
		if y < 1e-3 { // below a millimetre: not a distinct vertex
			continue
		}
		side = append(side, pt{x, y})
		prevX = x
	}
	ring := make([]geo.Offset, 0, 2*len(side)+4)
	if attached {
		ring = append(ring, wind.Along(0, 0)) // the source itself
	} else {
		ring = append(ring, wind.Along(xStart, 0))
	}
	for _, s := range side {
		ring = append(ring, wind.Along(s.x, s.y))
	}
	if sy, c := p.centreline(xEnd); truncated && HalfWidth(sy, c, loc) >= 1e-3 {
		y := HalfWidth(sy, c, loc)
		ring = append(ring, wind.Along(xEnd, y), wind.Along(xEnd, -y))
	} else {
		ring = append(ring, wind.Along(xEnd, 0))
	}
	for i := len(side) - 1; i >= 0; i-- {
		ring = append(ring, wind.Along(side[i].x, -side[i].y))
	}
	poly, err := geo.PolygonFromLocal(src, ring)
	if err != nil {
		return geo.Zone{}, err
	}
	z := geo.Zone{Polygon: poly}
	for _, o := range ring {
		z.ExtentM = math.Max(z.ExtentM, math.Hypot(o.East, o.North))
	}
	for i, n := range note {
		if i > 0 {
			z.Note += "；"
		}
		z.Note += n
	}
	return z, nil
}
