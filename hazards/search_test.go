package hazards

import "testing"

func TestSearch(t *testing.T) {
	c := DefaultCatalogue()
	ids := func(es []Entry) []string {
		out := make([]string, len(es))
		for i, e := range es {
			out[i] = e.ID
		}
		return out
	}
	for _, tc := range []struct {
		name, q string
		first   string // the entry ranked first
	}{
		{"Chinese name", "氯", "chlorine"},
		{"alias", "液氨", "ammonia"},
		{"part of an alias", "氨气", "ammonia"},
		{"English name, any case and spacing", "Sulphur Dioxide", "sulphur-dioxide"},
		{"full CAS", "7664-41-7", "ammonia"},
		{"CAS without hyphens", "7664417", "ammonia"},
		{"full-width CAS", "７６６４－４１－７", "ammonia"},
		{"partial CAS", "7664-41", "ammonia"},
		{"UN number", "1005", "ammonia"},
		{"id", "lpg", "lpg"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := c.Search(tc.q, 20)
			if len(got) == 0 || got[0].ID != tc.first {
				t.Fatalf("Search(%q) = %v; want %s first", tc.q, ids(got), tc.first)
			}
		})
	}
	if got := c.Search("不存在的化学品", 20); len(got) != 0 {
		t.Errorf("no match gave %v", ids(got))
	}
	if got := c.Search("", 20); len(got) != 20 {
		t.Errorf("empty query gave %d entries, want the first 20", len(got))
	}
	// 硝化纤维素 has six forms: a partial name finds them all, in
	// catalogue order, and max bounds the answer.
	if got := c.Search("硝化纤维素", 3); len(got) != 3 || got[0].ID != "nitrocellulose-dry" {
		t.Errorf("bounded search gave %v", ids(got))
	}
	// An exact match outranks a name that merely contains the query.
	if got := c.Search("氨", 20); len(got) < 2 || got[0].ID != "ammonia" {
		t.Errorf("Search(氨) = %v", ids(got))
	}
}
