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

// storeTrack adds the fixes to the teams' tracks and returns those that
// were new: ON CONFLICT DO NOTHING is what makes a retried batch harmless.
func storeTrack(ctx context.Context, tx pgx.Tx, b fixColumns) (map[fixKey]bool, error) {
	rows, err := tx.Query(ctx, `INSERT INTO team_positions (team_id, observed_at, geom, speed_ms, heading_deg)
		SELECT f.team_id, f.t, ST_SetSRID(ST_MakePoint(f.lon, f.lat), 4326), f.speed, f.heading
		FROM unnest($1::bigint[], $2::timestamptz[], $3::float8[], $4::float8[], $5::float8[], $6::float8[])
			AS f(team_id, t, lon, lat, speed, heading)
		ON CONFLICT (team_id, observed_at) DO NOTHING
		RETURNING team_id, observed_at`, b.teamIDs, b.times, b.lons, b.lats, b.speeds, b.headings)
	if err != nil {
		return nil, err
	}
	stored := map[fixKey]bool{}
	for rows.Next() {
		var k fixKey
		if err := rows.Scan(&k.team, &k.at); err != nil {
			rows.Close()
			return nil, err
		}
		stored[fixKey{k.team, k.at.UTC()}] = true
	}
	return stored, rows.Err()
}

// moveTeams sets each team's last position to its latest fix of the batch
// when that is newer than the one it has (fixes arrive out of order), and
// returns the teams that moved.
func moveTeams(ctx context.Context, tx pgx.Tx, b fixColumns) ([]int64, error) {
	rows, err := tx.Query(ctx, `UPDATE rescue_teams t SET last_position = f.geom, observed_at = f.observed_at
		FROM (SELECT DISTINCT ON (p.team_id) p.team_id, p.observed_at, p.geom
		      FROM team_positions p
		      JOIN unnest($1::bigint[], $2::timestamptz[]) AS b(team_id, t) ON b.team_id = p.team_id AND b.t = p.observed_at
		      ORDER BY p.team_id, p.observed_at DESC) f
		WHERE t.id = f.team_id AND (t.observed_at IS NULL OR t.observed_at < f.observed_at)
		RETURNING t.id`, b.teamIDs, b.times)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowTo[int64])
}

// teamFeatures reads the teams' Features as the rescue_teams layer serves
// them: what their events carry.
func teamFeatures(ctx context.Context, tx pgx.Tx, ids []int64) (map[int64]json.RawMessage, error) {
	return layers.RescueTeams.GetMany(ctx, tx, ids)
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
