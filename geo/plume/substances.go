package plume

import (
	"errors"
	"strings"

	"sitrep/geo"
)

// LevelOfConcern is a concentration threshold that bounds a threat zone.
type LevelOfConcern struct {
	// Name, e.g. "AEGL-3 (60 min)".
	Name string `json:"name"`
	// Value in Unit.
	Value float64 `json:"value"`
	// Unit is "ppm" (v/v, needs MolecularWeight) or "mg/m3".
	Unit string `json:"unit"`
}

// MgM3 returns the level in mg/m³.
func (l LevelOfConcern) MgM3(mw float64) (float64, error) {
	// A million ppm is pure gas, and a million mg/m³ (1 kg/m³) is about
	// the density of air: anything above is a typo, and would overflow.
	if !(l.Value > 0 && l.Value <= 1e6) {
		return 0, geo.BadInput("value", "关注浓度 %q 须大于 0、不超过 1000000", l.Name)
	}
	switch strings.ToLower(l.Unit) {
	case "mg/m3", "mg/m³":
		return l.Value, nil
	case "ppm":
		if !(mw > 0) {
			return 0, errNeedsWeight
		}
		return PPMToMgM3(l.Value, mw), nil
	}
	return 0, geo.BadInput("unit", "关注浓度 %q 的单位须为 ppm 或 mg/m3，收到 %q", l.Name, l.Unit)
}

// errNeedsWeight: a level in ppm needs the molecular weight to convert.
var errNeedsWeight = errors.New("plume: a level in ppm needs the molecular weight")

// Substance is a toxic gas with its default levels of concern.
type Substance struct {
	// Name is the Chinese name people read.
	Name string `json:"name"`
	// UN number, as on the placard.
	UN string `json:"un"`
	// MolecularWeight in g/mol.
	MolecularWeight float64 `json:"molecularWeight"`
	// Levels, most severe first.
	Levels []LevelOfConcern `json:"levels"`
	// DenseGas warns that a Gaussian plume underestimates near-field spread.
	DenseGas bool `json:"denseGas"`
}

// Substances are defaults for the TIH gases most likely in the county
// (water treatment, refrigeration, oil and gas). Levels are the US EPA
// National Advisory Committee final AEGL values for 60-minute exposure
// (AEGL-3 life-threatening, AEGL-2 disabling/irreversible, AEGL-1
// discomfort). They are defaults for a what-if; the incident commander may
// supply other levels (ERPG, PAC, Chinese GBZ 2.1 values) in Inputs.
var Substances = map[string]Substance{
	"chlorine": {Name: "氯气", UN: "1017", MolecularWeight: 70.90, DenseGas: true,
		Levels: []LevelOfConcern{
			{Name: "AEGL-3（60 分钟）", Value: 20, Unit: "ppm"},
			{Name: "AEGL-2（60 分钟）", Value: 2.0, Unit: "ppm"},
			{Name: "AEGL-1（60 分钟）", Value: 0.50, Unit: "ppm"},
		}},
	"ammonia": {Name: "液氨（无水氨）", UN: "1005", MolecularWeight: 17.03,
		Levels: []LevelOfConcern{
			{Name: "AEGL-3（60 分钟）", Value: 1100, Unit: "ppm"},
			{Name: "AEGL-2（60 分钟）", Value: 160, Unit: "ppm"},
			{Name: "AEGL-1（60 分钟）", Value: 30, Unit: "ppm"},
		}},
	"hydrogen-sulfide": {Name: "硫化氢", UN: "1053", MolecularWeight: 34.08, DenseGas: true,
		Levels: []LevelOfConcern{
			{Name: "AEGL-3（60 分钟）", Value: 50, Unit: "ppm"},
			{Name: "AEGL-2（60 分钟）", Value: 27, Unit: "ppm"},
			{Name: "AEGL-1（60 分钟）", Value: 0.51, Unit: "ppm"},
		}},
}
