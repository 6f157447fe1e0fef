package dispatch

import (
	"context"
	"encoding/json"
	"math"
	"slices"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"

	"sitrep/internal/api"
	"sitrep/internal/journal"
	"sitrep/internal/layers"
)

// Fix is one position report from a team's device.
type Fix struct {
	TeamID     int64     `json:"team_id"`
	Lon        *float64  `json:"lon"`
	Lat        *float64  `json:"lat"`
	ObservedAt time.Time `json:"observed_at"`
	SpeedMS    *float64  `json:"speed,omitempty"`
	HeadingDeg *float64  `json:"heading,omitempty"`
}

// MaxBatch bounds one request's fixes.
const MaxBatch = 5000

// MaxClockSkew is how far in the future a fix's time may be (device clocks
// drift); later is refused, or it would freeze the team's last position.
const MaxClockSkew = 5 * time.Minute

// Ingested says what a batch did.
type Ingested struct {
	Received int `json:"received"`
	// Stored fixes are new to the track; the rest were already there
	// (a retried batch) and changed nothing.
	Stored     int `json:"stored"`
	Duplicates int `json:"duplicates"`
	// Moved teams had a fix newer than their last position.
	Moved     []int64    `json:"moved"`
	Crossings []Crossing `json:"crossings"`
}

// Crossing is a team entering or leaving an active zone.
type Crossing struct {
	TeamID     int64   `json:"team_id"`
	ZoneID     int64   `json:"zone_id"`
	IncidentID *int64  `json:"incident_id"`
	Action     string  `json:"action"` // enter or exit
	DepthM     float64 `json:"depth_m"`
}

func validateFixes(fixes []Fix, now time.Time) error {
	if len(fixes) == 0 {
		return api.InvalidField("", "至少发送一个定位点")
	}
	if len(fixes) > MaxBatch {
		return api.InvalidField("", "每批最多 "+strconv.Itoa(MaxBatch)+" 个定位点")
	}
	var errs []api.FieldError
	bad := func(i int, f, d string) {
		errs = append(errs, api.FieldError{Field: "/" + strconv.Itoa(i) + "/" + f, Detail: d})
	}
	for i, f := range fixes {
		if f.TeamID < 1 {
			bad(i, "team_id", "必填：救援队伍编号")
		}
		if f.Lon == nil || !(*f.Lon >= -180 && *f.Lon <= 180) {
			bad(i, "lon", "必填：经度，[-180, 180]（WGS 84）")
		}
		if f.Lat == nil || !(*f.Lat >= -90 && *f.Lat <= 90) {
			bad(i, "lat", "必填：纬度，[-90, 90]（WGS 84）")
		}
		switch {
		case f.ObservedAt.IsZero():
			bad(i, "observed_at", "必填：定位时间（RFC 3339）")
		case f.ObservedAt.After(now.Add(MaxClockSkew)):
			bad(i, "observed_at", "晚于当前时间，请检查设备时钟")
		}
		if f.SpeedMS != nil && !(*f.SpeedMS >= 0 && !math.IsInf(*f.SpeedMS, 0)) {
			bad(i, "speed", "须 ≥ 0 m/s")
		}
		if f.HeadingDeg != nil && !(*f.HeadingDeg >= 0 && *f.HeadingDeg < 360) {
			bad(i, "heading", "须在 [0, 360) 度之间（从真北起顺时针）")
		}
	}
	if len(errs) > 0 {
		return api.Invalid(errs...)
	}
	return nil
}

// Ingest stores a batch of fixes. Each (team, observed_at) is stored once
// however often it is sent; a fix older than the team's last position goes
// to the track only; each team that moved gets one event with its Feature
// (its latest fix), so a device sending once a second in batches of 30
// costs one event, not 30. Batches that arrive while another commits are
// committed together in one transaction (group commit, see groupCommit):
// one event per team per group, each batch's audit row under its own
// caller, and each batch answered for its own fixes.
func (s *Store) Ingest(ctx context.Context, actor journal.Actor, fixes []Fix) (*Ingested, error) {
	if err := validateFixes(fixes, s.Now()); err != nil {
		return nil, err
	}
	// As PostgreSQL keeps them (pgx sends whole microseconds), so that a
	// fix is recognised in what the track returns.
	fixes = slices.Clone(fixes)
	for i := range fixes {
		fixes[i].ObservedAt = fixes[i].ObservedAt.Truncate(time.Microsecond).UTC()
	}
	req := &ingestReq{actor: actor, fixes: fixes, done: make(chan struct{})}
	s.positions.submit(s, req)
	select {
	case <-req.done:
		return req.res, req.err
	case <-ctx.Done():
		// The group goes on (it may commit this batch): as with any write
		// whose caller left mid-commit, a retry is harmless.
		return nil, ctx.Err()
	}
}

// fixColumns is a batch of fixes as one array per column, the shape
// unnest takes, so the whole batch is one statement however long it is.
type fixColumns struct {
	teamIDs          []int64
	times            []time.Time
	lons, lats       []float64
	speeds, headings []*float64
}

func columnsOf(fixes []Fix) fixColumns {
	n := len(fixes)
	c := fixColumns{teamIDs: make([]int64, n), times: make([]time.Time, n), lons: make([]float64, n), lats: make([]float64, n),
		speeds: make([]*float64, n), headings: make([]*float64, n)}
	for i, f := range fixes {
		c.teamIDs[i], c.lons[i], c.lats[i], c.times[i] = f.TeamID, *f.Lon, *f.Lat, f.ObservedAt
		c.speeds[i], c.headings[i] = f.SpeedMS, f.HeadingDeg
	}
	return c
}

