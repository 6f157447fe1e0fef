package incidentstore

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"sitrep/geo"
	"sitrep/incidents"
	"sitrep/internal/api"
	"sitrep/internal/validation"
)

// fieldErrors collects every bad field of a request, so the client learns
// about all of them at once.
type fieldErrors []api.FieldError

func (e *fieldErrors) add(field, format string, args ...any) {
	*e = append(*e, api.FieldError{Field: field, Detail: fmt.Sprintf(format, args...)})
}

func (e fieldErrors) err() error {
	if len(e) == 0 {
		return nil
	}
	return api.Invalid(e...)
}

// isNull reports whether a raw JSON member was absent or null.
func isNull(raw json.RawMessage) bool {
	return len(raw) == 0 || string(raw) == "null"
}

// parseTime reads an RFC 3339 time; empty gives zero (the caller decides
// whether that is allowed).
func (e *fieldErrors) parseTime(field, s string) time.Time {
	if strings.TrimSpace(s) == "" {
		return time.Time{}
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		e.add(field, "%s，收到 %q", validation.NotRFC3339, s)
		return time.Time{}
	}
	return t.UTC()
}

// point validates a GeoJSON Point in WGS 84 lon/lat and returns it
// re-encoded for ST_GeomFromGeoJSON.
func (e *fieldErrors) point(field string, raw json.RawMessage) *string {
	if isNull(raw) {
		return nil
	}
	p, at, msg := validation.Point(raw)
	if msg != "" {
		e.add(field+at, "%s", msg)
		return nil
	}
	return encode(p)
}

// polygonal validates a GeoJSON Polygon or MultiPolygon (closed rings of at
// least four WGS 84 positions); PostGIS checks validity in the transaction.
func (e *fieldErrors) polygonal(field string, raw json.RawMessage) *string {
	if isNull(raw) {
		return nil
	}
	g, err := geojson.UnmarshalGeometry(raw)
	if err != nil {
		e.add(field, "%s", validation.NotGeoJSON)
		return nil
	}
	var polys []orb.Polygon
	var prefix []string
	switch v := g.Geometry().(type) {
	case orb.Polygon:
		polys, prefix = []orb.Polygon{v}, []string{field + "/coordinates"}
	case orb.MultiPolygon:
		for i, p := range v {
			polys = append(polys, p)
			prefix = append(prefix, fmt.Sprintf("%s/coordinates/%d", field, i))
		}
	default:
		e.add(field+"/type", "%s，收到 %s", validation.WantPolygonal, g.Type)
		return nil
	}
	if at, short := geo.ShortPosition(raw); short {
		e.add(field+at, "%s", geo.ShortPositionDetail)
		return nil
	}
	n := len(*e)
	if len(polys) == 0 {
		e.add(field+"/coordinates", "没有多边形")
	}
	for i, p := range polys {
		if len(p) == 0 {
			e.add(prefix[i], "%s", validation.NeedsOuterRing)
		}
		for r, ring := range p {
			at := fmt.Sprintf("%s/%d", prefix[i], r)
			if len(ring) < 4 {
				e.add(at, validation.RingTooShortForm, len(ring))
				continue
			}
			if !ring.Closed() {
				e.add(at, "%s", validation.RingNotClosed)
			}
			for k, pt := range ring {
				if msg := checkLonLat(pt); msg != "" {
					e.add(fmt.Sprintf("%s/%d", at, k), "%s", msg)
				}
			}
		}
	}
	if len(*e) > n {
		return nil
	}
	return encode(g.Geometry())
}

func checkLonLat(p orb.Point) string {
	lon, lat := p[0], p[1]
	switch {
	case math.IsNaN(lon) || math.IsInf(lon, 0) || math.IsNaN(lat) || math.IsInf(lat, 0):
		return validation.NotFiniteCoords
	case lon < -180 || lon > 180:
		return validation.LonOutOfRange(lon)
	case lat < -90 || lat > 90:
		return validation.LatOutOfRange(lat)
	}
	return ""
}

func encode(g orb.Geometry) *string {
	b, err := geojson.NewGeometry(g).MarshalJSON()
	if err != nil {
		return nil
	}
	s := string(b)
	return &s
}

// problemOf turns the rules' errors into problems: a forbidden lifecycle
// change is 409, a broken rule 422 naming the field as a JSON Pointer.
func problemOf(err error) error {
	var (
		verr  validation.Errors
		state *incidents.StateError
	)
	switch {
	case errors.As(err, &verr):
		fields := make([]api.FieldError, len(verr))
		for i, f := range verr {
			fields[i] = api.FieldError{Field: pointer(f.Field), Code: f.Code, Detail: f.Detail}
		}
		return api.Invalid(fields...)
	case errors.As(err, &state):
		p := api.Conflict("/state", state.Error())
		return p
	}
	return err
}

// pointer maps the rules' dotted field names onto the request body.
func pointer(field string) string {
	switch field {
	case "location.lon":
		return "/location/coordinates/0"
	case "location.lat":
		return "/location/coordinates/1"
	case "place":
		// "place or location": the place is what a first report names.
		return "/place"
	}
	return "/" + strings.ReplaceAll(field, ".", "/")
}

func (e *fieldErrors) kind(field, code string) incidents.Kind {
	k, err := incidents.ParseKind(code)
	if err != nil {
		e.add(field, "%v", err)
	}
	return k
}
