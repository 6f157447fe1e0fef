package hazards

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestDefaultCatalogueValues(t *testing.T) {
	c := DefaultCatalogue()
	// spot checks against GB 18218-2018 表1 (Q) and 表3 (β)
	for _, tc := range []struct {
		key  string
		q    float64
		beta float64
	}{
		{"氯", 5, 4}, {"氨", 10, 2}, {"硫化氢", 5, 5}, {"液化石油气", 50, 1.5},
		{"天然气", 50, 1.5}, {"甲醇", 500, 1}, {"苯", 50, 1}, {"光气", 0.3, 20},
		{"氢", 5, 1.5}, {"乙炔", 1, 1.5}, {"环氧乙烷", 10, 2}, {"硝酸铵(含可燃物≤0.2%)", 50, 1},
		{"一氧化碳", 20, 2}, {"二氧化硫", 20, 2}, {"氯化氢", 20, 3}, {"溴甲烷", 10, 3},
		{"氟化氢", 1, 5}, {"二氧化氮", 1, 10}, {"氰化氢", 1, 10}, {"磷化氢", 1, 20},
		{"异氰酸甲酯", 0.75, 20}, {"TNT", 5, 2}, {"电石", 100, 1}, {"1,2-环氧丙烷", 10, 1.5},
		{"汽油", 200, 0}, {"柴油", 5000, 1},
	} {
		e, err := c.Lookup(tc.key)
		if err != nil {
			t.Errorf("Lookup(%q): %v", tc.key, err)
			continue
		}
		if e.QTonnes != tc.q || e.Beta != tc.beta {
			t.Errorf("%s: Q %v β %v; want %v %v", tc.key, e.QTonnes, e.Beta, tc.q, tc.beta)
		}
	}
	n := 0
	for _, e := range c.Entries() {
		if strings.HasPrefix(e.Source, "GB 18218-2018 表1") {
			n++
		}
	}
	if n != 85 {
		t.Errorf("%d entries from 表1, want all 85", n)
	}
}

// 表1 entries whose β comes from 表4 must agree with the classes they list.
func TestCatalogueBetaMatchesClasses(t *testing.T) {
	c := DefaultCatalogue()
	for _, e := range c.Entries() {
		if e.BetaTable != BetaTable4 || e.Beta == 0 || len(e.HazardClasses) == 0 {
			continue
		}
		max := 0.0
		for _, code := range e.HazardClasses {
			hc, _ := c.Class(code)
			max = maxf(max, hc.Beta)
		}
		if e.Beta != max {
			t.Errorf("%s: β %v but its classes %v give %v", e.ID, e.Beta, e.HazardClasses, max)
		}
	}
}

func maxf(a, b float64) float64 {
	if a > b {
		return a
	}
	return b
}

func TestCatalogueClasses(t *testing.T) {
	c := DefaultCatalogue()
	for code, want := range map[string][2]float64{
		"J1": {5, 4}, "J3": {50, 2}, "W1.1": {1, 2}, "W2": {10, 1.5}, "W5.1": {10, 1.5},
		"W5.3": {1000, 1}, "W5.4": {5000, 1}, "W7.1": {10, 1.5}, "W9.2": {200, 1}, "W11": {200, 1},
	} {
		hc, err := c.Class(code)
		if err != nil || hc.QTonnes != want[0] || hc.Beta != want[1] {
			t.Errorf("class %s = %+v, %v; want Q %v β %v", code, hc, err, want[0], want[1])
		}
	}
	if _, err := c.Class("w5.3"); err != nil {
		t.Errorf("class codes should be case-insensitive: %v", err)
	}
}

