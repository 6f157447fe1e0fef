package layers

import (
	"net/http"
	"unicode/utf8"

	"sitrep/hazards"
	"sitrep/internal/api"
)

// MaxChemicals bounds a chemical search's answer: a picker shows a short
// list and the person types more.
const MaxChemicals = 20

// Chemical is a catalogue entry as the inventory editor's picker shows it:
// what to write into an inventory line (id or name as chemical, a CAS
// number as cas) and what the grading will take from it.
type Chemical struct {
	ID      string   `json:"id"`
	Name    string   `json:"name"`
	Variant string   `json:"variant,omitempty"`
	NameEN  string   `json:"name_en"`
	Aliases []string `json:"aliases"`
	CAS     []string `json:"cas"`
	UN      []string `json:"un"`
	// HazardClasses are GB 18218-2018 表2 codes the entry is known for.
	HazardClasses []string `json:"hazard_classes"`
	// CriticalTonnes is Q, the critical quantity (表1, or 表2 by class).
	CriticalTonnes float64 `json:"critical_tonnes"`
	// ClassRequired: β depends on a class each inventory line must state
	// (gasoline), one of ClassChoices when those are listed.
	ClassRequired bool     `json:"class_required"`
	ClassChoices  []string `json:"class_choices,omitempty"`
	Note          string   `json:"note,omitempty"`
}

func chemicalOf(e hazards.Entry) Chemical {
	nonNil := func(s []string) []string {
		if s == nil {
			return []string{}
		}
		return s
	}
	return Chemical{ID: e.ID, Name: e.NameZH, Variant: e.Variant, NameEN: e.NameEN, Aliases: nonNil(e.Aliases),
		CAS: nonNil(e.CAS), UN: nonNil(e.UN), HazardClasses: nonNil(e.HazardClasses), CriticalTonnes: e.QTonnes,
		ClassRequired: e.BetaTable == hazards.BetaTable4 && e.Beta == 0, ClassChoices: e.BetaClasses, Note: e.Note}
}

// Chemicals serves GET /chemicals?q=…: the GB 18218 catalogue searched by
// Chinese name, alias, English name, id, CAS or UN number (partial), best
// matches first, at most MaxChemicals.
func Chemicals(w http.ResponseWriter, r *http.Request) error {
	for k := range r.URL.Query() {
		if k != "q" {
			return api.BadRequest(k, "未知查询参数 "+k+"；只接受 q")
		}
	}
	q := r.URL.Query().Get("q")
	if utf8.RuneCountInString(q) > 100 {
		return api.InvalidField("q", "最多 100 个字符")
	}
	found := hazards.DefaultCatalogue().Search(q, MaxChemicals)
	out := make([]Chemical, len(found))
	for i, e := range found {
		out[i] = chemicalOf(e)
	}
	return api.WriteJSON(w, http.StatusOK, map[string]any{"chemicals": out})
}
