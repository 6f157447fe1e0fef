package blast

import (
	"math"
	"strconv"
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
	// Method says how the rings were drawn; RMP is the US EPA screening
	// rule's 1 psi distance beside this model's, for comparison.
	Method string       `json:"method"`
	RMP    RMPScreening `json:"rmpScreening"`
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
			return res, explosionInputError(in)
		}
		w = TNTEquivalentKg(in.FlammableMassKg, in.HeatOfCombustionJPerKg, in.YieldFactor)
	}
	if !(w > 0) || math.IsInf(w, 0) || w > 1e7 {
		input := "flammableMassKg"
		if in.TNTMassKg != 0 {
			input = "tntMassKg"
		}
		return res, geo.BadInput(input, "TNT 当量 %v kg 超出范围 (0, 1e7]", w)
	}
	if in.Levels == nil {
		in.Levels = DefaultOverpressureLevels
	}
	res.Inputs, res.TNTMassKg, res.Method = in, w, ExplosionMethod
	rmp, err := ScreenRMP(in, w)
	if err != nil {
		return res, geo.Under("tntMassKg", err)
	}
	res.RMP = rmp
	for i, l := range in.Levels {
		z := geo.Zone{Level: i + 1, Name: l.Name, Threshold: l.KPa, ThresholdUnit: "kPa"}
		r, err := RadiusForOverpressureM(w, l.KPa)
		if err != nil {
			return res, geo.Under("levels/"+strconv.Itoa(i), err)
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
		return res, geo.BadInput("fuelMassKg", "可燃物质量须在 (0, 1e7] kg 之间（即不超过 1 万吨），收到 %v", in.FuelMassKg)
	}
	if in.SEPKWm2 == 0 {
		in.SEPKWm2 = DefaultSurfaceEmissivePowerKWm2
	}
	if !(in.SEPKWm2 > 0 && in.SEPKWm2 <= 1000) {
		return res, geo.BadInput("sepKWm2", "表面辐射功率须在 (0, 1000] kW/m² 之间，收到 %v", in.SEPKWm2)
	}
	if !(in.RelativeHumidity >= 0 && in.RelativeHumidity <= 1) {
		return res, geo.BadInput("relativeHumidity", "相对湿度须在 0–1 之间，收到 %v", in.RelativeHumidity)
	}
	if !(in.AirTempC > -60 && in.AirTempC < 60) {
		return res, geo.BadInput("airTempC", "气温须在 −60…60 °C 之间，收到 %v", in.AirTempC)
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
			return res, geo.Under("levels/"+strconv.Itoa(i), err)
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
		return geo.BadInput("source", "中心点 %v 不是 WGS 84 经纬度", p)
	}
	return nil
}

func circleZone(z *geo.Zone, src orb.Point, r float64) error {
	if r <= 0 {
		z.Note = "未达到此关注水平"
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
			return geo.BadInput("levels", "关注水平须按严重程度从高到低排列（%q 应在 %q 之前）", zs[i].Name, zs[i-1].Name)
		}
	}
	return nil
}

// explosionInputError names the first of the three vapour-cloud inputs
// that is out of range.
func explosionInputError(in ExplosionInputs) error {
	switch {
	case !(in.FlammableMassKg > 0):
		return geo.BadInput("flammableMassKg", "可燃物质量须大于 0 kg，收到 %v", in.FlammableMassKg)
	case !(in.HeatOfCombustionJPerKg > 0):
		return geo.BadInput("heatOfCombustionJPerKg", "燃烧热须大于 0 J/kg，收到 %v", in.HeatOfCombustionJPerKg)
	}
	return geo.BadInput("yieldFactor", "爆炸效率须大于 0、不超过 1，收到 %v", in.YieldFactor)
}
