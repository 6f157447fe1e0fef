package auth_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"sitrep/internal/auth"
	"sitrep/internal/journal"
	"sitrep/internal/pgtest"
)

// A credential ended on this server stops working at once, though it was
// answered from memory a moment before; one ended on another server (or
// in the database) stops working here once the cached answer runs out,
// within IdentityTTL by this server's clock.
func TestIdentityCacheEnds(t *testing.T) {
	pool := pgtest.New(t)
	ctx := context.Background()
	clock := time.Date(2026, 12, 2, 0, 0, 0, 0, time.UTC)
	now := func() time.Time { return clock }
	here, there := auth.NewStore(pool), auth.NewStore(pool)
	here.Now, there.Now = now, now
	actor := journal.Actor{Name: "test"}
	u, token, err := here.CreateUser(ctx, actor, auth.NewUser{Name: "tablet", Role: auth.Viewer})
	if err != nil {
		t.Fatal(err)
	}
	if err := here.SetPassword(ctx, actor, "tablet", "correct horse battery"); err != nil {
		t.Fatal(err)
	}
	_, session, err := here.Login(ctx, "tablet", "correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	status := func(s *auth.Store, h http.Header) int {
		t.Helper()
		rec := httptest.NewRecorder()
		r := httptest.NewRequest(http.MethodGet, "/", nil)
		r.Header = h
		s.Authenticate(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(204) })).ServeHTTP(rec, r)
		return rec.Code
	}
	bearer := http.Header{"Authorization": {"Bearer " + token}}
	cookie := http.Header{"Cookie": {(&http.Cookie{Name: auth.SessionCookie, Value: session}).String()}}
	for _, s := range []*auth.Store{here, there} {
		if status(s, bearer) != 204 || status(s, cookie) != 204 {
			t.Fatal("valid credentials refused")
		}
	}
	// The user is disabled behind the stores' backs: both answer from
	// memory until the answer runs out.
	if _, err := pool.Exec(ctx, `UPDATE users SET disabled_at = now() WHERE id = $1`, u.ID); err != nil {
		t.Fatal(err)
	}
	if status(there, bearer) != 204 {
		t.Fatal("the cached answer was not used (the test would prove nothing)")
	}
	clock = clock.Add(auth.DefaultIdentityTTL)
	if status(there, bearer) != 401 || status(there, cookie) != 401 {
		t.Fatal("a disabled user still works after IdentityTTL")
	}
	if _, err := pool.Exec(ctx, `UPDATE users SET disabled_at = NULL WHERE id = $1`, u.ID); err != nil {
		t.Fatal(err)
	}
	clock = clock.Add(auth.DefaultIdentityTTL)
	for _, s := range []*auth.Store{here, there} {
		if status(s, bearer) != 204 || status(s, cookie) != 204 {
			t.Fatal("re-enabled credentials refused")
		}
	}

	// Revoked and logged out here: refused here at once, there within the TTL.
	toks, err := here.ListTokens(ctx, u.ID)
	if err != nil || len(toks) != 1 {
		t.Fatalf("tokens %v %v", toks, err)
	}
	if err := here.RevokeToken(ctx, actor, toks[0].ID, 0); err != nil {
		t.Fatal(err)
	}
	if err := here.Logout(ctx, u, session); err != nil {
		t.Fatal(err)
	}
	if status(here, bearer) != 401 || status(here, cookie) != 401 {
		t.Fatal("revoked here, still works here")
	}
	clock = clock.Add(auth.DefaultIdentityTTL)
	if status(there, bearer) != 401 || status(there, cookie) != 401 {
		t.Fatal("revoked elsewhere, still works after IdentityTTL")
	}
}
