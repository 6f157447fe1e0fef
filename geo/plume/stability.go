package plume

import (
	"math"
	"time"

	"sitrep/geo"
	"sitrep/geo/sun"
)

// Class is a Pasquill–Gifford stability class, "A" (very unstable) to "F"
// (moderately stable).
type Class string

// The six Pasquill–Gifford classes.
const (
	A Class = "A"
	B Class = "B"
	C Class = "C"
	D Class = "D"
	E Class = "E"
	F Class = "F"
)

// Valid reports whether c is one of A–F.
func (c Class) Valid() bool {
	switch c {
	case A, B, C, D, E, F:
		return true
	}
	return false
}

func (c Class) rank() int {
	if !c.Valid() {
		return 0
	}
	return int(c[0]-'A') + 1
}

var classByNumber = [...]Class{1: A, 2: B, 3: C, 4: D, 5: E, 6: F, 7: F} // G merged into F (EPA)

// Knots per metre per second (1 kt = 1852 m / 3600 s).
const knotsPerMS = 3600.0 / 1852.0

// Feet-to-metre thresholds of Turner's ceiling tests.
const (
	ceiling7000ftM  = 7000 * 0.3048  // 2133.6 m
	ceiling16000ftM = 16000 * 0.3048 // 4876.8 m
)

// turnerTable[row][col]: rows are wind-speed bands in knots
// {0–1, 2–3, 4–5, 6, 7, 8–9, 10, 11, ≥12}; columns are net radiation index
// {4, 3, 2, 1, 0, −1, −2}. Values 1–7 = classes A–G (EPA-454/R-99-005
// Table 6-4, after Turner 1964).
var turnerTable = [9][7]int{
	{1, 1, 2, 3, 4, 6, 7},
	{1, 2, 2, 3, 4, 6, 7},
	{1, 2, 3, 4, 4, 5, 6},
	{2, 2, 3, 4, 4, 5, 6},
	{2, 2, 3, 4, 4, 4, 5},
	{2, 3, 3, 4, 4, 4, 5},
	{3, 3, 4, 4, 4, 4, 5},
	{3, 3, 4, 4, 4, 4, 4},
	{3, 4, 4, 4, 4, 4, 4},
}

func windRow(ms float64) int {
	kt := int(math.Round(ms * knotsPerMS)) // NWS reports whole knots
	switch {
	case kt <= 1:
		return 0
	case kt <= 3:
		return 1
	case kt <= 5:
		return 2
	case kt == 6:
		return 3
	case kt == 7:
		return 4
	case kt <= 9:
		return 5
	case kt == 10:
		return 6
	case kt == 11:
		return 7
	}
	return 8
}

// insolationClass is Turner's insolation class number from solar altitude
// (EPA-454/R-99-005 Table 6-5): > 60° strong (4), 35–60° moderate (3),
// 15–35° slight (2), ≤ 15° weak (1).
func insolationClass(elevDeg float64) int {
	switch {
	case elevDeg > 60:
		return 4
	case elevDeg > 35:
		return 3
	case elevDeg > 15:
		return 2
	}
	return 1
}

// NetRadiationIndex is Turner's net radiation index (EPA-454/R-99-005 Table
// 6-6). night is Turner's night (1 h before sunset to 1 h after sunrise);
// elevDeg is used by day only; cloudOktas is total cloud cover in oktas
// (0–8); ceilingM is the cloud-base height in metres (must be known here).
func NetRadiationIndex(night bool, elevDeg, cloudOktas, ceilingM float64) int {
	tenths := cloudOktas * 10 / 8
	overcast := cloudOktas >= 8
	if overcast && ceilingM < ceiling7000ftM {
		return 0
	}
	if night {
		if tenths <= 4 {
			return -2
		}
		return -1
	}
	ic := insolationClass(elevDeg)
	if tenths <= 5 {
		return ic
	}
	switch {
	case ceilingM < ceiling7000ftM:
		ic -= 2
	case ceilingM < ceiling16000ftM:
		ic--
	}
	if overcast { // only reached with ceiling ≥ 7000 ft
		ic--
	}
	return max(ic, 1)
}

// TurnerClass returns the stability class for a 10 m wind speed (m/s) and a
// net radiation index (−2..4).
func TurnerClass(windMS float64, nri int) Class {
	nri = max(-2, min(4, nri))
	return classByNumber[turnerTable[windRow(windMS)][4-nri]]
}

// StabilityInputs are the weather facts the stability class depends on.
type StabilityInputs struct {
	// WindSpeedMS is the wind speed at 10 m, m/s.
	WindSpeedMS float64 `json:"windSpeedMS"`
	// CloudOktas is total cloud cover in oktas, 0 (clear) – 8 (overcast).
	CloudOktas float64 `json:"cloudOktas"`
	// CeilingM is the cloud-base height in metres; 0 means unknown.
	CeilingM float64 `json:"ceilingM"`
}

// StabilityResult says which class was used and why.
type StabilityResult struct {
	Class             Class   `json:"class"`
	SolarElevationDeg float64 `json:"solarElevationDeg"`
	// TurnerNight is true from 1 h before sunset to 1 h after sunrise.
	TurnerNight bool `json:"turnerNight"`
	// NetRadiationIndex is Turner's index used for the class.
	NetRadiationIndex int `json:"netRadiationIndex"`
}

// Stability determines the Pasquill–Gifford class at a place and instant
// from the sun's elevation there (package sun) and the weather.
func Stability(lonDeg, latDeg float64, t time.Time, w StabilityInputs) (StabilityResult, error) {
	if !(w.WindSpeedMS >= 0) || math.IsInf(w.WindSpeedMS, 0) {
		return StabilityResult{}, geo.BadInput("windSpeedMS", "风速 %v m/s 无效", w.WindSpeedMS)
	}
	if !(w.CloudOktas >= 0 && w.CloudOktas <= 8) {
		return StabilityResult{}, geo.BadInput("cloudOktas", "云量须在 0–8 成之间，收到 %v", w.CloudOktas)
	}
	if !(w.CeilingM >= 0) || math.IsInf(w.CeilingM, 0) {
		return StabilityResult{}, geo.BadInput("ceilingM", "云底高度 %v m 无效", w.CeilingM)
	}
	elev := sun.Elevation(lonDeg, latDeg, t)
	night := !(sun.IsDay(lonDeg, latDeg, t.Add(-time.Hour)) && sun.IsDay(lonDeg, latDeg, t.Add(time.Hour)))
	res := StabilityResult{SolarElevationDeg: elev, TurnerNight: night}
	if w.CeilingM > 0 {
		res.NetRadiationIndex = NetRadiationIndex(night, elev, w.CloudOktas, w.CeilingM)
		res.Class = TurnerClass(w.WindSpeedMS, res.NetRadiationIndex)
		return res, nil
	}
	// Unknown ceiling: keep the more stable of a low and a high ceiling.
	best := Class("")
	for _, ceil := range []float64{1000, 10000} {
		nri := NetRadiationIndex(night, elev, w.CloudOktas, ceil)
		c := TurnerClass(w.WindSpeedMS, nri)
		if c.rank() > best.rank() {
			best, res.NetRadiationIndex = c, nri
		}
	}
	res.Class = best
	return res, nil
}
