package server_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"sitrep/internal/apitest"
	"sitrep/internal/auth"
	"sitrep/internal/pgtest"
)

// While PostgreSQL refuses connections, writes and reads answer 503 with
// Retry-After (not 500), the readiness probe says why, and once it is back
// the same server answers again without a restart.
func TestDatabaseOutageIs503(t *testing.T) {
	e := apitest.Start(t)
	ctx := context.Background()
	var name string
	if err := e.Pool.QueryRow(ctx, `SELECT current_database()`).Scan(&name); err != nil {
		t.Fatal(err)
	}
	admin, err := pgx.Connect(ctx, pgtest.URLFor(t, "postgres"))
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close(ctx)
	db := pgx.Identifier{name}.Sanitize()
	exec := func(sql string, args ...any) {
		t.Helper()
		if _, err := admin.Exec(ctx, sql, args...); err != nil {
			t.Fatal(err)
		}
	}
	exec(`ALTER DATABASE ` + db + ` ALLOW_CONNECTIONS false`)
	t.Cleanup(func() { _, _ = admin.Exec(ctx, `ALTER DATABASE `+db+` ALLOW_CONNECTIONS true`) })
	exec(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1`, name)

	for _, c := range []struct{ method, path string }{
		{"POST", "/api/v1/tokens"}, {"POST", "/api/v1/tokens"}, {"GET", "/api/v1/boundaries"},
	} {
		var body any
		if c.method == "POST" {
			body = map[string]any{"label": "during the outage"}
		}
		r := e.Do(c.method, c.path, auth.Dispatcher, body)
		p := apitest.ExpectProblem(t, r, http.StatusServiceUnavailable)
		if r.Header.Get("Retry-After") == "" {
			t.Errorf("%s %s: 503 without Retry-After", c.method, c.path)
		}
		if d, _ := p["detail"].(string); !strings.Contains(d, "数据库") {
			t.Errorf("%s %s: detail %q does not say the database is the trouble", c.method, c.path, d)
		}
	}
	r := e.Do("GET", "/readyz", "", nil)
	p := apitest.ExpectProblem(t, r, http.StatusServiceUnavailable)
	if d, _ := p["detail"].(string); !strings.Contains(d, "数据库") {
		t.Errorf("readyz detail %q does not say why", d)
	}

	exec(`ALTER DATABASE ` + db + ` ALLOW_CONNECTIONS true`)
	// The pool reconnects on its own; wait for it rather than for a time.
	deadline := time.Now().Add(time.Minute)
	for {
		r := e.Do("POST", "/api/v1/tokens", auth.Dispatcher, map[string]any{"label": "after the outage"})
		if r.StatusCode == http.StatusCreated {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no recovery: %d %s", r.StatusCode, r.Body)
		}
		time.Sleep(100 * time.Millisecond)
	}
	if n := e.Count(`SELECT count(*) FROM api_tokens WHERE label = 'during the outage'`); n != 0 {
		t.Fatalf("%d tokens stored during the outage", n)
	}
}
