package plume

import (
	"fmt"
	"math"
)

// Terrain selects the Briggs coefficient set.
type Terrain string

// Terrain kinds. Rural is open country; urban is built-up areas (the county
// seat, industrial parks), where roughness and heat islands mix faster.
const (
	Rural Terrain = "rural"
	Urban Terrain = "urban"
)

// Sigmas returns the Briggs (1973) horizontal and vertical dispersion
// coefficients σy, σz in metres at downwind distance x metres (x > 0), for
// a continuous plume (~10-min averages).
//
// Open country (rural):
//
//	A  σy = 0.22x(1+0.0001x)^-½   σz = 0.20x
//	B  σy = 0.16x(1+0.0001x)^-½   σz = 0.12x
//	C  σy = 0.11x(1+0.0001x)^-½   σz = 0.08x(1+0.0002x)^-½
//	D  σy = 0.08x(1+0.0001x)^-½   σz = 0.06x(1+0.0015x)^-½
//	E  σy = 0.06x(1+0.0001x)^-½   σz = 0.03x(1+0.0003x)^-1
//	F  σy = 0.04x(1+0.0001x)^-½   σz = 0.016x(1+0.0003x)^-1
//
// Urban:
//
//	A–B σy = 0.32x(1+0.0004x)^-½  σz = 0.24x(1+0.001x)^½
//	C   σy = 0.22x(1+0.0004x)^-½  σz = 0.20x
//	D   σy = 0.16x(1+0.0004x)^-½  σz = 0.14x(1+0.0003x)^-½
//	E–F σy = 0.11x(1+0.0004x)^-½  σz = 0.08x(1+0.0015x)^-½
func Sigmas(c Class, t Terrain, x float64) (sy, sz float64, err error) {
	if !(x > 0) || math.IsInf(x, 0) {
		return 0, 0, fmt.Errorf("plume: downwind distance %v m must be > 0", x)
	}
	switch t {
	case Rural:
		ry := 1 / math.Sqrt(1+0.0001*x)
		switch c {
		case A:
			return 0.22 * x * ry, 0.20 * x, nil
		case B:
			return 0.16 * x * ry, 0.12 * x, nil
		case C:
			return 0.11 * x * ry, 0.08 * x / math.Sqrt(1+0.0002*x), nil
		case D:
			return 0.08 * x * ry, 0.06 * x / math.Sqrt(1+0.0015*x), nil
		case E:
			return 0.06 * x * ry, 0.03 * x / (1 + 0.0003*x), nil
		case F:
			return 0.04 * x * ry, 0.016 * x / (1 + 0.0003*x), nil
		}
	case Urban:
		ry := 1 / math.Sqrt(1+0.0004*x)
		switch c {
		case A, B:
			return 0.32 * x * ry, 0.24 * x * math.Sqrt(1+0.001*x), nil
		case C:
			return 0.22 * x * ry, 0.20 * x, nil
		case D:
			return 0.16 * x * ry, 0.14 * x / math.Sqrt(1+0.0003*x), nil
		case E, F:
			return 0.11 * x * ry, 0.08 * x / math.Sqrt(1+0.0015*x), nil
		}
	default:
		return 0, 0, fmt.Errorf("plume: terrain %q is not %q or %q", t, Rural, Urban)
	}
	return 0, 0, fmt.Errorf("plume: stability class %q is not A–F", c)
}
