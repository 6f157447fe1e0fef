package server_test

import (
	"net/http"
	"testing"

	"sitrep/internal/apitest"
	"sitrep/internal/auth"
)

// Every role may read; only admin manages users and reads the audit trail.
func TestRoleBoundaries(t *testing.T) {
	e := apitest.Start(t)
	for _, role := range auth.Roles {
		if r := e.Do("GET", "/api/v1/boundaries", role, nil); r.StatusCode != http.StatusOK {
			t.Errorf("%s reading boundaries: %d", role, r.StatusCode)
		}
		wantAdmin := http.StatusForbidden
		if role == auth.Admin {
			wantAdmin = http.StatusOK
		}
		if r := e.Do("GET", "/api/v1/audit", role, nil); r.StatusCode != wantAdmin {
			t.Errorf("%s reading audit: %d, want %d", role, r.StatusCode, wantAdmin)
		}
		if r := e.Do("GET", "/api/v1/users", role, nil); r.StatusCode != wantAdmin {
			t.Errorf("%s listing users: %d, want %d", role, r.StatusCode, wantAdmin)
		}
	}
	// A viewer cannot write: creating a user is refused and stores nothing.
	before := e.Count(`SELECT count(*) FROM users`)
	r := e.Do("POST", "/api/v1/users", auth.Viewer, map[string]any{"name": "mallory", "role": "admin"})
	apitest.ExpectProblem(t, r, http.StatusForbidden)
	if after := e.Count(`SELECT count(*) FROM users`); after != before {
		t.Fatalf("a refused write changed users: %d -> %d", before, after)
	}
	// No credentials at all: 401, as a problem.
	apitest.ExpectProblem(t, e.Do("GET", "/api/v1/boundaries", "", nil), http.StatusUnauthorized)
	apitest.ExpectProblem(t, e.Do("GET", "/api/v1/boundaries", "", nil, "Authorization", "Bearer sitrep_nonsense"), http.StatusUnauthorized)
	apitest.ExpectProblem(t, e.Do("GET", "/api/v1/boundaries", "", nil, "Authorization", "Basic Zm9vOmJhcg=="), http.StatusUnauthorized)
}

func TestPermissionTable(t *testing.T) {
	// The plan's split of warning authority (3.2.2) is encoded in the roles.
	cases := []struct {
		role auth.Role
		perm auth.Permission
		want bool
	}{
		{auth.Viewer, auth.ReadMap, true},
		{auth.Viewer, auth.EditRegistry, false},
		{auth.Editor, auth.EditRegistry, true},
		{auth.Editor, auth.Dispatch, false},
		{auth.Dispatcher, auth.Dispatch, true},
		{auth.Dispatcher, auth.WarnBlueYellow, false},
		{auth.DutyOfficer, auth.WarnBlueYellow, true},
		{auth.DutyOfficer, auth.WarnOrangeRed, false},
		{auth.Commander, auth.WarnOrangeRed, true},
		{auth.Commander, auth.ManageUsers, false},
		{auth.Admin, auth.ManageUsers, true},
		{auth.Admin, auth.WarnOrangeRed, true},
	}
	for _, c := range cases {
		if got := c.role.Can(c.perm); got != c.want {
			t.Errorf("%s can %s = %v, want %v", c.role, c.perm, got, c.want)
		}
	}
	if _, err := auth.ParseRole("superuser"); err == nil {
		t.Error("unknown role accepted")
	}
}

func TestRevokedTokenIsRefused(t *testing.T) {
	e := apitest.Start(t)
	var created struct {
		ID    int64  `json:"id"`
		Token string `json:"token"`
	}
	r := e.Do("POST", "/api/v1/tokens", auth.Dispatcher, map[string]any{"label": "tablet 3"})
	if r.StatusCode != http.StatusCreated {
		t.Fatalf("create token: %d %s", r.StatusCode, r.Body)
	}
	r.JSON(t, &created)
	bearer := "Bearer " + created.Token
	if r := e.Do("GET", "/api/v1/auth/me", "", nil, "Authorization", bearer); r.StatusCode != http.StatusOK {
		t.Fatalf("new token refused: %d", r.StatusCode)
	}
	// Another user cannot revoke it; its owner can.
	apitest.ExpectProblem(t, e.Do("DELETE", "/api/v1/tokens/"+itoa(created.ID), auth.Viewer, nil), http.StatusNotFound)
	if r := e.Do("DELETE", "/api/v1/tokens/"+itoa(created.ID), auth.Dispatcher, nil); r.StatusCode != http.StatusNoContent {
		t.Fatalf("revoke: %d %s", r.StatusCode, r.Body)
	}
	apitest.ExpectProblem(t, e.Do("GET", "/api/v1/auth/me", "", nil, "Authorization", bearer), http.StatusUnauthorized)
	// The revocation is in the audit trail, naming who did it.
	if n := e.Count(`SELECT count(*) FROM audit_log WHERE entity = 'api_tokens' AND action = 'revoke' AND actor_name = 'dispatcher'`); n != 1 {
		t.Fatalf("audit rows for the revocation: %d", n)
	}
}
