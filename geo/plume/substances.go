package plume

import (
	"fmt"
	"strings"
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
	if !(l.Value > 0) {
		return 0, fmt.Errorf("plume: level of concern %q must be > 0", l.Name)
	}
	switch strings.ToLower(l.Unit) {
	case "mg/m3", "mg/m³":
		return l.Value, nil
	case "ppm":
		if !(mw > 0) {
			return 0, fmt.Errorf("plume: level %q is in ppm but molecular weight is %v", l.Name, mw)
		}
		return PPMToMgM3(l.Value, mw), nil
	}
	return 0, fmt.Errorf("plume: level %q has unit %q, want ppm or mg/m3", l.Name, l.Unit)
}

// Substance is a toxic gas with its default levels of concern.
type Substance struct {
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
	"chlorine": {Name: "Chlorine", UN: "1017", MolecularWeight: 70.90, DenseGas: true,
		Levels: []LevelOfConcern{
			{Name: "AEGL-3 (60 min)", Value: 20, Unit: "ppm"},
			{Name: "AEGL-2 (60 min)", Value: 2.0, Unit: "ppm"},
			{Name: "AEGL-1 (60 min)", Value: 0.50, Unit: "ppm"},
		}},
	"ammonia": {Name: "Ammonia, anhydrous", UN: "1005", MolecularWeight: 17.03,
		Levels: []LevelOfConcern{
			{Name: "AEGL-3 (60 min)", Value: 1100, Unit: "ppm"},
			{Name: "AEGL-2 (60 min)", Value: 160, Unit: "ppm"},
			{Name: "AEGL-1 (60 min)", Value: 30, Unit: "ppm"},
		}},
	"hydrogen-sulfide": {Name: "Hydrogen sulfide", UN: "1053", MolecularWeight: 34.08, DenseGas: true,
		Levels: []LevelOfConcern{
			{Name: "AEGL-3 (60 min)", Value: 50, Unit: "ppm"},
			{Name: "AEGL-2 (60 min)", Value: 27, Unit: "ppm"},
			{Name: "AEGL-1 (60 min)", Value: 0.51, Unit: "ppm"},
		}},
}
