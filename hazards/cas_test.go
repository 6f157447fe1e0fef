package hazards

import "testing"

func TestNormaliseCAS(t *testing.T) {
	for in, want := range map[string]string{
		"7664-41-7":     "7664-41-7",
		"0007664-41-7":  "7664-41-7",
		" 50-00-0 ":     "50-00-0",
		"７６６４－４１－７":     "7664-41-7",
		"1333-74-0":     "1333-74-0",
		"68476-85-7":    "68476-85-7",
		"7664-41-8":     "",
		"7664417":       "",
		"7-41-7":        "",
		"76a4-41-7":     "",
		"12345678-12-3": "",
	} {
		got, ok := normaliseCAS(in)
		if got != want || ok != (want != "") {
			t.Errorf("normaliseCAS(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
}

func FuzzNormaliseCAS(f *testing.F) {
	for _, s := range []string{"7664-41-7", "50-00-0", "", "--", "0-00-0"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, ok := normaliseCAS(s)
		if !ok {
			return
		}
		if again, ok2 := normaliseCAS(n); !ok2 || again != n {
			t.Fatalf("normaliseCAS(%q) = %q, not stable", s, n)
		}
	})
}