func TestLookup(t *testing.T) {
	c := DefaultCatalogue()
	for key, id := range map[string]string{
		"chlorine":    "chlorine",
		" CHLORINE ":  "chlorine",
		"7782-50-5":   "chlorine",
		"７７８２－５０－５":   "chlorine",
		"007782-50-5": "chlorine",
		"液氯":          "chlorine",
		"氯化氢（无水）":     "hydrogen-chloride",
		"74-98-6":     "lpg",
		"8006-14-2":   "methane-natural-gas",
		"tnt":         "tnt",
	} {
		e, err := c.Lookup(key)
		if err != nil || e.ID != id {
			t.Errorf("Lookup(%q) = %q, %v; want %q", key, e.ID, err, id)
		}
	}
	for key, want := range map[string]error{
		"氯化钠":       ErrUnknownChemical,
		"7782-50-6": ErrUnknownChemical, // bad check digit
		"9004-70-0": ErrAmbiguousChemical,
		"1-2-3-4":   ErrUnknownChemical,
		"":          ErrUnknownChemical,
	} {
		if _, err := c.Lookup(key); !errors.Is(err, want) {
			t.Errorf("Lookup(%q) error %v; want %v", key, err, want)
		}
	}
	_, err := c.Lookup("氯化钠")
	if !strings.Contains(err.Error(), "氯化钠") {
		t.Errorf("unknown chemical error %q does not name it", err)
	}
}

// The returned entry is a copy; changing it does not change the catalogue.
func TestCatalogueImmutable(t *testing.T) {
	c := DefaultCatalogue()
	e, _ := c.ByID("chlorine")
	e.CAS[0] = "1-00-0"
	e.QTonnes = 1000
	if again, _ := c.ByID("chlorine"); again.CAS[0] != "7782-50-5" || again.QTonnes != 5 {
		t.Fatal("catalogue changed through a returned entry")
	}
}

func TestExtend(t *testing.T) {
	c := DefaultCatalogue()
	acetic := Entry{
		ID: "acetic-acid", NameZH: "乙酸", NameEN: "acetic acid", CAS: []string{"64-19-7"}, UN: []string{"2789"},
		QTonnes: 5000, Beta: 1, BetaTable: BetaTable4, HazardClasses: []string{"W5.4"},
		Source: "GB 18218-2018 表2 W5.4 (county addition)",
	}
	n, err := c.Extend(acetic)
	if err != nil {
		t.Fatal(err)
	}
	if e, err := n.Lookup("64-19-7"); err != nil || e.ID != "acetic-acid" {
		t.Errorf("extended lookup: %v %v", e.ID, err)
	}
	if _, err := c.Lookup("64-19-7"); err == nil {
		t.Error("Extend changed the original catalogue")
	}
	res, err := n.Grade([]Holding{h("乙酸", 5000)}, 10)
	if err != nil || !res.Major || res.Grade != GradeIV {
		t.Errorf("graded %+v, %v", res, err)
	}

	dup := acetic
	dup.ID, dup.NameZH, dup.CAS = "chlorine-2", "液氯", nil
	if _, err := c.Extend(dup); !errors.Is(err, ErrInvalidCatalogue) || !strings.Contains(err.Error(), "液氯") {
		t.Errorf("reusing a name: %v", err)
	}

	path := filepath.Join(t.TempDir(), "extra.json")
	os.WriteFile(path, []byte(`{"entries":[{"id":"acetic-acid","name_zh":"乙酸","name_en":"acetic acid","cas":["64-19-7"],"q_tonnes":5000,"beta":1,"beta_table":4,"source":"county"}]}`), 0o600)
	if n, err := c.ExtendFromFile(path); err != nil || len(n.Entries()) != len(c.Entries())+1 {
		t.Errorf("ExtendFromFile: %v", err)
	}
	os.WriteFile(path, []byte(`{"hazard_classes":[{"code":"J1","group_zh":"x","description_zh":"x","q_tonnes":1,"beta":1,"source":"x"}],"entries":[]}`), 0o600)
	if _, err := c.ExtendFromFile(path); !errors.Is(err, ErrInvalidCatalogue) {
		t.Errorf("an extension redefining classes: %v", err)
	}
}

