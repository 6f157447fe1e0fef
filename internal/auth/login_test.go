package auth_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"sitrep/internal/apitest"
	"sitrep/internal/auth"
	"sitrep/internal/server"
)

func login(e *apitest.Env, name, password string, headers ...string) *apitest.Response {
	return e.Do("POST", "/api/v1/auth/login", "", map[string]string{"name": name, "password": password}, headers...)
}

func TestPasswordLoginSetsASafeCookie(t *testing.T) {
	e := apitest.Start(t)
	e.SetPassword(auth.Dispatcher, "dispatcher-password")
	r := login(e, "dispatcher", "dispatcher-password")
	if r.StatusCode != http.StatusOK {
		t.Fatalf("login: %d %s", r.StatusCode, r.Body)
	}
	var cookie *http.Cookie
	for _, c := range r.Cookies() {
		if c.Name == auth.SessionCookie {
			cookie = c
		}
	}
	if cookie == nil || !cookie.HttpOnly || !cookie.Secure || cookie.SameSite != http.SameSiteStrictMode {
		t.Fatalf("session cookie %+v: want HttpOnly, Secure, SameSite=Strict", cookie)
	}
	if strings.Contains(string(r.Body), "password") && strings.Contains(string(r.Body), "$2a$") {
		t.Fatal("the password hash leaked")
	}
	withCookie := func(method, path string, headers ...string) *apitest.Response {
		req, _ := http.NewRequest(method, e.URL+path, strings.NewReader(`{"label":"x"}`))
		req.Header.Set("Content-Type", "application/json")
		req.AddCookie(&http.Cookie{Name: auth.SessionCookie, Value: cookie.Value})
		for i := 0; i+1 < len(headers); i += 2 {
			req.Header.Set(headers[i], headers[i+1])
		}
		return e.Send(req)
	}
	var me auth.User
	r = withCookie("GET", "/api/v1/auth/me")
	r.JSON(t, &me)
	if me.Name != "dispatcher" || me.Role != auth.Dispatcher {
		t.Fatalf("me = %+v", me)
	}
	// A cross-site write carrying the cookie is refused (CSRF); a same-origin one works.
	apitest.ExpectProblem(t, withCookie("POST", "/api/v1/tokens", "Origin", "https://evil.example"), http.StatusForbidden)
	host := strings.TrimPrefix(e.URL, "http://")
	if r := withCookie("POST", "/api/v1/tokens", "Origin", "http://"+host); r.StatusCode != http.StatusCreated {
		t.Fatalf("same-origin write: %d %s", r.StatusCode, r.Body)
	}
	// After logout the cookie is worthless.
	if r := withCookie("POST", "/api/v1/auth/logout", "Origin", "http://"+host); r.StatusCode != http.StatusNoContent {
		t.Fatalf("logout: %d %s", r.StatusCode, r.Body)
	}
	apitest.ExpectProblem(t, withCookie("GET", "/api/v1/auth/me"), http.StatusUnauthorized)
	if n := e.Count(`SELECT count(*) FROM audit_log WHERE entity = 'sessions' AND action IN ('login', 'logout')`); n != 2 {
		t.Fatalf("login/logout audit rows: %d", n)
	}
}

func TestLoginIsRateLimited(t *testing.T) {
	// No refill while the test runs, however slow bcrypt is under -race on a
	// busy machine (the refill itself is tested on a fake clock).
	e := apitest.StartWith(t, func(c *server.Config) { c.LoginLimit.Every = 24 * time.Hour })
	e.SetPassword(auth.Commander, "commander-password")
	// Wrong passwords for one account: a few tries, then 429 with Retry-After.
	for i := range 5 {
		apitest.ExpectProblem(t, login(e, "commander", "not-the-password-"+string(rune('a'+i))), http.StatusUnauthorized)
	}
	r := login(e, "commander", "commander-password")
	apitest.ExpectProblem(t, r, http.StatusTooManyRequests)
	if r.Header.Get("Retry-After") == "" {
		t.Fatal("429 without Retry-After")
	}
	// The same address is limited for other names too (it used its burst).
	apitest.ExpectProblem(t, login(e, "viewer", "viewer-password"), http.StatusTooManyRequests)
}

