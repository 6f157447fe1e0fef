package auth

import (
	"context"

	"sitrep/internal/api"
	"sitrep/internal/journal"
)

type ctxKey struct{}

// WithUser returns ctx carrying the authenticated user.
func WithUser(ctx context.Context, u User) context.Context {
	return context.WithValue(ctx, ctxKey{}, u)
}

// FromContext returns the authenticated user, if any.
func FromContext(ctx context.Context) (User, bool) {
	u, ok := ctx.Value(ctxKey{}).(User)
	return u, ok
}

// Actor is the journal's name for the authenticated user.
func Actor(ctx context.Context) journal.Actor {
	u, _ := FromContext(ctx)
	return journal.Actor{UserID: u.ID, Name: u.Name}
}

// Check returns a 403 problem unless the caller has permission p.
func Check(ctx context.Context, p Permission) error {
	u, ok := FromContext(ctx)
	if !ok {
		return api.Unauthorized(LoginRequired)
	}
	if !u.Role.Can(p) {
		return api.Forbidden("", "角色“"+u.Role.Label()+"”无权进行此操作（需要权限 "+string(p)+"）")
	}
	return nil
}
