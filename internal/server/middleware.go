package server

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"

	"sitrep/internal/api"
)

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

type requestIDKey struct{}

// requestID gives every request an id, echoed in X-Request-Id and logged, so a
// duty officer's "it failed at 03:12" can be found in the log. A valid
// incoming id (from a proxy) is kept.
func requestID(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.Header.Get("X-Request-Id")
		if id == "" || len(id) > 64 || strings.ContainsAny(id, " \r\n\"") {
			b := make([]byte, 8)
			_, _ = rand.Read(b)
			id = hex.EncodeToString(b)
		}
		w.Header().Set("X-Request-Id", id)
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), requestIDKey{}, id)))
	})
}

// routeOf is the matched route pattern (bounded cardinality for metrics and
// logs), or "unmatched".
func routeOf(r *http.Request) string {
	if rc := chi.RouteContext(r.Context()); rc != nil {
		if p := rc.RoutePattern(); p != "" && p != "/*" {
			return p
		}
		if rc.RoutePattern() == "/*" {
			return "/static"
		}
	}
	return "unmatched"
}

// logRequests writes one structured line per request.
func logRequests(log *slog.Logger) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			start := time.Now()
			ctx, info := api.WithRequestInfo(r.Context())
			ww := middleware.NewWrapResponseWriter(w, r.ProtoMajor)
			next.ServeHTTP(ww, r.WithContext(ctx))
			status := ww.Status()
			if status == 0 {
				status = http.StatusOK // hijacked (websocket) or nothing written
			}
			level := slog.LevelInfo
			if status >= 500 {
				level = slog.LevelError
			}
			id, _ := r.Context().Value(requestIDKey{}).(string)
			log.LogAttrs(r.Context(), level, "request",
				slog.String("method", r.Method), slog.String("route", routeOf(r)), slog.String("path", r.URL.Path),
				slog.Int("status", status), slog.Int("bytes", ww.BytesWritten()),
				slog.Float64("ms", float64(time.Since(start).Microseconds())/1000),
				slog.String("request_id", id), slog.String("user", info.User), slog.String("remote", r.RemoteAddr))
		})
	}
}

// recoverPanics turns a panic into a logged 500 problem instead of a dropped
// connection.
func recoverPanics(log *slog.Logger) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			defer func() {
				if v := recover(); v != nil {
					if v == http.ErrAbortHandler {
						panic(v)
					}
					log.ErrorContext(r.Context(), "panic", "value", v, "stack", string(debug.Stack()), "path", r.URL.Path)
					api.WriteProblem(w, r, api.Internal())
				}
			}()
			next.ServeHTTP(w, r)
		})
	}
}

// limitBodies caps request bodies; routes ending in /import take layer files
// and get the larger cap.
func limitBodies(normal, imports int64) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			limit := normal
			if strings.HasSuffix(r.URL.Path, "/import") {
				limit = imports
			}
			if r.ContentLength > limit {
				api.WriteProblem(w, r, api.TooLarge(limit))
				return
			}
			r.Body = http.MaxBytesReader(w, r.Body, limit)
			next.ServeHTTP(w, r)
		})
	}
}

// refuseUnstorableText answers 400 for a path or query parameter that
// PostgreSQL text cannot hold — a NUL character (%00) or bytes that are not
// UTF-8 (%FF) — naming where it was, so it never fails deep inside a query.
func refuseUnstorableText(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if why := api.Unstorable(r.URL.Path); why != "" {
			api.WriteProblem(w, r, api.BadRequest("path", "路径"+why))
			return
		}
		if p := api.QueryProblem(r.URL.Query()); p != nil {
			api.WriteProblem(w, r, p)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// timeBodies bounds how long a request body may take to arrive, so a client
// that dribbles a body (or a crowd of them) cannot hold connections and
// handlers open: the server's ReadHeaderTimeout covers only the headers.
// Imports get longer (a large layer file over a slow link). The deadline is
// lifted once the body has been read, so a long handler is never cut off.
func timeBodies(normal, imports time.Duration) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Body == nil || r.Body == http.NoBody || r.ContentLength == 0 {
				next.ServeHTTP(w, r)
				return
			}
			d := normal
			if strings.HasSuffix(r.URL.Path, "/import") {
				d = imports
			}
			rc := http.NewResponseController(w)
			if err := rc.SetReadDeadline(time.Now().Add(d)); err == nil {
				r.Body = &deadlineBody{ReadCloser: r.Body, lift: func() { _ = rc.SetReadDeadline(time.Time{}) }}
			}
			next.ServeHTTP(w, r)
		})
	}
}

// deadlineBody lifts the read deadline at the body's end and reports a
// timeout as api.ErrBodyTimeout (a 408), not as a broken connection.
type deadlineBody struct {
	io.ReadCloser
	lift   func()
	lifted bool
}

func (b *deadlineBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	switch {
	case err == io.EOF && !b.lifted:
		b.lifted = true
		b.lift()
	case errors.Is(err, os.ErrDeadlineExceeded):
		return n, fmt.Errorf("%w: %w", api.ErrBodyTimeout, err)
	}
	return n, err
}
