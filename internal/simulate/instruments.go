package simulate

import (
	"context"
	"math"
	"net/http"
	"strconv"
	"time"

	"github.com/paulmach/orb/geojson"
)

// Instruments is what the demo's instruments do: every detector reads a
// little above zero, except one gas detector with a slow leak (it climbs
// past its set points over about two minutes, holds, and falls back, every
// LeakPeriod ticks) and the last detector, which falls silent after a
// minute (a stale alarm); each weather station reports a wind that turns
// a few degrees a tick.
type instruments struct {
	sensors  []sensorInfo
	stations []int64
	leak     int // index into sensors of the leaking detector; -1 none
	silent   int // index of the detector that stops; -1 none
	wind     float64
}

type sensorInfo struct {
	id                    int64
	kind, unit            string
	rangeMax, warn, alarm float64
}

// LeakPeriod is the length of one leak cycle, in ticks.
const LeakPeriod = 150

func (s *Simulator) loadInstruments(ctx context.Context) (*instruments, error) {
	in := &instruments{leak: -1, silent: -1, wind: 300}
	var fc geojson.FeatureCollection
	if _, err := s.api.call(ctx, http.MethodGet, "/api/v1/sensors?limit=500", nil, &fc); err != nil {
		return nil, err
	}
	for _, f := range fc.Features {
		p := f.Properties
		if p.MustBool("out_of_service", false) {
			continue
		}
		id, _ := f.ID.(string)
		si := sensorInfo{id: parseID(id), kind: p.MustString("kind", ""), unit: p.MustString("unit", ""),
			rangeMax: p.MustFloat64("range_max", 100), warn: p.MustFloat64("warn_high", math.Inf(1)), alarm: p.MustFloat64("alarm_high", math.Inf(1))}
		if in.leak < 0 && (si.kind == "toxic_gas" || si.kind == "flammable_gas") && !math.IsInf(si.alarm, 1) {
			in.leak = len(in.sensors)
		}
		in.sensors = append(in.sensors, si)
	}
	if len(in.sensors) > 1 {
		in.silent = len(in.sensors) - 1
	}
	fc = geojson.FeatureCollection{}
	if _, err := s.api.call(ctx, http.MethodGet, "/api/v1/weather_stations?limit=100", nil, &fc); err != nil {
		return nil, err
	}
	for _, f := range fc.Features {
		id, _ := f.ID.(string)
		in.stations = append(in.stations, parseID(id))
	}
	return in, nil
}

// tick sends step's readings and observations at "at".
func (s *Simulator) tickInstruments(ctx context.Context, in *instruments, step int, at time.Time) error {
	var readings []map[string]any
	for i, si := range in.sensors {
		if i == in.silent && step*int(s.cfg.Tick/time.Millisecond) > 60_000 {
			continue // the detector that fell silent
		}
		v := si.rangeMax * (0.01 + 0.01*s.rnd.Float64())
		if si.kind == "tank_level" {
			v = 60 + 2*math.Sin(float64(step)/20)
		}
		if i == in.leak {
			// Up to 1.4 × the 二级 set point over the first 60 % of the
			// cycle, then back down.
			phase := float64(step%LeakPeriod) / LeakPeriod
			peak := math.Min(1.4*si.alarm, si.rangeMax)
			v += peak * math.Max(0, math.Sin(math.Pi*phase/0.6)) * boolF(phase < 0.6)
		}
		readings = append(readings, map[string]any{"sensor": si.id, "at": rfc3339Milli(at), "value": round3(v), "unit": si.unit})
	}
	if len(readings) > 0 {
		if _, err := s.api.call(ctx, http.MethodPost, "/api/v1/sensor-readings", map[string]any{"readings": readings}, nil); err != nil {
			return err
		}
	}
	in.wind = math.Mod(in.wind+1.5, 360)
	var obs []map[string]any
	for i, id := range in.stations {
		obs = append(obs, map[string]any{"station": id, "observed_at": rfc3339Milli(at),
			"wind_from_deg": round3(math.Mod(in.wind+float64(i)*20, 360)), "wind_speed_ms": round3(2.5 + math.Sin(float64(step)/15)),
			"temperature_c": -3.5, "pressure_hpa": 880})
	}
	if len(obs) > 0 {
		if _, err := s.api.call(ctx, http.MethodPost, "/api/v1/weather-observations", map[string]any{"observations": obs}, nil); err != nil {
			return err
		}
	}
	return nil
}

// runInstruments sends the instruments' values every tick until ctx ends.
func (s *Simulator) runInstruments(ctx context.Context) {
	in, err := s.loadInstruments(ctx)
	if err != nil {
		s.cfg.Logger.Error("simulation: instruments", "err", err)
		return
	}
	tk := time.NewTicker(s.cfg.Tick)
	defer tk.Stop()
	for step := 0; ; step++ {
		if err := s.tickInstruments(ctx, in, step, time.Now()); err != nil && ctx.Err() == nil {
			s.cfg.Logger.Error("simulation: instruments", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-tk.C:
		}
	}
}

func boolF(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

func round3(v float64) float64 { return math.Round(v*1000) / 1000 }

func rfc3339Milli(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z07:00") }

func parseID(s string) int64 {
	id, _ := strconv.ParseInt(s, 10, 64)
	return id
}
