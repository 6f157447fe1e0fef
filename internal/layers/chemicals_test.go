package layers_test

import (
	"net/http"
	"strings"
	"testing"

	"sitrep/internal/apitest"
	"sitrep/internal/auth"
	"sitrep/internal/layers"
)

// The inventory editor's picker: any logged-in user searches the GB 18218
// catalogue by name, alias, English name or CAS number, best match first,
// at most 20, with what an inventory line needs.
func TestChemicalSearch(t *testing.T) {
	e := apitest.Start(t)
	search := func(q string) []layers.Chemical {
		t.Helper()
		r := e.Do("GET", "/api/v1/chemicals?q="+q, auth.Viewer, nil)
		if r.StatusCode != http.StatusOK {
			t.Fatalf("q=%s: %d %s", q, r.StatusCode, r.Body)
		}
		var body struct {
			Chemicals []layers.Chemical `json:"chemicals"`
		}
		r.JSON(t, &body)
		return body.Chemicals
	}
	for q, first := range map[string]string{"液氨": "ammonia", "7664-41-7": "ammonia", "7664": "ammonia", "Chlorine": "chlorine", "汽油": "gasoline"} {
		got := search(q)
		if len(got) == 0 || got[0].ID != first {
			t.Fatalf("q=%s: %+v, want %s first", q, got, first)
		}
	}
	am := search("液氨")[0]
	if am.Name != "氨" || strings.Join(am.CAS, ",") != "7664-41-7" || strings.Join(am.UN, ",") != "1005" ||
		am.CriticalTonnes != 10 || am.ClassRequired {
		t.Fatalf("ammonia: %+v", am)
	}
	if g := search("汽油")[0]; !g.ClassRequired || len(g.ClassChoices) == 0 {
		t.Fatalf("gasoline needs its class declared: %+v", g)
	}
	if got := search(""); len(got) != layers.MaxChemicals {
		t.Fatalf("no q: %d chemicals, want %d", len(got), layers.MaxChemicals)
	}
	if got := search("不存在的化学品"); len(got) != 0 {
		t.Fatalf("no match: %+v", got)
	}
	apitest.ExpectProblem(t, e.Do("GET", "/api/v1/chemicals?q=氨", "", nil), http.StatusUnauthorized)
	apitest.ExpectProblem(t, e.Do("GET", "/api/v1/chemicals?name=氨", auth.Viewer, nil), http.StatusBadRequest)
	apitest.ExpectProblem(t, e.Do("GET", "/api/v1/chemicals?q="+strings.Repeat("氨", 101), auth.Viewer, nil), http.StatusUnprocessableEntity)
}

// A team's capabilities come from a closed vocabulary: "nearest team with
// capability hazmat" matches codes exactly, so an unknown capability is
// refused, naming the tag and listing the codes with their labels.
func TestTeamCapabilitiesAreAVocabulary(t *testing.T) {
	e := apitest.Start(t)
	team := func(caps ...string) map[string]any {
		return feature(point(seatLon, seatLat), map[string]any{"name": "消防救援大队〔测试〕", "kind": "fire_rescue",
			"headcount": 20, "status": "available", "capabilities": caps})
	}
	create(t, e, "rescue_teams", team("hazmat", "rope_rescue"))
	p := apitest.ExpectProblem(t, e.Do("POST", "/api/v1/rescue_teams", auth.Editor, team("hazmat", "危化处置")), http.StatusUnprocessableEntity)
	errs := p["errors"].([]any)
	fe := errs[0].(map[string]any)
	if len(errs) != 1 || fe["field"] != "/properties/capabilities/1" || !strings.Contains(fe["detail"].(string), "hazmat（危险化学品处置）") {
		t.Fatalf("unknown capability: %v", p)
	}
	apitest.ExpectProblem(t, e.Do("GET", "/api/v1/nearest?layer=rescue_teams&lon=87.4&lat=43.5&capability=hazmat,危化处置", auth.Viewer, nil),
		http.StatusUnprocessableEntity)
	if r := e.Do("GET", "/api/v1/nearest?layer=rescue_teams&lon=87.4&lat=43.5&capability=hazmat", auth.Viewer, nil); r.StatusCode != http.StatusOK {
		t.Fatalf("nearest with a known capability: %d %s", r.StatusCode, r.Body)
	}
}
