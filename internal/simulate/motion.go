package simulate

import (
	"github.com/paulmach/orb"

	"sitrep/geo"
)

// stepToward moves from p toward target by at most d metres along the geodesic and
// reports whether it arrived.
func stepToward(p, target orb.Point, d float64) (orb.Point, bool) {
	dist, bearing, err := geo.Inverse(p, target)
	if err != nil || dist <= d {
		return target, true
	}
	return geo.Destination(p, bearing, d), false
}
