package zones

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"time"

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
	read.Method(http.MethodGet, "/zones/{id}/evacuation-routes", api.HandlerFunc(h.evacuationRoutes))
	write.Method(http.MethodPost, "/zones/{id}/evacuation-routes", api.HandlerFunc(h.computeEvacuationRoutes))
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
	return api.WriteJSON(w, http.StatusOK, map[string]any{"type": "FeatureCollection", "features": fs,
		"evacuation_routes": h.routesAfterConfirm(r, id)})
}

// RoutesAfterConfirm is what a confirmation says of the evacuation routes
// it computed after committing.
type RoutesAfterConfirm struct {
	Computed bool   `json:"computed"`
	Routes   int    `json:"routes"`
	Note     string `json:"note"`
}

// routesAfterConfirm computes the zone's evacuation routes once its
// allocation has committed, in a write of their own: the people are placed
// whatever the roads say, so a failure here is reported beside the
// confirmation (and logged), never in its place. The computation outlives a
// client that hangs up, bounded by confirmRoutesTimeout.
func (h *Handlers) routesAfterConfirm(r *http.Request, zoneID int64) RoutesAfterConfirm {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), confirmRoutesTimeout)
	defer cancel()
	set, err := h.store.ComputeEvacuationRoutes(ctx, auth.Actor(r.Context()), zoneID)
	var p *api.Problem
	switch {
	case errors.As(err, &p): // e.g. nobody placed yet: no allocation
		return RoutesAfterConfirm{Note: "未计算疏散路线：" + p.Detail}
	case err != nil:
		slog.ErrorContext(r.Context(), "evacuation routes after confirmation", "zone", zoneID, "err", err)
		return RoutesAfterConfirm{Note: "安置方案已确认，但疏散路线计算失败，可稍后在区域上重新计算"}
	case !set.Network:
		return RoutesAfterConfirm{Note: set.Note}
	}
	return RoutesAfterConfirm{Computed: true, Routes: len(set.Features), Note: set.Note}
}

// confirmRoutesTimeout bounds the routes computed after a confirmation.
const confirmRoutesTimeout = 2 * time.Minute

func (h *Handlers) evacuationRoutes(w http.ResponseWriter, r *http.Request) error {
	id, err := api.PathID(r)
	if err != nil {
		return err
	}
	set, err := h.store.EvacuationRoutesOf(r.Context(), id)
	if err != nil {
		return err
	}
	return api.WriteJSON(w, http.StatusOK, set)
}

func (h *Handlers) computeEvacuationRoutes(w http.ResponseWriter, r *http.Request) error {
	id, err := api.PathID(r)
	if err != nil {
		return err
	}
	set, err := h.store.ComputeEvacuationRoutes(r.Context(), auth.Actor(r.Context()), id)
	if err != nil {
		return err
	}
	if !set.Network {
		p := api.NewProblem(http.StatusConflict, "no-road-network", "未加载道路网络", set.Note)
		return p
	}
	return api.WriteJSON(w, http.StatusOK, set)
}
