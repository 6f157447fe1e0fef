// Package protective gives the first zones for a hazmat incident before any
// modelling is possible: an initial isolation circle around the source and
// a downwind protective-action area oriented by the wind, with distances
// from an editable table (ERG-style, embedded as JSON and loadable from a
// file so the county can review and change it without a rebuild).
//
// Source of the default table: the US DOT / Transport Canada / SCT
// Emergency Response Guidebook (public domain). ERG distances cover the
// first 30 minutes of a transport incident; they are a default to be
// reviewed by the county (see the table's "status" and each entry's
// "verified" flag, which the API passes on).
//
// Conventions (ERG "How to use Table 1"):
//   - Initial isolation zone: a circle of the isolation distance around
//     the spill, in all directions.
//   - Protective action zone: a square downwind of the spill whose length
//     and width equal the protective action distance, centred on the
//     downwind axis, its upwind side through the spill point. Downwind =
//     wind FROM + 180° (geo.WindFrom).
//   - Day is "after sunrise and before sunset": decided from the sun's
//     elevation at the source and time (package sun), never the clock.
//   - When the wind is variable or calm, or an entry says
//     "omnidirectional", the protective area is a circle of the protective
//     distance instead.
package protective

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"sort"
)

//go:embed distances.json
var defaultJSON []byte

// Distances for one case (e.g. small spill) of one entry, metres.
type Distances struct {
	IsolationM       float64 `json:"isolationM"`
	ProtectiveDayM   float64 `json:"protectiveDayM,omitempty"`
	ProtectiveNightM float64 `json:"protectiveNightM,omitempty"`
	// Omnidirectional: protective action in all directions (a circle),
	// not a downwind square.
	Omnidirectional bool `json:"omnidirectional,omitempty"`
}

// Entry is one hazard kind (a named substance or a generic class).
type Entry struct {
	Key      string `json:"key"`
	Name     string `json:"name"`
	UN       string `json:"un,omitempty"`
	ERGGuide string `json:"ergGuide,omitempty"`
	// Verified is false until the values were checked against the printed
	// source; the UI must show that.
	Verified bool                 `json:"verified"`
	Notes    string               `json:"notes,omitempty"`
	Cases    map[string]Distances `json:"cases"`
}

// Table is the whole editable table.
type Table struct {
	Source  string  `json:"source"`
	Status  string  `json:"status"`
	Entries []Entry `json:"entries"`

	byKey map[string]int
}

// Default returns the embedded default table.
func Default() (*Table, error) { return Parse(defaultJSON) }

// DefaultJSON returns a copy of the embedded table, e.g. to write it out
// as the starting point of a county-edited file.
func DefaultJSON() []byte { return append([]byte(nil), defaultJSON...) }

// Load reads a table from a JSON file.
func Load(path string) (*Table, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("protective: %w", err)
	}
	return Parse(b)
}

// Parse decodes and validates a table.
func Parse(b []byte) (*Table, error) {
	var t Table
	if err := json.Unmarshal(b, &t); err != nil {
		return nil, fmt.Errorf("protective: table: %w", err)
	}
	if len(t.Entries) == 0 {
		return nil, fmt.Errorf("protective: 防护距离表没有条目")
	}
	t.byKey = make(map[string]int, len(t.Entries))
	for i, e := range t.Entries {
		if e.Key == "" {
			return nil, fmt.Errorf("protective: 第 %d 个条目没有 key", i+1)
		}
		if _, dup := t.byKey[e.Key]; dup {
			return nil, fmt.Errorf("protective: key %q 重复", e.Key)
		}
		if len(e.Cases) == 0 {
			return nil, fmt.Errorf("protective: %q 没有情形（cases）", e.Key)
		}
		for c, d := range e.Cases {
			for _, v := range []float64{d.IsolationM, d.ProtectiveDayM, d.ProtectiveNightM} {
				if math.IsNaN(v) || math.IsInf(v, 0) || v < 0 || v > 100000 {
					return nil, fmt.Errorf("protective: %q/%q：距离 %v m 超出范围", e.Key, c, v)
				}
			}
			if d.IsolationM == 0 && d.ProtectiveDayM == 0 && d.ProtectiveNightM == 0 {
				return nil, fmt.Errorf("protective: %q/%q 没有距离", e.Key, c)
			}
			if (d.ProtectiveDayM == 0) != (d.ProtectiveNightM == 0) {
				return nil, fmt.Errorf("protective: %q/%q 的白天与夜间防护距离须同时给出或同时不给", e.Key, c)
			}
		}
		t.byKey[e.Key] = i
	}
	return &t, nil
}

// Entry returns the entry for key.
func (t *Table) Entry(key string) (Entry, bool) {
	i, ok := t.byKey[key]
	if !ok {
		return Entry{}, false
	}
	return t.Entries[i], true
}

// CaseKeys lists the entry's cases (small, large…), sorted.
func (e Entry) CaseKeys() []string {
	ks := make([]string, 0, len(e.Cases))
	for k := range e.Cases {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

// Keys lists the entry keys, sorted.
func (t *Table) Keys() []string {
	ks := make([]string, 0, len(t.Entries))
	for _, e := range t.Entries {
		ks = append(ks, e.Key)
	}
	sort.Strings(ks)
	return ks
}

// caseLabels name the cases the shipped table uses.
var caseLabels = map[string]string{"small": "少量泄漏", "large": "大量泄漏", "fire": "着火"}

// CaseLabel is a case's Chinese name; a case only a county's own table
// has shows as its key.
func CaseLabel(c string) string {
	if l, ok := caseLabels[c]; ok {
		return l
	}
	return c
}
