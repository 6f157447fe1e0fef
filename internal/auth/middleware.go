package auth

import (
	"errors"
	"net/http"
	"net/url"
	"strings"

	"sitrep/internal/api"
)

// SessionCookie is the name of the browser session cookie.
const SessionCookie = "sitrep_session"

// Authenticate resolves the caller from a bearer token or the session cookie
// and refuses the request with 401 when neither is valid.
//
// Cookie-authenticated writes must come from our own origin: the cookie is
// SameSite=Strict already, and the Origin check covers older browsers and
// same-site neighbours (CSRF).
func (s *Store) Authenticate(next http.Handler) http.Handler {
	return api.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		u, err := s.identify(r)
		if err != nil {
			return err
		}
		api.SetRequestUser(r.Context(), u.Name)
		next.ServeHTTP(w, r.WithContext(WithUser(r.Context(), u)))
		return nil
	})
}

func (s *Store) identify(r *http.Request) (User, error) {
	ctx := r.Context()
	if h := r.Header.Get("Authorization"); h != "" {
		scheme, secret, _ := strings.Cut(h, " ")
		if !strings.EqualFold(scheme, "Bearer") || secret == "" {
			return User{}, api.Unauthorized("the Authorization header must be 'Bearer <token>'")
		}
		u, err := s.UserByToken(ctx, strings.TrimSpace(secret))
		if errors.Is(err, ErrNotFound) {
			return User{}, api.Unauthorized("the API token is unknown or revoked")
		}
		return u, err
	}
	if c, err := r.Cookie(SessionCookie); err == nil && c.Value != "" {
		if !safeMethod(r.Method) && !sameOrigin(r) {
			return User{}, api.Forbidden("Origin", "a cookie-authenticated write must come from this site")
		}
		u, err := s.UserBySession(ctx, c.Value)
		if errors.Is(err, ErrNotFound) {
			return User{}, api.Unauthorized("the session has expired; log in again")
		}
		return u, err
	}
	return User{}, api.Unauthorized("log in or send an API token")
}

func safeMethod(m string) bool {
	return m == http.MethodGet || m == http.MethodHead || m == http.MethodOptions
}

// sameOrigin accepts a request whose Origin (or, failing that, Referer) names
// the host it was sent to. Browsers always send Origin on cross-site writes.
func sameOrigin(r *http.Request) bool {
	if r.Header.Get("Sec-Fetch-Site") == "same-origin" {
		return true
	}
	o := r.Header.Get("Origin")
	if o == "" {
		o = r.Header.Get("Referer")
	}
	if o == "" {
		// Not a browser (a browser would have sent Origin on a write).
		return true
	}
	u, err := url.Parse(o)
	return err == nil && u.Host == r.Host
}

// Require lets the request through only if the caller has permission p.
// It goes after Authenticate.
func Require(p Permission) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return api.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
			if err := Check(r.Context(), p); err != nil {
				return err
			}
			next.ServeHTTP(w, r)
			return nil
		})
	}
}
