package hazards

import (
	"errors"
	"testing"
)

// 表5: α by people within 500 m, every boundary.
func TestAlphaTable5(t *testing.T) {
	for _, tc := range []struct {
		people int
		want   float64
	}{
		{0, 0.5}, {1, 1.0}, {29, 1.0}, {30, 1.2}, {49, 1.2},
		{50, 1.5}, {99, 1.5}, {100, 2.0}, {101, 2.0}, {250000, 2.0},
	} {
		got, err := Alpha(tc.people)
		if err != nil || got != tc.want {
			t.Errorf("Alpha(%d) = %v, %v; want %v", tc.people, got, err, tc.want)
		}
	}
	if _, err := Alpha(-1); !errors.Is(err, ErrBadPeople) {
		t.Errorf("Alpha(-1) error = %v, want ErrBadPeople", err)
	}
}

// 表6: grade by R, exactly on and just below each boundary.
func TestGradeForRTable6(t *testing.T) {
	for _, tc := range []struct {
		r    float64
		want Grade
	}{
		{1000, GradeI}, {100, GradeI}, {99.999999, GradeII},
		{50, GradeII}, {49.999999, GradeIII},
		{10, GradeIII}, {9.999999, GradeIV},
		{0, GradeIV},
	} {
		got, err := GradeForR(tc.r)
		if err != nil || got != tc.want {
			t.Errorf("GradeForR(%v) = %q, %v; want %q", tc.r, got, err, tc.want)
		}
	}
	if _, err := GradeForR(-1); err == nil {
		t.Error("GradeForR(-1): want an error")
	}
}

func TestParseGrade(t *testing.T) {
	for in, want := range map[string]Grade{
		"I": GradeI, "ii": GradeII, "三级": GradeIII, "4": GradeIV, " IV ": GradeIV, "Ⅲ": GradeIII, "": GradeNone,
	} {
		got, err := ParseGrade(in)
		if err != nil || got != want {
			t.Errorf("ParseGrade(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"V", "五级", "0", "I II"} {
		if _, err := ParseGrade(bad); !errors.Is(err, ErrBadGrade) {
			t.Errorf("ParseGrade(%q) error %v; want ErrBadGrade", bad, err)
		}
	}
	if GradeI.Label() != "一级" || GradeIV.Label() != "四级" || GradeII.Rank() != 2 || GradeNone.Rank() != 0 {
		t.Error("labels or ranks wrong")
	}
}
