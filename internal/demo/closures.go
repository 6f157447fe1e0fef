package demo

import "sitrep/internal/layers"

// closures adds one road closure in force (plan 4.5), in the county's west,
// away from the roads of the basemap test extract: the wall shows what a
// closure looks like. Road closures have no code; the name keys the load
// instead, so loading again changes nothing.
func (d *demoLoader) closures() error {
	s := seatOf("650121207") // 萨尔达坂乡
	name := "萨尔达坂乡乡道落石封闭" + Suffix
	var exists bool
	if err := d.tx.QueryRow(d.ctx, `SELECT EXISTS (SELECT 1 FROM road_closures WHERE synthetic AND name = $1)`, name).Scan(&exists); err != nil || exists {
		return err
	}
	// A roadblock about 270 m long, drawn north–south across the way east of the seat.
	line := map[string]any{"type": "LineString", "coordinates": [][]float64{{s.lon + 0.004, s.lat - 0.0012}, {s.lon + 0.004, s.lat + 0.0012}}}
	raw := map[string]any{"name": name, "status": layers.ClosureClosed, "reason": "山体落石，道路抢修", "ordered_by": "县交警大队", "synthetic": true}
	return d.create(layers.RoadClosures, line, raw)
}
