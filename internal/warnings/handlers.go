package warnings

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"sitrep/geo"
	"sitrep/internal/api"
	"sitrep/internal/auth"
	"sitrep/internal/validation"
)

// CAPContentType is the media type of the CAP export. application/cap+xml
// is the type registered for CAP with IANA; being a +xml type, generic XML
// tools still read it, while CAP-aware receivers can dispatch on it.
const CAPContentType = "application/cap+xml; charset=utf-8"

// Handlers serve /api/v1/warnings.
type Handlers struct{ store *Store }

// NewHandlers returns the HTTP handlers on store.
func NewHandlers(store *Store) *Handlers { return &Handlers{store: store} }

// Routes mounts the routes on r, which must authenticate. Reads need
// auth.ReadMap; writes are checked against the level with the rules of
// plan 3.2.2 (CheckIssue, CheckAdjust, CheckLift) for the caller's role.
func (h *Handlers) Routes(r chi.Router) {
	read := r.With(auth.Require(auth.ReadMap))
	read.Method(http.MethodGet, "/warnings", api.HandlerFunc(h.list))
	read.Method(http.MethodGet, "/warnings/{id}", api.HandlerFunc(h.get))
	read.Method(http.MethodGet, "/warnings/{id}/history", api.HandlerFunc(h.history))
	read.Method(http.MethodGet, "/warnings/{id}/cap.xml", api.HandlerFunc(h.cap))
	r.Method(http.MethodPost, "/warnings", api.HandlerFunc(h.issue))
	r.Method(http.MethodPut, "/warnings/{id}", api.HandlerFunc(h.adjust))
	r.Method(http.MethodPost, "/warnings/{id}/lift", api.HandlerFunc(h.lift))
}

func writeGeoJSON(w http.ResponseWriter, status int, v any) error {
	etag := ""
	if f, ok := v.(Feature); ok {
		// The version's CAP identifier is its ETag: adjust and lift must name
		// the version they were made from (If-Match), so two duty officers
		// cannot silently overwrite each other's public warning.
		if id, _ := f.Properties["identifier"].(string); id != "" {
			etag = `"` + id + `"`
		}
	}
	return api.WriteGeoJSON(w, status, v, etag)
}

// ifMatch reads the version a change was made from: 428 without one.
func ifMatch(r *http.Request) (string, error) {
	v := strings.TrimSpace(r.Header.Get("If-Match"))
	if v == "" {
		return "", api.PreconditionRequired()
	}
	return strings.Trim(strings.TrimPrefix(v, "W/"), `"`), nil
}

func (h *Handlers) list(w http.ResponseWriter, r *http.Request) error {
	fc, err := h.store.Active(r.Context())
	if err != nil {
		return err
	}
	return writeGeoJSON(w, http.StatusOK, fc)
}

func (h *Handlers) get(w http.ResponseWriter, r *http.Request) error {
	id, err := api.PathID(r)
	if err != nil {
		return err
	}
	f, err := h.store.Get(r.Context(), id)
	if err != nil {
		return err
	}
	return writeGeoJSON(w, http.StatusOK, f)
}

func (h *Handlers) history(w http.ResponseWriter, r *http.Request) error {
	id, err := api.PathID(r)
	if err != nil {
		return err
	}
	fc, err := h.store.History(r.Context(), id)
	if err != nil {
		return err
	}
	return writeGeoJSON(w, http.StatusOK, fc)
}

func (h *Handlers) cap(w http.ResponseWriter, r *http.Request) error {
	id, err := api.PathID(r)
	if err != nil {
		return err
	}
	b, err := h.store.CAPOf(r.Context(), id, r.URL.Query().Get("identifier"))
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", CAPContentType)
	_, err = w.Write(b)
	return err
}

