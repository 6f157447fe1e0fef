package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"sitrep/internal/db"
	"sitrep/internal/pgtest"
)

// sitrep import: a dry run prints every bad row with its line and fails;
// a good file goes in under the cli actor; export gives it back.
func TestImportCommand(t *testing.T) {
	url := pgtest.NewMigratedDatabase(t)
	ctx := context.Background()
	dir := t.TempDir()
	bad := filepath.Join(dir, "layers.csv")
	if err := os.WriteFile(bad, []byte("code,name,kind,lon,lat\nA,甲,school,87.41,43.47\nB,乙,castle,87.42,43.47\nC,丙,school,87.43,95\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	err := runImport(ctx, []string{"sensitive_sites", bad, "--dry-run", "--database-url", url}, &out)
	if err == nil || !strings.Contains(err.Error(), "2 of 3 rows are bad") {
		t.Fatalf("dry run of a bad file: %v", err)
	}
	for _, want := range []string{bad + ":3: row 2: kind: 须为以下之一", bad + ":4: row 3: lat: 纬度须在 ±90° 以内"} {
		if !strings.Contains(out.String(), want) {
			t.Fatalf("output lacks %q:\n%s", want, out.String())
		}
	}
	good := filepath.Join(dir, "good.data")
	if err := os.WriteFile(good, []byte("code,name,kind,lon,lat\nA,甲,school,87.41,43.47\nB,乙,hospital,87.42,43.47\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out.Reset()
	if err := runImport(ctx, []string{"sensitive_sites", good, "--dry-run", "--format", "csv", "--database-url", url}, &out); err != nil {
		t.Fatalf("dry run of a good file: %v\n%s", err, out.String())
	}
	pool, err := db.Open(ctx, url, db.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	count := func(q string) int {
		var n int
		if err := pool.QueryRow(ctx, q).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	if count(`SELECT count(*) FROM sensitive_sites`) != 0 {
		t.Fatal("dry run stored rows")
	}
	if err := runImport(ctx, []string{"sensitive_sites", good, "--database-url", url}, &out); err == nil {
		t.Fatal("a file whose format cannot be told from its name was accepted")
	}
	out.Reset()
	if err := runImport(ctx, []string{"--format", "csv", "sensitive_sites", good, "--database-url", url}, &out); err != nil {
		t.Fatalf("import: %v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "imported 2 features into sensitive_sites") {
		t.Fatalf("output: %s", out.String())
	}
	if n := count(`SELECT count(*) FROM audit_log WHERE entity = 'sensitive_sites' AND action = 'create' AND actor_name LIKE '命令行%'`); n != 2 {
		t.Fatalf("%d audit rows by the command line", n)
	}
	out.Reset()
	if err := runExport(ctx, []string{"sensitive_sites", "--format", "csv", "--database-url", url}, &out); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "B,乙,hospital") {
		t.Fatalf("export:\n%s", out.String())
	}
}
