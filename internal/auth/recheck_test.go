package auth_test

import (
	"context"
	"errors"
	"net/http"
	"testing"

	"sitrep/internal/auth"
	"sitrep/internal/journal"
	"sitrep/internal/pgtest"
)

// Recheck resolves a credential again as Authenticate did, and says "no
// longer valid" (ErrNotFound) apart from "could not tell".
func TestRecheck(t *testing.T) {
	pool := pgtest.New(t)
	ctx := context.Background()
	store := auth.NewStore(pool)
	actor := journal.Actor{Name: "test"}
	u, token, err := store.CreateUser(ctx, actor, auth.NewUser{Name: "wall", Role: auth.Viewer})
	if err != nil {
		t.Fatal(err)
	}
	if err := store.SetPassword(ctx, actor, "wall", "correct horse battery"); err != nil {
		t.Fatal(err)
	}
	_, session, err := store.Login(ctx, "wall", "correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	bearer := http.Header{"Authorization": {"Bearer " + token}}
	cookie := http.Header{"Cookie": {(&http.Cookie{Name: auth.SessionCookie, Value: session}).String()}}
	check := func(name string, h http.Header, wantErr error) {
		t.Helper()
		got, err := store.Recheck(ctx, h)
		if !errors.Is(err, wantErr) {
			t.Fatalf("%s: %v, want %v", name, err, wantErr)
		}
		if err == nil && got.ID != u.ID {
			t.Fatalf("%s: user %d, want %d", name, got.ID, u.ID)
		}
		ok, err := store.StillAllowed(auth.ReadMap)(ctx, h)
		if err != nil || ok != (wantErr == nil) {
			t.Fatalf("%s: StillAllowed %v, %v", name, ok, err)
		}
	}
	check("token", bearer, nil)
	check("session", cookie, nil)
	check("nothing", http.Header{}, auth.ErrNotFound)
	check("not bearer", http.Header{"Authorization": {"Basic eDp5"}}, auth.ErrNotFound)

	// The database cannot answer: an error, not "no".
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if ok, err := store.StillAllowed(auth.ReadMap)(cancelled, bearer); err == nil || errors.Is(err, auth.ErrNotFound) || ok {
		t.Fatalf("cancelled: %v, %v; want an error other than ErrNotFound", ok, err)
	}

	// A permission the role lacks.
	if ok, err := store.StillAllowed(auth.EditRegistry)(ctx, bearer); ok || err != nil {
		t.Fatalf("a viewer editing the registry: %v, %v", ok, err)
	}

	if _, err := pool.Exec(ctx, `UPDATE sessions SET expires_at = now() - interval '1 second'`); err != nil {
		t.Fatal(err)
	}
	check("expired session", cookie, auth.ErrNotFound)
	check("token, session expired", bearer, nil)
	toks, err := store.ListTokens(ctx, u.ID)
	if err != nil || len(toks) != 1 {
		t.Fatalf("tokens %v, %v", toks, err)
	}
	_, second, err := store.CreateToken(ctx, actor, u.ID, "second")
	if err != nil {
		t.Fatal(err)
	}
	if err := store.RevokeToken(ctx, actor, toks[0].ID, 0); err != nil {
		t.Fatal(err)
	}
	check("revoked token", bearer, auth.ErrNotFound)
	bearer = http.Header{"Authorization": {"Bearer " + second}}
	check("another token", bearer, nil)
	if _, err := pool.Exec(ctx, `UPDATE users SET disabled_at = now() WHERE id = $1`, u.ID); err != nil {
		t.Fatal(err)
	}
	check("disabled user", bearer, auth.ErrNotFound)
}
