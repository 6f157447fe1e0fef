package plume

import (
	"errors"
	"fmt"
	"math"
	"sort"
	"time"

	"github.com/paulmach/orb"

	"sitrep/geo"
)

// ErrCalm is returned when the wind is below MinWindSpeedMS: the Gaussian
// plume has no defined direction then and must not be used.
var ErrCalm = errors.New("plume: wind below 1 m/s, Gaussian plume not valid; use an isolation circle")

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
		res.Warnings = append(res.Warnings, s.Name+" is denser than air: a Gaussian plume is a first estimate only")
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
	for _, l := range in.Levels {
		mg, err := l.MgM3(in.MolecularWeight)
		if err != nil {
			return res, err
		}
		levels = append(levels, lvl{l, mg})
	}
	sort.SliceStable(levels, func(i, j int) bool { return levels[i].mg > levels[j].mg })

	p := params{q: in.ReleaseRateGS * 1000, u: in.WindSpeedMS, h: in.ReleaseHeightM,
		class: st.Class, terrain: in.Terrain, maxX: maxX}
	for i, l := range levels {
		z, err := p.zone(in.Source, in.WindFromDeg, l.mg)
		if err != nil {
			return res, fmt.Errorf("plume: level %q: %w", l.loc.Name, err)
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
		return fmt.Errorf("plume: source %v is not a WGS 84 lon/lat", in.Source)
	case in.Time.IsZero():
		return errors.New("plume: time is required (stability depends on the sun)")
	case !(in.ReleaseRateGS > 0) || math.IsInf(in.ReleaseRateGS, 0):
		return fmt.Errorf("plume: release rate %v g/s must be > 0", in.ReleaseRateGS)
	case !(in.ReleaseHeightM >= 0 && in.ReleaseHeightM <= 1000):
		return fmt.Errorf("plume: release height %v m must be in [0, 1000]", in.ReleaseHeightM)
	case len(in.Levels) == 0:
		return errors.New("plume: at least one level of concern is required")
	case in.Terrain != Rural && in.Terrain != Urban:
		return fmt.Errorf("plume: terrain %q is not %q or %q", in.Terrain, Rural, Urban)
	case in.StabilityOverride != "" && !in.StabilityOverride.Valid():
		return fmt.Errorf("plume: stability override %q is not A–F", in.StabilityOverride)
	case !(in.MaxDistanceM >= 0 && in.MaxDistanceM <= 50000):
		return fmt.Errorf("plume: max distance %v m must be in [0, 50000]", in.MaxDistanceM)
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
		return geo.Zone{Note: fmt.Sprintf("level not reached at ground level within %.0f m", p.maxX)}, nil
	}
	for i := first; i <= last; i++ {
		if !above[i] {
			// Cannot happen for Briggs σ's (Ccl is unimodal in x); refuse
			// rather than draw a wrong shape.
			return geo.Zone{}, errors.New("centreline concentration is not unimodal; zone not drawn")
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
		note = append(note, fmt.Sprintf("exceeded beyond %.0f m: plume truncated there", p.maxX))
	} else {
		xEnd = p.crossing(xs[last], xs[last+1], loc, true)
	}
	if xEnd < 100 || xEnd > 10000 {
		// inside 100 m the whole zone is in the near field, where a plume
		// from a real leak (jet, pool, building wake) is not Gaussian.
		note = append(note, "Briggs σ are fitted for 100 m–10 km; this zone's reach is outside that range")
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
			z.Note += "; "
		}
		z.Note += n
	}
	return z, nil
}
