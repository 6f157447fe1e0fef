package warnings_test

import (
	"strings"
	"testing"

	"sitrep/internal/apitest"
	"sitrep/internal/auth"
	"sitrep/internal/server"
)

// The bureau's GB/T 4657 organisation code is a setting: it goes into the
// identifier and CAP <sender>.
func TestSenderOrganisationIsASetting(t *testing.T) {
	e := apitest.StartWith(t, func(c *server.Config) { c.WarningOrg = "417" })
	r := e.Do("POST", "/api/v1/warnings", auth.DutyOfficer, warningBody("blue"))
	if r.StatusCode != 201 {
		t.Fatalf("%d %s", r.StatusCode, r.Body)
	}
	var w wfeature
	r.JSON(t, &w)
	if !strings.HasPrefix(w.Properties.Identifier, "65012141700000_") {
		t.Fatalf("identifier %s", w.Properties.Identifier)
	}
	if c := string(e.Do("GET", "/api/v1/warnings/"+w.ID+"/cap.xml", auth.Viewer, nil).Body); !strings.Contains(c, "<sender>65012141700000</sender>") {
		t.Fatalf("CAP sender:\n%s", c)
	}
}
