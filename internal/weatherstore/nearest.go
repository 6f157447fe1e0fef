package weatherstore

import (
	"context"
	"time"

	"sitrep/internal/db"
	"sitrep/weather"
)

// Used is the weather a zone run took from a station, and from which
// station and observation: the run's record says where its wind came from.
type Used struct {
	StationID   int64               `json:"station_id"`
	StationName string              `json:"station_name"`
	DistanceM   float64             `json:"distance_m"`
	Observation weather.Observation `json:"observation"`
	Derived     weather.ForModel    `json:"derived"`
}

// Nearest finds the station nearest to lon/lat (within
// weather.MaxStationDistanceM, on the spheroid) whose newest observation
// with wind is fresh at "at", and derives what a model takes from it. ok is
// false when there is none.
func Nearest(ctx context.Context, q db.Querier, lon, lat float64, at time.Time) (u Used, ok bool, err error) {
	oldest := at.Add(-weather.DefaultMaxAge)
	rows, err := q.Query(ctx, `SELECT s.id, s.name, ST_Distance(s.geom::geography, p.g), w.observed_at,
			w.wind_from_deg, w.wind_speed_ms, w.temperature_c, w.cloud_oktas, w.pressure_hpa
		FROM weather_stations s
		CROSS JOIN (SELECT ST_SetSRID(ST_MakePoint($1, $2), 4326)::geography AS g) p
		JOIN LATERAL (SELECT * FROM weather_observations o WHERE o.station_id = s.id
			AND o.wind_from_deg IS NOT NULL AND o.wind_speed_ms IS NOT NULL
			AND o.observed_at BETWEEN $4 AND $5 ORDER BY o.observed_at DESC LIMIT 1) w ON true
		WHERE ST_DWithin(s.geom::geography, p.g, $3)
		ORDER BY 3, s.id LIMIT 5`, lon, lat, float64(weather.MaxStationDistanceM), oldest, at.Add(2*time.Minute))
	if err != nil {
		return Used{}, false, err
	}
	defer rows.Close()
	for rows.Next() {
		var c Used
		o := &c.Observation
		if err := rows.Scan(&c.StationID, &c.StationName, &c.DistanceM, &o.At, &o.WindFromDeg, &o.WindSpeedMS,
			&o.TemperatureC, &o.CloudOktas, &o.PressureHPa); err != nil {
			return Used{}, false, err
		}
		if !weather.Fresh(o.At, at, 0) {
			continue
		}
		c.Derived, err = weather.Derive(*o, lon, lat, at)
		if err != nil {
			continue
		}
		return c, true, nil
	}
	return Used{}, false, rows.Err()
}
