package warnings

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"

	"sitrep/internal/validation"
)

// Area is where a warning applies: one or more closed rings of WGS 84
// [lon, lat] positions, in GeoJSON order (RFC 7946).
//
// Each ring is a separate outer boundary, like the polygons of a GeoJSON
// MultiPolygon without holes. CAP 1.2 has no holes: every <polygon> adds
// area, so a hole written as a polygon would warn the very place it meant to
// leave out. Ring orientation does not matter to CAP and is not checked.
type Area [][][2]float64

// Limits that keep a warning publishable: CAP receivers and SMS gateways
// choke on huge polygons, and a warning area is drawn by hand.
const (
	maxRings         = 50
	maxRingPositions = 5000
)

// validate appends one validation.FieldError per broken rule, pointing at the ring or
// position ("/area/0/3").
func (a Area) validate(errs *validation.Errors) {
	if len(a) == 0 {
		*errs = append(*errs, validation.FieldError{Field: "/area", Detail: "至少须有一个多边形环"})
		return
	}
	if len(a) > maxRings {
		*errs = append(*errs, validation.FieldError{Field: "/area", Detail: fmt.Sprintf("最多 %d 个环，收到 %d 个", maxRings, len(a))})
		return
	}
	for r, ring := range a {
		at := "/area/" + strconv.Itoa(r)
		if len(ring) < 4 {
			*errs = append(*errs, validation.FieldError{Field: at, Detail: fmt.Sprintf(validation.RingTooShortForm, len(ring))})
			continue
		}
		if len(ring) > maxRingPositions {
			*errs = append(*errs, validation.FieldError{Field: at, Detail: fmt.Sprintf("最多 %d 个坐标点，收到 %d 个", maxRingPositions, len(ring))})
			continue
		}
		bad := false
		for p, pos := range ring {
			if msg := checkPosition(pos); msg != "" {
				*errs = append(*errs, validation.FieldError{Field: at + "/" + strconv.Itoa(p), Detail: msg})
				bad = true
			}
		}
		if bad {
			continue
		}
		if ring[0] != ring[len(ring)-1] {
			*errs = append(*errs, validation.FieldError{Field: at, Detail: validation.RingNotClosed})
			continue
		}
		if distinct(ring[:len(ring)-1]) < 3 {
			*errs = append(*errs, validation.FieldError{Field: at, Detail: "环没有面积：至少需要 3 个不同的坐标点"})
		}
	}
}

func checkPosition(pos [2]float64) string {
	lon, lat := pos[0], pos[1]
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

func distinct(ps [][2]float64) int {
	seen := make(map[[2]float64]struct{}, len(ps))
	for _, p := range ps {
		seen[p] = struct{}{}
	}
	return len(seen)
}

// GeoJSON returns the area as a GeoJSON MultiPolygon geometry, e.g. for
// ST_GeomFromGeoJSON when the store saves it.
func (a Area) GeoJSON() ([]byte, error) {
	polys := make([][][][2]float64, len(a))
	for i, ring := range a {
		polys[i] = [][][2]float64{ring}
	}
	return json.Marshal(struct {
		Type        string           `json:"type"`
		Coordinates [][][][2]float64 `json:"coordinates"`
	}{"MultiPolygon", polys})
}

// capPolygons writes each ring as a CAP <polygon>: space-separated "lat,lon"
// pairs (CAP swaps GeoJSON's order), first pair repeated last. A ring that
// somehow arrives open is closed here rather than published open.
func (a Area) capPolygons() []string {
	out := make([]string, 0, len(a))
	for _, ring := range a {
		if len(ring) == 0 {
			continue
		}
		if ring[0] != ring[len(ring)-1] {
			ring = append(ring[:len(ring):len(ring)], ring[0])
		}
		var b strings.Builder
		for i, pos := range ring {
			if i > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(strconv.FormatFloat(pos[1], 'f', -1, 64))
			b.WriteByte(',')
			b.WriteString(strconv.FormatFloat(pos[0], 'f', -1, 64))
		}
		out = append(out, b.String())
	}
	return out
}
