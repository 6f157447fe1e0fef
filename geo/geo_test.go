package geo

import (
	"math"
	"testing"

	"github.com/paulmach/orb"
)

// County seat area of Ürümqi County, used as a realistic source location.
var county = orb.Point{87.4, 43.5}

func dms(d, m, s float64) float64 {
	sign := 1.0
	if d < 0 {
		sign, d = -1, -d
	}
	return sign * (d + m/60 + s/3600)
}

// Vincenty's method checked against the published geodesic example of
// Geoscience Australia (Flinders Peak -> Buninyong): the documented answer to
// 0.00001". GA states it on GRS80; GRS80 and WGS 84 differ by 0.1 mm in the
// semi-minor axis, far below the tolerances here.
func TestVincentyFlindersPeakBuninyong(t *testing.T) {
	flinders := orb.Point{dms(144, 25, 29.52440), dms(-37, 57, 3.72030)}
	buninyong := orb.Point{dms(143, 55, 35.38390), dms(-37, 39, 10.15610)}
	const s = 54972.271       // metres
	az1 := dms(306, 52, 5.37) // forward azimuth
	got := Destination(flinders, az1, s)
	if d := Distance(got, buninyong); d > 0.01 {
		t.Errorf("direct: landed %.4f m from Buninyong (%v vs %v)", d, got, buninyong)
	}
	d, az, err := Inverse(flinders, buninyong)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(d-s) > 0.01 {
		t.Errorf("inverse distance = %.4f m, want %.3f", d, s)
	}
	if math.Abs(az-az1) > 1.0/3600 {
		t.Errorf("inverse azimuth = %.6f°, want %.6f°", az, az1)
	}
}

// One degree of latitude and of longitude near the county, against the
// closed-form meridian and parallel arc lengths on WGS 84.
func TestDegreeLengths(t *testing.T) {
	lat := 43.5 * deg2rad
	e2 := WGS84F * (2 - WGS84F)
	w := math.Sqrt(1 - e2*math.Sin(lat)*math.Sin(lat))
	M := WGS84A * (1 - e2) / (w * w * w) // meridian radius of curvature
	N := WGS84A / w                      // prime vertical radius
	dLat := Distance(orb.Point{87.4, 43.0}, orb.Point{87.4, 44.0})
	// the meridian arc over 1° ≈ M(43.5°)·π/180 to ~1e-6 relative
	if want := M * deg2rad; math.Abs(dLat-want)/want > 1e-5 {
		t.Errorf("1° latitude = %.3f m, want ≈ %.3f", dLat, want)
	}
	// along the parallel the geodesic is slightly shorter than the parallel
	// arc; for 0.01° the difference is negligible.
	dLon := Distance(orb.Point{87.4, 43.5}, orb.Point{87.41, 43.5})
	if want := N * math.Cos(lat) * 0.01 * deg2rad; math.Abs(dLon-want)/want > 1e-6 {
		t.Errorf("0.01° longitude = %.4f m, want ≈ %.4f", dLon, want)
	}
}

func TestDestinationRoundTrip(t *testing.T) {
	for _, brg := range []float64{0, 45, 90, 135, 180, 225, 270, 315, 359.9} {
		for _, d := range []float64{1, 100, 5000, 50000} {
			p := Destination(county, brg, d)
			gd, gaz, err := Inverse(county, p)
			if err != nil {
				t.Fatal(err)
			}
			if math.Abs(gd-d) > 1e-6*d+1e-6 {
				t.Errorf("brg %v d %v: round trip distance %v", brg, d, gd)
			}
			// compare the sideways miss in metres, not degrees: for a 1 m
			// hop float64 lon/lat resolution alone is ~1e-7°.
			if miss := d * math.Abs(math.Remainder(gaz-brg, 360)) * deg2rad; miss > 1e-6 {
				t.Errorf("brg %v d %v: round trip bearing %v", brg, d, gaz)
			}
		}
	}
}

func TestWindConventionBothWays(t *testing.T) {
	cases := []struct {
		from       WindFrom
		downwind   float64
		east, nrth float64 // sign of offset 1 km downwind
	}{
		{270, 90, 1, 0},  // west wind: plume goes east
		{90, 270, -1, 0}, // east wind: plume goes west
		{0, 180, 0, -1},  // north wind: plume goes south
		{360, 180, 0, -1},
		{180, 0, 0, 1}, // south wind: plume goes north
		{225, 45, 1, 1},
	}
	for _, c := range cases {
		if err := c.from.Validate(); err != nil {
			t.Fatal(err)
		}
		if got := c.from.Downwind(); math.Abs(got-c.downwind) > 1e-12 {
			t.Errorf("from %v: downwind %v, want %v", c.from, got, c.downwind)
		}
		o := c.from.Along(1000, 0)
		if sgn(o.East) != c.east || sgn(o.North) != c.nrth {
			t.Errorf("from %v: 1 km downwind is %+v", c.from, o)
		}
		p := ToLonLat(county, o)
		dLon, dLat := p[0]-county[0], p[1]-county[1]
		if sgn(dLon) != c.east || sgn(dLat) != c.nrth {
			t.Errorf("from %v: downwind point %v not on the expected side of %v", c.from, p, county)
		}
	}
	// left of downwind for a west wind (plume east) is north.
	if o := WindFrom(270).Along(0, 100); math.Abs(o.North-100) > 1e-9 || math.Abs(o.East) > 1e-9 {
		t.Errorf("left of east-going plume should be north, got %+v", o)
	}
	for _, bad := range []WindFrom{-1, 360.5, WindFrom(math.NaN()), WindFrom(math.Inf(1))} {
		if bad.Validate() == nil {
			t.Errorf("%v accepted", bad)
		}
	}
}

