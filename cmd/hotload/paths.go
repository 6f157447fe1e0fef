package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

// path is one hot path: its raw baseline and Sitrep, at 1 and 4 clients.
type path struct {
	name string
	run  func(ctx context.Context, e *env) ([]row, error)
}

var paths = []path{
	{"nearest", runNearest},
	{"viewport", runViewport},
	{"positions", runPositions},
	{"tiles", runTiles},
	{"import", runImport},
}

var concurrencies = []int{1, 4}

// county is where the teams are, and where the questions are asked.
const minLon, minLat, span = 86.9, 43.0, 1.0

func randomPoint(r *rand.Rand) (lon, lat float64) {
	return minLon + 0.1 + r.Float64()*(span-0.2), minLat + 0.1 + r.Float64()*(span-0.2)
}

// rngs gives each worker its own random stream (same seed each run).
func rngs() []*rand.Rand {
	out := make([]*rand.Rand, 8)
	for i := range out {
		out[i] = rand.New(rand.NewPCG(uint64(i), 16))
	}
	return out
}

// get sends an authenticated GET and returns the body's size; any status
// but want is an error.
func (e *env) do(ctx context.Context, method, path string, body []byte, want int, hdr ...string) (int, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, method, e.base+path, bytes.NewReader(body))
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Authorization", "Bearer "+e.token)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := e.client.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return 0, nil, err
	}
	if resp.StatusCode != want {
		return 0, nil, fmt.Errorf("%s %s: %d %s", method, path, resp.StatusCode, b[:min(len(b), 300)])
	}
	return len(b), b, nil
}

// fetch GETs path and counts the answer's bytes without keeping them: the
// load generator shares its process (and its garbage collector) with the
// server it measures, and a 235 KB body read whole per request would weigh
// on the server's figures. The raw baselines scan what they need only.
func (e *env) fetch(ctx context.Context, path string, hdr ...string) (int, error) {
	req, err := http.NewRequestWithContext(ctx, "GET", e.base+path, nil)
	if err != nil {
		return 0, err
	}
	req.Header.Set("Authorization", "Bearer "+e.token)
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := e.client.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 300))
		return 0, fmt.Errorf("GET %s: %d %s", path, resp.StatusCode, b)
	}
	n, err := io.Copy(io.Discard, resp.Body)
	return int(n), err
}

// runNearest: the 10 nearest available teams to a random point. Raw: KNN
// on the geography expression index (sphere order, what Tile38's NEARBY
// or a hand-written PostGIS query would answer).
func runNearest(ctx context.Context, e *env) ([]row, error) {
	var rows []row
	for _, c := range concurrencies {
		rs := rngs()
		r, err := measure(ctx, "nearest k=10", "raw PostGIS", "req", c, e.duration, 0, func(ctx context.Context, w, _ int) (int, int, error) {
			lon, lat := randomPoint(rs[w])
			q, err := e.pool.Query(ctx, `SELECT id, name, ST_Distance(COALESCE(last_position, geom)::geography, ST_SetSRID(ST_MakePoint($1, $2), 4326)::geography)
				FROM rescue_teams WHERE status = 'available'
				ORDER BY COALESCE(last_position, geom)::geography <-> ST_SetSRID(ST_MakePoint($1, $2), 4326)::geography LIMIT 10`, lon, lat)
			if err != nil {
				return 0, 0, err
			}
			n := 0
			for q.Next() {
				n++
			}
			q.Close()
			if n != 10 {
				return 0, 0, fmt.Errorf("raw nearest: %d rows", n)
			}
			return 0, 1, q.Err()
		})
		if err != nil {
			return nil, err
		}
		rows = append(rows, r)
		rs = rngs()
		r, err = measure(ctx, "nearest k=10", "Sitrep /api/v1/nearest", "req", c, e.duration, 0, func(ctx context.Context, w, _ int) (int, int, error) {
			lon, lat := randomPoint(rs[w])
			n, err := e.fetch(ctx, fmt.Sprintf("/api/v1/nearest?layer=rescue_teams&lon=%.6f&lat=%.6f&k=10&status=available", lon, lat))
			return n, 1, err
		})
		if err != nil {
			return nil, err
		}
		rows = append(rows, r)
	}
	return rows, nil
}

