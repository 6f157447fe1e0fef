package registry

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"

	"github.com/go-chi/chi/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"sitrep/internal/api"
	"sitrep/internal/auth"
	"sitrep/internal/journal"
)

// Routes serves the layer under the router it is mounted on: "/" (list,
// create), "/import" and "/export" (whole files, see import.go and
// export.go), "/{id}" (read, replace, patch, delete) and "/{id}/history".
// Reads need the layer's read permission (Layer.CanRead); writes its write
// permission (Layer.CanWrite).
func (l *Layer) Routes(pool *pgxpool.Pool) func(chi.Router) {
	h := &handlers{store: NewStore(pool, l)}
	return func(r chi.Router) {
		r.With(auth.Require(l.CanRead())).Method(http.MethodGet, "/", api.HandlerFunc(h.list))
		r.Method(http.MethodPost, "/", api.HandlerFunc(h.create))
		r.Method(http.MethodPost, "/import", api.HandlerFunc(h.importFile))
		r.With(auth.Require(l.CanRead())).Method(http.MethodGet, "/export", api.HandlerFunc(h.exportFile))
		r.With(auth.Require(l.CanRead())).Method(http.MethodGet, "/{id}", api.HandlerFunc(h.get))
		r.Method(http.MethodPut, "/{id}", api.HandlerFunc(h.replace))
		r.Method(http.MethodPatch, "/{id}", api.HandlerFunc(h.patch))
		r.Method(http.MethodDelete, "/{id}", api.HandlerFunc(h.delete))
		r.With(auth.Require(l.CanRead())).Method(http.MethodGet, "/{id}/history", api.HandlerFunc(h.history))
	}
}

type handlers struct {
	store *Store
}

func (h *handlers) list(w http.ResponseWriter, r *http.Request) error {
	lq, err := h.store.layer.ParseList(r.URL.Query())
	if err != nil {
		return err
	}
	buf := api.GetBuffer()
	defer api.PutBuffer(buf)
	buf.WriteString(`{"type":"FeatureCollection","features":[`)
	page, err := h.store.List(r.Context(), lq, buf)
	if err != nil {
		return err
	}
	links := []map[string]string{{"rel": "self", "type": api.GeoJSONType, "href": r.URL.RequestURI()}}
	if page.More {
		nq := r.URL.Query()
		nq.Set("after", strconv.FormatInt(page.LastID, 10))
		next := (&url.URL{Path: r.URL.Path, RawQuery: nq.Encode()}).String()
		links = append(links, map[string]string{"rel": "next", "type": api.GeoJSONType, "href": next})
		w.Header().Set("Link", "<"+next+`>; rel="next"`)
	}
	tail, err := json.Marshal(links)
	if err != nil {
		return err
	}
	buf.WriteString(`],"numberReturned":` + strconv.Itoa(page.Count) + `,"links":`)
	buf.Write(tail)
	buf.WriteByte('}')
	return api.WriteBody(w, r, api.GeoJSONType, buf.Bytes())
}

func (h *handlers) get(w http.ResponseWriter, r *http.Request) error {
	id, err := api.PathID(r)
	if err != nil {
		return err
	}
	feature, version, err := h.store.Get(r.Context(), id)
	if err != nil {
		return err
	}
	return api.WriteGeoJSON(w, http.StatusOK, feature, api.ETag(version))
}

func (h *handlers) create(w http.ResponseWriter, r *http.Request) error {
	if err := auth.Check(r.Context(), h.store.layer.CanWrite()); err != nil {
		return err
	}
	raw, err := readBody(r)
	if err != nil {
		return err
	}
	out, err := h.store.Create(r.Context(), auth.Actor(r.Context()), raw)
	if err != nil {
		return err
	}
	w.Header().Set("Location", r.URL.Path+"/"+strconv.FormatInt(out.ID, 10))
	return api.WriteGeoJSON(w, http.StatusCreated, out.Feature, api.ETag(out.Version))
}

// replace serves PUT: the body is the whole Feature.
func (h *handlers) replace(w http.ResponseWriter, r *http.Request) error {
	return h.update(w, r, h.store.Replace)
}

// patch serves PATCH: the body is an RFC 7396 merge patch of the Feature.
func (h *handlers) patch(w http.ResponseWriter, r *http.Request) error {
	return h.update(w, r, h.store.Patch)
}

func (h *handlers) update(w http.ResponseWriter, r *http.Request,
	edit func(ctx context.Context, actor journal.Actor, id int64, ifMatch int, body []byte) (*Written, error)) error {
	if err := auth.Check(r.Context(), h.store.layer.CanWrite()); err != nil {
		return err
	}
	id, err := api.PathID(r)
	if err != nil {
		return err
	}
	version, err := api.IfMatchVersion(r)
	if err != nil {
		return err
	}
	raw, err := readBody(r)
	if err != nil {
		return err
	}
	out, err := edit(r.Context(), auth.Actor(r.Context()), id, version, raw)
	if err != nil {
		return err
	}
	return api.WriteGeoJSON(w, http.StatusOK, out.Feature, api.ETag(out.Version))
}

func (h *handlers) delete(w http.ResponseWriter, r *http.Request) error {
	if err := auth.Check(r.Context(), h.store.layer.CanWrite()); err != nil {
		return err
	}
	id, err := api.PathID(r)
	if err != nil {
		return err
	}
	version, err := api.IfMatchVersion(r)
	if err != nil {
		return err
	}
	if err := h.store.Delete(r.Context(), auth.Actor(r.Context()), id, version); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (h *handlers) history(w http.ResponseWriter, r *http.Request) error {
	id, err := api.PathID(r)
	if err != nil {
		return err
	}
	entries, err := h.store.History(r.Context(), id)
	if err != nil {
		return err
	}
	return api.WriteJSON(w, http.StatusOK, map[string]any{"layer": h.store.layer.Name, "id": id, "versions": entries})
}

func readBody(r *http.Request) ([]byte, error) {
	var raw json.RawMessage
	if err := api.DecodeJSON(r, &raw); err != nil {
		return nil, err
	}
	return raw, nil
}
