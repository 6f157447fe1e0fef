package registry

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"sitrep/internal/api"

	"github.com/paulmach/orb"
)

// wgs84Names are the "crs" names (GeoJSON 2008, a member RFC 7946 dropped)
// that mean WGS 84 lon/lat. Anything else would need a transformation we do
// not guess at, so it is refused.
var wgs84Names = []string{
	"urn:ogc:def:crs:OGC:1.3:CRS84", "urn:ogc:def:crs:OGC::CRS84", "http://www.opengis.net/def/crs/OGC/1.3/CRS84",
	"urn:ogc:def:crs:EPSG::4326", "EPSG:4326", "http://www.opengis.net/def/crs/EPSG/0/4326",
}

// checkCRS accepts an absent crs or one naming WGS 84.
func checkCRS(raw json.RawMessage, ptr string) *api.FieldError {
	if len(raw) == 0 || string(raw) == "null" {
		return nil
	}
	var c struct {
		Type       string `json:"type"`
		Properties struct {
			Name string `json:"name"`
		} `json:"properties"`
	}
	if err := json.Unmarshal(raw, &c); err == nil && c.Type == "name" && slices.Contains(wgs84Names, c.Properties.Name) {
		return nil
	}
	return &api.FieldError{Field: ptr, Detail: "只接受 WGS 84 经纬度（EPSG:4326、OGC CRS84）；" +
		"请先转换坐标，或不写 crs（RFC 7946）"}
}

// geometryInput is a decoded, checked geometry: its canonical GeoJSON for
// PostGIS (written by orb, not by hand) and its type.
type geometryInput struct {
	Type    string
	GeoJSON string
	// Vertices counts the positions, for the layer's limit.
	Vertices int
}

// depth of the position arrays for each type: Point is a position, Polygon an
// array of rings of positions.
var geometryDepth = map[string]int{"Point": 0, "MultiPoint": 1, "LineString": 1, "MultiLineString": 2, "Polygon": 2, "MultiPolygon": 3}

// decodeGeometry checks a GeoJSON geometry object: allowed type, positions of
// exactly two finite numbers in range, closed rings of four or more positions,
// no CRS other than WGS 84. Errors name the JSON Pointer of the bad part.
// Whether the shape is valid (self-intersection) is PostGIS's call, later.
func decodeGeometry(raw json.RawMessage, ptr string, allowed []string) (*geometryInput, []api.FieldError, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return nil, []api.FieldError{{Field: ptr, Code: "required", Detail: "必填：GeoJSON 几何，类型为 " + strings.Join(allowed, "、") + " 之一"}}, nil
	}
	var g struct {
		Type        string          `json:"type"`
		Coordinates json.RawMessage `json:"coordinates"`
		CRS         json.RawMessage `json:"crs"`
		BBox        json.RawMessage `json:"bbox"`
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&g); err != nil {
		return nil, nil, jsonProblem(err, ptr)
	}
	if fe := checkCRS(g.CRS, ptr+"/crs"); fe != nil {
		return nil, []api.FieldError{*fe}, nil
	}
	if !slices.Contains(allowed, g.Type) {
		return nil, []api.FieldError{{Field: ptr + "/type", Detail: fmt.Sprintf("此处不接受 %q；请用 %s 之一", g.Type, strings.Join(allowed, "、"))}}, nil
	}
	var coords any
	if err := json.Unmarshal(g.Coordinates, &coords); err != nil || coords == nil {
		return nil, []api.FieldError{{Field: ptr + "/coordinates", Code: "required", Detail: "必填：坐标数组"}}, nil
	}
	var errs []api.FieldError
	vertices := walkPositions(coords, geometryDepth[g.Type], ptr+"/coordinates", g.Type, &errs)
	if len(errs) > 0 {
		return nil, errs, nil
	}
	// A county's feature spans kilometres; one spanning degrees is a
	// mistake, and one spanning half the globe cannot even be measured on
	// the spheroid (PostGIS refuses edges of 180° and more).
	if b := boundOf(coords); b.Max[0]-b.Min[0] > MaxSpanDegrees || b.Max[1]-b.Min[1] > MaxSpanDegrees {
		return nil, []api.FieldError{{Field: ptr + "/coordinates", Detail: fmt.Sprintf(
			"范围过大：一个要素东西、南北各不能超过 %g°（约 %d 千米），收到 %.1f° × %.1f°",
			MaxSpanDegrees, int(MaxSpanDegrees*80), b.Max[0]-b.Min[0], b.Max[1]-b.Min[1])}}, nil
	}
	// Only type and the checked coordinates go on to PostGIS: bbox is
	// recomputed, crs was checked above. (orb/geojson would need the BSON
	// driver in go.sum; encoding/json on a typed struct is enough here.)
	out, err := json.Marshal(struct {
		Type        string          `json:"type"`
		Coordinates json.RawMessage `json:"coordinates"`
	}{g.Type, g.Coordinates})
	if err != nil {
		return nil, nil, err
	}
	return &geometryInput{Type: g.Type, GeoJSON: string(out), Vertices: vertices}, nil, nil
}

