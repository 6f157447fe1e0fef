package layers

import (
	"errors"
	"strconv"

	"sitrep/hazards"
	"sitrep/internal/api"
	"sitrep/internal/areas"
	"sitrep/internal/registry"
)

// FilingStatuses of a hazard source (备案状态).
var FilingStatuses = []string{"registered", "filed", "monitored", "cancelled"}

// HazardSources is the hazard-source layer.
var HazardSources = (&registry.Layer{
	Name:        "hazard_sources",
	Table:       "hazard_sources",
	Title:       "Major hazard sources (重大危险源), graded by GB 18218-2018",
	Geometries:  []string{"Point", "Polygon", "MultiPolygon"},
	GeometryDoc: "the unit's site: its boundary (厂区边界) where known, else a point",
	Fields: []registry.Field{
		{Name: "code", Kind: registry.Text, MaxLen: 64, Doc: "the filing number or another client key, unique in the layer"},
		{Name: "name", Kind: registry.Text, Required: true, Doc: "the unit (储罐区, 库房…)"},
		{Name: "enterprise", Kind: registry.Text, Required: true, Filter: true},
		{Name: "address", Kind: registry.Text},
		{Name: "township_code", Kind: registry.Text, Enum: areas.TownshipCodes, Filter: true, Doc: townshipDoc},
		{Name: "filing_status", Kind: registry.Text, Required: true, Enum: FilingStatuses, Filter: true},
		{Name: "responsible_person", Kind: registry.Text, MaxLen: 100},
		{Name: "responsible_phone", Kind: registry.Text, MaxLen: 50},
		{Name: "last_inspection", Kind: registry.Date},
		{Name: "inventory", Kind: registry.Lines, Required: true, Doc: "one line per chemical: its maximum quantity present (GB 18218-2018 4.2)",
			Lines: []registry.Field{
				{Name: "chemical", Kind: registry.Text, Required: true, MaxLen: 100, Doc: "catalogue id, CAS number or Chinese name"},
				{Name: "cas", Kind: registry.Text, MaxLen: 20},
				{Name: "un", Kind: registry.Text, MaxLen: 10},
				{Name: "max_tonnes", Kind: registry.Number, Required: true, NonNegative: true},
				{Name: "hazard_classes", Kind: registry.Tags, Doc: "GB 18218-2018 表2 codes (J1–J5, W1.1–W11); needed for chemicals not in 表1"},
			}},
		{Name: "notes", Kind: registry.Text, MaxLen: 2000},
		{Name: "synthetic", Kind: registry.Boolean, Filter: true, Doc: "true for made-up demo data"},
		{Name: "s", Kind: registry.Number, ReadOnly: true, Doc: "S = Σ q/Q"},
		{Name: "r", Kind: registry.Number, ReadOnly: true, Doc: "R = α·Σ β·q/Q"},
		{Name: "alpha", Kind: registry.Number, ReadOnly: true, Doc: "α from 表5"},
		{Name: "people_within_500m", Kind: registry.Integer, ReadOnly: true, Doc: "night (resident) head count within 500 m of the site, area-weighted over population cells"},
		{Name: "major", Kind: registry.Boolean, ReadOnly: true, Filter: true, Doc: "S ≥ 1"},
		{Name: "grade", Kind: registry.Text, ReadOnly: true, Enum: []string{"I", "II", "III", "IV"}, Filter: true, Doc: "表6 grade; null when not a major hazard source"},
		{Name: "grading", Kind: registry.JSON, ReadOnly: true, Doc: "how S, R and α were reached: each term with its sources"},
	},
	Unique: []registry.Unique{
		{Constraint: "hazard_sources_code_key", Fields: []string{"code"}},
		{Constraint: "hazard_sources_enterprise_name_key", Fields: []string{"enterprise", "name"}},
	},
	Hooks: registry.Hooks{Check: checkInventory, Prepare: thenAttributeTownship(prepareGrade)},
}).Init()

// holdings turns validated inventory lines into the grading's input.
func holdings(lines []registry.Line) []hazards.Holding {
	out := make([]hazards.Holding, len(lines))
	for i, l := range lines {
		h := hazards.Holding{Chemical: l["chemical"].(string), Tonnes: l["max_tonnes"].(float64)}
		h.HazardClasses, _ = l["hazard_classes"].([]string)
		out[i] = h
	}
	return out
}

// checkInventory refuses chemicals the catalogue cannot identify (and a CAS
// number that names another chemical than the line's), naming the line.
func checkInventory(in *registry.Input) []api.FieldError {
	lines, _ := in.Values["inventory"].([]registry.Line)
	cat := hazards.DefaultCatalogue()
	var errs []api.FieldError
	for i, l := range lines {
		p := "/properties/inventory/" + strconv.Itoa(i)
		if cas, ok := l["cas"].(string); ok {
			byCAS, errCAS := cat.Lookup(cas)
			byKey, errKey := cat.Lookup(l["chemical"].(string))
			switch {
			case errCAS != nil && (errors.Is(errCAS, hazards.ErrUnknownChemical) && errKey == nil):
				errs = append(errs, api.FieldError{Field: p + "/cas", Detail: "not the CAS number of " + byKey.NameZH + ": " + errCAS.Error()})
			case errCAS == nil && errKey == nil && byCAS.ID != byKey.ID:
				errs = append(errs, api.FieldError{Field: p + "/cas", Detail: "names " + byCAS.NameZH + ", not " + byKey.NameZH})
			}
		}
	}
	if _, _, _, err := cat.Identify(holdings(lines)); err != nil {
		errs = append(errs, gradeError(err))
	}
	return errs
}

// gradeError names the inventory field a grading error is about.
func gradeError(err error) api.FieldError {
	var le *hazards.LineError
	if !errors.As(err, &le) {
		return api.FieldError{Field: "/properties/inventory", Detail: err.Error()}
	}
	p := "/properties/inventory/" + strconv.Itoa(le.Line)
	switch {
	case errors.Is(err, hazards.ErrBadQuantity):
		p += "/max_tonnes"
	case errors.Is(err, hazards.ErrUnknownClass), errors.Is(err, hazards.ErrBetaNeedsClass):
		p += "/hazard_classes"
	default:
		p += "/chemical"
	}
	return api.FieldError{Field: p, Detail: le.Err.Error()}
}
