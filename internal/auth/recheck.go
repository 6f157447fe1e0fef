package auth

import (
	"context"
	"errors"
	"net/http"

	"sitrep/internal/api"
)

// Recheck resolves again the credential a request carried in h (its
// Authorization and Cookie headers), exactly as Authenticate did: for a
// long-lived connection, such as the live stream, that must end when its
// token is revoked, its session ends or expires, or its user is disabled.
// It returns ErrNotFound when the credential no longer holds; any other
// error means it could not tell.
func (s *Store) Recheck(ctx context.Context, h http.Header) (User, error) {
	// The same code as at the upgrade, so both read the same credential
	// the same way (a GET: no cross-site write check applies).
	r, err := http.NewRequestWithContext(ctx, http.MethodGet, "/", nil)
	if err != nil {
		return User{}, err
	}
	r.Header = h
	u, err := s.identify(r, false) // never from the cache: the point is to notice an end
	var p *api.Problem
	if errors.As(err, &p) && p.Status == http.StatusUnauthorized {
		return User{}, ErrNotFound
	}
	return u, err
}

// StillAllowed is Recheck for a connection that needs permission p: it
// reports whether the credential in h still resolves to an active user
// with p. An error means it could not tell, not "no".
func (s *Store) StillAllowed(p Permission) func(ctx context.Context, h http.Header) (bool, error) {
	return func(ctx context.Context, h http.Header) (bool, error) {
		u, err := s.Recheck(ctx, h)
		if errors.Is(err, ErrNotFound) {
			return false, nil
		}
		if err != nil {
			return false, err
		}
		return u.Role.Can(p), nil
	}
}
