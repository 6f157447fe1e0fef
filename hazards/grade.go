package hazards

import (
	"fmt"
	"math/big"
	"strings"
)

// Grade is the grade of a major hazard source under GB 18218-2018 表6.
// Grade I (一级) is the most severe. The zero value, GradeNone, means the
// unit is not a major hazard source (S < 1) and has no grade.
type Grade string

const (
	GradeNone Grade = ""
	GradeI    Grade = "I"
	GradeII   Grade = "II"
	GradeIII  Grade = "III"
	GradeIV   Grade = "IV"
)

// Grades lists the four grades, most severe first.
var Grades = []Grade{GradeI, GradeII, GradeIII, GradeIV}

// Label is the Chinese name used on filings and screens.
func (g Grade) Label() string {
	switch g {
	case GradeI:
		return "一级"
	case GradeII:
		return "二级"
	case GradeIII:
		return "三级"
	case GradeIV:
		return "四级"
	case GradeNone:
		return "不构成重大危险源"
	}
	return "未知级别"
}

// Valid reports whether g is one of I–IV.
func (g Grade) Valid() bool {
	return g == GradeI || g == GradeII || g == GradeIII || g == GradeIV
}

// Rank is 1 for grade I to 4 for grade IV, 0 for none or unknown; lower
// is more severe.
func (g Grade) Rank() int {
	for i, x := range Grades {
		if g == x {
			return i + 1
		}
	}
	return 0
}

// ParseGrade accepts the code ("I".."IV", any case, or the Roman-numeral
// characters Ⅰ..Ⅳ common in Chinese documents), the Chinese label
// ("一级".."四级") or the digit ("1".."4"). An empty string is GradeNone.
func ParseGrade(s string) (Grade, error) {
	s = strings.TrimSpace(s)
	if strings.ContainsAny(s, " \t\u3000") { // "I II" must not fold into "III"
		return GradeNone, fmt.Errorf("%w %q：应为 I、II、III 或 IV", ErrBadGrade, s)
	}
	s = strings.NewReplacer("Ⅰ", "I", "Ⅱ", "II", "Ⅲ", "III", "Ⅳ", "IV").Replace(s)
	s = strings.ToUpper(foldWidth(s))
	switch s {
	case "":
		return GradeNone, nil
	case "I", "一级", "1":
		return GradeI, nil
	case "II", "二级", "2":
		return GradeII, nil
	case "III", "三级", "3":
		return GradeIII, nil
	case "IV", "四级", "4":
		return GradeIV, nil
	}
	return GradeNone, fmt.Errorf("%w %q：应为 I、II、III 或 IV", ErrBadGrade, s)
}

// UnmarshalText validates grades arriving in JSON.
func (g *Grade) UnmarshalText(b []byte) error {
	v, err := ParseGrade(string(b))
	if err != nil {
		return err
	}
	*g = v
	return nil
}

// Alpha is the exposure correction α of GB 18218-2018 表5, from the number
// of people within 500 m of the unit's boundary (厂区边界向外扩展500米范围内
// 常住人口). "100人以上" includes 100.
func Alpha(people int) (float64, error) {
	switch {
	case people < 0:
		return 0, fmt.Errorf("%w：500 m 内 %d 人", ErrBadPeople, people)
	case people >= 100:
		return 2.0, nil
	case people >= 50:
		return 1.5, nil
	case people >= 30:
		return 1.2, nil
	case people >= 1:
		return 1.0, nil
	}
	return 0.5, nil
}

// Boundaries of 表6, exact.
var (
	r100 = big.NewRat(100, 1)
	r50  = big.NewRat(50, 1)
	r10  = big.NewRat(10, 1)
	one  = big.NewRat(1, 1)
)

// gradeOf applies 表6: R ≥ 100 一级; 100 > R ≥ 50 二级; 50 > R ≥ 10 三级;
// R < 10 四级.
func gradeOf(r *big.Rat) Grade {
	switch {
	case r.Cmp(r100) >= 0:
		return GradeI
	case r.Cmp(r50) >= 0:
		return GradeII
	case r.Cmp(r10) >= 0:
		return GradeIII
	}
	return GradeIV
}

// GradeForR applies 表6 to an R already computed, reading r as the decimal
// it prints as (see exact). It does not decide whether the unit is a major
// hazard source; that is S ≥ 1.
func GradeForR(r float64) (Grade, error) {
	if !finite(r) || r < 0 {
		return GradeNone, fmt.Errorf("%w: R = %v", ErrBadQuantity, r)
	}
	return gradeOf(exact(r)), nil
}