// viewportBox is a random box of about 415 teams (their home bases, which
// the registry's bbox filters on).
func viewportBox(r *rand.Rand, teams int) [4]float64 {
	side := math.Sqrt(415 / float64(teams) * span * span)
	lon, lat := randomPoint(r)
	return [4]float64{lon, lat, lon + side, lat + side}
}

// runViewport: every team in a viewport as GeoJSON. Raw: the same
// features as one FeatureCollection built by PostGIS (pg_featureserv's
// query shape: the rows in the box with ST_AsGeoJSON and their columns).
func runViewport(ctx context.Context, e *env) ([]row, error) {
	var rows []row
	for _, c := range concurrencies {
		rs := rngs()
		r, err := measure(ctx, "viewport ~415", "raw PostGIS", "req", c, e.duration, 0, func(ctx context.Context, w, _ int) (int, int, error) {
			b := viewportBox(rs[w], e.teams)
			var out []byte
			err := e.pool.QueryRow(ctx, `SELECT json_build_object('type', 'FeatureCollection', 'features', COALESCE(json_agg(json_build_object(
					'type', 'Feature', 'id', t.id, 'geometry', ST_AsGeoJSON(t.geom)::json,
					'properties', json_build_object('name', t.name, 'kind', t.kind, 'status', t.status, 'headcount', t.headcount))), '[]'))::text
				FROM rescue_teams t WHERE t.geom && ST_MakeEnvelope($1, $2, $3, $4, 4326)`, b[0], b[1], b[2], b[3]).Scan(&out)
			return len(out), 1, err
		})
		if err != nil {
			return nil, err
		}
		rows = append(rows, r)
		for _, sys := range []struct{ name, url, encoding string }{
			{"Sitrep REST", "/api/v1/rescue_teams?limit=5000&bbox=%.6f,%.6f,%.6f,%.6f", "identity"},
			// The raw query's properties, compressed as a browser asks.
			{"Sitrep REST properties+gzip", "/api/v1/rescue_teams?limit=5000&properties=name,kind,status,headcount&bbox=%.6f,%.6f,%.6f,%.6f", "gzip"},
			{"Sitrep OGC items", "/ogc/collections/rescue_teams/items?limit=5000&bbox=%.6f,%.6f,%.6f,%.6f", "identity"},
		} {
			rs = rngs()
			r, err = measure(ctx, "viewport ~415", sys.name, "req", c, e.duration, 0, func(ctx context.Context, w, _ int) (int, int, error) {
				b := viewportBox(rs[w], e.teams)
				n, err := e.fetch(ctx, fmt.Sprintf(sys.url, b[0], b[1], b[2], b[3]), "Accept-Encoding", sys.encoding)
				return n, 1, err
			})
			if err != nil {
				return nil, err
			}
			rows = append(rows, r)
		}
	}
	return rows, nil
}

// fixBatch is 100 fixes for 100 different random teams, each worker's
// times increasing so every fix is new.
func fixBatch(r *rand.Rand, teams, w, i int, t0 time.Time) ([]int64, []float64, []float64, []time.Time) {
	ids, lons, lats, ts := make([]int64, 100), make([]float64, 100), make([]float64, 100), make([]time.Time, 100)
	seen := map[int64]bool{}
	for j := range 100 {
		id := int64(1 + r.IntN(teams))
		for seen[id] {
			id = int64(1 + r.IntN(teams))
		}
		seen[id] = true
		ids[j] = id
		lons[j], lats[j] = randomPoint(r)
		ts[j] = t0.Add(time.Duration(i*8+w) * time.Millisecond)
	}
	// In id order, as a device gateway batching for many teams would lock
	// them: concurrent batches then cannot deadlock.
	slices.Sort(ids)
	return ids, lons, lats, ts
}