// Validation on load, one broken field at a time.
func TestCatalogueValidation(t *testing.T) {
	classes := `"hazard_classes":[{"code":"W2","group_zh":"易燃气体","description_zh":"类别1和类别2","q_tonnes":10,"beta":1.5,"source":"表2"}]`
	entry := func(fields string) string {
		return `{` + classes + `,"entries":[{` + fields + `}]}`
	}
	good := `"id":"x","name_zh":"某","name_en":"x","cas":["7782-50-5"],"q_tonnes":5,"beta":4,"beta_table":3,"source":"s"`
	if _, err := ParseCatalogue([]byte(entry(good))); err != nil {
		t.Fatalf("good catalogue rejected: %v", err)
	}
	for name, doc := range map[string]string{
		"zero Q":          entry(strings.Replace(good, `"q_tonnes":5`, `"q_tonnes":0`, 1)),
		"negative Q":      entry(strings.Replace(good, `"q_tonnes":5`, `"q_tonnes":-5`, 1)),
		"β below 1":       entry(strings.Replace(good, `"beta":4`, `"beta":0.5`, 1)),
		"表3 without β":    entry(strings.Replace(good, `"beta":4,`, ``, 1)),
		"bad beta_table":  entry(strings.Replace(good, `"beta_table":3`, `"beta_table":5`, 1)),
		"bad CAS":         entry(strings.Replace(good, `7782-50-5`, `7782-50-4`, 1)),
		"bad id":          entry(strings.Replace(good, `"id":"x"`, `"id":"X Y"`, 1)),
		"no name":         entry(strings.Replace(good, `"name_zh":"某"`, `"name_zh":" "`, 1)),
		"no source":       entry(strings.Replace(good, `"source":"s"`, `"source":""`, 1)),
		"bad UN":          entry(good + `,"un":["12"]`),
		"unknown class":   entry(good + `,"hazard_classes":["W5.3"]`),
		"misspelt field":  entry(strings.Replace(good, `"q_tonnes"`, `"q_tonne"`, 1)),
		"no classes":      `{"entries":[{` + good + `}]}`,
		"class β below 1": strings.Replace(entry(good), `"beta":1.5`, `"beta":0.9`, 1),
		"duplicate CAS": `{` + classes + `,"entries":[{` + good + `},{` +
			strings.NewReplacer(`"id":"x"`, `"id":"y"`, `"name_zh":"某"`, `"name_zh":"另"`).Replace(good) + `}]}`,
		"duplicate id": `{` + classes + `,"entries":[{` + good + `},{` +
			strings.NewReplacer(`"name_zh":"某"`, `"name_zh":"另"`, `"cas":["7782-50-5"]`, `"cas":[]`).Replace(good) + `}]}`,
		"trailing data": entry(good) + `{}`,
	} {
		if _, err := ParseCatalogue([]byte(doc)); !errors.Is(err, ErrInvalidCatalogue) {
			t.Errorf("%s: error %v; want ErrInvalidCatalogue", name, err)
		}
	}
	// a shared CAS is fine when every entry names its variant
	shared := `{` + classes + `,"entries":[{` + good + `,"variant":"a"},{` +
		strings.NewReplacer(`"id":"x"`, `"id":"y"`, `"name_zh":"某"`, `"name_zh":"另"`).Replace(good) + `,"variant":"b"}]}`
	c, err := ParseCatalogue([]byte(shared))
	if err != nil {
		t.Fatalf("variants sharing a CAS: %v", err)
	}
	if _, err := c.ByCAS("7782-50-5"); !errors.Is(err, ErrAmbiguousChemical) || !strings.Contains(err.Error(), "y（b）") {
		t.Errorf("ambiguous CAS error %v", err)
	}
}

func TestLoadCatalogueFile(t *testing.T) {
	c, err := LoadCatalogueFile("catalogue.json")
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Entries()) != len(DefaultCatalogue().Entries()) {
		t.Error("file and embedded catalogue differ")
	}
	if _, err := LoadCatalogueFile(filepath.Join(t.TempDir(), "missing.json")); err == nil {
		t.Error("want an error for a missing file")
	}
}

func FuzzParseCatalogue(f *testing.F) {
	f.Add(catalogueJSON)
	f.Add([]byte(`{"entries":[]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := ParseCatalogue(data)
		if err != nil {
			return
		}
		for _, e := range c.Entries() { // whatever loads must satisfy the invariants
			if !(e.QTonnes > 0) || (e.Beta != 0 && e.Beta < 1) {
				t.Fatalf("invalid entry accepted: %+v", e)
			}
		}
	})
}
