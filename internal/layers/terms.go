package layers

import "sitrep/hazards"

// term is one value an enum field takes and its Chinese label.
type term struct{ code, label string }

// terms is an enum defined once, in display order: the codes a field
// allows (Field.Enum) and the labels people read (Field.EnumLabel) come
// from the same list, so they cannot drift apart.
type terms []term

func (ts terms) codes() []string {
	out := make([]string, len(ts))
	for i, t := range ts {
		out[i] = t.code
	}
	return out
}

// label is a Field.EnumLabel: "" for a code not in the list.
func (ts terms) label(code string) string {
	for _, t := range ts {
		if t.code == code {
			return t.label
		}
	}
	return ""
}

// siteKindLabel labels hazards.SiteKind codes, which package hazards
// defines with the safe-distance rules.
func siteKindLabel(code string) string { return hazards.SiteKind(code).Label() }

// gradeLabel labels GB 18218-2018 grades (I → 一级).
func gradeLabel(code string) string {
	if g := hazards.Grade(code); g.Valid() {
		return g.Label()
	}
	return ""
}
