package demo_test

import (
	"context"
	"encoding/json"
	"testing"

	"sitrep/internal/apitest"
	"sitrep/internal/auth"
	"sitrep/internal/layers"

	"sitrep/internal/areas"
	"sitrep/internal/demo"
	"sitrep/internal/pgtest"
)

func TestDemoLoadsTwiceAndKeepsData(t *testing.T) {
	pool := pgtest.New(t)
	ctx := context.Background()
	creds, err := demo.Load(ctx, pool)
	if err != nil {
		t.Fatal(err)
	}
	if len(creds) != len(demo.Users) || creds[0].Token == "" {
		t.Fatalf("first load: %+v", creds)
	}
	// Running it again keeps the users (and prints no new tokens).
	creds, err = demo.Load(ctx, pool)
	if err != nil {
		t.Fatal(err)
	}
	if creds[0].Token != "" {
		t.Fatal("second load recreated a user")
	}
	var users, areasN, counties, invalid int
	if err := pool.QueryRow(ctx, `SELECT (SELECT count(*) FROM users), (SELECT count(*) FROM admin_areas),
		(SELECT count(*) FROM admin_areas WHERE is_county), (SELECT count(*) FROM admin_areas WHERE NOT ST_IsValid(geom))`).
		Scan(&users, &areasN, &counties, &invalid); err != nil {
		t.Fatal(err)
	}
	if users != len(demo.Users) || areasN != 22 || counties != 1 || invalid != 0 {
		t.Fatalf("users %d, areas %d, counties %d, invalid %d", users, areasN, counties, invalid)
	}
	// The county polygon is the real one: its seat is inside, Ürümqi city centre is not.
	store := areas.NewStore(pool)
	for _, c := range []struct {
		name     string
		lon, lat float64
		inside   bool
	}{
		{"county seat 板房沟镇", 87.410, 43.474, true},
		{"Ürümqi city centre (天山区)", 87.617, 43.793, false},
		{"Turpan", 89.19, 42.95, false},
	} {
		got, err := store.InCounty(ctx, c.lon, c.lat)
		if err != nil {
			t.Fatal(err)
		}
		if got != c.inside {
			t.Errorf("%s: in county = %v, want %v", c.name, got, c.inside)
		}
	}
	// Area roughly matches the source's 4,212 km² (the shape is generalised).
	var km2 float64
	if err := pool.QueryRow(ctx, `SELECT ST_Area(geom::geography) / 1e6 FROM admin_areas WHERE is_county`).Scan(&km2); err != nil {
		t.Fatal(err)
	}
	if km2 < 3800 || km2 > 4400 {
		t.Errorf("county area %.0f km², want about 4,000", km2)
	}
}

// The synthetic registry loads inside the county, adds up to the census,
// grades its hazard sources, is stable on reload, and every layer answers
// through the API.
func TestDemoRegistry(t *testing.T) {
	e := apitest.Start(t)
	ctx := context.Background()
	if _, err := demo.Load(ctx, e.Pool); err != nil {
		t.Fatal(err)
	}
	var residents, outside, unmarked, hazardsN, graded int
	if err := e.Pool.QueryRow(ctx, `SELECT (SELECT sum(night_people) FROM population_cells),
		(SELECT count(*) FROM hazard_sources h, admin_areas a WHERE a.is_county AND NOT ST_Intersects(a.geom, h.geom)),
		(SELECT count(*) FROM shelters WHERE NOT synthetic OR name NOT LIKE '%〔演示〕'),
		(SELECT count(*) FROM hazard_sources), (SELECT count(*) FROM hazard_sources WHERE people_within_500m > 0)`).
		Scan(&residents, &outside, &unmarked, &hazardsN, &graded); err != nil {
		t.Fatal(err)
	}
	if residents != demo.Residents || outside != 0 || unmarked != 0 || hazardsN < 10 || graded == 0 {
		t.Fatalf("residents %d, hazard sources outside %d, unmarked shelters %d, hazard sources %d (%d with people near)", residents, outside, unmarked, hazardsN, graded)
	}
	snapshot := func() string {
		var s string
		if err := e.Pool.QueryRow(ctx, `SELECT string_agg(l || ':' || n, ',' ORDER BY l) FROM (
			SELECT 'events' l, count(*) n FROM events WHERE topic <> 'boundaries' UNION ALL
			SELECT 'h', sum(hashtext(ST_AsText(geom) || inventory::text || version)) FROM hazard_sources UNION ALL
			SELECT 'p', sum(hashtext(ST_AsText(geom) || night_people)) FROM population_cells) x`).Scan(&s); err != nil {
			t.Fatal(err)
		}
		return s
	}
	first := snapshot()
	if _, err := demo.Load(ctx, e.Pool); err != nil {
		t.Fatal(err)
	}
	if again := snapshot(); again != first {
		t.Fatalf("reload changed data: %s → %s", first, again)
	}
	for _, l := range layers.All {
		var fc struct {
			Features []json.RawMessage
		}
		// The expert roster needs experts:read, which a viewer lacks.
		role := auth.Viewer
		if l.CanRead() != auth.ReadMap {
			role = auth.Editor
		}
		r := e.Do("GET", "/api/v1/"+l.Name+"?synthetic=true&limit=5000", role, nil)
		if r.StatusCode != 200 {
			t.Fatalf("%s: %d %s", l.Name, r.StatusCode, r.Body)
		}
		r.JSON(t, &fc)
		if len(fc.Features) == 0 {
			t.Errorf("%s: no demo features", l.Name)
		}
	}
	var teams int
	if err := e.Pool.QueryRow(ctx, `SELECT count(*) FROM rescue_teams WHERE organisation LIKE ANY (ARRAY['乌尉高速项目%', 'S103省道项目%', '新疆兴陶大北矿业%', '西部石油管道乌鲁木齐作业区%', '乌鲁木齐县消防救援大队%'])`).Scan(&teams); err != nil {
		t.Fatal(err)
	}
	if teams != 5 {
		t.Errorf("%d of the plan 6.2 teams and the fire brigade", teams)
	}
}
