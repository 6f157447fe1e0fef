package loadenv

import (
	"context"
	"os"
	"testing"

	"github.com/jackc/pgx/v5"
)

// A load program runs against this machine only.
func TestCheckLoopback(t *testing.T) {
	for url, ok := range map[string]bool{
		"postgres://postgres@127.0.0.1:5432/postgres": true,
		"postgres://postgres@localhost/postgres":      true,
		"postgres://postgres@[::1]:5432/postgres":     true,
		"postgres:///postgres?host=/run/postgresql":   true,
		"postgres://postgres@db.example.org/postgres": false,
		"postgres://postgres@10.0.0.5/postgres":       false,
		"":                                            false,
	} {
		if err := CheckLoopback(url, "test"); (err == nil) != ok {
			t.Errorf("CheckLoopback(%q) = %v", url, err)
		}
	}
}

// The scratch database exists, migrated, until drop.
func TestScratch(t *testing.T) {
	admin := os.Getenv("SITREP_TEST_DATABASE_URL")
	if admin == "" {
		t.Skip("SITREP_TEST_DATABASE_URL not set")
	}
	ctx := context.Background()
	dbURL, name, drop, err := Scratch(ctx, admin, "loadenvtest")
	if err != nil {
		t.Fatal(err)
	}
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		drop()
		t.Fatal(err)
	}
	var tables int
	err = conn.QueryRow(ctx, `SELECT count(*) FROM pg_tables WHERE tablename = 'rescue_teams'`).Scan(&tables)
	conn.Close(ctx)
	drop()
	if err != nil || tables != 1 {
		t.Fatalf("migrated: %d, %v", tables, err)
	}
	a, err := pgx.Connect(ctx, admin)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close(ctx)
	var left bool
	if err := a.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)`, name).Scan(&left); err != nil || left {
		t.Fatalf("%s left after drop (%v)", name, err)
	}
}
