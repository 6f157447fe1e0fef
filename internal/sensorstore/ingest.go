package sensorstore

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"

	"sitrep/internal/api"
	"sitrep/internal/db"
	"sitrep/internal/journal"
	"sitrep/sensors"
)

// MaxBatch bounds one batch: a gateway sends what it gathered since its
// last send; ten thousand readings is minutes of a large plant.
const MaxBatch = 10000

// clockSkew is how far ahead of the server's clock a reading may be
// stamped (a gateway's clock); further is a wrong clock, refused.
const clockSkew = 2 * time.Minute

// Reading is one reading as a gateway sends it.
type Reading struct {
	Sensor int64     `json:"sensor"`
	At     time.Time `json:"at"`
	Value  float64   `json:"value"`
	Unit   string    `json:"unit"`
}

// Result is what a batch did.
type Result struct {
	// Stored readings were new; Duplicates were stored before (a batch
	// sent again); Late were older than what the rules had taken, so
	// stored as history but changing no alarm.
	Stored     int `json:"stored"`
	Duplicates int `json:"duplicates"`
	Late       int `json:"late"`
	// Alarms are the alarm changes the batch caused.
	Alarms []AlarmChange `json:"alarms"`
}

// AlarmChange is one change of an alarm.
type AlarmChange struct {
	Alarm  int64  `json:"alarm"`
	Sensor int64  `json:"sensor"`
	Action string `json:"action"`
}

// Ingest stores a batch of readings and runs them through the alarm rules,
// all in one transaction. A batch with any bad reading (unknown sensor,
// wrong unit, out of range, stamped outside the kept window) is refused
// whole, every fault named, and nothing is stored.
func (s *Store) Ingest(ctx context.Context, actor journal.Actor, batch []Reading) (Result, error) {
	now := s.Now()
	sens, err := s.checkBatch(ctx, batch, now)
	if err != nil {
		return Result{}, err
	}
	for _, d := range batchDays(batch) {
		if err := s.ensureDay(ctx, d); err != nil {
			return Result{}, err
		}
	}
	ids := make([]int64, len(batch))
	ats := make([]time.Time, len(batch))
	vals := make([]float64, len(batch))
	for i, r := range batch {
		ids[i], ats[i], vals[i] = r.Sensor, r.At, r.Value
	}
	var res Result
	err = db.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		res = Result{}
		fresh, err := insertReadings(ctx, tx, ids, ats, vals)
		if err != nil {
			return err
		}
		res.Stored = 0
		for _, rs := range fresh {
			res.Stored += len(rs)
		}
		res.Duplicates = len(batch) - res.Stored
		changes, err := s.evaluate(ctx, tx, sens, fresh, now, &res)
		if err != nil {
			return err
		}
		if len(changes) > 0 {
			_, err = journal.Record(ctx, tx, actor, changes)
		}
		return err
	})
	return res, err
}

// checkBatch refuses a batch with any bad reading and returns the sensors
// it names.
func (s *Store) checkBatch(ctx context.Context, batch []Reading, now time.Time) (map[int64]*sensor, error) {
	if len(batch) == 0 {
		return nil, api.InvalidField("/readings", "至少须有一条读数")
	}
	if len(batch) > MaxBatch {
		return nil, api.InvalidField("/readings", fmt.Sprintf("一批至多 %d 条读数，请分批报送", MaxBatch))
	}
	var ids []int64
	for _, r := range batch {
		ids = append(ids, r.Sensor)
	}
	slices.Sort(ids)
	sens, err := loadSensors(ctx, s.pool, slices.Compact(ids))
	if err != nil {
		return nil, err
	}
	return sens, checkReadings(batch, sens, now, s.Retention)
}

// checkReadings refuses a batch with any reading that its sensor (in sens)
// does not take, naming each fault (at most 100: enough to fix a gateway).
func checkReadings(batch []Reading, sens map[int64]*sensor, now time.Time, retention time.Duration) error {
	if len(batch) == 0 {
		return api.InvalidField("/readings", "至少须有一条读数")
	}
	if len(batch) > MaxBatch {
		return api.InvalidField("/readings", fmt.Sprintf("一批至多 %d 条读数，请分批报送", MaxBatch))
	}
	oldest := now.Add(-retention)
	var errs []api.FieldError
	bad := func(i int, field, detail string) {
		errs = append(errs, api.FieldError{Field: "/readings/" + strconv.Itoa(i) + "/" + field, Detail: detail})
	}
	for i, r := range batch {
		sn, ok := sens[r.Sensor]
		switch {
		case !ok:
			bad(i, "sensor", "没有此编号的传感器")
			continue
		case r.At.IsZero():
			bad(i, "at", "须给出读数时间（RFC 3339，带时区）")
		case r.At.Before(oldest):
			bad(i, "at", fmt.Sprintf("早于原始读数的保存期（%d 天）", int(retention.Hours()/24)))
		case r.At.After(now.Add(clockSkew)):
			bad(i, "at", "晚于服务器时间两分钟以上：请检查网关时钟")
		}
		if field, detail := sn.def.CheckReading(r.Unit, r.Value); field != "" {
			bad(i, field, detail)
		}
		if len(errs) >= 100 {
			break // enough to fix the gateway
		}
	}
	if len(errs) > 0 {
		return api.Invalid(errs...)
	}
	return nil
}

