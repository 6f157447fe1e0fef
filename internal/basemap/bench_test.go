package basemap_test

import (
	"bufio"
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"sitrep/internal/auth"
	"sitrep/internal/basemap"
	"sitrep/internal/journal"
)

// BenchmarkMillionWays imports an extract of 1,000,000 OSM ways (a grid of
// roads over the county's box, written when the benchmark runs; converted
// to .osm.pbf when osmium is on PATH, else read as .osm XML), then renders
// random z10–z14 basemap tiles through the tile service (the HTTP handler,
// every tile a different one so the cache never answers) beside the bare
// ST_AsMVT query of the roads in the same tile (no class filter, no
// simplification, no other layer), and reports both and their ratio.
//
//	go test -run '^$' -bench MillionWays -benchtime 300x -timeout 60m ./internal/basemap/
func BenchmarkMillionWays(b *testing.B) {
	e := start(b, nil)
	file := writeGrid(b, 1001, 1001)
	ctx := context.Background()

	// The import runs once, whatever -benchtime says: its time is logged
	// (and reported by the tiles run as import-s).
	began := time.Now()
	stage, stageAt := "", began
	progress := func(s string, _, _ int) {
		if s != stage {
			if stage != "" {
				b.Logf("%s: %s", stage, time.Since(stageAt).Round(100*time.Millisecond))
			}
			stage, stageAt = s, time.Now()
		}
	}
	rep, err := basemap.Import(ctx, e.Pool, e.Pool.Config().ConnString(), journal.Actor{Name: "bench"}, file, basemap.Options{Progress: progress})
	if err != nil {
		b.Fatal(err)
	}
	took := time.Since(began)
	b.Logf("import of %s: %s, %v", filepath.Base(file), took.Round(time.Second), rep.Counts)

	b.Run("tiles", func(b *testing.B) {
		const bare = `SELECT COALESCE(ST_AsMVT(m.*, 'roads'), ''::bytea) FROM (
			SELECT ST_AsMVTGeom(ST_Transform(t.geom, 3857), ST_TileEnvelope($1, $2, $3)) AS geom, t.class, t.name, t.ref
			FROM basemap_roads t WHERE t.geom && ST_Transform(ST_TileEnvelope($1, $2, $3), 4326)) m WHERE m.geom IS NOT NULL`
		rng := rand.New(rand.NewPCG(1, 2))
		type tile struct{ z, x, y int }
		seen := map[tile]bool{}
		ts := make([]tile, 0, b.N)
		for len(ts) < b.N {
			z := 10 + rng.IntN(5)
			x, y := tileOf(87.0+rng.Float64()*0.9, 43.1+rng.Float64()*0.5, z)
			if t := (tile{z, x, y}); !seen[t] {
				seen[t] = true
				ts = append(ts, t)
			}
		}
		var svc, raw time.Duration
		var bytes int
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			t := ts[i]
			s := time.Now()
			req := httptest.NewRequest("GET", fmt.Sprintf("/tiles/basemap/%d/%d/%d.mvt", t.z, t.x, t.y), nil)
			req.Header.Set("Authorization", "Bearer "+e.Tokens[auth.Viewer])
			w := httptest.NewRecorder()
			e.Server.ServeHTTP(w, req)
			if w.Code != http.StatusOK && w.Code != http.StatusNoContent {
				b.Fatalf("tile %v: %d %s", t, w.Code, w.Body)
			}
			svc += time.Since(s)
			bytes += w.Body.Len()
			s = time.Now()
			var mvt []byte
			if err := e.Pool.QueryRow(ctx, bare, t.z, t.x, t.y).Scan(&mvt); err != nil {
				b.Fatal(err)
			}
			raw += time.Since(s)
		}
		b.StopTimer()
		n := float64(b.N)
		b.ReportMetric(float64(svc.Microseconds())/1000/n, "service-ms/tile")
		b.ReportMetric(float64(raw.Microseconds())/1000/n, "bare-ms/tile")
		b.ReportMetric(float64(svc)/float64(raw), "service/bare")
		b.ReportMetric(float64(bytes)/n, "bytes/tile")
		b.ReportMetric(took.Seconds(), "import-s")
	})
}

// writeGrid writes an OSM extract of a rows×cols grid of nodes over the
// county's box joined by ways of two edges each, along rows and columns:
// about rows·cols ways, sharing their end nodes. Every 50th line is a
// primary road, every 10th a secondary, the rest residential; each line
// has a name.
func writeGrid(b *testing.B, rows, cols int) string {
	b.Helper()
	dir := b.TempDir()
	xml := filepath.Join(dir, "grid.osm")
	f, err := os.Create(xml)
	if err != nil {
		b.Fatal(err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	const lon0, lat0, dLon, dLat = 86.80, 43.02, 1.32 / 1000, 0.72 / 1000
	node := func(r, c int) int { return r*cols + c + 1 }
	fmt.Fprintln(w, `<?xml version="1.0" encoding="UTF-8"?>`+"\n"+`<osm version="0.6" generator="sitrep benchmark">`)
	// Positions wander a little off the grid, as surveyed roads do (GDAL
	// also refuses PBF blocks that compress too well, as a perfect grid does).
	rng := rand.New(rand.NewPCG(3, 4))
	for r := 0; r < rows; r++ {
		for c := 0; c < cols; c++ {
			fmt.Fprintf(w, `<node id="%d" version="1" lat="%.7f" lon="%.7f"/>`+"\n", node(r, c),
				lat0+(float64(r)+0.6*(rng.Float64()-0.5))*dLat, lon0+(float64(c)+0.6*(rng.Float64()-0.5))*dLon)
		}
	}
	class := func(i int) string {
		switch {
		case i%50 == 0:
			return "primary"
		case i%10 == 0:
			return "secondary"
		}
		return "residential"
	}
	way := 1
	line := func(name, cls string, nodes []int) {
		fmt.Fprintf(w, `<way id="%d" version="1">`, way)
		for _, n := range nodes {
			fmt.Fprintf(w, `<nd ref="%d"/>`, n)
		}
		fmt.Fprintf(w, `<tag k="highway" v="%s"/><tag k="name" v="%s"/></way>`+"\n", cls, name)
		way++
	}
	for r := 0; r < rows; r++ {
		for c := 0; c+2 < cols; c += 2 {
			line(fmt.Sprintf("横%d路", r), class(r), []int{node(r, c), node(r, c+1), node(r, c+2)})
		}
	}
	for c := 0; c < cols; c++ {
		for r := 0; r+2 < rows; r += 2 {
			line(fmt.Sprintf("纵%d路", c), class(c), []int{node(r, c), node(r+1, c), node(r+2, c)})
		}
	}
	fmt.Fprintln(w, "</osm>")
	if err := w.Flush(); err != nil {
		b.Fatal(err)
	}
	if err := f.Close(); err != nil {
		b.Fatal(err)
	}
	b.Logf("%d ways written", way-1)
	osmium, err := exec.LookPath("osmium")
	if err != nil {
		return xml
	}
	pbf := filepath.Join(dir, "grid.osm.pbf")
	if out, err := exec.Command(osmium, "cat", xml, "-o", pbf).CombinedOutput(); err != nil {
		b.Fatalf("osmium: %v %s", err, out)
	}
	return pbf
}
