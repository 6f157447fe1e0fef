package weatherstore

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"sitrep/internal/api"
	"sitrep/internal/db"
	"sitrep/internal/journal"
	"sitrep/weather"
)

// Topic is the live stream's topic of the stations' newest weather.
const Topic = "weather"

// MaxBatch bounds one batch of observations.
const MaxBatch = 5000

// Keep is how far back an observation may be stamped: older weather is
// history that no zone run uses.
const Keep = 31 * 24 * time.Hour

// clockSkew is how far ahead of the server's clock an observation may be
// stamped.
const clockSkew = 2 * time.Minute

// Observation is one observation as a station sends it.
type Observation struct {
	Station int64 `json:"station"`
	weather.Observation
}

// Result is what a batch did.
type Result struct {
	Stored     int `json:"stored"`
	Duplicates int `json:"duplicates"`
}

// Store is the weather stations' observations.
type Store struct {
	pool *pgxpool.Pool
	// Now is the store's clock; tests set their own.
	Now func() time.Time
}

// New returns a store on pool with the wall clock.
func New(pool *pgxpool.Pool) *Store { return &Store{pool: pool, Now: time.Now} }

// Ingest stores a batch of observations, refused whole when any is bad.
func (s *Store) Ingest(ctx context.Context, actor journal.Actor, batch []Observation) (Result, error) {
	now := s.Now()
	if err := s.check(ctx, batch, now); err != nil {
		return Result{}, err
	}
	var res Result
	err := db.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		res = Result{}
		var changed []int64
		for _, o := range batch {
			var newest bool
			err := tx.QueryRow(ctx, `WITH ins AS (
					INSERT INTO weather_observations (station_id, observed_at, wind_from_deg, wind_speed_ms, temperature_c, cloud_oktas, pressure_hpa)
					VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING RETURNING observed_at)
				SELECT NOT EXISTS (SELECT 1 FROM weather_observations w WHERE w.station_id = $1 AND w.observed_at > $2)
				FROM ins`, o.Station, o.At, o.WindFromDeg, o.WindSpeedMS, o.TemperatureC, o.CloudOktas, o.PressureHPa).Scan(&newest)
			if db.IsNotFound(err) {
				res.Duplicates++
				continue
			}
			if err != nil {
				return err
			}
			res.Stored++
			if newest && !slices.Contains(changed, o.Station) {
				changed = append(changed, o.Station)
			}
		}
		var out []journal.Change
		for _, id := range changed {
			f, err := stationFeature(ctx, tx, id)
			if err != nil {
				return err
			}
			// The newest weather, for the wall: not an audited decision.
			out = append(out, journal.Change{Entity: "weather_stations", EntityID: strconv.FormatInt(id, 10),
				Action: "observation", Topic: Topic, Event: f, StreamOnly: true})
		}
		if len(out) == 0 {
			// Nothing newer than what the wall shows (a batch sent again,
			// or a late one): stored, nothing to publish.
			return nil
		}
		_, err := journal.Record(ctx, tx, actor, out)
		return err
	})
	return res, err
}

func (s *Store) check(ctx context.Context, batch []Observation, now time.Time) error {
	if len(batch) == 0 || len(batch) > MaxBatch {
		return checkObservations(batch, nil, now)
	}
	var ids []int64
	for _, o := range batch {
		ids = append(ids, o.Station)
	}
	rows, err := s.pool.Query(ctx, `SELECT id FROM weather_stations WHERE id = ANY($1)`, ids)
	if err != nil {
		return err
	}
	known, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return err
	}
	return checkObservations(batch, known, now)
}

// checkObservations refuses a batch with any observation of a station not
// in known, outside the kept window or with a value out of range.
func checkObservations(batch []Observation, known []int64, now time.Time) error {
	if len(batch) == 0 {
		return api.InvalidField("/observations", "至少须有一条观测")
	}
	if len(batch) > MaxBatch {
		return api.InvalidField("/observations", fmt.Sprintf("一批至多 %d 条观测，请分批报送", MaxBatch))
	}
	var errs []api.FieldError
	for i, o := range batch {
		at := "/observations/" + strconv.Itoa(i) + "/"
		switch {
		case !slices.Contains(known, o.Station):
			errs = append(errs, api.FieldError{Field: at + "station", Detail: "没有此编号的气象站"})
		case o.At.IsZero():
			errs = append(errs, api.FieldError{Field: at + "observed_at", Code: "required", Detail: "须给出观测时间（RFC 3339，带时区）"})
		case o.At.Before(now.Add(-Keep)) || o.At.After(now.Add(clockSkew)):
			errs = append(errs, api.FieldError{Field: at + "observed_at", Detail: "须在最近 31 天内，且不晚于服务器时间两分钟以上"})
		}
		for _, e := range o.Check() {
			e.Field = at + e.Field
			errs = append(errs, e)
		}
		if len(errs) >= 100 {
			break
		}
	}
	if len(errs) > 0 {
		return api.Invalid(errs...)
	}
	return nil
}

// stationSQL is a station as a Feature with its newest observation.
const stationSQL = `json_build_object('type', 'Feature', 'id', s.id::text,
	'geometry', ST_AsGeoJSON(s.geom, 6)::json,
	'properties', json_build_object('id', s.id, 'name', s.name, 'code', s.code,
		'observed_at', w.observed_at, 'wind_from_deg', w.wind_from_deg, 'wind_speed_ms', w.wind_speed_ms,
		'temperature_c', w.temperature_c, 'cloud_oktas', w.cloud_oktas, 'pressure_hpa', w.pressure_hpa))
	FROM weather_stations s LEFT JOIN LATERAL (SELECT * FROM weather_observations o WHERE o.station_id = s.id
		ORDER BY o.observed_at DESC LIMIT 1) w ON true `

// SnapshotSQL is the live stream's snapshot of topic "weather".
const SnapshotSQL = `SELECT ` + stationSQL +
	`WHERE $1::float8 IS NULL OR s.geom && ST_MakeEnvelope($1, $2, $3, $4, 4326) ORDER BY s.id`

func stationFeature(ctx context.Context, q db.Querier, id int64) (json.RawMessage, error) {
	var f json.RawMessage
	err := q.QueryRow(ctx, `SELECT `+stationSQL+`WHERE s.id = $1`, id).Scan(&f)
	return f, err
}