// body is a warning's content as a client sends it; the area is a GeoJSON
// Polygon or MultiPolygon in WGS 84.
type body struct {
	Level       string          `json:"level"`
	Category    string          `json:"category"`
	Event       string          `json:"event"`
	Description string          `json:"description"`
	Area        json.RawMessage `json:"area"`
	AreaDesc    string          `json:"area_desc"`
	Onset       string          `json:"onset"`
	Expires     string          `json:"expires"`
	Items       []string        `json:"items"`
	Authority   string          `json:"authority"`
	Drill       *bool           `json:"drill"`
}

type issueBody struct {
	body
	IncidentID *int64 `json:"incident_id"`
}

// warning turns the body into a Warning, or a 422 naming each bad field.
// ringPointers maps the Area's ring index back to the GeoJSON body, so the
// rules' "/area/0/3" is reported where the client wrote it.
func (b body) warning() (Warning, []string, error) {
	var errs validation.Errors
	add := func(field, format string, args ...any) {
		errs = append(errs, validation.FieldError{Field: field, Detail: fmt.Sprintf(format, args...)})
	}
	w := Warning{Category: strings.TrimSpace(b.Category), Event: strings.TrimSpace(b.Event),
		Description: strings.TrimSpace(b.Description), AreaDesc: strings.TrimSpace(b.AreaDesc),
		Items: b.Items, Authority: strings.TrimSpace(b.Authority)}
	if b.Drill != nil {
		w.Drill = *b.Drill
	}
	if l, err := ParseLevel(b.Level); err != nil {
		add("/level", "%v", err)
	} else {
		w.Level = l
		if w.Authority == "" {
			w.Authority = DefaultAuthority(l)
		}
	}
	parseTime := func(field, s string, required bool) time.Time {
		if strings.TrimSpace(s) == "" {
			if required {
				add(field, "必填（预案 3.2.2）")
			}
			return time.Time{}
		}
		t, err := time.Parse(time.RFC3339, s)
		if err != nil {
			add(field, "%s，收到 %q", validation.NotRFC3339, s)
		}
		return t
	}
	w.Onset = parseTime("/onset", b.Onset, true)
	w.Expires = parseTime("/expires", b.Expires, false)
	area, ptrs := decodeArea(b.Area, add)
	w.Area = area
	if len(errs) > 0 {
		return Warning{}, nil, errs
	}
	return w, ptrs, nil
}

// decodeArea reads a GeoJSON Polygon or MultiPolygon into an Area of outer
// rings. A hole is refused: CAP cannot express one (see Area).
func decodeArea(raw json.RawMessage, add func(field, format string, args ...any)) (Area, []string) {
	if len(raw) == 0 || string(raw) == "null" {
		add("/area", "必填：GeoJSON Polygon 或 MultiPolygon（WGS 84 经纬度）")
		return nil, nil
	}
	g, err := geojson.UnmarshalGeometry(raw)
	if err != nil {
		add("/area", "%s", validation.NotGeoJSON)
		return nil, nil
	}
	var polys []orb.Polygon
	var prefix []string
	switch v := g.Geometry().(type) {
	case orb.Polygon:
		polys, prefix = []orb.Polygon{v}, []string{"/area/coordinates"}
	case orb.MultiPolygon:
		for i, p := range v {
			polys = append(polys, p)
			prefix = append(prefix, "/area/coordinates/"+strconv.Itoa(i))
		}
	default:
		add("/area/type", "%s，收到 %s", validation.WantPolygonal, g.Type)
		return nil, nil
	}
	if at, short := geo.ShortPosition(raw); short {
		add("/area"+at, "%s", geo.ShortPositionDetail)
		return nil, nil
	}
	var (
		area Area
		ptrs []string
	)
	for i, p := range polys {
		if len(p) == 0 {
			add(prefix[i], "%s", validation.NeedsOuterRing)
			continue
		}
		if len(p) > 1 {
			add(prefix[i]+"/1", "预警范围不能有洞：CAP 多边形只能叠加面积，请把范围拆成几块")
		}
		ring := make([][2]float64, len(p[0]))
		for k, pt := range p[0] {
			ring[k] = [2]float64{pt[0], pt[1]}
		}
		area = append(area, ring)
		ptrs = append(ptrs, prefix[i]+"/0")
	}
	return area, ptrs
}

