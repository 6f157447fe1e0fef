package hazards

import (
	"slices"
	"strings"
)

// Search finds catalogue entries a person may mean by q: part of the
// Chinese name or an alias, of the English name, of the id, of a CAS
// number (with or without hyphens) or of a UN number. Full-width
// characters, spaces and case are ignored. Exact matches come first, then
// those starting with q, then the rest, each in catalogue order; at most
// max entries. An empty q lists the first max entries.
func (c *Catalogue) Search(q string, max int) []Entry {
	q = searchKey(q)
	type hit struct {
		rank, i int
	}
	var hits []hit
	for i, e := range c.entries {
		if r, ok := matchRank(q, e); ok {
			hits = append(hits, hit{r, i})
		}
	}
	slices.SortStableFunc(hits, func(a, b hit) int { return a.rank - b.rank })
	out := make([]Entry, 0, min(max, len(hits)))
	for _, h := range hits[:min(max, len(hits))] {
		out = append(out, c.entries[h.i].clone())
	}
	return out
}

// searchKey is nameKey without the hyphens and dots that CAS and UN
// numbers are written with or without.
func searchKey(s string) string {
	return strings.NewReplacer("-", "", ".", "").Replace(nameKey(s))
}

// matchRank is 0 when q equals one of e's keys, 1 when one starts with q,
// 2 when one contains it.
func matchRank(q string, e Entry) (int, bool) {
	if q == "" {
		return 2, true
	}
	keys := append([]string{e.NameZH, e.NameEN, e.ID}, e.Aliases...)
	keys = append(keys, e.CAS...)
	keys = append(keys, e.UN...)
	best, found := 3, false
	for _, k := range keys {
		k = searchKey(k)
		switch {
		case k == q:
			return 0, true
		case strings.HasPrefix(k, q):
			best, found = min(best, 1), true
		case strings.Contains(k, q):
			best, found = min(best, 2), true
		}
	}
	return best, found
}
