package dispatch

import (
	"math"
	"net/http"
	"slices"
	"strconv"

	"github.com/go-chi/chi/v5"

	"sitrep/internal/api"
	"sitrep/internal/auth"
	"sitrep/internal/layers"
)

// Handlers serves nearest, dispatch, status and positions.
type Handlers struct{ store *Store }

// NewHandlers returns the handlers of store.
func NewHandlers(store *Store) *Handlers { return &Handlers{store: store} }

// Routes mounts the routes on r (the /api/v1 router, authenticated).
func (h *Handlers) Routes(r chi.Router) {
	r.With(auth.Require(auth.ReadMap)).Method(http.MethodGet, "/nearest", api.HandlerFunc(h.nearest))
	d := r.With(auth.Require(auth.Dispatch))
	d.Method(http.MethodPost, "/incidents/{id}/dispatch", api.HandlerFunc(h.dispatch))
	d.Method(http.MethodPost, "/dispatch/teams/{id}/status", api.HandlerFunc(h.status))
	d.Method(http.MethodPost, "/positions", api.HandlerFunc(h.positions))
}

// MaxK bounds k.
const MaxK = 100

func (h *Handlers) nearest(w http.ResponseWriter, r *http.Request) error {
	v := r.URL.Query()
	q := NearestQuery{Layer: v.Get("layer"), K: 5, Values: v}
	// The nearest features of a layer are its features: the same permission.
	if l, ok := layers.ByName(q.Layer); ok {
		if err := auth.Check(r.Context(), l.CanRead()); err != nil {
			return err
		}
	}
	var errs []api.FieldError
	bad := func(f, d string) { errs = append(errs, api.FieldError{Field: f, Detail: d}) }
	allowed := append([]string{"layer", "lon", "lat", "incident", "k", "max_distance_m"}, knownParams[q.Layer]...)
	for name := range v {
		if !slices.Contains(allowed, name) {
			bad(name, "unknown parameter for layer "+strconv.Quote(q.Layer))
		}
	}
	if _, ok := layerSpecs[q.Layer]; !ok {
		bad("layer", "required: one of "+joinLayers())
	}
	num := func(name string, lo, hi float64) (float64, bool) {
		s := v.Get(name)
		if s == "" {
			return 0, false
		}
		f, err := strconv.ParseFloat(s, 64)
		if err != nil || !(f >= lo && f <= hi) {
			bad(name, "must be a number from "+strconv.FormatFloat(lo, 'g', -1, 64)+" to "+strconv.FormatFloat(hi, 'g', -1, 64))
		}
		return f, true
	}
	lon, hasLon := num("lon", -180, 180)
	lat, hasLat := num("lat", -90, 90)
	q.Lon, q.Lat = lon, lat
	if s := v.Get("incident"); s != "" {
		id, err := strconv.ParseInt(s, 10, 64)
		if err != nil || id < 1 {
			bad("incident", "must be an incident id")
		}
		q.IncidentID = id
		if hasLon || hasLat {
			bad("incident", "give either incident or lon and lat, not both")
		}
	} else if !hasLon || !hasLat {
		bad("lon", "give lon and lat (WGS 84), or incident")
	}
	if k, ok := num("k", 1, MaxK); ok {
		if k != math.Trunc(k) {
			bad("k", "must be a whole number")
		}
		q.K = int(k)
	}
	if d, ok := num("max_distance_m", 1, 2e7); ok {
		q.MaxDistM = d
	}
	if len(errs) > 0 {
		return api.Invalid(errs...)
	}
	// Resolved here so the answer says where distances were measured from.
	if err := ResolveOrigin(r.Context(), h.store.pool, &q); err != nil {
		return err
	}
	res, err := Nearest(r.Context(), h.store.pool, q)
	if err != nil {
		return err
	}
	if res == nil {
		res = []Result{}
	}
	return api.WriteJSON(w, http.StatusOK, map[string]any{"layer": q.Layer, "from": []float64{q.Lon, q.Lat}, "k": q.K,
		"distance": "metres on the WGS 84 ellipsoid", "results": res})
}

func joinLayers() string {
	s := ""
	for i, l := range Layers() {
		if i > 0 {
			s += ", "
		}
		s += l
	}
	return s
}

func (h *Handlers) dispatch(w http.ResponseWriter, r *http.Request) error {
	id, err := api.PathID(r)
	if err != nil {
		return err
	}
	var body struct {
		TeamIDs []int64 `json:"team_ids"`
	}
	if err := api.DecodeJSON(r, &body); err != nil {
		return err
	}
	fs, err := h.store.Dispatch(r.Context(), auth.Actor(r.Context()), id, body.TeamIDs)
	if err != nil {
		return err
	}
	return api.WriteJSON(w, http.StatusOK, map[string]any{"type": "FeatureCollection", "features": fs})
}

func (h *Handlers) status(w http.ResponseWriter, r *http.Request) error {
	id, err := api.PathID(r)
	if err != nil {
		return err
	}
	var body struct {
		Status string `json:"status"`
	}
	if err := api.DecodeJSON(r, &body); err != nil {
		return err
	}
	f, err := h.store.SetStatus(r.Context(), auth.Actor(r.Context()), id, body.Status)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/geo+json")
	_, err = w.Write(f)
	return err
}

func (h *Handlers) positions(w http.ResponseWriter, r *http.Request) error {
	var fixes []Fix
	if err := api.DecodeJSON(r, &fixes); err != nil {
		return err
	}
	res, err := h.store.Ingest(r.Context(), auth.Actor(r.Context()), fixes)
	if err != nil {
		return err
	}
	return api.WriteJSON(w, http.StatusOK, res)
}
