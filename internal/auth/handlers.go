package auth

import (
	"errors"
	"net"
	"net/http"
	"strconv"
	"unicode/utf8"

	"github.com/go-chi/chi/v5"

	"sitrep/internal/api"
	"sitrep/internal/validation"
)

// Handlers serves login, logout, users and tokens.
type Handlers struct {
	Store *Store
	// SecureCookie sets the Secure flag on the session cookie. Browsers accept
	// Secure cookies from http://localhost, so it stays on even in the demo.
	SecureCookie bool
	limiter      *loginLimiter
}

// Options configure the auth endpoints.
type Options struct {
	SecureCookie bool
	// LoginLimit tunes the login rate limit.
	LoginLimit LoginLimit
}

// NewHandlers returns the auth endpoints on store.
func NewHandlers(store *Store, opts Options) *Handlers {
	return &Handlers{Store: store, SecureCookie: opts.SecureCookie, limiter: newLoginLimiter(opts.LoginLimit)}
}

// PublicRoutes are reachable without credentials.
func (h *Handlers) PublicRoutes(r chi.Router) {
	r.Method(http.MethodPost, "/auth/login", api.HandlerFunc(h.login))
}

// Routes need an authenticated caller (mount behind Authenticate).
func (h *Handlers) Routes(r chi.Router) {
	r.Method(http.MethodPost, "/auth/logout", api.HandlerFunc(h.logout))
	r.Method(http.MethodGet, "/auth/me", api.HandlerFunc(h.me))
	r.Method(http.MethodGet, "/tokens", api.HandlerFunc(h.listTokens))
	r.Method(http.MethodPost, "/tokens", api.HandlerFunc(h.createToken))
	r.Method(http.MethodDelete, "/tokens/{id}", api.HandlerFunc(h.revokeToken))
	r.With(Require(ManageUsers)).Method(http.MethodGet, "/users", api.HandlerFunc(h.listUsers))
	r.With(Require(ManageUsers)).Method(http.MethodPost, "/users", api.HandlerFunc(h.createUser))
}

type loginRequest struct {
	Name     string `json:"name"`
	Password string `json:"password"`
}

