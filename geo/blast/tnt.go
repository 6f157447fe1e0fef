package blast

import (
	"fmt"
	"math"

	"sitrep/geo"
)

// ETNTJPerKg is the blast energy of TNT used for equivalence, J/kg (CCPS).
const ETNTJPerKg = 4.68e6

// DefaultYieldFactor is η used when the caller gives none: the top of the
// CCPS 1–10 % range, so that an unknown yield errs towards larger rings.
const DefaultYieldFactor = 0.10

// PSI is one pound-force per square inch in kPa.
const PSI = 6.894757

// TNTEquivalentKg is W_TNT = η·M·ΔHc/E_TNT in kg, with massKg the
// flammable mass in kg, heatJPerKg the lower heat of combustion in J/kg and
// yield η (a fraction, 0 < η ≤ 1).
func TNTEquivalentKg(massKg, heatJPerKg, yield float64) float64 {
	return yield * massKg * heatJPerKg / ETNTJPerKg
}

// ScaledDistance is Z = R / W^(1/3) in m/kg^⅓.
func ScaledDistance(rM, wKg float64) float64 { return rM / math.Cbrt(wKg) }

// Range of scaled distance over which Swisdak's fit is valid, m/kg^⅓.
const (
	MinZ = 0.2
	MaxZ = 198.5
)

// swisdak metric incident-overpressure coefficients (Swisdak 1994, Table
// for hemispherical surface burst; P in kPa, Z in m/kg^⅓):
// ln P = A + B·lnZ + C·lnZ² + D·lnZ³ + E·lnZ⁴.
var swisdak = []struct {
	zMax          float64
	a, b, c, d, e float64
}{
	{2.9, 7.2106, -2.1069, -0.3229, 0.1117, 0.0685},
	{23.8, 7.5938, -3.0523, 0.40977, 0.0261, -0.01267},
	{MaxZ, 6.0536, -1.4066, 0, 0, 0},
}

// IncidentOverpressureKPa is the peak side-on (incident) overpressure in
// kPa at scaled distance z (m/kg^⅓) from a hemispherical TNT surface burst
// (Kingery–Bulmash via Swisdak 1994).
func IncidentOverpressureKPa(z float64) (float64, error) {
	if !(z >= MinZ && z <= MaxZ) {
		return 0, fmt.Errorf("blast: scaled distance %.4g m/kg^⅓ outside the fitted range [%.1f, %.1f]", z, MinZ, MaxZ)
	}
	for _, s := range swisdak {
		if z <= s.zMax {
			l := math.Log(z)
			return math.Exp(s.a + l*(s.b+l*(s.c+l*(s.d+l*s.e)))), nil
		}
	}
	panic("unreachable")
}

// OverpressureAtKPa is the incident overpressure in kPa at rM metres from
// wKg kg of TNT (surface burst).
func OverpressureAtKPa(wKg, rM float64) (float64, error) {
	if !(wKg > 0) {
		return 0, fmt.Errorf("blast: TNT mass %v kg must be > 0", wKg)
	}
	return IncidentOverpressureKPa(ScaledDistance(rM, wKg))
}

// ScaledDistanceFor inverts IncidentOverpressureKPa: the scaled distance
// (m/kg^⅓) at which the overpressure falls to pKPa. The fit is
// monotonically decreasing, so bisection in ln Z converges.
func ScaledDistanceFor(pKPa float64) (float64, error) {
	pHi, _ := IncidentOverpressureKPa(MinZ)
	pLo, _ := IncidentOverpressureKPa(MaxZ)
	if !(pKPa <= pHi && pKPa >= pLo) {
		return 0, geo.BadInput("kPa", "超压 %.4g kPa 超出公式的拟合范围 [%.3g, %.4g] kPa", pKPa, pLo, pHi)
	}
	lo, hi := math.Log(MinZ), math.Log(MaxZ)
	for range 100 {
		mid := (lo + hi) / 2
		p, _ := IncidentOverpressureKPa(math.Exp(mid))
		if p > pKPa {
			lo = mid
		} else {
			hi = mid
		}
	}
	return math.Exp((lo + hi) / 2), nil
}

// RadiusForOverpressureM is the distance in metres at which wKg kg of TNT
// (surface burst) produces an incident overpressure of pKPa.
func RadiusForOverpressureM(wKg, pKPa float64) (float64, error) {
	if !(wKg > 0) || math.IsInf(wKg, 0) {
		return 0, fmt.Errorf("blast: TNT mass %v kg must be > 0", wKg)
	}
	z, err := ScaledDistanceFor(pKPa)
	if err != nil {
		return 0, err
	}
	return z * math.Cbrt(wKg), nil
}

// OverpressureLevel is a level of concern for blast.
type OverpressureLevel struct {
	Name string  `json:"name"`
	KPa  float64 `json:"kPa"`
}

// DefaultOverpressureLevels are ALOHA's blast levels of concern, most
// severe first: 8 psi destruction of buildings, 3.5 psi serious injury
// likely, 1 psi shatters glass.
var DefaultOverpressureLevels = []OverpressureLevel{
	{Name: "55.2 kPa（8 psi）：建筑物摧毁", KPa: 8 * PSI},
	{Name: "24.1 kPa（3.5 psi）：可能造成重伤", KPa: 3.5 * PSI},
	{Name: "6.9 kPa（1 psi）：玻璃破碎", KPa: 1 * PSI},
}