// batchDays are the distinct UTC days the batch's readings fall on.
func batchDays(batch []Reading) []time.Time {
	var out []time.Time
	for _, r := range batch {
		if d := day(r.At); !slices.ContainsFunc(out, d.Equal) {
			out = append(out, d)
		}
	}
	return out
}

// insertReadings stores the readings that are new (a reading already
// stored for the same sensor and instant is a batch sent again, and keeps
// its first value), adds them to the minute aggregates, and returns them
// by sensor. A reading repeated inside one batch counts once.
func insertReadings(ctx context.Context, tx pgx.Tx, ids []int64, ats []time.Time, vals []float64) (map[int64][]sensors.Reading, error) {
	rows, err := tx.Query(ctx, `WITH fresh AS (
			INSERT INTO sensor_readings (sensor_id, at, value)
			SELECT DISTINCT ON (sensor_id, at) sensor_id, at, value
			FROM unnest($1::bigint[], $2::timestamptz[], $3::float8[]) AS b (sensor_id, at, value)
			ON CONFLICT DO NOTHING
			RETURNING sensor_id, at, value
		), minutes AS (
			INSERT INTO sensor_readings_minute AS m (sensor_id, minute, n, min, max, sum)
			SELECT sensor_id, date_trunc('minute', at), count(*), min(value), max(value), sum(value)
			FROM fresh GROUP BY 1, 2
			ON CONFLICT (sensor_id, minute) DO UPDATE SET n = m.n + EXCLUDED.n,
				min = least(m.min, EXCLUDED.min), max = greatest(m.max, EXCLUDED.max), sum = m.sum + EXCLUDED.sum
		)
		SELECT sensor_id, at, value FROM fresh`, ids, ats, vals)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64][]sensors.Reading{}
	for rows.Next() {
		var id int64
		var r sensors.Reading
		if err := rows.Scan(&id, &r.At, &r.Value); err != nil {
			return nil, err
		}
		out[id] = append(out[id], r)
	}
	return out, rows.Err()
}

// evaluate runs the new readings of each sensor through its rules from the
// state stored for it (locked, in id order so two batches cannot deadlock),
// stores the new state, and opens, changes or clears alarms.
func (s *Store) evaluate(ctx context.Context, tx pgx.Tx, sens map[int64]*sensor, fresh map[int64][]sensors.Reading, now time.Time, res *Result) ([]journal.Change, error) {
	ids := make([]int64, 0, len(fresh))
	for id := range fresh {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	if len(ids) == 0 {
		return nil, nil
	}
	if _, err := tx.Exec(ctx, `INSERT INTO sensor_state (sensor_id, state) SELECT unnest($1::bigint[]), '{}' ON CONFLICT DO NOTHING`, ids); err != nil {
		return nil, err
	}
	rows, err := tx.Query(ctx, `SELECT sensor_id, state FROM sensor_state WHERE sensor_id = ANY($1) ORDER BY sensor_id FOR UPDATE`, ids)
	if err != nil {
		return nil, err
	}
	states := map[int64]sensors.State{}
	for rows.Next() {
		var id int64
		var raw []byte
		if err := rows.Scan(&id, &raw); err != nil {
			rows.Close()
			return nil, err
		}
		var st sensors.State
		if err := json.Unmarshal(raw, &st); err != nil {
			rows.Close()
			return nil, err
		}
		states[id] = st
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	var changes []journal.Change
	for _, id := range ids {
		sn := sens[id]
		st := states[id]
		if sn.outOfService {
			// Out of service: the readings are kept, the rules do not run.
			continue
		}
		next, ts, late := sn.def.Evaluate(st, fresh[id])
		res.Late += late
		raw, err := json.Marshal(next)
		if err != nil {
			return nil, err
		}
		newest := slices.MaxFunc(fresh[id], func(a, b sensors.Reading) int { return a.At.Compare(b.At) })
		if _, err := tx.Exec(ctx, `UPDATE sensor_state SET state = $2,
				last_value = CASE WHEN last_at IS NULL OR last_at < $3 THEN $4 ELSE last_value END,
				last_at = greatest(last_at, $3) WHERE sensor_id = $1`, id, raw, newest.At, newest.Value); err != nil {
			return nil, err
		}
		for _, t := range ts {
			c, ok, err := applyTransition(ctx, tx, sn, t)
			if err != nil {
				return nil, err
			}
			if !ok {
				continue
			}
			changes = append(changes, c)
			res.Alarms = append(res.Alarms, AlarmChange{Alarm: alarmID(c), Sensor: id, Action: c.Action})
		}
		// A reading within the stale time ends a stale alarm.
		if !sn.def.Stale(newest.At, now) {
			c, ok, err := clearStale(ctx, tx, sn, now)
			if err != nil {
				return nil, err
			}
			if ok {
				changes = append(changes, c)
				res.Alarms = append(res.Alarms, AlarmChange{Alarm: alarmID(c), Sensor: id, Action: c.Action})
			}
		}
	}
	return changes, nil
}

func alarmID(c journal.Change) int64 {
	id, _ := strconv.ParseInt(c.EntityID, 10, 64)
	return id
}
