package geo

import (
	"math"
)

// WindFrom is a wind direction as meteorology reports it: degrees clockwise
// from true north of the direction the wind blows FROM. 270 is a west wind
// (blowing from the west, carrying a plume east); 0 and 360 are both a north
// wind (plume goes south). Weather services (CMA, METAR, SYNOP) all use this
// convention; getting it backwards would put an evacuation zone upwind, so it
// has its own type and is tested both ways.
type WindFrom float64

// Validate reports whether the direction is a finite number in [0, 360].
// 360 is accepted because METAR/SYNOP report a north wind as 360.
func (w WindFrom) Validate() error {
	f := float64(w)
	if math.IsNaN(f) || math.IsInf(f, 0) || f < 0 || f > 360 {
		return BadInput("windFromDeg", "风向须在 0–360° 之间（风的来向），收到 %v°", f)
	}
	return nil
}

// Downwind returns the bearing (degrees clockwise from north, [0, 360)) the
// wind blows TOWARDS, i.e. the direction a plume travels: from + 180°.
func (w WindFrom) Downwind() float64 {
	return NormBearing(float64(w) + 180)
}

// Along converts a position in a wind-aligned frame to a local east/north
// offset. along is metres downwind of the source (negative = upwind), cross
// is metres to the LEFT of the downwind axis when looking downwind (so that
// (along, cross) is a right-handed frame like (east, north)).
func (w WindFrom) Along(along, cross float64) Offset {
	return Rotate(along, cross, w.Downwind())
}

// Rotate places a point given in a frame whose x axis points along
// bearingDeg (clockwise from north) and whose y axis points 90° to the left
// of it, into the east/north frame. It preserves orientation: a
// counter-clockwise ring stays counter-clockwise.
func Rotate(x, y, bearingDeg float64) Offset {
	s, c := math.Sincos(bearingDeg * deg2rad)
	// unit vector of x axis in (E, N): (sin b, cos b); y axis (left): (-cos b, sin b)
	return Offset{East: x*s - y*c, North: x*c + y*s}
}