// MaxSpanDegrees bounds a feature's extent in longitude and in latitude.
const MaxSpanDegrees = 2.0

// boundOf is the bounding box of checked coordinates.
func boundOf(coords any) orb.Bound {
	b := orb.Bound{Min: orb.Point{math.Inf(1), math.Inf(1)}, Max: orb.Point{math.Inf(-1), math.Inf(-1)}}
	var walk func(v any)
	walk = func(v any) {
		arr, _ := v.([]any)
		if len(arr) == 2 {
			if lon, ok := arr[0].(float64); ok {
				lat, _ := arr[1].(float64)
				b = b.Extend(orb.Point{lon, lat})
				return
			}
		}
		for _, x := range arr {
			walk(x)
		}
	}
	walk(coords)
	return b
}

// walkPositions checks nested coordinate arrays down to the positions and
// returns how many positions it met.
func walkPositions(v any, depth int, ptr, typ string, errs *[]api.FieldError) int {
	if len(*errs) >= 20 { // enough to fix; a broken file would list thousands
		return 0
	}
	arr, ok := v.([]any)
	if !ok {
		*errs = append(*errs, api.FieldError{Field: ptr, Detail: "应为数组"})
		return 0
	}
	if depth == 0 {
		checkPosition(arr, ptr, errs)
		return 1
	}
	if len(arr) == 0 {
		*errs = append(*errs, api.FieldError{Field: ptr, Detail: "不能为空"})
		return 0
	}
	n := 0
	for i, x := range arr {
		n += walkPositions(x, depth-1, ptr+"/"+strconv.Itoa(i), typ, errs)
	}
	// A line (a road closure drawn across a road) needs two positions; a
	// shorter one is a point PostGIS would only call "too few points".
	isLine := (typ == "LineString" || typ == "MultiLineString") && depth == 1
	if isLine && len(*errs) == 0 && len(arr) < 2 {
		*errs = append(*errs, api.FieldError{Field: ptr, Detail: "线至少需要 2 个坐标点（RFC 7946 3.1.4）"})
		return n
	}
	isRing := (typ == "Polygon" && depth == 1) || (typ == "MultiPolygon" && depth == 1)
	if isRing && len(*errs) == 0 {
		if len(arr) < 4 {
			*errs = append(*errs, api.FieldError{Field: ptr, Detail: "线性环至少需要 4 个坐标点（RFC 7946 3.1.6）"})
			return n
		}
		first, _ := arr[0].([]any)
		last, _ := arr[len(arr)-1].([]any)
		if len(first) == 2 && len(last) == 2 && (first[0] != last[0] || first[1] != last[1]) {
			*errs = append(*errs, api.FieldError{Field: ptr, Detail: "线性环的终点须与起点相同（RFC 7946 3.1.6）"})
		}
	}
	return n
}

func checkPosition(pos []any, ptr string, errs *[]api.FieldError) {
	if len(pos) != 2 {
		*errs = append(*errs, api.FieldError{Field: ptr, Detail: "坐标点为 [经度, 纬度]；不保存高程，因此拒收而不是悄悄丢弃"})
		return
	}
	lon, ok1 := pos[0].(float64)
	lat, ok2 := pos[1].(float64)
	if !ok1 || !ok2 || math.IsNaN(lon) || math.IsNaN(lat) {
		*errs = append(*errs, api.FieldError{Field: ptr, Detail: "坐标点应为两个数字 [经度, 纬度]"})
		return
	}
	if lat < -90 || lat > 90 {
		d := "纬度须在 ±90° 以内"
		if lon >= -90 && lon <= 90 {
			// Said for every format a point can come in (GeoJSON [lon, lat],
			// a CSV's lon and lat columns, WKT "POINT(lon lat)").
			d += "；该点像是经纬度写反了，请把经度与纬度对调"
		}
		*errs = append(*errs, api.FieldError{Field: ptr + "/1", Detail: d})
	}
	if lon < -180 || lon > 180 {
		*errs = append(*errs, api.FieldError{Field: ptr + "/0", Detail: "经度须在 ±180° 以内"})
	}
}
