package geo

import (
	"errors"
	"math"

	"github.com/paulmach/orb"
)

// WGS 84 ellipsoid (NIMA TR8350.2).
const (
	// WGS84A is the semi-major axis in metres.
	WGS84A = 6378137.0
	// WGS84F is the flattening.
	WGS84F = 1 / 298.257223563
	// WGS84B is the semi-minor axis in metres.
	WGS84B = WGS84A * (1 - WGS84F)
)

const (
	deg2rad = math.Pi / 180
	rad2deg = 180 / math.Pi
)

// ErrNoConvergence is returned by Inverse for nearly antipodal points, where
// Vincenty's iteration does not converge. Hazard zones never get there.
var ErrNoConvergence = errors.New("geo: geodesic inverse did not converge (nearly antipodal points)")

// Destination solves the direct geodesic problem on the WGS 84 ellipsoid:
// the point reached from p after distM metres on initial bearing bearingDeg
// (degrees clockwise from true north). Method: Vincenty (1975), "Direct and
// inverse solutions of geodesics on the ellipsoid", Survey Review 23(176).
// Longitude is normalised to [-180, 180].
func Destination(p orb.Point, bearingDeg, distM float64) orb.Point {
	if distM == 0 {
		return p
	}
	const a, b, f = WGS84A, WGS84B, WGS84F
	alpha1 := bearingDeg * deg2rad
	sinA1, cosA1 := math.Sincos(alpha1)
	tanU1 := (1 - f) * math.Tan(p[1]*deg2rad)
	cosU1 := 1 / math.Sqrt(1+tanU1*tanU1)
	sinU1 := tanU1 * cosU1
	sigma1 := math.Atan2(tanU1, cosA1)
	sinAlpha := cosU1 * sinA1
	cos2Alpha := 1 - sinAlpha*sinAlpha
	uSq := cos2Alpha * (a*a - b*b) / (b * b)
	A := 1 + uSq/16384*(4096+uSq*(-768+uSq*(320-175*uSq)))
	B := uSq / 1024 * (256 + uSq*(-128+uSq*(74-47*uSq)))

	sigma := distM / (b * A)
	var sinS, cosS, cos2Sm float64
	for range 100 {
		cos2Sm = math.Cos(2*sigma1 + sigma)
		sinS, cosS = math.Sincos(sigma)
		dSigma := B * sinS * (cos2Sm + B/4*(cosS*(-1+2*cos2Sm*cos2Sm)-
			B/6*cos2Sm*(-3+4*sinS*sinS)*(-3+4*cos2Sm*cos2Sm)))
		next := distM/(b*A) + dSigma
		done := math.Abs(next-sigma) < 1e-13
		sigma = next
		if done {
			break
		}
	}
	cos2Sm = math.Cos(2*sigma1 + sigma)
	sinS, cosS = math.Sincos(sigma)

	x := sinU1*sinS - cosU1*cosS*cosA1
	lat2 := math.Atan2(sinU1*cosS+cosU1*sinS*cosA1, (1-f)*math.Sqrt(sinAlpha*sinAlpha+x*x))
	lambda := math.Atan2(sinS*sinA1, cosU1*cosS-sinU1*sinS*cosA1)
	C := f / 16 * cos2Alpha * (4 + f*(4-3*cos2Alpha))
	L := lambda - (1-C)*f*sinAlpha*(sigma+C*sinS*(cos2Sm+C*cosS*(-1+2*cos2Sm*cos2Sm)))
	lon2 := normLon(p[0] + L*rad2deg)
	return orb.Point{lon2, lat2 * rad2deg}
}

// Inverse solves the inverse geodesic problem on the WGS 84 ellipsoid
// (Vincenty 1975): the distance in metres between a and b and the initial
// bearing at a (degrees clockwise from north, [0, 360)).
func Inverse(p1, p2 orb.Point) (distM, bearingDeg float64, err error) {
	const a, b, f = WGS84A, WGS84B, WGS84F
	L := (p2[0] - p1[0]) * deg2rad
	U1 := math.Atan((1 - f) * math.Tan(p1[1]*deg2rad))
	U2 := math.Atan((1 - f) * math.Tan(p2[1]*deg2rad))
	sinU1, cosU1 := math.Sincos(U1)
	sinU2, cosU2 := math.Sincos(U2)

	lambda := L
	var sinS, cosS, sigma, cos2Alpha, cos2Sm, sinL, cosL float64
	converged := false
	for range 200 {
		sinL, cosL = math.Sincos(lambda)
		t1 := cosU2 * sinL
		t2 := cosU1*sinU2 - sinU1*cosU2*cosL
		sinS = math.Sqrt(t1*t1 + t2*t2)
		if sinS == 0 {
			return 0, 0, nil // coincident points
		}
		cosS = sinU1*sinU2 + cosU1*cosU2*cosL
		sigma = math.Atan2(sinS, cosS)
		sinAlpha := cosU1 * cosU2 * sinL / sinS
		cos2Alpha = 1 - sinAlpha*sinAlpha
		cos2Sm = 0 // equatorial line
		if cos2Alpha != 0 {
			cos2Sm = cosS - 2*sinU1*sinU2/cos2Alpha
		}
		C := f / 16 * cos2Alpha * (4 + f*(4-3*cos2Alpha))
		prev := lambda
		lambda = L + (1-C)*f*sinAlpha*(sigma+C*sinS*(cos2Sm+C*cosS*(-1+2*cos2Sm*cos2Sm)))
		if math.Abs(lambda-prev) < 1e-13 {
			converged = true
			break
		}
	}
	if !converged {
		return math.NaN(), math.NaN(), ErrNoConvergence
	}
	uSq := cos2Alpha * (a*a - b*b) / (b * b)
	A := 1 + uSq/16384*(4096+uSq*(-768+uSq*(320-175*uSq)))
	B := uSq / 1024 * (256 + uSq*(-128+uSq*(74-47*uSq)))
	dSigma := B * sinS * (cos2Sm + B/4*(cosS*(-1+2*cos2Sm*cos2Sm)-
		B/6*cos2Sm*(-3+4*sinS*sinS)*(-3+4*cos2Sm*cos2Sm)))
	distM = b * A * (sigma - dSigma)
	az := math.Atan2(cosU2*sinL, cosU1*sinU2-sinU1*cosU2*cosL) * rad2deg
	return distM, NormBearing(az), nil
}

// Distance is the geodesic distance in metres between two points on the
// WGS 84 ellipsoid (Vincenty inverse). It returns NaN for nearly antipodal
// points where the method does not converge.
func Distance(p1, p2 orb.Point) float64 {
	d, _, err := Inverse(p1, p2)
	if err != nil {
		return math.NaN()
	}
	return d
}

// NormBearing maps any angle in degrees to [0, 360).
func NormBearing(deg float64) float64 {
	d := math.Mod(deg, 360)
	if d < 0 {
		d += 360
	}
	if d >= 360 { // -tiny + 360 rounds to 360
		d = 0
	}
	return d
}

func normLon(lon float64) float64 {
	if lon >= -180 && lon <= 180 {
		return lon
	}
	l := math.Mod(lon+180, 360)
	if l < 0 {
		l += 360
	}
	return l - 180
}
