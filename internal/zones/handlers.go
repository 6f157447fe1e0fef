package zones

import (
	"encoding/json"
	"net/http"
	"strconv"

	"github.com/go-chi/chi/v5"

	"sitrep/internal/api"
	"sitrep/internal/auth"
	"sitrep/internal/validation"
)

// Handlers serves zones over HTTP.
type Handlers struct{ store *Store }

// NewHandlers returns the handlers of store.
func NewHandlers(store *Store) *Handlers { return &Handlers{store: store} }

// Routes mounts the zone routes on r (the /api/v1 router, authenticated).
// Reads need map:read; computing, switching and allocating need incidents:write.
func (h *Handlers) Routes(r chi.Router) {
	read := r.With(auth.Require(auth.ReadMap))
	write := r.With(auth.Require(auth.ManageIncidents))
	write.Method(http.MethodPost, "/incidents/{id}/zones", api.HandlerFunc(h.computeForIncident))
	read.Method(http.MethodGet, "/incidents/{id}/zones", api.HandlerFunc(h.list))
	write.Method(http.MethodPost, "/zones/what-if", api.HandlerFunc(h.whatIf))
	read.Method(http.MethodGet, "/zones/{id}", api.HandlerFunc(h.get))
	write.Method(http.MethodPatch, "/zones/{id}", api.HandlerFunc(h.setActive))
	read.Method(http.MethodPost, "/zones/{id}/replay", api.HandlerFunc(h.replay))
	read.Method(http.MethodGet, "/zones/{id}/impact", api.HandlerFunc(h.impact))
	write.Method(http.MethodPost, "/zones/{id}/allocation", api.HandlerFunc(h.propose))
	write.Method(http.MethodPost, "/zones/{id}/allocation/confirm", api.HandlerFunc(h.confirm))
}

func itoa(n int) string { return strconv.Itoa(n) }

func (h *Handlers) computeForIncident(w http.ResponseWriter, r *http.Request) error {
	id, err := api.PathID(r)
	if err != nil {
		return err
	}
	var req ComputeRequest
	if err := api.DecodeJSON(r, &req); err != nil {
		return err
	}
	c, err := h.store.Compute(r.Context(), auth.Actor(r.Context()), id, req)
	if err != nil {
		return err
	}
	return api.WriteJSON(w, http.StatusCreated, c)
}

func (h *Handlers) whatIf(w http.ResponseWriter, r *http.Request) error {
	var req ComputeRequest
	if err := api.DecodeJSON(r, &req); err != nil {
		return err
	}
	c, err := h.store.Compute(r.Context(), auth.Actor(r.Context()), 0, req)
	if err != nil {
		return err
	}
	return api.WriteJSON(w, http.StatusCreated, c)
}

func (h *Handlers) list(w http.ResponseWriter, r *http.Request) error {
	id, err := api.PathID(r)
	if err != nil {
		return err
	}
	active := false
	switch v := r.URL.Query().Get("active"); v {
	case "", "false":
	case "true":
		active = true
	default:
		return api.InvalidField("active", validation.NotBool)
	}
	if _, err := h.store.incidentLocation(r.Context(), id); err != nil {
		return err
	}
	fs, err := h.store.List(r.Context(), id, active)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/geo+json")
	return json.NewEncoder(w).Encode(map[string]any{"type": "FeatureCollection", "features": fs})
}

func (h *Handlers) get(w http.ResponseWriter, r *http.Request) error {
	id, err := api.PathID(r)
	if err != nil {
		return err
	}
	f, v, err := h.store.Get(r.Context(), h.store.pool, id, false)
	if err != nil {
		return err
	}
	return api.WriteGeoJSON(w, http.StatusOK, f, api.ETag(v))
}

func (h *Handlers) setActive(w http.ResponseWriter, r *http.Request) error {
	id, err := api.PathID(r)
	if err != nil {
		return err
	}
	v, err := api.IfMatchVersion(r)
	if err != nil {
		return err
	}
	var body struct {
		Active *bool `json:"active"`
	}
	if err := api.DecodeJSON(r, &body); err != nil {
		return err
	}
	if body.Active == nil {
		return api.Invalid(api.FieldError{Field: "/active", Code: "required", Detail: "必填：true（发布）或 false（关闭）"})
	}
	f, version, err := h.store.SetActive(r.Context(), auth.Actor(r.Context()), id, v, *body.Active)
	if err != nil {
		return err
	}
	return api.WriteGeoJSON(w, http.StatusOK, f, api.ETag(version))
}

func (h *Handlers) replay(w http.ResponseWriter, r *http.Request) error {
	id, err := api.PathID(r)
	if err != nil {
		return err
	}
	rp, err := h.store.Replay(r.Context(), id)
	if err != nil {
		return err
	}
	return api.WriteJSON(w, http.StatusOK, rp)
}

func (h *Handlers) impact(w http.ResponseWriter, r *http.Request) error {
	id, err := api.PathID(r)
	if err != nil {
		return err
	}
	im, err := h.store.Impact(r.Context(), id)
	if err != nil {
		return err
	}
	return api.WriteJSON(w, http.StatusOK, im)
}

func (h *Handlers) propose(w http.ResponseWriter, r *http.Request) error {
	id, err := api.PathID(r)
	if err != nil {
		return err
	}
	a, err := h.store.Propose(r.Context(), id)
	if err != nil {
		return err
	}
	return api.WriteJSON(w, http.StatusOK, a)
}

func (h *Handlers) confirm(w http.ResponseWriter, r *http.Request) error {
	id, err := api.PathID(r)
	if err != nil {
		return err
	}
	var c Confirmation
	if err := api.DecodeJSON(r, &c); err != nil {
		return err
	}
	fs, err := h.store.Confirm(r.Context(), auth.Actor(r.Context()), id, c)
	if err != nil {
		return err
	}
	return api.WriteJSON(w, http.StatusOK, map[string]any{"type": "FeatureCollection", "features": fs})
}
