package ogc_test

import (
	"context"
	"net/http"
	"net/url"
	"sort"
	"testing"

	"sitrep/internal/apitest"
	"sitrep/internal/auth"
)

// seed writes test data straight into the tables: 40 shelters (status and
// class cycling, capacity 0..1950), 12 rescue teams observed an hour apart
// from 2024-05-01T00:00Z (every third without a position), 3 experts.
func seed(t *testing.T, e *apitest.Env) {
	t.Helper()
	for _, q := range []string{
		`INSERT INTO shelters (geom, name, class, capacity, status, occupancy, address)
		 SELECT ST_SetSRID(ST_MakePoint(87.30 + i * 0.005, 43.40 + (i % 7) * 0.01), 4326), '避难场所 ' || i,
		        (ARRAY['emergency','short_term','long_term'])[1 + i % 3], i * 50,
		        (ARRAY['open','closed','full','open'])[1 + i % 4], 0, CASE WHEN i % 5 = 0 THEN NULL ELSE 'addr ' || i END
		 FROM generate_series(0, 39) i`,
		`INSERT INTO rescue_teams (geom, name, kind, headcount, status, last_position, observed_at)
		 SELECT ST_SetSRID(ST_MakePoint(87.40 + i * 0.01, 43.50), 4326), 'team ' || i, 'fire', 10 + i, 'available',
		        CASE WHEN i % 3 = 0 THEN NULL ELSE ST_SetSRID(ST_MakePoint(87.41 + i * 0.01, 43.51), 4326) END,
		        CASE WHEN i % 3 = 0 THEN NULL ELSE timestamptz '2024-05-01T00:00:00Z' + i * interval '1 hour' END
		 FROM generate_series(0, 11) i`,
		`INSERT INTO experts (geom, name, field, contact_phone)
		 SELECT ST_SetSRID(ST_MakePoint(87.6, 43.8), 4326), 'expert ' || i, 'hazmat', '1380000000' || i FROM generate_series(1, 3) i`,
	} {
		if _, err := e.Pool.Exec(context.Background(), q); err != nil {
			t.Fatal(err)
		}
	}
}

type fc struct {
	Features []struct {
		ID         int64          `json:"id"`
		Properties map[string]any `json:"properties"`
	} `json:"features"`
	NumberMatched  int64 `json:"numberMatched"`
	NumberReturned int   `json:"numberReturned"`
	Links          []struct {
		Href, Rel, Type string
	} `json:"links"`
}

// all follows next links from path and returns every feature id, in the
// order received.
func all(t *testing.T, e *apitest.Env, role auth.Role, path string) ([]int64, int64) {
	t.Helper()
	var ids []int64
	matched := int64(-1)
	for pages := 0; path != ""; pages++ {
		if pages > 1000 {
			t.Fatal("paging does not end")
		}
		r := e.Do("GET", path, role, nil)
		if r.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: %d %s", path, r.StatusCode, r.Body)
		}
		if ct := r.Header.Get("Content-Type"); ct != "application/geo+json" {
			t.Fatalf("GET %s: content type %s", path, ct)
		}
		var c fc
		r.JSON(t, &c)
		if c.NumberReturned != len(c.Features) {
			t.Fatalf("numberReturned %d, %d features", c.NumberReturned, len(c.Features))
		}
		if matched >= 0 && c.NumberMatched != matched {
			t.Fatalf("numberMatched changed from %d to %d", matched, c.NumberMatched)
		}
		matched = c.NumberMatched
		for _, f := range c.Features {
			ids = append(ids, f.ID)
		}
		path = ""
		for _, l := range c.Links {
			if l.Rel == "next" {
				u, err := url.Parse(l.Href)
				if err != nil {
					t.Fatal(err)
				}
				path = u.RequestURI()
			}
		}
	}
	return ids, matched
}

// apiIDs lists the ids the registry API returns for query.
func apiIDs(t *testing.T, e *apitest.Env, layer, query string) []int64 {
	t.Helper()
	r := e.Do("GET", "/api/v1/"+layer+"?limit=5000&"+query, auth.Viewer, nil)
	if r.StatusCode != http.StatusOK {
		t.Fatalf("API %s?%s: %d %s", layer, query, r.StatusCode, r.Body)
	}
	var c struct {
		Features []struct {
			ID string `json:"id"`
		} `json:"features"`
	}
	r.JSON(t, &c)
	out := make([]int64, 0, len(c.Features))
	for _, f := range c.Features {
		var n int64
		for _, ch := range f.ID {
			n = n*10 + int64(ch-'0')
		}
		out = append(out, n)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}
