// Package apitest starts a real Sitrep server on a fresh PostGIS database for
// tests, with one user and token per role, and makes requests to it.
package apitest

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"sitrep/internal/auth"
	"sitrep/internal/journal"
	"sitrep/internal/pgtest"
	"sitrep/internal/server"
)

// Env is a running server and its database.
type Env struct {
	T      testing.TB
	URL    string
	Pool   *pgxpool.Pool
	Server *server.Server
	// Tokens holds an API token per role; the users are named after their role
	// and have no password (bcrypt is slow under -race); SetPassword gives one.
	Tokens map[auth.Role]string
}

// Start runs a server on a fresh migrated database.
func Start(t testing.TB) *Env {
	t.Helper()
	return StartWith(t, nil)
}

// StartLogged is Start with the server's own log (request lines, panics)
// going to logger instead of nowhere.
func StartLogged(t testing.TB, logger *slog.Logger) *Env {
	t.Helper()
	return StartWith(t, func(c *server.Config) { c.Logger = logger })
}

// StartWith is Start with the server's configuration adjusted by configure
// (a test's own clock, limits or logger).
func StartWith(t testing.TB, configure func(*server.Config)) *Env {
	t.Helper()
	pool := pgtest.New(t)
	cfg := server.Config{Pool: pool, Logger: slog.New(slog.DiscardHandler), SecureCookie: true}
	if configure != nil {
		configure(&cfg)
	}
	srv, err := server.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)
	e := &Env{T: t, URL: hs.URL, Pool: pool, Server: srv, Tokens: map[auth.Role]string{}}
	store := auth.NewStore(pool)
	for _, r := range auth.Roles {
		_, token, err := store.CreateUser(context.Background(), journal.Actor{Name: "test"},
			auth.NewUser{Name: string(r), Role: r})
		if err != nil {
			t.Fatal(err)
		}
		e.Tokens[r] = token
	}
	return e
}

// SetPassword gives the user named after role a password for web login.
func (e *Env) SetPassword(role auth.Role, password string) {
	e.T.Helper()
	if err := auth.NewStore(e.Pool).SetPassword(context.Background(), journal.Actor{Name: "test"}, string(role), password); err != nil {
		e.T.Fatal(err)
	}
}

// Response is a finished request.
type Response struct {
	*http.Response
	Body []byte
}

// JSON decodes the body into v, failing the test if it cannot.
func (r *Response) JSON(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal(r.Body, v); err != nil {
		t.Fatalf("decode %s: %v\n%s", r.Request.URL, err, r.Body)
	}
}

// Do sends a request as role (no credentials when role is ""). body may be
// nil, a string (sent as is) or anything JSON-encodable.
func (e *Env) Do(method, path string, role auth.Role, body any, headers ...string) *Response {
	e.T.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = bytes.NewBufferString(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		buf, err := json.Marshal(b)
		if err != nil {
			e.T.Fatal(err)
		}
		rd = bytes.NewReader(buf)
	}
	req, err := http.NewRequest(method, e.URL+path, rd)
	if err != nil {
		e.T.Fatal(err)
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if role != "" {
		req.Header.Set("Authorization", "Bearer "+e.Tokens[role])
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	return e.Send(req)
}

// Send performs req and reads the whole body.
func (e *Env) Send(req *http.Request) *Response {
	e.T.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.T.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		e.T.Fatal(err)
	}
	return &Response{Response: resp, Body: b}
}

// Count runs a SELECT count(*) style query and returns the number.
func (e *Env) Count(query string, args ...any) int {
	e.T.Helper()
	var n int
	if err := e.Pool.QueryRow(context.Background(), query, args...).Scan(&n); err != nil {
		e.T.Fatal(err)
	}
	return n
}

// ExpectProblem fails the test unless resp is a problem+json with the status,
// and returns the decoded problem.
func ExpectProblem(t testing.TB, resp *Response, status int) map[string]any {
	t.Helper()
	if resp.StatusCode != status {
		t.Fatalf("%s %s: status %d, want %d\n%s", resp.Request.Method, resp.Request.URL.Path, resp.StatusCode, status, resp.Body)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "application/problem+json" {
		t.Fatalf("%s %s: Content-Type %q, want application/problem+json", resp.Request.Method, resp.Request.URL.Path, ct)
	}
	var p map[string]any
	resp.JSON(t, &p)
	for _, k := range []string{"type", "title", "status"} {
		if _, ok := p[k]; !ok {
			t.Fatalf("problem lacks %q: %s", k, resp.Body)
		}
	}
	if int(p["status"].(float64)) != status {
		t.Fatalf("problem status %v, want %d", p["status"], status)
	}
	return p
}

// FieldsOf lists the field names a problem's errors name.
func FieldsOf(p map[string]any) []string {
	var out []string
	errs, _ := p["errors"].([]any)
	for _, e := range errs {
		if m, ok := e.(map[string]any); ok {
			out = append(out, m["field"].(string))
		}
	}
	return out
}
