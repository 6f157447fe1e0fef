package realtime_test

import (
	"context"
	"testing"

	"sitrep/internal/auth"
	"sitrep/internal/journal"
)

// credential is a user and the secret a wall opened the stream with.
type credential struct {
	user           auth.User
	token, session string
}

func authStore(e *env) *auth.Store { return auth.NewStore(e.pool) }

// newCredential makes a viewer named name with an API token, or, with
// session, a password and a logged-in session.
func newCredential(t *testing.T, e *env, store *auth.Store, name string, session bool) credential {
	t.Helper()
	ctx := context.Background()
	u, token, err := store.CreateUser(ctx, journal.Actor{Name: "test"}, auth.NewUser{Name: name, Role: auth.Viewer})
	if err != nil {
		t.Fatal(err)
	}
	if !session {
		return credential{user: u, token: token}
	}
	if err := store.SetPassword(ctx, journal.Actor{Name: "test"}, name, "correct horse battery"); err != nil {
		t.Fatal(err)
	}
	u, secret, err := store.Login(ctx, name, "correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	return credential{user: u, session: secret}
}

func revokeToken(t *testing.T, store *auth.Store, u auth.User) {
	t.Helper()
	toks, err := store.ListTokens(context.Background(), u.ID)
	if err != nil || len(toks) != 1 {
		t.Fatalf("tokens %v, %v", toks, err)
	}
	if err := store.RevokeToken(context.Background(), journal.Actor{Name: "test"}, toks[0].ID, 0); err != nil {
		t.Fatal(err)
	}
}

func logout(t *testing.T, store *auth.Store, c credential) {
	t.Helper()
	if err := store.Logout(context.Background(), c.user, c.session); err != nil {
		t.Fatal(err)
	}
}

func exec(t *testing.T, e *env, sql string, args ...any) {
	t.Helper()
	if _, err := e.pool.Exec(context.Background(), sql, args...); err != nil {
		t.Fatal(err)
	}
}
