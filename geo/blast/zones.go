package blast

import (
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/paulmach/orb"

	"sitrep/geo"
)

// ExplosionInputs is everything an explosion run depends on.
type ExplosionInputs struct {
	// Source is the centre of the cloud or charge, WGS 84 lon/lat.
	Source orb.Point `json:"source"`
	// Time of the scenario (recorded only; the model does not use it).
	Time      time.Time `json:"time,omitzero"`
	Substance string    `json:"substance"`
	// FlammableMassKg is the fuel mass in the cloud, kg.
	FlammableMassKg float64 `json:"flammableMassKg,omitempty"`
	// HeatOfCombustionJPerKg is the lower heat of combustion, J/kg
	// (e.g. propane 46.35e6, methane 50.0e6).
	HeatOfCombustionJPerKg float64 `json:"heatOfCombustionJPerKg,omitempty"`
	// YieldFactor η (fraction); 0 means DefaultYieldFactor.
	YieldFactor float64 `json:"yieldFactor,omitempty"`
	// TNTMassKg, when > 0, is used directly (condensed explosives) and the
	// three fields above are ignored.
	TNTMassKg float64 `json:"tntMassKg,omitempty"`
	// Levels, most severe first; nil means DefaultOverpressureLevels.
	Levels []OverpressureLevel `json:"levels,omitempty"`
}

// ExplosionResult is an explosion run.
type ExplosionResult struct {
	Model     string          `json:"model"`
	Version   string          `json:"version"`
	Inputs    ExplosionInputs `json:"inputs"`
	TNTMassKg float64         `json:"tntMassKg"`
	Zones     []geo.Zone      `json:"zones"`
}

// RunExplosion computes overpressure rings. Defaults that were applied are
// written back into the returned Inputs so the stored record is explicit.
func RunExplosion(in ExplosionInputs) (ExplosionResult, error) {
	res := ExplosionResult{Model: ExplosionModel, Version: ExplosionVersion}
	if err := validSource(in.Source); err != nil {
		return res, err
	}
	w := in.TNTMassKg
	if w == 0 {
		if in.YieldFactor == 0 {
			in.YieldFactor = DefaultYieldFactor
		}
		if !(in.FlammableMassKg > 0) || !(in.HeatOfCombustionJPerKg > 0) || !(in.YieldFactor > 0 && in.YieldFactor <= 1) {
			return res, fmt.Errorf("blast: need flammable mass > 0 kg, heat of combustion > 0 J/kg and 0 < yield ≤ 1 (got %v, %v, %v)",
				in.FlammableMassKg, in.HeatOfCombustionJPerKg, in.YieldFactor)
		}
		w = TNTEquivalentKg(in.FlammableMassKg, in.HeatOfCombustionJPerKg, in.YieldFactor)
	}
	if !(w > 0) || math.IsInf(w, 0) || w > 1e7 {
		return res, fmt.Errorf("blast: TNT mass %v kg out of range (0, 1e7]", w)
	}
	if in.Levels == nil {
		in.Levels = DefaultOverpressureLevels
	}
	res.Inputs, res.TNTMassKg = in, w
	for i, l := range in.Levels {
		z := geo.Zone{Level: i + 1, Name: l.Name, Threshold: l.KPa, ThresholdUnit: "kPa"}
		r, err := RadiusForOverpressureM(w, l.KPa)
		if err != nil {
			return res, fmt.Errorf("blast: level %q: %w", l.Name, err)
		}
		if err := circleZone(&z, in.Source, r); err != nil {
			return res, err
		}
		res.Zones = append(res.Zones, z)
	}
	return res, checkOrder(res.Zones)
}

// FireballInputs is everything a BLEVE fireball run depends on.
type FireballInputs struct {
	Source    orb.Point `json:"source"`
	Time      time.Time `json:"time,omitzero"`
	Substance string    `json:"substance"`
	// FuelMassKg is the flammable mass in the vessel, kg (all of it is
	// assumed to feed the fireball, as CCPS recommends).
	FuelMassKg float64 `json:"fuelMassKg"`
	// SEPKWm2 is the surface emissive power; 0 means 350 kW/m².
	SEPKWm2 float64 `json:"sepKWm2,omitempty"`
	// RelativeHumidity 0–1; 0 means unknown → transmissivity 1.
	RelativeHumidity float64 `json:"relativeHumidity,omitempty"`
	AirTempC         float64 `json:"airTempC,omitempty"`
	// Levels, most severe first; nil means DefaultThermalLevels.
	Levels []ThermalLevel `json:"levels,omitempty"`
}

// FireballResult is a fireball run.
type FireballResult struct {
	Model    string         `json:"model"`
	Version  string         `json:"version"`
	Inputs   FireballInputs `json:"inputs"`
	Fireball Fireball       `json:"fireball"`
	Zones    []geo.Zone     `json:"zones"`
}

// RunFireball computes the fireball size and its thermal radii.
func RunFireball(in FireballInputs) (FireballResult, error) {
	res := FireballResult{Model: FireballModel, Version: FireballVersion}
	if err := validSource(in.Source); err != nil {
		return res, err
	}
	if !(in.FuelMassKg > 0 && in.FuelMassKg <= 1e7) {
		return res, fmt.Errorf("blast: fuel mass %v kg out of range (0, 1e7]", in.FuelMassKg)
	}
	if in.SEPKWm2 == 0 {
		in.SEPKWm2 = DefaultSurfaceEmissivePowerKWm2
	}
	if !(in.SEPKWm2 > 0 && in.SEPKWm2 <= 1000) {
		return res, fmt.Errorf("blast: surface emissive power %v kW/m² out of range", in.SEPKWm2)
	}
	if !(in.RelativeHumidity >= 0 && in.RelativeHumidity <= 1) || !(in.AirTempC > -60 && in.AirTempC < 60) {
		return res, errors.New("blast: relative humidity must be 0–1 and air temperature −60..60 °C")
	}
	if in.Levels == nil {
		in.Levels = DefaultThermalLevels
	}
	res.Inputs = in
	fb := NewFireball(in.FuelMassKg, in.SEPKWm2, in.RelativeHumidity, in.AirTempC)
	res.Fireball = fb
	for i, l := range in.Levels {
		q, err := l.fluxFor(fb.DurationS)
		if err != nil {
			return res, err
		}
		z := geo.Zone{Level: i + 1, Name: l.Name, Threshold: q, ThresholdUnit: "kW/m2"}
		if err := circleZone(&z, in.Source, fb.RadiusForFluxM(q)); err != nil {
			return res, err
		}
		res.Zones = append(res.Zones, z)
	}
	return res, checkOrder(res.Zones)
}

func validSource(p orb.Point) error {
	if !(p[0] >= -180 && p[0] <= 180 && p[1] >= -90 && p[1] <= 90) {
		return fmt.Errorf("blast: source %v is not a WGS 84 lon/lat", p)
	}
	return nil
}

func circleZone(z *geo.Zone, src orb.Point, r float64) error {
	if r <= 0 {
		z.Note = "level not reached"
		return nil
	}
	p, err := geo.Circle(src, r, 0)
	if err != nil {
		return err
	}
	z.ExtentM, z.Polygon = r, p
	return nil
}

// checkOrder rejects level tables that are not most severe first, so that
// Level 1 is always the innermost ring.
func checkOrder(zs []geo.Zone) error {
	for i := 1; i < len(zs); i++ {
		if zs[i].Threshold >= zs[i-1].Threshold {
			return fmt.Errorf("blast: levels must be given most severe first (%q before %q)", zs[i-1].Name, zs[i].Name)
		}
	}
	return nil
}
