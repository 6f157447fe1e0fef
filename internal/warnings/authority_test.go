package warnings

import (
	"errors"
	"fmt"
	"testing"
)

var allRoles = []string{"viewer", "editor", "dispatcher", "duty_officer", "commander", "admin", "", "Commander", "root"}

// issues is plan 3.2.2 written out by hand: which role issues which level.
var issues = map[string][4]bool{ // blue, yellow, orange, red
	"viewer":       {false, false, false, false},
	"editor":       {false, false, false, false},
	"dispatcher":   {false, false, false, false},
	"duty_officer": {true, true, false, false},
	"commander":    {true, true, true, true},
	"admin":        {true, true, true, true},
	"":             {false, false, false, false},
	"Commander":    {false, false, false, false}, // role names are exact
	"root":         {false, false, false, false},
}

func TestCanIssueAllRolesAllLevels(t *testing.T) {
	for _, role := range allRoles {
		for i, l := range Levels() {
			want := issues[role][i]
			t.Run(fmt.Sprintf("%s/%s", role, l), func(t *testing.T) {
				if got := CanIssue(role, l); got != want {
					t.Errorf("CanIssue(%q, %s) = %v, want %v", role, l, got, want)
				}
				if got := CanLift(role, l); got != want {
					t.Errorf("CanLift(%q, %s) = %v, want %v", role, l, got, want)
				}
				err := CheckIssue(role, l)
				if (err == nil) != want {
					t.Fatalf("CheckIssue(%q, %s) = %v", role, l, err)
				}
				if err != nil {
					assertForbidden(t, err, l)
				}
			})
		}
	}
}

func TestCanIssueInvalidLevel(t *testing.T) {
	for _, role := range allRoles {
		if CanIssue(role, 0) || CanIssue(role, 5) || CanAdjust(role, Blue, 0) {
			t.Errorf("%q may issue an invalid level", role)
		}
	}
	var fe *ForbiddenError
	if err := CheckIssue("admin", 9); !errors.As(err, &fe) || fe.Need != "" {
		t.Errorf("CheckIssue(admin, 9) = %v", err)
	}
}

// adjusts is the rule of authority.go written out: raising to orange or red
// and lowering from them need a commander; blue <-> yellow is the office's.
func adjustWant(role string, from, to Level) bool {
	switch role {
	case "commander", "admin":
		return true
	case "duty_officer":
		return from <= Yellow && to <= Yellow
	}
	return false
}

func TestCanAdjustAllRolesAllPairs(t *testing.T) {
	for _, role := range allRoles {
		for _, from := range Levels() {
			for _, to := range Levels() {
				want := adjustWant(role, from, to)
				if got := CanAdjust(role, from, to); got != want {
					t.Errorf("CanAdjust(%q, %s→%s) = %v, want %v", role, from, to, got, want)
				}
				err := CheckAdjust(role, from, to)
				if (err == nil) != want {
					t.Errorf("CheckAdjust(%q, %s→%s) = %v", role, from, to, err)
				}
			}
		}
	}
}

// The cases the issue names, spelled out.
func TestAdjustUpToOrangeOrRedNeedsCommander(t *testing.T) {
	for _, to := range []Level{Orange, Red} {
		for _, from := range []Level{Blue, Yellow} {
			if CanAdjust("duty_officer", from, to) {
				t.Errorf("duty_officer raised %s→%s", from, to)
			}
			if !CanAdjust("commander", from, to) {
				t.Errorf("commander could not raise %s→%s", from, to)
			}
			err := CheckAdjust("duty_officer", from, to)
			assertForbidden(t, err, to)
		}
	}
	// Lowering a level the HQ set is the HQ's decision too.
	err := CheckAdjust("duty_officer", Red, Yellow)
	assertForbidden(t, err, Red)
	if !CanAdjust("duty_officer", Yellow, Blue) || !CanAdjust("duty_officer", Blue, Yellow) {
		t.Error("duty_officer could not move between blue and yellow")
	}
}

func assertForbidden(t *testing.T, err error, l Level) {
	t.Helper()
	var fe *ForbiddenError
	if !errors.As(err, &fe) {
		t.Fatalf("err = %v, want *ForbiddenError", err)
	}
	if !errors.Is(err, ErrForbidden) {
		t.Error("errors.Is(err, ErrForbidden) = false")
	}
	if fe.Field != "/level" || fe.Level != l || fe.Need != NeededRole(l) {
		t.Errorf("ForbiddenError = %+v", fe)
	}
	if fe.Error() == "" {
		t.Error("empty message")
	}
}

func TestNeededRole(t *testing.T) {
	want := map[Level]string{Blue: "duty_officer", Yellow: "duty_officer", Orange: "commander", Red: "commander", 0: ""}
	for l, w := range want {
		if got := NeededRole(l); got != w {
			t.Errorf("NeededRole(%v) = %q, want %q", l, got, w)
		}
	}
}
