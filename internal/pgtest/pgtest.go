// Package pgtest gives each test its own database on the throwaway PostGIS
// cluster that scripts/test.sh starts (SITREP_TEST_DATABASE_URL). Databases
// are cloned from a template migrated once per schema, so a fresh, migrated
// database costs a CREATE DATABASE, not a migration run.
package pgtest

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"sitrep/internal/db"
	"sitrep/migrations"
)

// EnvURL names the variable that points at the test cluster's maintenance database.
const EnvURL = "SITREP_TEST_DATABASE_URL"

func adminURL(t testing.TB) string {
	t.Helper()
	if testing.Short() {
		// go test -short is the quick pass over the pure rules: no database.
		t.Skip("needs PostGIS: skipped under -short")
	}
	u := os.Getenv(EnvURL)
	if u == "" {
		t.Fatalf("%s is not set: run the suite with ./scripts/test.sh, which starts a throwaway PostGIS cluster", EnvURL)
	}
	return u
}

// URLFor returns the cluster URL with the database name replaced.
func URLFor(t testing.TB, dbname string) string {
	t.Helper()
	u, err := url.Parse(adminURL(t))
	if err != nil {
		t.Fatalf("%s: %v", EnvURL, err)
	}
	u.Path = "/" + dbname
	return u.String()
}

func adminConn(t testing.TB, ctx context.Context) *pgx.Conn {
	t.Helper()
	conn, err := pgx.Connect(ctx, adminURL(t))
	if err != nil {
		t.Fatalf("connect to the test cluster: %v", err)
	}
	return conn
}

// templateName changes whenever a migration file does, so a long-lived test
// cluster never serves a stale schema.
func templateName(t testing.TB) string {
	h := sha256.New()
	err := fs.WalkDir(migrations.FS, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(migrations.FS, path)
		h.Write([]byte(path))
		h.Write(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return "sitrep_tmpl_" + hex.EncodeToString(h.Sum(nil))[:16]
}

// ensureTemplate creates the migrated template once; test binaries running in
// parallel wait on an advisory lock for whoever builds it.
func ensureTemplate(t testing.TB, ctx context.Context) string {
	t.Helper()
	name := templateName(t)
	conn := adminConn(t, ctx)
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, `SELECT pg_advisory_lock(727274)`); err != nil {
		t.Fatal(err)
	}
	defer conn.Exec(context.Background(), `SELECT pg_advisory_unlock(727274)`)
	var exists bool
	if err := conn.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)`, name).Scan(&exists); err != nil {
		t.Fatal(err)
	}
	if exists {
		return name
	}
	if _, err := conn.Exec(ctx, `CREATE DATABASE `+pgx.Identifier{name}.Sanitize()); err != nil {
		t.Fatalf("create template: %v", err)
	}
	if _, err := db.Migrate(ctx, URLFor(t, name)); err != nil {
		// A half-migrated template would be taken as current by every
		// later test under this schema's name: drop it, so each reports
		// the migration's error instead of a missing table.
		if _, derr := conn.Exec(ctx, `DROP DATABASE `+pgx.Identifier{name}.Sanitize()+` WITH (FORCE)`); derr != nil {
			t.Logf("drop the half-migrated template: %v", derr)
		}
		t.Fatalf("migrate template: %v", err)
	}
	return name
}

// NewDatabase creates an empty database (no schema) and returns its URL. It is
// dropped when the test ends.
func NewDatabase(t testing.TB) string {
	t.Helper()
	return createDatabase(t, "")
}

// NewMigratedDatabase creates a migrated database and returns its URL.
func NewMigratedDatabase(t testing.TB) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	return createDatabase(t, ensureTemplate(t, ctx))
}

// New returns a pool on a fresh migrated database, closed and dropped when
// the test ends.
func New(t testing.TB) *pgxpool.Pool {
	t.Helper()
	url := NewMigratedDatabase(t)
	pool, err := db.Open(context.Background(), url, db.Options{StatementTimeout: 30 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	return pool
}

func createDatabase(t testing.TB, template string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	name := "t_" + hex.EncodeToString(b)
	stmt := `CREATE DATABASE ` + pgx.Identifier{name}.Sanitize()
	if template != "" {
		stmt += ` TEMPLATE ` + pgx.Identifier{template}.Sanitize()
	}
	conn := adminConn(t, ctx)
	defer conn.Close(ctx)
	var err error
	for attempt := 0; attempt < 20; attempt++ {
		// Cloning fails while another session is still leaving the template
		// (SQLSTATE 55006); that lasts milliseconds.
		if _, err = conn.Exec(ctx, stmt); err == nil {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if err != nil {
		t.Fatalf("create test database: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		c, err := pgx.Connect(ctx, adminURL(t))
		if err != nil {
			t.Logf("drop %s: %v", name, err)
			return
		}
		defer c.Close(ctx)
		if _, err := c.Exec(ctx, `DROP DATABASE IF EXISTS `+pgx.Identifier{name}.Sanitize()+` WITH (FORCE)`); err != nil {
			t.Logf("drop %s: %v", name, err)
		}
	})
	return URLFor(t, name)
}

// Must fails the test on err; for one-line setup.
func Must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(fmt.Sprint(err))
	}
}
