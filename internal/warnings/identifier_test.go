package warnings

import (
	"errors"
	"regexp"
	"testing"
	"time"
)

// gbPattern is GB/T 35965.1 Annex A.1.1 written independently of the code:
// 14-digit unit code, Beijing entry time, one-digit sequence; 31 characters.
var gbPattern = regexp.MustCompile(`^650121[0-9]{3}[0-9]{3}[0-9]{2}_20[0-9]{2}(0[1-9]|1[0-2])(0[1-9]|[12][0-9]|3[01])([01][0-9]|2[0-3])[0-5][0-9][0-5][0-9]_[0-9]$`)

func TestNewIdentifierPattern(t *testing.T) {
	// 02:00:05 UTC is 10:00:05 in Beijing.
	at := time.Date(2025, 6, 1, 2, 0, 5, 999e6, time.UTC)
	id, err := NewIdentifier(CountyIssuer, at, 3)
	if err != nil {
		t.Fatal(err)
	}
	if want := "65012100000000_20250601100005_3"; id != want {
		t.Errorf("got %s, want %s", id, want)
	}
	if len(id) != 31 || !gbPattern.MatchString(id) {
		t.Errorf("%s does not match the GB/T 35965.1 pattern", id)
	}

	// Just before midnight UTC is already the next day in Beijing.
	id, _ = NewIdentifier(Issuer{"650121", "123", "045", "01"}, time.Date(2025, 12, 31, 20, 30, 0, 0, time.UTC), 0)
	if want := "65012112304501_20260101043000_0"; id != want {
		t.Errorf("got %s, want %s", id, want)
	}
}

func TestNewIdentifierRejects(t *testing.T) {
	at := time.Date(2025, 6, 1, 2, 0, 0, 0, time.UTC)
	if _, err := NewIdentifier(CountyIssuer, at, 10); !errors.Is(err, ErrSequenceExhausted) {
		t.Errorf("seq 10: %v", err)
	}
	if _, err := NewIdentifier(CountyIssuer, at, -1); err == nil {
		t.Error("seq -1 accepted")
	}
	if _, err := NewIdentifier(CountyIssuer, time.Time{}, 0); err == nil {
		t.Error("zero time accepted")
	}
	for _, iss := range []Issuer{
		{"65012", "000", "000", "00"}, {"650121", "0a0", "000", "00"},
		{"650121", "000", "00", "00"}, {"650121", "000", "000", "000"},
	} {
		if _, err := NewIdentifier(iss, at, 0); err == nil {
			t.Errorf("issuer %+v accepted", iss)
		}
	}
}

func TestParseIdentifier(t *testing.T) {
	iss, at, seq, err := ParseIdentifier("65012141600000_20250601100005_7")
	if err != nil {
		t.Fatal(err)
	}
	if iss != (Issuer{"650121", "416", "000", "00"}) || seq != 7 ||
		!at.Equal(time.Date(2025, 6, 1, 2, 0, 5, 0, time.UTC)) {
		t.Errorf("got %+v %v %d", iss, at, seq)
	}
	for _, bad := range []string{
		"", "65012100000000_20250601100005", "65012100000000_20250601100005_10",
		"6501210000000_20250601100005_0", "65012100000000-20250601100005-0",
		"65012100000000_20251301100005_0", // month 13
		"65012100000000_20250230100005_0", // 30 February
		"65012100000000_20250601250005_0", // hour 25
		"65012100000000_00010101080000_0", // before the standard
		" 65012100000000_20250601100005_0",
	} {
		if ValidIdentifier(bad) {
			t.Errorf("%q accepted", bad)
		}
	}
}

func FuzzParseIdentifier(f *testing.F) {
	f.Add("65012100000000_20250601100005_0")
	f.Add("x")
	f.Fuzz(func(t *testing.T, s string) {
		iss, at, seq, err := ParseIdentifier(s)
		if err != nil {
			return
		}
		back, err := NewIdentifier(iss, at, seq)
		if err != nil || back != s {
			t.Fatalf("%q parsed but rebuilds as %q (%v)", s, back, err)
		}
	})
}