func sgn(f float64) float64 {
	if math.Abs(f) < 1e-6 {
		return 0
	}
	return math.Copysign(1, f)
}

func TestCircle(t *testing.T) {
	for _, r := range []float64{10, 800, 1600, 25000} {
		p, err := Circle(county, r, 0)
		if err != nil {
			t.Fatal(err)
		}
		if err := ValidatePolygon(p); err != nil {
			t.Fatalf("r=%v: %v", r, err)
		}
		if len(p[0]) != DefaultSegments+1 {
			t.Errorf("ring has %d points", len(p[0]))
		}
		for _, v := range p[0] {
			if d := Distance(county, v); math.Abs(d-r) > 1e-6*r {
				t.Errorf("vertex %v at %v m, want %v", v, d, r)
			}
		}
	}
	if _, err := Circle(county, 0, 0); err == nil {
		t.Error("zero radius accepted")
	}
	if _, err := Circle(county, math.NaN(), 0); err == nil {
		t.Error("NaN radius accepted")
	}
}

func TestValidateRingRejects(t *testing.T) {
	sq := orb.Ring{{0, 0}, {1, 0}, {1, 1}, {0, 1}, {0, 0}}
	if err := ValidateRing(sq); err != nil {
		t.Fatalf("square rejected: %v", err)
	}
	cw := orb.Ring{{0, 0}, {0, 1}, {1, 1}, {1, 0}, {0, 0}}
	if err := ValidatePolygon(orb.Polygon{cw}); err == nil {
		t.Error("clockwise exterior accepted")
	}
	bad := map[string]orb.Ring{
		"bowtie":   {{0, 0}, {1, 1}, {1, 0}, {0, 1}, {0, 0}},
		"open":     {{0, 0}, {1, 0}, {1, 1}, {0, 1}},
		"short":    {{0, 0}, {1, 0}, {0, 0}},
		"nan":      {{0, 0}, {1, 0}, {math.NaN(), 1}, {0, 0}},
		"range":    {{0, 0}, {181, 0}, {1, 1}, {0, 0}},
		"flat":     {{0, 0}, {1, 0}, {2, 0}, {0, 0}},
		"repeat":   {{0, 0}, {1, 0}, {1, 0}, {1, 1}, {0, 0}},
		"touching": {{0, 0}, {2, 0}, {2, 2}, {1, 0}, {0, 2}, {0, 0}},
		"spike":    {{0, 0}, {2, 0}, {1, 0}, {1, 1}, {0, 0}},
	}
	for name, r := range bad {
		if err := ValidateRing(r); err == nil {
			t.Errorf("%s accepted", name)
		}
	}
}

func TestRingFromLocalOrientation(t *testing.T) {
	cwSquare := []Offset{{0, 0}, {0, 100}, {100, 100}, {100, 0}}
	r, err := RingFromLocal(county, cwSquare)
	if err != nil {
		t.Fatal(err)
	}
	if r.Orientation() != orb.CCW || !r.Closed() {
		t.Errorf("ring not closed CCW: %v", r)
	}
	if _, err := RingFromLocal(county, []Offset{{0, 0}, {1, 1}}); err == nil {
		t.Error("2-point ring accepted")
	}
}

// Any star-shaped polygon about the source (one vertex per direction,
// directions strictly increasing) must come out valid.
func FuzzRingFromLocal(f *testing.F) {
	f.Add(uint8(8), 100.0, 0.5, int64(1))
	f.Add(uint8(3), 1.0, 0.0, int64(7))
	f.Add(uint8(200), 40000.0, 0.99, int64(42))
	f.Fuzz(func(t *testing.T, n uint8, radius, jitter float64, seed int64) {
		if n < 3 || !(radius >= 1 && radius <= 50000) || !(jitter >= 0 && jitter < 1) {
			return
		}
		pts := make([]Offset, n)
		x := uint64(seed)
		for i := range pts {
			x = x*6364136223846793005 + 1442695040888963407
			u := float64(x>>11) / (1 << 53)
			r := radius * (1 - jitter*u)
			a := 2 * math.Pi * float64(i) / float64(n)
			pts[i] = Offset{East: r * math.Cos(a), North: r * math.Sin(a)}
		}
		r, err := RingFromLocal(county, pts)
		if err != nil {
			t.Fatalf("valid star polygon rejected: %v", err)
		}
		if err := ValidatePolygon(orb.Polygon{r}); err != nil {
			t.Fatal(err)
		}
	})
}
