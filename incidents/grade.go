package incidents

import (
	"fmt"

	"sitrep/internal/validation"
)

// Grade is the accident grade of plan 1.5.1. A smaller value is more
// severe: GradeI (特别重大) < GradeIV (一般). The zero value is not a grade.
type Grade uint8

const (
	GradeI   Grade = iota + 1 // 特别重大事故
	GradeII                   // 重大事故
	GradeIII                  // 较大事故
	GradeIV                   // 一般事故
)

var gradeText = []enumText{
	{},
	{"I", "特别重大事故（Ⅰ级）"},
	{"II", "重大事故（Ⅱ级）"},
	{"III", "较大事故（Ⅲ级）"},
	{"IV", "一般事故（Ⅳ级）"},
}

// Grades returns every grade from most to least severe.
func Grades() []Grade { return allOf[Grade](gradeText) }

// ParseGrade accepts "I", "II", "III" or "IV".
func ParseGrade(code string) (Grade, error) { return parseEnum[Grade]("事故等级", gradeText, code) }

func (g Grade) Valid() bool   { return lookup(gradeText, g).code != "" }
func (g Grade) Code() string  { return lookup(gradeText, g).code }
func (g Grade) Label() string { return lookup(gradeText, g).label }
func (g Grade) String() string {
	return stringOf("Grade", gradeText, g)
}

// AtLeast reports whether g is as severe as other or more, e.g.
// g.AtLeast(GradeIII) is the plan's "较大以上".
func (g Grade) AtLeast(other Grade) bool { return g.Valid() && g <= other }

func (g Grade) MarshalText() ([]byte, error) { return marshalEnum("grade", gradeText, g) }
func (g *Grade) UnmarshalText(b []byte) error {
	v, err := ParseGrade(string(b))
	if err != nil {
		return err
	}
	*g = v
	return nil
}

// Casualties are the counts an incident report carries (4.1.2). They feed
// the grade (deaths, serious injuries, loss) and the 较大涉险 criteria
// (endangered, trapped, missing, evacuated).
type Casualties struct {
	Deaths          int   `json:"deaths"`
	SeriousInjuries int   `json:"serious_injuries"` // 重伤, including acute industrial poisoning (1.5.1)
	Trapped         int   `json:"trapped"`          // 被困
	Missing         int   `json:"missing"`          // 下落不明
	Endangered      int   `json:"endangered"`       // 涉险
	Evacuated       int   `json:"evacuated"`        // 紧急疏散
	DirectLossYuan  int64 `json:"direct_loss_yuan"` // 直接经济损失, whole yuan (CNY)
}

// MaxCount bounds every head count: far above any county's population, and
// within the range the database stores (a 32-bit integer).
const MaxCount = 10_000_000

// Validate rejects negative counts and head counts over MaxCount, naming the
// JSON field.
func (c Casualties) Validate() error {
	var v validation.Errors
	for _, f := range []struct {
		name string
		n    int64
	}{
		{"deaths", int64(c.Deaths)},
		{"serious_injuries", int64(c.SeriousInjuries)},
		{"trapped", int64(c.Trapped)},
		{"missing", int64(c.Missing)},
		{"endangered", int64(c.Endangered)},
		{"evacuated", int64(c.Evacuated)},
		{"direct_loss_yuan", c.DirectLossYuan},
	} {
		switch {
		case f.n < 0:
			v = append(v, validation.FieldError{Field: f.name, Code: "negative", Detail: fmt.Sprintf("不能为负数（收到 %d）", f.n)})
		case f.name != "direct_loss_yuan" && f.n > MaxCount:
			v = append(v, validation.FieldError{Field: f.name, Code: "too_large", Detail: fmt.Sprintf("人数不能超过 %d", MaxCount)})
		}
	}
	return v.OrNil()
}

// GradeInput names an input of the grading rule.
type GradeInput string

const (
	InputDeaths          GradeInput = "deaths"
	InputSeriousInjuries GradeInput = "serious_injuries"
	InputDirectLoss      GradeInput = "direct_loss_yuan"
)

// GradeReason says that one input, with its value, reaches a grade, quoting
// the rule in the plan's words.
type GradeReason struct {
	Input GradeInput `json:"input"`
	Value int64      `json:"value"`
	Grade Grade      `json:"grade"`
	Rule  string     `json:"rule"` // e.g. "死亡10人以上30人以下"
}

const (
	yi  = 100_000_000 // 1亿元
	wan = 10_000      // 1万元
)

// gradeThresholds are the lower bounds ("以上", inclusive) of grades Ⅰ–Ⅲ
// for one input, most severe first. Below the Ⅲ bound is Ⅳ ("以下",
// exclusive). These are national rules (生产安全事故报告和调查处理条例
// 第三条, plan 1.5.1) and deliberately not part of the per-county plan data.
type gradeThresholds struct {
	input  GradeInput
	bounds [3]int64 // Ⅰ, Ⅱ, Ⅲ
	rules  [4]string
}

var gradingRules = []gradeThresholds{
	{InputDeaths, [3]int64{30, 10, 3},
		[4]string{"死亡30人以上", "死亡10人以上30人以下", "死亡3人以上10人以下", "死亡3人以下"}},
	{InputSeriousInjuries, [3]int64{100, 50, 10},
		[4]string{"重伤100人以上", "重伤50人以上100人以下", "重伤10人以上50人以下", "重伤10人以下"}},
	{InputDirectLoss, [3]int64{1 * yi, 5000 * wan, 1000 * wan},
		[4]string{"直接经济损失1亿元以上", "直接经济损失5000万元以上1亿元以下", "直接经济损失1000万元以上5000万元以下", "直接经济损失1000万元以下"}},
}

func (t gradeThresholds) grade(v int64) Grade {
	for i, b := range t.bounds {
		if v >= b {
			return Grade(i + 1)
		}
	}
	return GradeIV
}

// GradeOf returns the grade of an accident: the most severe grade any one
// input reaches (1.5.1 joins the inputs with "或者"). The reasons list every
// input that reaches that grade, in the order deaths, serious injuries,
// direct loss; for 一般 with no input above it, that is all three.
func GradeOf(c Casualties) (Grade, []GradeReason) {
	values := map[GradeInput]int64{
		InputDeaths:          int64(c.Deaths),
		InputSeriousInjuries: int64(c.SeriousInjuries),
		InputDirectLoss:      c.DirectLossYuan,
	}
	best := GradeIV
	for _, r := range gradingRules {
		if g := r.grade(values[r.input]); g < best {
			best = g
		}
	}
	var reasons []GradeReason
	for _, r := range gradingRules {
		v := values[r.input]
		if r.grade(v) == best {
			reasons = append(reasons, GradeReason{Input: r.input, Value: v, Grade: best, Rule: r.rules[best-1]})
		}
	}
	return best, reasons
}
