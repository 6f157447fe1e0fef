package orgplan

import "testing"

// FuzzParse checks that no plan file, however broken, makes the loader
// panic, and that whatever loads can activate every kind.
func FuzzParse(f *testing.F) {
	f.Add(defaultPlan)
	f.Add([]byte(`{}`))
	f.Add([]byte(`{"units":[{"id":"a"}]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := Parse(data)
		if err != nil {
			return
		}
		for _, r := range p.Routes {
			if _, err := p.Activate(1, r.Kind); err != nil {
				t.Fatal(err)
			}
		}
	})
}