// runPositions: batches of 100 fixes. Raw: the same fixes as one batched
// UPDATE of the teams' last positions (no track, no journal, no fences).
func runPositions(ctx context.Context, e *env) ([]row, error) {
	var rows []row
	t0 := time.Now().Add(-time.Hour)
	for k, c := range concurrencies {
		rs := rngs()
		r, err := measure(ctx, "positions ×100", "raw PostGIS", "fix", c, e.duration, 0, func(ctx context.Context, w, i int) (int, int, error) {
			ids, lons, lats, ts := fixBatch(rs[w], e.teams, w, i, t0)
			_, err := e.pool.Exec(ctx, `UPDATE rescue_teams r SET last_position = ST_SetSRID(ST_MakePoint(f.lon, f.lat), 4326), observed_at = f.t
				FROM unnest($1::bigint[], $2::timestamptz[], $3::float8[], $4::float8[]) AS f(id, t, lon, lat) WHERE r.id = f.id`, ids, ts, lons, lats)
			return 0, 100, err
		})
		if err != nil {
			return nil, err
		}
		rows = append(rows, r)
		rs = rngs()
		// Later times than the raw phase wrote, so every fix moves its team.
		base := t0.Add(time.Duration(k*2+1) * 20 * time.Minute)
		r, err = measure(ctx, "positions ×100", "Sitrep /api/v1/positions", "fix", c, e.duration, 0, func(ctx context.Context, w, i int) (int, int, error) {
			ids, lons, lats, ts := fixBatch(rs[w], e.teams, w, i, base)
			var b strings.Builder
			b.WriteByte('[')
			for j := range ids {
				if j > 0 {
					b.WriteByte(',')
				}
				fmt.Fprintf(&b, `{"team_id":%d,"lon":%.6f,"lat":%.6f,"observed_at":%q}`, ids[j], lons[j], lats[j], ts[j].UTC().Format(time.RFC3339Nano))
			}
			b.WriteByte(']')
			n, body, err := e.do(ctx, "POST", "/api/v1/positions", []byte(b.String()), 200)
			if err != nil {
				return 0, 0, err
			}
			var res struct{ Stored int }
			if err := json.Unmarshal(body, &res); err != nil {
				return 0, 0, err
			}
			return n, res.Stored, nil
		})
		if err != nil {
			return nil, err
		}
		rows = append(rows, r)
	}
	return rows, nil
}

// z12Tiles are the z12 tiles over the county.
func z12Tiles() [][2]int {
	n := 1 << 12
	x0, x1 := int((minLon+180)/360*float64(n)), int((minLon+span+180)/360*float64(n))
	ty := func(lat float64) int {
		r := lat * math.Pi / 180
		return int((1 - math.Log(math.Tan(r)+1/math.Cos(r))/math.Pi) / 2 * float64(n))
	}
	y0, y1 := ty(minLat+span), ty(minLat)
	var out [][2]int
	for x := x0 + 1; x < x1; x++ {
		for y := y0 + 1; y < y1; y++ {
			out = append(out, [2]int{x, y})
		}
	}
	return out
}

// runTiles: z12 tiles of the teams layer. Raw: ST_AsMVT of the tile's
// teams with the same properties (pg_tileserv's query shape). Sitrep
// uncached: each tile once on a fresh server; cached: random tiles after.
func runTiles(ctx context.Context, e *env) ([]row, error) {
	tiles := z12Tiles()
	var rows []row
	for _, c := range concurrencies {
		rs := rngs()
		r, err := measure(ctx, "tile z12", "raw PostGIS", "req", c, 0, len(tiles), func(ctx context.Context, w, i int) (int, int, error) {
			t := tiles[rs[w].IntN(len(tiles))]
			var mvt []byte
			err := e.pool.QueryRow(ctx, `WITH m AS (SELECT t.id, ST_AsMVTGeom(ST_Transform(COALESCE(t.last_position, t.geom), 3857), ST_TileEnvelope(12, $1, $2), 4096, 64, true) AS g,
					t.name, t.kind, t.status, t.headcount, t.observed_at::text AS observed_at
				FROM rescue_teams t WHERE COALESCE(t.last_position, t.geom) && ST_Transform(ST_TileEnvelope(12, $1, $2, margin => 0.015625), 4326))
				SELECT ST_AsMVT(m.*, 'rescue_teams', 4096, 'g', 'id') FROM m WHERE g IS NOT NULL`, t[0], t[1]).Scan(&mvt)
			return len(mvt), 1, err
		})
		if err != nil {
			return nil, err
		}
		rows = append(rows, r)
		if e.base, err = e.restart(); err != nil { // empty cache
			return nil, err
		}
		if err := e.waitTeamIndex(ctx); err != nil { // its load would share the CPU with the tiles
			return nil, err
		}
		var next int
		order := rand.New(rand.NewPCG(1, 2)).Perm(len(tiles))
		r, err = measure(ctx, "tile z12", "Sitrep uncached", "req", c, 0, len(tiles), func(ctx context.Context, w, i int) (int, int, error) {
			t := tiles[order[next%len(order)]]
			next++ // races are harmless: a tile asked twice is cached the second time, which only flatters less
			n, err := e.fetch(ctx, fmt.Sprintf("/tiles/rescue_teams/12/%d/%d.mvt", t[0], t[1]))
			return n, 1, err
		})
		if err != nil {
			return nil, err
		}
		rows = append(rows, r)
		rs = rngs()
		r, err = measure(ctx, "tile z12", "Sitrep cached", "req", c, e.duration, 0, func(ctx context.Context, w, _ int) (int, int, error) {
			t := tiles[rs[w].IntN(len(tiles))]
			n, err := e.fetch(ctx, fmt.Sprintf("/tiles/rescue_teams/12/%d/%d.mvt", t[0], t[1]))
			return n, 1, err
		})
		if err != nil {
			return nil, err
		}
		rows = append(rows, r)
	}
	return rows, nil
}

