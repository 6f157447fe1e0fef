package tiles

import (
	"math"

	"github.com/paulmach/orb"
)

// Extent and Buffer are the MVT grid size and the clip buffer in grid
// units (64/4096 of a tile on each side).
const (
	Extent = 4096
	Buffer = 64
	// MaxZoom is the deepest zoom served.
	MaxZoom = 22
)

// worldMetres is the width of the Web Mercator world.
const worldMetres = 2 * math.Pi * 6378137

// bound is the EPSG:4326 bound of tile z/x/y grown by the buffer, which
// is what a feature must meet to appear in the tile.
func bound(z, x, y int) orb.Bound {
	n := float64(int(1) << z)
	m := float64(Buffer) / Extent
	lon := func(x float64) float64 { return x/n*360 - 180 }
	lat := func(y float64) float64 { return math.Atan(math.Sinh(math.Pi*(1-2*y/n))) * 180 / math.Pi }
	fx, fy := float64(x), float64(y)
	return orb.Bound{
		Min: orb.Point{math.Max(-180, lon(fx-m)), math.Max(-90, lat(math.Min(n, fy+1+m)))},
		Max: orb.Point{math.Min(180, lon(fx+1+m)), math.Min(90, lat(math.Max(0, fy-m)))},
	}
}

// pixelMetres is one grid unit at zoom z, the simplification tolerance.
func pixelMetres(z int) float64 { return worldMetres / float64(int(1)<<z) / Extent }
