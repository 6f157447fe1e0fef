package plume

import "math"

// GroundConcentration is the Gaussian-plume ground-level (z = 0)
// concentration with total reflection at the ground (Turner 1970, eq. 3.2):
//
//	C = Q / (π σy σz u) · exp(−y²/(2σy²)) · exp(−H²/(2σz²))
//
// with Q the release rate, u the wind speed (m/s), σy, σz (m) at the
// receptor's downwind distance, y the crosswind offset (m) and H the
// effective release height (m). The unit of C is the unit of Q per m³
// (g/s → g/m³).
func GroundConcentration(q, u, sy, sz, y, h float64) float64 {
	return q / (math.Pi * sy * sz * u) * math.Exp(-y*y/(2*sy*sy)) * math.Exp(-h*h/(2*sz*sz))
}

// HalfWidth is the crosswind half-width (m) of the area where the ground
// concentration is at least loc, given the centreline value ccl at the same
// x: σy·sqrt(2 ln(ccl/loc)); 0 where ccl ≤ loc.
func HalfWidth(sy, ccl, loc float64) float64 {
	if !(ccl > loc) {
		return 0
	}
	return sy * math.Sqrt(2*math.Log(ccl/loc))
}

// MolarVolume25C is the molar volume of an ideal gas at 25 °C and
// 101.325 kPa in litres (24.45 L/mol, the US EPA/OSHA/AEGL convention), used
// to convert ppm (by volume) to mg/m³: mg/m³ = ppm · MW / 24.45.
const MolarVolume25C = 24.45

// PPMToMgM3 converts a gas concentration in ppm (v/v) to mg/m³ at 25 °C,
// 1 atm, for molecular weight mw in g/mol.
func PPMToMgM3(ppm, mw float64) float64 { return ppm * mw / MolarVolume25C }

// MgM3ToPPM is the inverse of PPMToMgM3.
func MgM3ToPPM(mg, mw float64) float64 { return mg * MolarVolume25C / mw }