func TestUnknownUserAndWrongPasswordLookAlike(t *testing.T) {
	e := apitest.Start(t)
	e.SetPassword(auth.Viewer, "viewer-password")
	a := apitest.ExpectProblem(t, login(e, "nobody", "whatever-password"), http.StatusUnauthorized)
	b := apitest.ExpectProblem(t, login(e, "viewer", "whatever-password"), http.StatusUnauthorized)
	if a["detail"] != b["detail"] {
		t.Fatalf("responses differ: %v vs %v", a["detail"], b["detail"])
	}
}

// A page on another site cannot log a browser in (login CSRF), and a
// session cookie is honoured on a write only with this site's own origin:
// another scheme, another host, or no Origin at all is refused.
func TestCrossSiteLoginAndCookieWrites(t *testing.T) {
	e := apitest.Start(t)
	e.SetPassword(auth.Editor, "editor-password")
	host := strings.TrimPrefix(e.URL, "http://")
	apitest.ExpectProblem(t, login(e, "editor", "editor-password", "Origin", "https://evil.example"), http.StatusForbidden)
	apitest.ExpectProblem(t, login(e, "editor", "editor-password", "Sec-Fetch-Site", "cross-site"), http.StatusForbidden)
	apitest.ExpectProblem(t, login(e, "editor", "editor-password", "Origin", "https://"+host), http.StatusForbidden)
	if n := e.Count(`SELECT count(*) FROM sessions`); n != 0 {
		t.Fatalf("%d sessions after refused logins", n)
	}
	r := login(e, "editor", "editor-password", "Origin", "http://"+host)
	if r.StatusCode != http.StatusOK {
		t.Fatalf("same-origin login: %d %s", r.StatusCode, r.Body)
	}
	// A script (no browser headers) may log in.
	if r := login(e, "editor", "editor-password"); r.StatusCode != http.StatusOK {
		t.Fatalf("script login: %d %s", r.StatusCode, r.Body)
	}
	var session string
	for _, c := range r.Cookies() {
		if c.Name == auth.SessionCookie {
			session = c.Value
		}
	}
	write := func(headers ...string) *apitest.Response {
		req, _ := http.NewRequest("POST", e.URL+"/api/v1/tokens", strings.NewReader(`{"label":"x"}`))
		req.Header.Set("Content-Type", "application/json")
		req.AddCookie(&http.Cookie{Name: auth.SessionCookie, Value: session})
		for i := 0; i+1 < len(headers); i += 2 {
			req.Header.Set(headers[i], headers[i+1])
		}
		return e.Send(req)
	}
	before := e.Count(`SELECT count(*) FROM api_tokens`)
	apitest.ExpectProblem(t, write(), http.StatusForbidden)
	apitest.ExpectProblem(t, write("Origin", "https://"+host), http.StatusForbidden)
	apitest.ExpectProblem(t, write("Origin", "null"), http.StatusForbidden)
	apitest.ExpectProblem(t, write("Sec-Fetch-Site", "same-site", "Referer", "http://"+host+"/"), http.StatusForbidden)
	if after := e.Count(`SELECT count(*) FROM api_tokens`); after != before {
		t.Fatalf("refused writes stored tokens: %d -> %d", before, after)
	}
	if r := write("Sec-Fetch-Site", "same-origin"); r.StatusCode != http.StatusCreated {
		t.Fatalf("same-origin (Sec-Fetch-Site) write: %d %s", r.StatusCode, r.Body)
	}
}

// bcrypt reads only 72 bytes: a longer password is refused, not cut.
func TestOverlongPasswordIsRefused(t *testing.T) {
	e := apitest.Start(t)
	long := strings.Repeat("密", 25) // 75 bytes
	p := apitest.ExpectProblem(t, e.Do("POST", "/api/v1/users", auth.Admin,
		map[string]any{"name": "zhang.san", "role": "viewer", "password": long}), http.StatusUnprocessableEntity)
	if fields := apitest.FieldsOf(p); len(fields) != 1 || fields[0] != "/password" {
		t.Fatalf("fields %v", fields)
	}
	if n := e.Count(`SELECT count(*) FROM users WHERE name = 'zhang.san'`); n != 0 {
		t.Fatal("the user was stored")
	}
}
