package hazards

import (
	"strings"
)

// normaliseCAS returns a CAS Registry Number in canonical form
// (digits-digits-digit, no leading zeros) and whether its check digit is
// right. The check digit catches most typos in hand-entered numbers,
// which would otherwise silently miss the catalogue.
func normaliseCAS(s string) (string, bool) {
	s = strings.TrimSpace(foldWidth(s))
	parts := strings.Split(s, "-")
	if len(parts) != 3 || len(parts[1]) != 2 || len(parts[2]) != 1 {
		return "", false
	}
	head := strings.TrimLeft(parts[0], "0")
	if len(head) < 2 || len(head) > 7 {
		return "", false
	}
	digits := head + parts[1]
	sum := 0
	for i := 0; i < len(digits); i++ {
		c := digits[len(digits)-1-i]
		if c < '0' || c > '9' {
			return "", false
		}
		sum += int(c-'0') * (i + 1)
	}
	check := parts[2][0]
	if check < '0' || check > '9' || sum%10 != int(check-'0') {
		return "", false
	}
	return head + "-" + parts[1] + "-" + parts[2], true
}

// looksLikeCAS reports whether s has the shape of a CAS number, valid or
// not, so a lookup key with a wrong check digit is reported as such
// rather than as an unknown name.
func looksLikeCAS(s string) bool {
	s = strings.TrimSpace(foldWidth(s))
	if strings.Count(s, "-") != 2 {
		return false
	}
	for _, c := range s {
		if c != '-' && (c < '0' || c > '9') {
			return false
		}
	}
	return true
}

// foldWidth maps full-width ASCII (common in Chinese input methods:
// "７６６４－４１－７", "（无水）") to its half-width form and drops
// spaces, so names and numbers compare the way a reader sees them.
func foldWidth(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case r == '\u3000' || r == ' ' || r == '\t':
			continue
		case r >= '\uff01' && r <= '\uff5e':
			b.WriteRune(r - 0xfee0)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}
