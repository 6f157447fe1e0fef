package incidents

// ResponseLevel is the level at which the county activates its response
// (4.3). It is chosen by people from controllability, severity and scope,
// so it is not derived from the grade; SuggestedLevel only proposes one.
type ResponseLevel uint8

const (
	LevelI ResponseLevel = iota + 1
	LevelII
	LevelIII
	LevelIV
)

var levelText = []enumText{
	{},
	{"I", "Ⅰ级响应"},
	{"II", "Ⅱ级响应"},
	{"III", "Ⅲ级响应"},
	{"IV", "Ⅳ级响应"},
}

func ResponseLevels() []ResponseLevel { return allOf[ResponseLevel](levelText) }
func ParseResponseLevel(code string) (ResponseLevel, error) {
	return parseEnum[ResponseLevel]("响应级别", levelText, code)
}
func (l ResponseLevel) Valid() bool    { return lookup(levelText, l).code != "" }
func (l ResponseLevel) Code() string   { return lookup(levelText, l).code }
func (l ResponseLevel) Label() string  { return lookup(levelText, l).label }
func (l ResponseLevel) String() string { return stringOf("ResponseLevel", levelText, l) }

// AtLeast reports whether l is as high as other or higher, e.g.
// l.AtLeast(LevelIII) is the plan's "Ⅲ级以上" (4.4.2).
func (l ResponseLevel) AtLeast(other ResponseLevel) bool { return l.Valid() && l <= other }

func (l ResponseLevel) MarshalText() ([]byte, error) {
	return marshalEnum("response level", levelText, l)
}
func (l *ResponseLevel) UnmarshalText(b []byte) error {
	v, err := ParseResponseLevel(string(b))
	if err != nil {
		return err
	}
	*l = v
	return nil
}

// SuggestedLevel proposes the response level with the grade's numeral.
// The plan (4.3) lets the county weigh controllability and scope too, so
// this is a default for the form, never enforced.
func SuggestedLevel(g Grade) ResponseLevel {
	if !g.Valid() {
		return 0
	}
	return ResponseLevel(g)
}

// CountyRole is what the county HQ does for an accident of a grade.
type CountyRole string

const (
	// RoleGuide: 一般 accidents — the HQ guides the on-site rescue (4.3).
	RoleGuide CountyRole = "guide"
	// RoleOrganise: 较大 accidents — the HQ organises the rescue (2.2.1, 4.3).
	RoleOrganise CountyRole = "organise"
	// RoleAssist: 重大 and 特别重大 — the HQ organises its forces and assists
	// the city government, which leads (1.3, 2.2.1).
	RoleAssist CountyRole = "assist"
)

// CountyRoleFor returns the county HQ's role for a grade.
func CountyRoleFor(g Grade) CountyRole {
	switch g {
	case GradeI, GradeII:
		return RoleAssist
	case GradeIII:
		return RoleOrganise
	default:
		return RoleGuide
	}
}
