package dispatch

import (
	"encoding/json"
	"errors"
	"log/slog"
	"math"
	"net/http"
	"slices"
	"strconv"

	"github.com/go-chi/chi/v5"
	"github.com/paulmach/orb"

	"sitrep/internal/api"
	"sitrep/internal/auth"
	"sitrep/internal/layers"
	"sitrep/internal/validation"
	"sitrep/routing"
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
	r.With(auth.Require(auth.ReadMap)).Method(http.MethodGet, "/incidents/{id}/staging", api.HandlerFunc(h.staging))
	d.Method(http.MethodPost, "/incidents/{id}/staging/propose", api.HandlerFunc(h.proposeStaging))
	d.Method(http.MethodPut, "/incidents/{id}/staging", api.HandlerFunc(h.placeStaging))
}

func (h *Handlers) staging(w http.ResponseWriter, r *http.Request) error {
	id, err := api.PathID(r)
	if err != nil {
		return err
	}
	f, err := h.store.Staging(r.Context(), id)
	if err != nil {
		return err
	}
	if f == nil {
		return api.NotFound("事件 " + strconv.FormatInt(id, 10) + " 的集结点（尚未设定）")
	}
	return api.WriteJSON(w, http.StatusOK, f)
}

func (h *Handlers) proposeStaging(w http.ResponseWriter, r *http.Request) error {
	id, err := api.PathID(r)
	if err != nil {
		return err
	}
	f, err := h.store.ProposeStaging(r.Context(), auth.Actor(r.Context()), id)
	if err != nil {
		return err
	}
	return api.WriteJSON(w, http.StatusOK, f)
}

func (h *Handlers) placeStaging(w http.ResponseWriter, r *http.Request) error {
	id, err := api.PathID(r)
	if err != nil {
		return err
	}
	var body struct {
		Geometry json.RawMessage `json:"geometry"`
	}
	if err := api.DecodeJSON(r, &body); err != nil {
		return err
	}
	if len(body.Geometry) == 0 || string(body.Geometry) == "null" {
		return api.Invalid(api.FieldError{Field: "/geometry", Code: "required", Detail: "必填：集结点位置，GeoJSON Point（WGS 84 经纬度）"})
	}
	f, err := h.store.PlaceStaging(r.Context(), auth.Actor(r.Context()), id, body.Geometry)
	if err != nil {
		return err
	}
	return api.WriteJSON(w, http.StatusOK, f)
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
	allowed := append([]string{"layer", "lon", "lat", "incident", "k", "max_distance_m", "by"}, knownParams[q.Layer]...)
	for name := range v {
		if !slices.Contains(allowed, name) {
			bad(name, "图层 "+strconv.Quote(q.Layer)+" 不接受此参数")
		}
	}
	if _, ok := layerSpecs[q.Layer]; !ok {
		errs = append(errs, api.FieldError{Field: "layer", Code: "required", Detail: "必填，" + layerChoices()})
	}
	num := func(name string, lo, hi float64) (float64, bool) {
		s := v.Get(name)
		if s == "" {
			return 0, false
		}
		f, err := strconv.ParseFloat(s, 64)
		if err != nil || !(f >= lo && f <= hi) {
			bad(name, "须为 "+strconv.FormatFloat(lo, 'g', -1, 64)+" 到 "+strconv.FormatFloat(hi, 'g', -1, 64)+" 之间的数")
		}
		return f, true
	}
	lon, hasLon := num("lon", -180, 180)
	lat, hasLat := num("lat", -90, 90)
	q.Lon, q.Lat = lon, lat
	if s := v.Get("incident"); s != "" {
		id, err := strconv.ParseInt(s, 10, 64)
		if err != nil || id < 1 {
			bad("incident", "须为事件编号（正整数）")
		}
		q.IncidentID = id
		if hasLon || hasLat {
			bad("incident", "incident 与 lon、lat 只能给出其一")
		}
	} else if !hasLon || !hasLat {
		bad("lon", "请给出 lon 和 lat（WGS 84），或给出 incident")
	}
	if k, ok := num("k", 1, MaxK); ok {
		if k != math.Trunc(k) {
			bad("k", "须为整数")
		}
		q.K = int(k)
	}
	if d, ok := num("max_distance_m", 1, 2e7); ok {
		q.MaxDistM = d
	}
	by := v.Get("by")
	if by != "" && by != ByRoad && by != ByStraightLine {
		bad("by", "须为 road（按道路行驶时间，有路网时的默认）或 straight_line（按直线距离）")
	}
	if len(errs) > 0 {
		return api.Invalid(errs...)
	}
	// Resolved here so the answer says where distances were measured from.
	incident := q.IncidentID
	if err := ResolveOrigin(r.Context(), h.store.pool, &q); err != nil {
		return err
	}
	k, ranking := q.K, "按直线距离排序"
	if by != ByStraightLine {
		by = ByRoad
		if !h.store.roadsLoaded(r.Context()) {
			by, ranking = ByStraightLine, noNetworkRanking
		}
	}
	// Teams for an incident with a staging point are routed to it.
	routeTo, routeToKind := orb.Point{q.Lon, q.Lat}, "point"
	if by == ByRoad && incident > 0 && comesToPoint[q.Layer] {
		p, kind, ok, err := stagingFor(r.Context(), h.store.pool, incident)
		if err != nil {
			return err
		}
		if ok {
			routeTo, routeToKind = p, kind
		}
	}
	if by == ByRoad {
		q.K = roadCandidates(k)
	}
	res, seq, indexed, err := h.store.Nearest(r.Context(), q)
	if err != nil {
		return err
	}
	if by == ByRoad {
		ranked, err := h.store.rankByRoad(r.Context(), q.Layer, routeTo, res, k)
		var off offRoadError
		switch {
		case errors.Is(err, routing.ErrNoNetwork): // unloaded since roadsLoaded looked
			by, ranking = ByStraightLine, noNetworkRanking
		case errors.As(err, &off):
			by, ranking = ByStraightLine, off.Error()
		case err != nil && r.Context().Err() != nil:
			return err
		case err != nil:
			// The list must not fail for want of the better ranking (a
			// search over a province's roads may hit the statement timeout).
			slog.Warn("nearest: no road ranking; answering straight-line", "layer", q.Layer, "err", err)
			by, ranking = ByStraightLine, "道路路线暂时无法计算：按直线距离排序，未计行车时间"
		default:
			ranking, res = "按道路行驶时间排序，已避开封闭道路和危险区域；道路无法到达的列在最后", ranked
		}
	}
	if by == ByStraightLine && len(res) > k {
		res = res[:k]
	}
	if res == nil {
		res = []Result{}
	}
	out := map[string]any{"layer": q.Layer, "from": []float64{q.Lon, q.Lat}, "k": k, "by": by, "ranking": ranking,
		"distance": "WGS 84 椭球面上的直线距离，单位米", "results": res}
	if by == ByRoad {
		out["route_to"] = map[string]any{"kind": routeToKind, "coordinates": []float64{routeTo.Lon(), routeTo.Lat()}}
	}
	if indexed {
		out["seq"] = seq
	}
	return api.WriteJSON(w, http.StatusOK, out)
}

const noNetworkRanking = "未加载道路网络：按直线距离排序，未计行车时间"

// layerChoices lists the layers /nearest serves, with their Chinese names.
func layerChoices() string {
	return validation.OneOf(Layers(), func(name string) string {
		if l, ok := layers.ByName(name); ok {
			return l.Title
		}
		return ""
	})
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
