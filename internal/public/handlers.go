package public

import (
	"net/http"
	"strings"

	"github.com/go-chi/chi/v5"

	"sitrep/internal/api"
	"sitrep/internal/warnings"
)

// cacheControl: what a browser or a proxy in front may keep a response without
// asking again: short, since a warning must reach people; the ETag makes
// asking again cheap.
const cacheControl = "public, max-age=5, must-revalidate"

// Routes mounts the public routes on r, with no authentication.
func (c *Cache) Routes(r chi.Router) {
	r.Method(http.MethodGet, SituationPath, api.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		s, err := c.get(r.Context())
		if err != nil {
			return err
		}
		serve(w, r, s.situation, "application/json; charset=utf-8")
		return nil
	}))
	r.Method(http.MethodGet, RoutePath, api.HandlerFunc(c.serveRoute))
	r.Method(http.MethodGet, FeedPath, api.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		s, err := c.get(r.Context())
		if err != nil {
			return err
		}
		serve(w, r, s.feed, warnings.AtomContentType)
		return nil
	}))
	r.Method(http.MethodGet, capPrefix+"{file}", api.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		id, ok := strings.CutSuffix(chi.URLParam(r, "file"), ".xml")
		if !ok {
			return api.NotFound("路径 " + r.URL.Path)
		}
		s, err := c.get(r.Context())
		if err != nil {
			return err
		}
		d, ok := s.caps[id]
		if !ok {
			return api.NotFound("公开预警 " + id)
		}
		serve(w, r, d, warnings.CAPContentType)
		return nil
	}))
}

// serve writes d, or 304 when the client holds it already.
func serve(w http.ResponseWriter, r *http.Request, d doc, contentType string) {
	h := w.Header()
	h.Set("ETag", d.etag)
	h.Set("Cache-Control", cacheControl)
	if matches(r.Header.Get("If-None-Match"), d.etag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	h.Set("Content-Type", contentType)
	_, _ = w.Write(d.body)
}

// matches applies If-None-Match (RFC 9110 13.1.2, weak comparison).
func matches(header, etag string) bool {
	for _, t := range strings.Split(header, ",") {
		t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
		if t == "*" || t == etag {
			return true
		}
	}
	return false
}