// problemOf turns the warnings rules' errors into problems.
func problemOf(err error, ringPtrs []string) error {
	var (
		verr   validation.Errors
		forbid *ForbiddenError
	)
	switch {
	case errors.As(err, &forbid):
		return api.Forbidden(forbid.Field, forbid.Error())
	case errors.Is(err, ErrNotActive):
		return api.Conflict("", err.Error())
	case errors.As(err, &verr):
		fields := make([]api.FieldError, len(verr))
		for i, f := range verr {
			fields[i] = api.FieldError{Field: areaPointer(f.Field, ringPtrs), Code: f.Code, Detail: f.Detail}
		}
		return api.Invalid(fields...)
	}
	return err
}

// areaPointer rewrites "/area/r/…" (the Area's rings) to the GeoJSON path.
func areaPointer(field string, ringPtrs []string) string {
	rest, ok := strings.CutPrefix(field, "/area/")
	if !ok {
		return field
	}
	idx, tail, _ := strings.Cut(rest, "/")
	r, err := strconv.Atoi(idx)
	if err != nil || r < 0 || r >= len(ringPtrs) {
		return field
	}
	if tail != "" {
		return ringPtrs[r] + "/" + tail
	}
	return ringPtrs[r]
}

func role(r *http.Request) (string, error) {
	u, ok := auth.FromContext(r.Context())
	if !ok {
		return "", api.Unauthorized(auth.LoginRequired)
	}
	return string(u.Role), nil
}

func (h *Handlers) issue(w http.ResponseWriter, r *http.Request) error {
	rl, err := role(r)
	if err != nil {
		return err
	}
	var b issueBody
	if err := api.DecodeJSON(r, &b); err != nil {
		return err
	}
	wn, ptrs, err := b.warning()
	if err != nil {
		// The role rule first: a caller who may not publish at this level
		// learns nothing about the rest of the input.
		if l, perr := ParseLevel(b.Level); perr == nil {
			if ferr := CheckIssue(rl, l); ferr != nil {
				return problemOf(ferr, nil)
			}
		}
		return problemOf(err, nil)
	}
	f, err := h.store.Issue(r.Context(), auth.Actor(r.Context()), rl, wn, b.IncidentID)
	if err != nil {
		return problemOf(err, ptrs)
	}
	w.Header().Set("Location", "/api/v1/warnings/"+f.ID)
	return writeGeoJSON(w, http.StatusCreated, f)
}

func (h *Handlers) adjust(w http.ResponseWriter, r *http.Request) error {
	rl, err := role(r)
	if err != nil {
		return err
	}
	id, err := api.PathID(r)
	if err != nil {
		return err
	}
	version, err := ifMatch(r)
	if err != nil {
		return err
	}
	var b body
	if err := api.DecodeJSON(r, &b); err != nil {
		return err
	}
	wn, ptrs, err := b.warning()
	if err != nil {
		return problemOf(err, nil)
	}
	f, err := h.store.Adjust(r.Context(), auth.Actor(r.Context()), rl, id, version, wn, b.Drill == nil)
	if err != nil {
		return problemOf(err, ptrs)
	}
	return writeGeoJSON(w, http.StatusOK, f)
}

type liftBody struct {
	Reason    string `json:"reason"`
	Authority string `json:"authority"`
}

func (h *Handlers) lift(w http.ResponseWriter, r *http.Request) error {
	rl, err := role(r)
	if err != nil {
		return err
	}
	id, err := api.PathID(r)
	if err != nil {
		return err
	}
	version, err := ifMatch(r)
	if err != nil {
		return err
	}
	var b liftBody
	if err := api.DecodeJSON(r, &b); err != nil {
		return err
	}
	f, err := h.store.Lift(r.Context(), auth.Actor(r.Context()), rl, id, version, strings.TrimSpace(b.Authority), strings.TrimSpace(b.Reason))
	if err != nil {
		return problemOf(err, nil)
	}
	return writeGeoJSON(w, http.StatusOK, f)
}
