package geo

import (
	"errors"
	"fmt"
	"math"

	"github.com/paulmach/orb"
)

// Offset is a position relative to a source, in metres east and north of it.
type Offset struct {
	East  float64 `json:"east"`
	North float64 `json:"north"`
}

// DefaultSegments is the number of vertices used for a circle when the
// caller passes 0: 72 (every 5°). The chord of a 72-gon lies inside the true
// circle by at most 1 - cos(2.5°) = 0.095 % of the radius.
const DefaultSegments = 72

// ToLonLat places offset o about origin on the WGS 84 ellipsoid (exact
// azimuthal-equidistant placement, see package doc).
func ToLonLat(origin orb.Point, o Offset) orb.Point {
	d := math.Hypot(o.East, o.North)
	if d == 0 {
		return origin
	}
	return Destination(origin, math.Atan2(o.East, o.North)*rad2deg, d)
}

// RingFromLocal converts a ring of local offsets (metres about origin) into
// a closed, counter-clockwise WGS 84 ring, and validates it. The input may
// or may not repeat its first point at the end, and may have either
// orientation.
func RingFromLocal(origin orb.Point, pts []Offset) (orb.Ring, error) {
	if len(pts) > 1 && pts[0] == pts[len(pts)-1] {
		pts = pts[:len(pts)-1]
	}
	if len(pts) < 3 {
		return nil, fmt.Errorf("geo: a ring needs at least 3 distinct vertices, got %d", len(pts))
	}
	r := make(orb.Ring, 0, len(pts)+1)
	for _, o := range pts {
		if !finite(o.East) || !finite(o.North) {
			return nil, fmt.Errorf("geo: non-finite local offset %+v", o)
		}
		r = append(r, ToLonLat(origin, o))
	}
	r = append(r, r[0])
	if r.Orientation() == orb.CW {
		r.Reverse()
	}
	if err := ValidateRing(r); err != nil {
		return nil, err
	}
	return r, nil
}

// PolygonFromLocal is RingFromLocal wrapped as a single-ring polygon.
func PolygonFromLocal(origin orb.Point, pts []Offset) (orb.Polygon, error) {
	r, err := RingFromLocal(origin, pts)
	if err != nil {
		return nil, err
	}
	return orb.Polygon{r}, nil
}

// Circle returns a WGS 84 polygon approximating the geodesic circle of
// radiusM metres around center, with the given number of vertices
// (DefaultSegments if segments <= 0, at least 8). Vertices lie exactly on
// the circle; the ring is closed and counter-clockwise.
func Circle(center orb.Point, radiusM float64, segments int) (orb.Polygon, error) {
	if !finite(radiusM) || radiusM <= 0 {
		return nil, fmt.Errorf("geo: circle radius must be a positive number of metres, got %v", radiusM)
	}
	if segments <= 0 {
		segments = DefaultSegments
	}
	segments = max(segments, 8)
	pts := make([]Offset, segments)
	for i := range segments {
		// counter-clockwise from east, like a maths angle
		s, c := math.Sincos(2 * math.Pi * float64(i) / float64(segments))
		pts[i] = Offset{East: radiusM * c, North: radiusM * s}
	}
	return PolygonFromLocal(center, pts)
}

// ValidatePolygon checks that p is a valid RFC 7946 polygon as produced by
// this package: at least one ring; every ring valid (see ValidateRing);
// exterior ring counter-clockwise, holes clockwise.
func ValidatePolygon(p orb.Polygon) error {
	if len(p) == 0 {
		return errors.New("geo: polygon has no rings")
	}
	for i, r := range p {
		if err := ValidateRing(r); err != nil {
			return fmt.Errorf("ring %d: %w", i, err)
		}
		o := r.Orientation()
		if i == 0 && o != orb.CCW {
			return errors.New("geo: exterior ring is not counter-clockwise")
		}
		if i > 0 && o != orb.CW {
			return fmt.Errorf("geo: hole %d is not clockwise", i)
		}
	}
	return nil
}

// ValidateRing checks: at least 4 points; closed; every coordinate finite
// and in range (lon [-180,180], lat [-90,90]); no zero-length edge; non-zero
// area; no self-intersection or self-touching (O(n²) exact orientation
// tests, fine for the few hundred vertices our zones have).
func ValidateRing(r orb.Ring) error {
	n := len(r)
	if n < 4 {
		return fmt.Errorf("geo: ring has %d points, need at least 4", n)
	}
	if r[0] != r[n-1] {
		return errors.New("geo: ring is not closed")
	}
	for i, p := range r {
		if !finite(p[0]) || !finite(p[1]) {
			return fmt.Errorf("geo: point %d is not finite: %v", i, p)
		}
		if p[0] < -180 || p[0] > 180 || p[1] < -90 || p[1] > 90 {
			return fmt.Errorf("geo: point %d out of range: %v", i, p)
		}
		if i > 0 && p == r[i-1] {
			return fmt.Errorf("geo: repeated point at %d", i)
		}
	}
	if r.Orientation() == 0 {
		return errors.New("geo: ring has no area")
	}
	m := n - 1 // number of edges
	for i := range m {
		a, b := r[i], r[i+1]
		for j := i + 1; j < m; j++ {
			c, d := r[j], r[j+1]
			adjacent := j == i+1 || (i == 0 && j == m-1)
			if adjacent {
				// they share one vertex; only a fold-back (collinear and
				// overlapping) is an error.
				var shared, p, q orb.Point
				if j == i+1 {
					shared, p, q = b, a, d
				} else {
					shared, p, q = a, b, c
				}
				if orient(shared, p, q) == 0 && dot(sub(p, shared), sub(q, shared)) > 0 {
					return fmt.Errorf("geo: edges %d and %d fold back on each other", i, j)
				}
				continue
			}
			if segmentsTouch(a, b, c, d) {
				return fmt.Errorf("geo: ring self-intersects (edges %d and %d)", i, j)
			}
		}
	}
	return nil
}

func finite(f float64) bool { return !math.IsNaN(f) && !math.IsInf(f, 0) }

func sub(a, b orb.Point) orb.Point { return orb.Point{a[0] - b[0], a[1] - b[1]} }
func dot(a, b orb.Point) float64   { return a[0]*b[0] + a[1]*b[1] }

// orient returns the sign of the cross product (b-a)×(c-a).
func orient(a, b, c orb.Point) int {
	v := (b[0]-a[0])*(c[1]-a[1]) - (b[1]-a[1])*(c[0]-a[0])
	switch {
	case v > 0:
		return 1
	case v < 0:
		return -1
	}
	return 0
}

func onSegment(a, b, p orb.Point) bool {
	return math.Min(a[0], b[0]) <= p[0] && p[0] <= math.Max(a[0], b[0]) &&
		math.Min(a[1], b[1]) <= p[1] && p[1] <= math.Max(a[1], b[1])
}

// segmentsTouch reports whether closed segments ab and cd share any point.
func segmentsTouch(a, b, c, d orb.Point) bool {
	o1, o2 := orient(a, b, c), orient(a, b, d)
	o3, o4 := orient(c, d, a), orient(c, d, b)
	if o1 != o2 && o3 != o4 {
		return true // proper crossing, or an endpoint on the other segment
	}
	if o1 == 0 && onSegment(a, b, c) {
		return true
	}
	if o2 == 0 && onSegment(a, b, d) {
		return true
	}
	if o3 == 0 && onSegment(c, d, a) {
		return true
	}
	if o4 == 0 && onSegment(c, d, b) {
		return true
	}
	return false
}