// siteFile is n sensitive sites as a GeoJSON FeatureCollection and as the
// rows COPY takes.
func siteFile(n, run int) ([]byte, [][]any) {
	kinds := []string{"residential", "school", "hospital", "crowded_place", "drinking_water_source"}
	var b bytes.Buffer
	b.WriteString(`{"type":"FeatureCollection","features":[`)
	rows := make([][]any, n)
	for i := range n {
		lon, lat := 87.0+float64(i%100)*0.008, 43.1+float64(i/100)*0.007
		code, name, kind, people := fmt.Sprintf("H%d-%05d", run, i), fmt.Sprintf("测试点 %d", i), kinds[i%len(kinds)], i%500
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"type":"Feature","geometry":{"type":"Point","coordinates":[%.6f,%.6f]},"properties":{"code":%q,"name":%q,"kind":%q,"people":%d,"synthetic":true}}`,
			lon, lat, code, name, kind, people)
		rows[i] = []any{code, name, kind, int32(people), true, lon, lat}
	}
	b.WriteString("]}")
	return b.Bytes(), rows
}

// runImport: 10,000 sensitive sites. Raw: COPY of the same rows into a
// table of the same columns (no checks, no journal). One client: imports
// are one at a time.
func runImport(ctx context.Context, e *env) ([]row, error) {
	const n = 10_000
	var rows []row
	run := 0
	r, err := measure(ctx, "import 10k sites", "raw PostGIS", "row", 1, 0, 3, func(ctx context.Context, _, _ int) (int, int, error) {
		run++
		_, data := siteFile(n, run)
		tx, err := e.pool.Begin(ctx)
		if err != nil {
			return 0, 0, err
		}
		defer tx.Rollback(ctx)
		if _, err := tx.Exec(ctx, `CREATE TEMP TABLE raw_sites (code text, name text, kind text, people int, synthetic bool, lon float8, lat float8) ON COMMIT DROP`); err != nil {
			return 0, 0, err
		}
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{"raw_sites"}, []string{"code", "name", "kind", "people", "synthetic", "lon", "lat"}, pgx.CopyFromRows(data)); err != nil {
			return 0, 0, err
		}
		return 0, n, tx.Commit(ctx)
	})
	if err != nil {
		return nil, err
	}
	rows = append(rows, r)
	r, err = measure(ctx, "import 10k sites", "Sitrep POST …/import", "row", 1, 0, 3, func(ctx context.Context, _, _ int) (int, int, error) {
		run++
		body, _ := siteFile(n, run)
		b, _, err := e.do(ctx, "POST", "/api/v1/sensitive_sites/import", body, 200, "Content-Type", "application/geo+json")
		return b, n, err
	})
	if err != nil {
		return nil, err
	}
	return append(rows, r), nil
}
