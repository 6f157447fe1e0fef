package blast

import (
	"math"

	"sitrep/geo"
)

// FireballDiameterM is D = 5.8·M^(1/3) in metres for fuel mass M kg.
func FireballDiameterM(massKg float64) float64 { return 5.8 * math.Cbrt(massKg) }

// FireballDurationS is the fireball duration in seconds: 0.45·M^(1/3) for
// M < 30 000 kg, 2.6·M^(1/6) above (CCPS 1994).
func FireballDurationS(massKg float64) float64 {
	if massKg < 30000 {
		return 0.45 * math.Cbrt(massKg)
	}
	return 2.6 * math.Pow(massKg, 1.0/6)
}

// FireballCentreHeightM is the height of the fireball centre, 0.75·D (CCPS).
func FireballCentreHeightM(diameterM float64) float64 { return 0.75 * diameterM }

// DefaultSurfaceEmissivePowerKWm2 is the CCPS value for large hydrocarbon
// fireballs, kW/m².
const DefaultSurfaceEmissivePowerKWm2 = 350.0

// ViewFactorFacing is the view factor from a sphere of radius rM whose
// centre is at height hM to a small target at ground distance xM whose
// surface faces the sphere's centre: (r/L)², L² = x² + h². It is the
// largest view factor over all target orientations.
func ViewFactorFacing(rM, hM, xM float64) float64 {
	l2 := xM*xM + hM*hM
	if l2 <= rM*rM {
		return 1 // inside the fireball
	}
	return rM * rM / l2
}

// ViewFactorVertical is the view factor to a vertical target at ground
// distance xM facing the fireball horizontally: r²·x / L³ (CCPS form; with
// h = r it is the textbook fireball-touching-the-ground case).
func ViewFactorVertical(rM, hM, xM float64) float64 {
	l := math.Hypot(xM, hM)
	if l <= rM {
		return 1
	}
	return rM * rM * xM / (l * l * l)
}

// SaturationVapourPressurePa is the saturation vapour pressure of water
// over liquid water in Pa at tC °C (Buck 1996 equation).
func SaturationVapourPressurePa(tC float64) float64 {
	return 611.21 * math.Exp((18.678-tC/234.5)*(tC/(257.14+tC)))
}

// Transmissivity is the atmospheric transmissivity over a path of pathM
// metres for relative humidity rh (0–1) at tC °C: 2.02·(Pw·x)^−0.09
// (Bagster & Pitblado 1989, CCPS), capped at 1. With rh ≤ 0 (unknown) it
// returns 1, the conservative value.
func Transmissivity(pathM, rh, tC float64) float64 {
	if rh <= 0 || pathM <= 0 {
		return 1
	}
	pw := rh * SaturationVapourPressurePa(tC)
	return math.Min(1, 2.02*math.Pow(pw*pathM, -0.09))
}

// ThermalLevel is a thermal level of concern: either a heat flux in kW/m²
// or a thermal dose in TDU ((kW/m²)^(4/3)·s). Exactly one must be > 0.
type ThermalLevel struct {
	Name     string  `json:"name"`
	FluxKWm2 float64 `json:"fluxKWm2,omitempty"`
	DoseTDU  float64 `json:"doseTDU,omitempty"`
}

// fluxFor returns the steady flux in kW/m² that reaches the level within
// an exposure of durationS seconds.
func (l ThermalLevel) fluxFor(durationS float64) (float64, error) {
	switch {
	case l.FluxKWm2 > 0 && l.DoseTDU == 0:
		return l.FluxKWm2, nil
	case l.DoseTDU > 0 && l.FluxKWm2 == 0:
		return math.Pow(l.DoseTDU/durationS, 0.75), nil
	}
	return 0, geo.BadInput("", "热辐射关注水平 %q 须且只能给出热通量（fluxKWm2）或热剂量（doseTDU）中的一个，且大于 0", l.Name)
}

// DefaultThermalLevels are ALOHA's thermal radiation levels, most severe
// first.
var DefaultThermalLevels = []ThermalLevel{
	{Name: "10 kW/m²：60 秒内可能致死", FluxKWm2: 10},
	{Name: "5 kW/m²：60 秒内二度烧伤", FluxKWm2: 5},
	{Name: "2 kW/m²：60 秒内感到疼痛", FluxKWm2: 2},
}

// Fireball is the geometry and radiation of one fireball.
type Fireball struct {
	DiameterM     float64 `json:"diameterM"`
	DurationS     float64 `json:"durationS"`
	CentreHeightM float64 `json:"centreHeightM"`
	// SEPKWm2 is the surface emissive power used, kW/m².
	SEPKWm2 float64 `json:"sepKWm2"`
	// RelativeHumidity (0–1) and AirTempC for the transmissivity.
	RelativeHumidity float64 `json:"relativeHumidity"`
	AirTempC         float64 `json:"airTempC"`
}

// NewFireball sizes the fireball of massKg kg of fuel.
func NewFireball(massKg, sepKWm2, rh, airTempC float64) Fireball {
	d := FireballDiameterM(massKg)
	return Fireball{DiameterM: d, DurationS: FireballDurationS(massKg),
		CentreHeightM: FireballCentreHeightM(d), SEPKWm2: sepKWm2,
		RelativeHumidity: rh, AirTempC: airTempC}
}

// FluxAtKWm2 is the heat flux in kW/m² received by a target facing the
// fireball at ground distance xM from the point below its centre.
func (f Fireball) FluxAtKWm2(xM float64) float64 {
	r := f.DiameterM / 2
	l := math.Hypot(xM, f.CentreHeightM)
	return f.SEPKWm2 * ViewFactorFacing(r, f.CentreHeightM, xM) * Transmissivity(l-r, f.RelativeHumidity, f.AirTempC)
}

// RadiusForFluxM is the ground distance in metres out to which the flux is
// at least qKWm2; 0 if it is not reached even below the fireball. The flux
// falls monotonically with distance, so bisection converges.
func (f Fireball) RadiusForFluxM(qKWm2 float64) float64 {
	if f.FluxAtKWm2(0) < qKWm2 {
		return 0
	}
	lo, hi := 0.0, f.DiameterM
	for f.FluxAtKWm2(hi) >= qKWm2 {
		lo, hi = hi, hi*2
	}
	for range 100 {
		mid := (lo + hi) / 2
		if f.FluxAtKWm2(mid) >= qKWm2 {
			lo = mid
		} else {
			hi = mid
		}
	}
	return lo
}
