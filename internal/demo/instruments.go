package demo

import (
	"github.com/paulmach/orb"

	"sitrep/internal/layers"
)

// instruments are detectors at a few demo hazard sources and two weather
// stations; `sitrep simulate` sends their readings (a slow leak, a detector
// that falls silent, a wind that turns).
func (d *demoLoader) instruments() error {
	sensors := []struct {
		code, hazard, name, kind, unit string
		rangeMax, warn, alarm          float64
	}{
		{"demo-gt-01", "demo-hs-01", "加药间氯气检测器", "toxic_gas", "ppm", 10, 0.5, 1},
		{"demo-gt-02", "demo-hs-01", "氯瓶库氯气检测器", "toxic_gas", "ppm", 10, 0.5, 1},
		{"demo-gt-03", "demo-hs-02", "LPG 储罐区可燃气体检测器", "flammable_gas", "%LEL", 100, 20, 40},
		{"demo-gt-04", "demo-hs-04", "制冷机房氨气检测器", "toxic_gas", "ppm", 100, 20, 40},
		{"demo-lt-01", "demo-hs-02", "1 号 LPG 储罐液位计", "tank_level", "%", 100, 85, 90},
	}
	for i, s := range sensors {
		var hs int64
		var lon, lat float64
		if err := d.tx.QueryRow(d.ctx, `SELECT id, ST_X(ST_PointOnSurface(geom)), ST_Y(ST_PointOnSurface(geom)) FROM hazard_sources WHERE code = $1`,
			s.hazard).Scan(&hs, &lon, &lat); err != nil {
			return err
		}
		at := orb.Point{lon + 0.0003*float64(i%3-1), lat + 0.0002*float64(i%2)}
		if err := d.add(layers.Sensors, s.code, pointGeom(at), map[string]any{
			"name": s.name + Suffix, "hazard_source_id": hs, "kind": s.kind, "unit": s.unit,
			"range_max": s.rangeMax, "warn_high": s.warn, "alarm_high": s.alarm, "hold_s": 10, "stale_after_s": 60,
		}); err != nil {
			return err
		}
	}
	for _, w := range []struct {
		code, township, name string
		distM                float64
	}{
		{"demo-ws-01", "650121102", "板房沟自动气象站", 400},
		{"demo-ws-02", "650121103", "永丰自动气象站", 600},
	} {
		p, err := d.near(seatOf(w.township), w.distM)
		if err != nil {
			return err
		}
		if err := d.add(layers.WeatherStations, w.code, pointGeom(p), map[string]any{
			"name": w.name + Suffix, "operator": "县气象局" + Suffix}); err != nil {
			return err
		}
	}
	return nil
}
