package validation

import (
	"encoding/json"
	"math"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"sitrep/geo"
)

// Point reads a GeoJSON Point in WGS 84 lon/lat. When it is not one, at is
// where under the field the fault lies ("", "/type", "/coordinates", or a
// short position's pointer) and msg says what is wrong.
func Point(raw json.RawMessage) (p orb.Point, at, msg string) {
	g, err := geojson.UnmarshalGeometry(raw)
	if err != nil {
		return p, "", NotGeoJSON
	}
	p, ok := g.Geometry().(orb.Point)
	if !ok {
		return p, "/type", WantPoint + "，收到 " + g.Type
	}
	if at, short := geo.ShortPosition(raw); short {
		return p, at, geo.ShortPositionDetail
	}
	lon, lat := p[0], p[1]
	switch {
	case math.IsNaN(lon) || math.IsInf(lon, 0) || math.IsNaN(lat) || math.IsInf(lat, 0):
		return p, "/coordinates", NotFiniteCoords
	case lon < -180 || lon > 180:
		return p, "/coordinates", LonOutOfRange(lon)
	case lat < -90 || lat > 90:
		return p, "/coordinates", LatOutOfRange(lat)
	}
	return p, "", ""
}