// fixKey is what makes a fix the same fix: idempotence is per (team,
// observed_at).
type fixKey struct {
	team int64
	at   time.Time
}

// lockRead is what queueLock's SELECT says: each existing team's position
// time before the group, zero for a team with none; missing ids are absent.
type lockRead struct{ prev map[int64]time.Time }

// queueLock locks the named teams in id order (concurrent writers never
// deadlock; a status change cannot interleave with a move) and reads their
// position times: one statement is the lock, the existence check and the
// read the group's moves are decided from.
func queueLock(b *pgx.Batch, ids []int64) *lockRead {
	ids = slices.Clone(ids)
	slices.Sort(ids)
	ids = slices.Compact(ids)
	out := &lockRead{prev: make(map[int64]time.Time, len(ids))}
	b.Queue(`SELECT id, observed_at FROM rescue_teams WHERE id = ANY($1) ORDER BY id FOR UPDATE`, ids).Query(func(rows pgx.Rows) error {
		var (
			id int64
			at *time.Time
		)
		_, err := pgx.ForEachRow(rows, []any{&id, &at}, func() error {
			out.prev[id] = time.Time{}
			if at != nil {
				out.prev[id] = *at
			}
			return nil
		})
		return err
	})
	return out
}

// trackRead is what queueTrack's INSERT says: the fixes new to the track.
type trackRead struct{ stored map[fixKey]bool }

// queueTrack adds the fixes to the teams' tracks; the read gets those that
// were new: ON CONFLICT DO NOTHING is what makes a retried batch harmless.
func queueTrack(b *pgx.Batch, c fixColumns) *trackRead {
	out := &trackRead{stored: map[fixKey]bool{}}
	b.Queue(`INSERT INTO team_positions (team_id, observed_at, geom, speed_ms, heading_deg)
		SELECT f.team_id, f.t, ST_SetSRID(ST_MakePoint(f.lon, f.lat), 4326), f.speed, f.heading
		FROM unnest($1::bigint[], $2::timestamptz[], $3::float8[], $4::float8[], $5::float8[], $6::float8[])
			AS f(team_id, t, lon, lat, speed, heading)
		ON CONFLICT (team_id, observed_at) DO NOTHING
		RETURNING team_id, observed_at`, c.teamIDs, c.times, c.lons, c.lats, c.speeds, c.headings).Query(func(rows pgx.Rows) error {
		var k fixKey
		_, err := pgx.ForEachRow(rows, []any{&k.team, &k.at}, func() error {
			out.stored[fixKey{k.team, k.at.UTC()}] = true
			return nil
		})
		return err
	})
	return out
}

// moves are the teams a group moves, each to its latest fix of the group,
// in id order, one array per column.
type moves struct {
	ids        []int64
	times      []time.Time
	lons, lats []float64
}

// movesOf picks the teams that a group's fixes move: those whose latest
// fix (the first sent, of equal times, as the track keeps it) is newer
// than their position before the group. prev was read under the teams'
// locks, so nothing else can move them before the UPDATE does.
func movesOf(fixes []Fix, latest map[int64]int, prev map[int64]time.Time) moves {
	var m moves
	for team, i := range latest {
		if p := prev[team]; p.IsZero() || fixes[i].ObservedAt.After(p) {
			m.ids = append(m.ids, team)
		}
	}
	slices.Sort(m.ids)
	for _, team := range m.ids {
		f := fixes[latest[team]]
		m.times, m.lons, m.lats = append(m.times, f.ObservedAt), append(m.lons, *f.Lon), append(m.lats, *f.Lat)
	}
	return m
}

// moveRead is what queueMove's UPDATE says: the teams that moved and their
// Features as the rescue_teams layer serves them (what their events carry).
type moveRead struct {
	moved    []int64
	features map[int64]json.RawMessage
}

// queueMove sets each team's last position to its move, guarded again in
// SQL (a late fix never moves a team back), and reads the moved teams'
// Features from the UPDATE itself rather than reading the rows again.
func queueMove(b *pgx.Batch, m moves) *moveRead {
	out := &moveRead{moved: []int64{}, features: map[int64]json.RawMessage{}}
	if len(m.ids) == 0 {
		return out
	}
	b.Queue(`UPDATE rescue_teams t SET last_position = ST_SetSRID(ST_MakePoint(f.lon, f.lat), 4326), observed_at = f.t
		FROM unnest($1::bigint[], $2::timestamptz[], $3::float8[], $4::float8[]) AS f(id, t, lon, lat)
		WHERE t.id = f.id AND (t.observed_at IS NULL OR t.observed_at < f.t)
		RETURNING t.id, `+layers.RescueTeams.FeatureSQL("t"), m.ids, m.times, m.lons, m.lats).Query(func(rows pgx.Rows) error {
		var (
			id      int64
			feature string
		)
		_, err := pgx.ForEachRow(rows, []any{&id, &feature}, func() error {
			out.moved = append(out.moved, id)
			out.features[id] = json.RawMessage(feature)
			return nil
		})
		slices.Sort(out.moved)
		return err
	})
	return out
}

// crossingChange is the event of a team entering or leaving a zone: the
// team's Feature, so map clients can draw it, with the crossing added.
func crossingChange(c Crossing, teamFeature json.RawMessage) (journal.Change, error) {
	var feat map[string]any
	if err := json.Unmarshal(teamFeature, &feat); err != nil {
		return journal.Change{}, err
	}
	feat["crossing"] = c
	return journal.Change{Entity: "rescue_teams", EntityID: strconv.FormatInt(c.TeamID, 10),
		Action: c.Action, After: c, Topic: layers.RescueTeams.Name, Event: feat}, nil
}