func (h *Handlers) login(w http.ResponseWriter, r *http.Request) error {
	// A page on another site must not log a browser into Sitrep under the
	// attacker's account (login CSRF): a browser says where the form was.
	if h.Store.Origins.CrossSite(r) {
		return api.Forbidden("Origin", "只能在本系统的页面登录")
	}
	var req loginRequest
	if err := api.DecodeJSON(r, &req); err != nil {
		return err
	}
	var missing []api.FieldError
	if req.Name == "" {
		missing = append(missing, api.RequiredError("/name"))
	}
	if req.Password == "" {
		missing = append(missing, api.RequiredError("/password"))
	}
	if len(missing) > 0 {
		return api.Invalid(missing...)
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	if ok, wait := h.limiter.allow("ip:"+host, "name:"+req.Name); !ok {
		return api.TooManyRequests("登录尝试过多，请稍候再试", int(wait.Seconds())+1)
	}
	u, secret, err := h.Store.Login(r.Context(), req.Name, req.Password)
	if errors.Is(err, ErrBadCredentials) {
		return api.Unauthorized(ErrBadCredentials.Error())
	} else if err != nil {
		return err
	}
	http.SetCookie(w, &http.Cookie{
		Name: SessionCookie, Value: secret, Path: "/",
		MaxAge: int(SessionLifetime.Seconds()), HttpOnly: true, Secure: h.SecureCookie, SameSite: http.SameSiteStrictMode,
	})
	return api.WriteJSON(w, http.StatusOK, u)
}

func (h *Handlers) logout(w http.ResponseWriter, r *http.Request) error {
	u, _ := FromContext(r.Context())
	if c, err := r.Cookie(SessionCookie); err == nil {
		if err := h.Store.Logout(r.Context(), u, c.Value); err != nil {
			return err
		}
	}
	http.SetCookie(w, &http.Cookie{Name: SessionCookie, Path: "/", MaxAge: -1, HttpOnly: true,
		Secure: h.SecureCookie, SameSite: http.SameSiteStrictMode})
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (h *Handlers) me(w http.ResponseWriter, r *http.Request) error {
	u, _ := FromContext(r.Context())
	return api.WriteJSON(w, http.StatusOK, u)
}

type createUserRequest struct {
	Name        string `json:"name"`
	DisplayName string `json:"display_name"`
	Role        string `json:"role"`
	Password    string `json:"password"`
}

// maxNameRunes bounds a person's display name and a token's label: shown in
// lists and in the audit trail, they are names, not notes.
const maxNameRunes = 100

type createdUser struct {
	User  User   `json:"user"`
	Token string `json:"token"`
}

func (h *Handlers) createUser(w http.ResponseWriter, r *http.Request) error {
	var req createUserRequest
	if err := api.DecodeJSON(r, &req); err != nil {
		return err
	}
	role, err := ParseRole(req.Role)
	if err != nil {
		return api.InvalidField("/role", err.Error())
	}
	if n := utf8.RuneCountInString(req.DisplayName); n > maxNameRunes {
		return api.InvalidField("/display_name", validation.TooLong(maxNameRunes, n))
	}
	u, secret, err := h.Store.CreateUser(r.Context(), Actor(r.Context()),
		NewUser{Name: req.Name, DisplayName: req.DisplayName, Role: role, Password: req.Password})
	switch {
	case errors.Is(err, ErrInvalidName):
		return api.InvalidField("/name", err.Error())
	case errors.Is(err, ErrWeakPassword), errors.Is(err, ErrLongPassword):
		return api.InvalidField("/password", err.Error())
	case errors.Is(err, ErrUserExists):
		return api.Conflict("/name", err.Error())
	case err != nil:
		return err
	}
	w.Header().Set("Location", "/api/v1/users/"+strconv.FormatInt(u.ID, 10))
	return api.WriteJSON(w, http.StatusCreated, createdUser{User: u, Token: secret})
}

func (h *Handlers) listUsers(w http.ResponseWriter, r *http.Request) error {
	users, err := h.Store.ListUsers(r.Context())
	if err != nil {
		return err
	}
	return api.WriteJSON(w, http.StatusOK, map[string]any{"users": users})
}

// listTokens shows the caller's tokens; an admin sees everyone's.
func (h *Handlers) listTokens(w http.ResponseWriter, r *http.Request) error {
	u, _ := FromContext(r.Context())
	owner := u.ID
	if u.Role.Can(ManageUsers) {
		owner = 0
	}
	tokens, err := h.Store.ListTokens(r.Context(), owner)
	if err != nil {
		return err
	}
	return api.WriteJSON(w, http.StatusOK, map[string]any{"tokens": tokens})
}

type createTokenRequest struct {
	Label string `json:"label"`
}

type createdToken struct {
	Token
	Secret string `json:"token"`
}

func (h *Handlers) createToken(w http.ResponseWriter, r *http.Request) error {
	var req createTokenRequest
	if err := api.DecodeJSON(r, &req); err != nil {
		return err
	}
	if n := utf8.RuneCountInString(req.Label); n > maxNameRunes {
		return api.InvalidField("/label", validation.TooLong(maxNameRunes, n))
	}
	u, _ := FromContext(r.Context())
	t, secret, err := h.Store.CreateToken(r.Context(), Actor(r.Context()), u.ID, req.Label)
	if err != nil {
		return err
	}
	return api.WriteJSON(w, http.StatusCreated, createdToken{Token: t, Secret: secret})
}

func (h *Handlers) revokeToken(w http.ResponseWriter, r *http.Request) error {
	id, err := api.PathID(r)
	if err != nil {
		return err
	}
	u, _ := FromContext(r.Context())
	owner := u.ID
	if u.Role.Can(ManageUsers) {
		owner = 0
	}
	err = h.Store.RevokeToken(r.Context(), Actor(r.Context()), id, owner)
	if errors.Is(err, ErrNotFound) {
		return api.NotFound("令牌 " + strconv.FormatInt(id, 10))
	} else if err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
