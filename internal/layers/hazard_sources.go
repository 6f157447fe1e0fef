package layers

import (
	"errors"
	"strconv"

	"sitrep/hazards"
	"sitrep/internal/api"
	"sitrep/internal/areas"
	"sitrep/internal/registry"
)

// filingStatuses of a hazard source (备案状态).
var filingStatuses = terms{
	{"registered", "已登记"},
	{"filed", "已备案"},
	{"monitored", "已备案并纳入监控"},
	{"cancelled", "已核销"},
}

// FilingStatuses are the codes of filingStatuses.
var FilingStatuses = filingStatuses.codes()

// HazardSources is the hazard-source layer.
var HazardSources = (&registry.Layer{
	Name:        "hazard_sources",
	Table:       "hazard_sources",
	Title:       "重大危险源",
	Geometries:  []string{"Point", "Polygon", "MultiPolygon"},
	GeometryDoc: "单元所在场地：已知厂区边界时为边界，否则为一个点",
	Fields: []registry.Field{
		{Name: "code", Title: "编码", Kind: registry.Text, MaxLen: 64, Doc: "备案编号或其他编码，本图层内唯一"},
		{Name: "name", Title: "单元名称", Kind: registry.Text, Required: true, Doc: "危险化学品单元（储罐区、库房…）"},
		{Name: "enterprise", Title: "企业", Kind: registry.Text, Required: true, Filter: true},
		{Name: "address", Title: "地址", Kind: registry.Text},
		{Name: "township_code", Title: "乡镇（街道）", Kind: registry.Text, Enum: areas.TownshipCodes, EnumLabel: areas.TownshipName, Filter: true, Doc: townshipDoc},
		{Name: "filing_status", Title: "备案状态", Kind: registry.Text, Required: true, Enum: FilingStatuses, EnumLabel: filingStatuses.label, Filter: true},
		{Name: "responsible_person", Title: "负责人", Kind: registry.Text, MaxLen: 100},
		{Name: "responsible_phone", Title: "负责人电话", Kind: registry.Text, MaxLen: 50},
		{Name: "last_inspection", Title: "最近检查日期", Kind: registry.Date},
		{Name: "inventory", Title: "危险化学品", Kind: registry.Lines, Required: true, Doc: "每种危险化学品一行：在场的最大数量（GB 18218-2018 4.2）",
			Lines: []registry.Field{
				{Name: "chemical", Title: "危险化学品", Kind: registry.Text, Required: true, MaxLen: 100, Doc: "目录编号、CAS 号或中文名（可用 /api/v1/chemicals 查找）"},
				{Name: "cas", Title: "CAS 号", Kind: registry.Text, MaxLen: 20},
				{Name: "un", Title: "UN 编号", Kind: registry.Text, MaxLen: 10},
				{Name: "max_tonnes", Title: "最大存在量（吨）", Kind: registry.Number, Required: true, NonNegative: true},
				{Name: "hazard_classes", Title: "危险性类别", Kind: registry.Tags, Doc: "GB 18218-2018 表2 类别代码（J1–J5、W1.1–W11）；表1 未列名的危险化学品必填"},
			}},
		{Name: "notes", Title: "备注", Kind: registry.Text, MaxLen: 2000},
		{Name: "synthetic", Title: "演示数据（虚构）", Kind: registry.Boolean, Filter: true, Doc: "为虚构的演示数据时为 true"},
		{Name: "s", Title: "S", Kind: registry.Number, ReadOnly: true, Doc: "S = Σ q/Q"},
		{Name: "r", Title: "R", Kind: registry.Number, ReadOnly: true, Doc: "R = α·Σ β·q/Q"},
		{Name: "alpha", Title: "α", Kind: registry.Number, ReadOnly: true, Doc: "暴露人员校正系数 α（表5）"},
		{Name: "people_within_500m", Title: "500 m 内常住人口", Kind: registry.Integer, ReadOnly: true, Doc: "场地周边 500 m 内的常住（夜间）人口，按人口网格面积加权"},
		{Name: "major", Title: "构成重大危险源", Kind: registry.Boolean, ReadOnly: true, Filter: true, Doc: "S ≥ 1"},
		{Name: "grade", Title: "级别", Kind: registry.Text, ReadOnly: true, Enum: []string{"I", "II", "III", "IV"}, EnumLabel: gradeLabel, Filter: true, Doc: "表6 分级；不构成重大危险源时为 null"},
		{Name: "grading", Title: "分级依据", Kind: registry.JSON, ReadOnly: true, Doc: "S、R、α 的计算过程：每一项及其出处"},
	},
	Unique: []registry.Unique{
		{Constraint: "hazard_sources_code_key", Fields: []string{"code"}},
		{Constraint: "hazard_sources_enterprise_name_key", Fields: []string{"enterprise", "name"}},
	},
	ReferencedBy: []registry.Reference{{Constraint: "sensors_hazard_source_fkey", Title: "监测传感器"}},
	Hooks:        registry.Hooks{Check: checkInventory, Prepare: thenAttributeTownship(prepareGrade)},
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
				errs = append(errs, api.FieldError{Field: p + "/cas", Detail: "不是" + byKey.NameZH + "的 CAS 号：" + errCAS.Error()})
			case errCAS == nil && errKey == nil && byCAS.ID != byKey.ID:
				errs = append(errs, api.FieldError{Field: p + "/cas", Detail: "此 CAS 号是" + byCAS.NameZH + "的，不是" + byKey.NameZH + "的"})
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
