package auth

import (
	"errors"
	"net/http"
	"strings"

	"sitrep/internal/api"
)

// SessionCookie is the name of the browser session cookie.
const SessionCookie = "sitrep_session"

// Authenticate resolves the caller from a bearer token or the session cookie
// and refuses the request with 401 when neither is valid.
//
// Cookie-authenticated writes must show that they come from our own pages:
// the cookie is SameSite=Strict already, and the Origin check covers older
// browsers and same-site neighbours (CSRF). A write with a cookie but no
// Origin is refused: every browser sends Origin on a write, so only a forged
// or stripped request lacks it.
func (s *Store) Authenticate(next http.Handler) http.Handler {
	return api.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		u, err := s.identify(r, true)
		if err != nil {
			return err
		}
		api.SetRequestUser(r.Context(), u.Name)
		next.ServeHTTP(w, r.WithContext(WithUser(r.Context(), u)))
		return nil
	})
}

// identify resolves the request's credential; cached answers it from the
// identity cache when it can.
func (s *Store) identify(r *http.Request, cached bool) (User, error) {
	ctx := r.Context()
	lookup := func(key string, fn func() (User, error)) (User, error) {
		if !cached {
			return fn()
		}
		return s.cachedUser(key, fn)
	}
	if h := r.Header.Get("Authorization"); h != "" {
		scheme, secret, _ := strings.Cut(h, " ")
		if !strings.EqualFold(scheme, "Bearer") || secret == "" {
			return User{}, api.Unauthorized("Authorization 请求头须为“Bearer <令牌>”")
		}
		secret = strings.TrimSpace(secret)
		u, err := lookup("token "+string(hashSecret(secret)), func() (User, error) { return s.UserByToken(ctx, secret) })
		if errors.Is(err, ErrNotFound) {
			return User{}, api.Unauthorized("API 令牌无效或已吊销")
		}
		return u, err
	}
	if c, err := r.Cookie(SessionCookie); err == nil && c.Value != "" {
		if !safeMethod(r.Method) && !s.Origins.SameOrigin(r) {
			return User{}, api.Forbidden("Origin", "用登录会话提交的修改只能来自本系统的页面（请求须带本站的 Origin）")
		}
		u, err := lookup("session "+string(hashSecret(c.Value)), func() (User, error) { return s.UserBySession(ctx, c.Value) })
		if errors.Is(err, ErrNotFound) {
			return User{}, api.Unauthorized("登录已过期，请重新登录")
		}
		return u, err
	}
	return User{}, api.Unauthorized(LoginRequired)
}

func safeMethod(m string) bool {
	return m == http.MethodGet || m == http.MethodHead || m == http.MethodOptions
}

// Origins knows which origin is Sitrep's own, so that a browser request from
// another site's page can be told apart (CSRF). Browsers say where a request
// comes from in Sec-Fetch-Site (all current ones) and Origin (every write).
type Origins struct {
	// Public is the origin people open Sitrep at ("https://sitrep.example.gov.cn")
	// when a proxy in front changes the scheme or the host; empty means the
	// request's own scheme and Host.
	Public string
}

// own is the origin Sitrep's pages have for this request.
func (o Origins) own(r *http.Request) string {
	if o.Public != "" {
		return strings.TrimSuffix(o.Public, "/")
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// SameOrigin reports whether the request shows that it comes from one of
// Sitrep's own pages: Sec-Fetch-Site "same-origin", or an Origin equal to
// Sitrep's, scheme included. A request that says nothing is not trusted.
func (o Origins) SameOrigin(r *http.Request) bool {
	if r.Header.Get("Sec-Fetch-Site") == "same-origin" {
		return true
	}
	origin := r.Header.Get("Origin")
	return origin != "" && strings.EqualFold(origin, o.own(r))
}

// CrossSite reports whether a browser says the request comes from another
// site's page. Scripts and devices send neither header and are not
// cross-site.
func (o Origins) CrossSite(r *http.Request) bool {
	switch r.Header.Get("Sec-Fetch-Site") {
	case "cross-site", "same-site":
		return true
	case "same-origin":
		return false
	}
	origin := r.Header.Get("Origin")
	return origin != "" && !strings.EqualFold(origin, o.own(r))
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
