package api

import (
	"context"
	"errors"
	"log/slog"
	"net/http"

	"sitrep/internal/db"
	"sitrep/internal/validation"
)

// HandlerFunc is an HTTP handler that returns its error instead of writing it,
// so that one place (ServeHTTP) decides what a client sees.
type HandlerFunc func(w http.ResponseWriter, r *http.Request) error

func (h HandlerFunc) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if err := h(w, r); err != nil {
		WriteError(w, r, err)
	}
}

// WriteError turns any error into a problem response. A *Problem goes out as
// it is; broken rules (validation.Errors) are a 422 naming each field; a timeout becomes 503; anything else is logged and becomes a bare 500,
// so no database error text ever reaches a client.
func WriteError(w http.ResponseWriter, r *http.Request, err error) {
	var (
		p       *Problem
		invalid validation.Errors
	)
	switch {
	case errors.As(err, &p):
	case errors.As(err, &invalid):
		p = Invalid(invalid...)
	case errors.Is(err, ErrBodyTimeout):
		p = BodyTimeout()
	case errors.Is(err, context.Canceled) && r.Context().Err() != nil:
		// The client went away; nobody is there to read an answer.
		return
	case db.Unavailable(err) != "":
		// A retry in a few seconds is the right move for the client: the
		// pool reconnects on its own once PostgreSQL is back.
		slog.WarnContext(r.Context(), "database unavailable", "err", err, "path", r.URL.Path)
		p = Unavailable("数据库暂时不可用：" + db.Unavailable(err) + "。请稍后重试")
		p.RetryAfter = 5
	case db.IsTimeout(err) || errors.Is(err, context.DeadlineExceeded):
		slog.WarnContext(r.Context(), "request timed out", "err", err, "path", r.URL.Path)
		p = Unavailable("数据库响应超时，请稍后重试")
	default:
		slog.ErrorContext(r.Context(), "request failed", "err", err, "path", r.URL.Path)
		p = Internal()
	}
	WriteProblem(w, r, p)
}
