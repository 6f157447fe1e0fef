package geo

import (
	"encoding/json"
	"strconv"
)

// positionDepth is how deep the positions of each GeoJSON type lie in its
// coordinates: a Point's coordinates are a position, a Polygon's an array
// of rings of positions.
var positionDepth = map[string]int{"Point": 0, "MultiPoint": 1, "LineString": 1, "MultiLineString": 2, "Polygon": 2, "MultiPolygon": 3}

// ShortPositionDetail tells a person what is wrong at ShortPosition's pointer.
const ShortPositionDetail = "坐标须为两个数：[经度, 纬度]（WGS 84）"

// ShortPosition returns the JSON Pointer, within the GeoJSON geometry raw
// ("/coordinates/0/3"), of its first position that is not at least two
// numbers, and whether there is one. orb decodes a position into two
// float64s and leaves what is missing at zero, so [87.4], [87.4, null] and
// null would come out as a place on the equator or at 0°, 0° rather than
// as an error; a parser asks this first.
func ShortPosition(raw json.RawMessage) (string, bool) {
	var g struct {
		Type        string `json:"type"`
		Coordinates any    `json:"coordinates"`
	}
	if json.Unmarshal(raw, &g) != nil {
		return "", false // not JSON: the geometry's own decoding says so
	}
	depth, ok := positionDepth[g.Type]
	if !ok {
		return "", false
	}
	return shortPosition(g.Coordinates, depth, "/coordinates")
}

func shortPosition(v any, depth int, ptr string) (string, bool) {
	arr, _ := v.([]any)
	if depth == 0 {
		if len(arr) < 2 {
			return ptr, true
		}
		for i, x := range arr[:2] {
			if _, ok := x.(float64); !ok {
				return ptr + "/" + strconv.Itoa(i), true
			}
		}
		return "", false
	}
	for i, x := range arr {
		if at, ok := shortPosition(x, depth-1, ptr+"/"+strconv.Itoa(i)); ok {
			return at, true
		}
	}
	return "", false
}
