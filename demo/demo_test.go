package demo_test

import (
	"context"
	"testing"

	"sitrep/areas"
	"sitrep/demo"
	"sitrep/pgtest"
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
