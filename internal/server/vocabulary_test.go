package server_test

import (
	"net/http"
	"testing"

	"sitrep/internal/apitest"
	"sitrep/internal/auth"
)

// Every logged-in user reads the vocabularies, in the documented shape.
func TestVocabularyRoute(t *testing.T) {
	e := apitest.Start(t)
	apitest.ExpectProblem(t, e.Do("GET", "/api/v1/vocabulary", "", nil), http.StatusUnauthorized)
	r := e.Do("GET", "/api/v1/vocabulary", auth.Viewer, nil)
	if r.StatusCode != http.StatusOK {
		t.Fatalf("%d %s", r.StatusCode, r.Body)
	}
	var body struct {
		Vocabularies map[string]struct {
			Title string `json:"title"`
			Terms []struct {
				Code  string `json:"code"`
				Label string `json:"label"`
			} `json:"terms"`
		} `json:"vocabularies"`
	}
	r.JSON(t, &body)
	v := body.Vocabularies["township"]
	if v.Title != "乡镇（街道）" || len(v.Terms) == 0 {
		t.Fatalf("township: %+v", v)
	}
	for _, term := range v.Terms {
		if term.Code == "650121102" && term.Label != "板房沟镇" {
			t.Fatalf("650121102 is %q", term.Label)
		}
	}
	if caps := body.Vocabularies["rescue_teams.capabilities"]; len(caps.Terms) == 0 || caps.Terms[0].Label == caps.Terms[0].Code {
		t.Fatalf("capabilities: %+v", caps)
	}
}
