package server_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"sitrep/internal/apitest"
	"sitrep/internal/server"
)

// A scraper reads /metrics with the metrics token; a wrong token is an
// unknown credential; the operator's own listener needs none.
func TestMetricsToken(t *testing.T) {
	e := apitest.StartWith(t, func(c *server.Config) { c.MetricsToken = "scrape-secret-0123456789" })
	if r := e.Do("GET", "/metrics", "", nil, "Authorization", "Bearer scrape-secret-0123456789"); r.StatusCode != http.StatusOK ||
		!strings.Contains(string(r.Body), "go_goroutines") {
		t.Fatalf("with the token: %d", r.StatusCode)
	}
	apitest.ExpectProblem(t, e.Do("GET", "/metrics", "", nil, "Authorization", "Bearer scrape-secret-0123456780"), http.StatusUnauthorized)
	op := httptest.NewServer(e.Server.MetricsHandler())
	defer op.Close()
	resp, err := http.Get(op.URL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("operator listener: %d", resp.StatusCode)
	}
}
