package incidentstore

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/paulmach/orb"

	"sitrep/incidents"
	"sitrep/incidents/orgplan"
	"sitrep/internal/api"
	"sitrep/internal/db"
	"sitrep/internal/journal"
)

// Topic is the live-stream topic (and map layer) of incidents.
const Topic = "incidents"

// Store keeps incidents. Now is the clock every rule is evaluated at; tests
// replace it.
type Store struct {
	pool *pgxpool.Pool
	plan *orgplan.Plan
	Now  func() time.Time
	// OnClose are what else leaves the map with a closed incident (closing.go).
	OnClose []ClosedFunc
}

// New returns a store on pool that routes and activates with plan.
func New(pool *pgxpool.Pool, plan *orgplan.Plan) *Store {
	return &Store{pool: pool, plan: plan, Now: time.Now}
}

func (s *Store) now() time.Time { return s.Now().UTC() }

func notFound(id int64) error { return api.NotFound("事件 " + strconv.FormatInt(id, 10)) }

// Get returns one incident as of now.
func (s *Store) Get(ctx context.Context, id int64) (Feature, error) {
	rec, err := load(ctx, s.pool, id, false)
	if db.IsNotFound(err) {
		return Feature{}, notFound(id)
	}
	if err != nil {
		return Feature{}, err
	}
	return feature(rec, s.plan, s.now()), nil
}

// List returns the incidents, newest first; openOnly leaves out closed ones.
func (s *Store) List(ctx context.Context, openOnly bool) (FeatureCollection, error) {
	where := `true`
	if openOnly {
		where = `state <> 'closed'`
	}
	recs, err := loadMany(ctx, s.pool, where)
	if err != nil {
		return FeatureCollection{}, err
	}
	now := s.now()
	fc := FeatureCollection{Type: "FeatureCollection", Features: make([]Feature, 0, len(recs))}
	for _, rec := range recs {
		fc.Features = append(fc.Features, feature(rec, s.plan, now))
	}
	return fc, nil
}

// Stats counts the real incidents that occurred in [from, to) (either may
// be zero for open-ended); drills are counted apart and in nothing else.
func (s *Store) Stats(ctx context.Context, from, to time.Time) (incidents.Stats, error) {
	var fromArg, toArg *time.Time
	if !from.IsZero() {
		fromArg = &from
	}
	if !to.IsZero() {
		toArg = &to
	}
	recs, err := loadMany(ctx, s.pool, `($1::timestamptz IS NULL OR occurred_at >= $1) AND ($2::timestamptz IS NULL OR occurred_at < $2)`, fromArg, toArg)
	if err != nil {
		return incidents.Stats{}, err
	}
	list := make([]incidents.Incident, len(recs))
	for i, rec := range recs {
		list[i] = rec.Inc
	}
	return incidents.Tally(list), nil
}

// mutate loads the incident locked, lets fn change it, saves it with the
// rules' results and returns the journal change carrying the new Feature.
// It is the one path every incident write takes, inside a journal.Write.
func (s *Store) mutate(ctx context.Context, tx pgx.Tx, id int64, action string,
	fn func(rec *record, now time.Time) error) (journal.Change, Feature, error) {
	now := s.now()
	rec, err := load(ctx, tx, id, true)
	if db.IsNotFound(err) {
		return journal.Change{}, Feature{}, notFound(id)
	}
	if err != nil {
		return journal.Change{}, Feature{}, err
	}
	before := feature(rec, s.plan, now)
	if err := fn(rec, now); err != nil {
		return journal.Change{}, Feature{}, err
	}
	if err := save(ctx, tx, rec); err != nil {
		return journal.Change{}, Feature{}, err
	}
	fresh, err := load(ctx, tx, id, false)
	if err != nil {
		return journal.Change{}, Feature{}, err
	}
	after := feature(fresh, s.plan, now)
	return journal.Change{Entity: "incidents", EntityID: strconv.FormatInt(id, 10), Action: action,
		Before: before, After: after, Topic: Topic, Event: after, Drill: rec.Inc.Drill}, after, nil
}

// write runs one mutation as a journalled write.
func (s *Store) write(ctx context.Context, actor journal.Actor, id int64, action string,
	fn func(tx pgx.Tx, rec *record, now time.Time) error) (Feature, error) {
	return s.writeThen(ctx, actor, id, action, fn, nil)
}

// writeThen is write with then run after the mutation, in its
// transaction: the further changes it returns are recorded with the
// incident's (what leaves the map with a closed incident).
func (s *Store) writeThen(ctx context.Context, actor journal.Actor, id int64, action string,
	fn func(tx pgx.Tx, rec *record, now time.Time) error, then func(tx pgx.Tx) ([]journal.Change, error)) (Feature, error) {
	var out Feature
	_, err := journal.Write(ctx, s.pool, actor, func(tx pgx.Tx) ([]journal.Change, error) {
		ch, f, err := s.mutate(ctx, tx, id, action, func(rec *record, now time.Time) error { return fn(tx, rec, now) })
		if err != nil {
			return nil, err
		}
		out = f
		changes := []journal.Change{ch}
		if then != nil {
			more, err := then(tx)
			if err != nil {
				return nil, err
			}
			changes = append(changes, more...)
		}
		return changes, nil
	})
	return out, err
}

// NewIncident is what creating an incident takes. A first report may be
// partial (4.1.3): kind, occurrence time and a place or location suffice.
type NewIncident struct {
	Kind            incidents.Kind
	Place           string
	Township        string
	Unit            string
	OccurredAt      time.Time // zero: now
	ReportedAt      time.Time // zero: now
	Drill           bool
	Casualties      incidents.Casualties
	OtherRiskReason string
	Location        *string // GeoJSON Point, validated
	Area            *string // GeoJSON Polygon or MultiPolygon, validated
}

// Create stores a new incident in state reported.
func (s *Store) Create(ctx context.Context, actor journal.Actor, in NewIncident) (Feature, error) {
	inc, err := in.incident(s.now())
	if err != nil {
		return Feature{}, err
	}
	in.OccurredAt, in.ReportedAt = inc.OccurredAt, in.ReportedAt.UTC()
	var out Feature
	_, err = journal.Write(ctx, s.pool, actor, func(tx pgx.Tx) ([]journal.Change, error) {
		if err := checkArea(ctx, tx, in.Area); err != nil {
			return nil, err
		}
		var id int64
		err := tx.QueryRow(ctx, `INSERT INTO incidents (kind, occurred_at, reported_at, drill, grade, grade_reasons, at_risk, state, state_since)
			VALUES ($1, $2, $3, $4, 'IV', '[]', false, 'reported', $3) RETURNING id`,
			inc.Kind.Code(), inc.OccurredAt, in.ReportedAt.UTC(), inc.Drill).Scan(&id)
		if err != nil {
			return nil, err
		}
		if err := setGeometry(ctx, tx, id, in.Location, in.Area, in.Location != nil, in.Area != nil); err != nil {
			return nil, err
		}
		ch, f, err := s.mutate(ctx, tx, id, "create", func(rec *record, now time.Time) error {
			rec.Inc.Place, rec.Inc.Township, rec.Inc.Unit = inc.Place, inc.Township, inc.Unit
			rec.Inc.Casualties, rec.Inc.OtherRiskReason = inc.Casualties, inc.OtherRiskReason
			return AddTimeline(ctx, tx, id, now, actor.Name, "created", "", map[string]any{"drill": inc.Drill})
		})
		if err != nil {
			return nil, err
		}
		ch.Before = nil
		out = f
		return []journal.Change{ch}, nil
	})
	return out, err
}

// incident is the new incident in, checked by the rules before it is
// stored: omitted times are now, by the server's clock (a caller's own clock
// may run ahead of ours, and "now" must never be in the future).
func (in *NewIncident) incident(now time.Time) (incidents.Incident, error) {
	if in.OccurredAt.IsZero() {
		in.OccurredAt = now
	}
	if in.ReportedAt.IsZero() {
		in.ReportedAt = now
	}
	var loc *incidents.LonLat
	if in.Location != nil {
		loc = &incidents.LonLat{} // presence is what Validate needs; coordinates were checked on decoding
	}
	inc := incidents.Incident{Kind: in.Kind, Place: strings.TrimSpace(in.Place), Location: loc,
		Township: strings.TrimSpace(in.Township), Unit: strings.TrimSpace(in.Unit),
		OccurredAt: in.OccurredAt.UTC(), Drill: in.Drill, Casualties: in.Casualties,
		OtherRiskReason: strings.TrimSpace(in.OtherRiskReason)}
	if err := inc.Validate(); err != nil {
		return incidents.Incident{}, err
	}
	if err := checkTimes(inc.OccurredAt, in.ReportedAt.UTC(), now); err != nil {
		return incidents.Incident{}, err
	}
	return inc, nil
}

// checkTimes refuses a report received before the accident, or times in
// the future (a minute of clock skew allowed).
func checkTimes(occurred, reported, now time.Time) error {
	var errs []api.FieldError
	skew := now.Add(time.Minute)
	if occurred.After(skew) {
		errs = append(errs, api.FieldError{Field: "/occurred_at", Code: "future", Detail: inFuture})
	}
	if reported.After(skew) {
		errs = append(errs, api.FieldError{Field: "/reported_at", Code: "future", Detail: inFuture})
	}
	if reported.Before(occurred) {
		errs = append(errs, api.FieldError{Field: "/reported_at", Code: "before_occurrence", Detail: beforeOccurrence})
	}
	if len(errs) > 0 {
		return api.Invalid(errs...)
	}
	return nil
}

// checkArea asks PostGIS whether the area is a valid polygon (no
// self-intersections), naming why not.
func checkArea(ctx context.Context, tx pgx.Tx, area *string) error {
	if area == nil {
		return nil
	}
	var (
		valid  bool
		reason string
	)
	if err := tx.QueryRow(ctx, `SELECT ST_IsValid(g), ST_IsValidReason(g) FROM (SELECT ST_GeomFromGeoJSON($1) AS g) x`, *area).Scan(&valid, &reason); err != nil {
		return err
	}
	if !valid {
		return api.InvalidField("/area", "多边形无效："+db.ValidityReason(reason))
	}
	return nil
}

// CasualtiesPatch changes some counts and leaves the others.
type CasualtiesPatch struct {
	Deaths          *int   `json:"deaths"`
	SeriousInjuries *int   `json:"serious_injuries"`
	Trapped         *int   `json:"trapped"`
	Missing         *int   `json:"missing"`
	Endangered      *int   `json:"endangered"`
	Evacuated       *int   `json:"evacuated"`
	DirectLossYuan  *int64 `json:"direct_loss_yuan"`
}

// Apply returns c with the patch's counts.
func (p *CasualtiesPatch) Apply(c incidents.Casualties) incidents.Casualties {
	if p == nil {
		return c
	}
	set := func(dst *int, v *int) {
		if v != nil {
			*dst = *v
		}
	}
	set(&c.Deaths, p.Deaths)
	set(&c.SeriousInjuries, p.SeriousInjuries)
	set(&c.Trapped, p.Trapped)
	set(&c.Missing, p.Missing)
	set(&c.Endangered, p.Endangered)
	set(&c.Evacuated, p.Evacuated)
	if p.DirectLossYuan != nil {
		c.DirectLossYuan = *p.DirectLossYuan
	}
	return c
}

// Patch is an edit of an incident's facts; nil fields stay as they are.
type Patch struct {
	Kind            *incidents.Kind
	Place           *string
	Township        *string
	Unit            *string
	OccurredAt      *time.Time
	Casualties      *CasualtiesPatch
	OtherRiskReason *string
	Location        *string // GeoJSON Point
	Area            *string // GeoJSON Polygon or MultiPolygon
	// ClearArea removes the area (the body said "area": null).
	ClearArea bool
}

// Update applies p when the stored version is still version (If-Match).
// The grade and 较大涉险 flags are recomputed; a stricter reporting duty
// starts its clocks now (incidents.Incident.Revise).
func (s *Store) Update(ctx context.Context, actor journal.Actor, id int64, version int, p Patch) (Feature, error) {
	return s.write(ctx, actor, id, "update", func(tx pgx.Tx, rec *record, now time.Time) error {
		if rec.Version != version {
			return api.PreconditionFailed(fmt.Sprintf("该事件现为第 %d 版，而非第 %d 版：已被他人修改，请重新读取", rec.Version, version))
		}
		before := rec.Inc.Assess()
		if p.Kind != nil && *p.Kind != rec.Inc.Kind {
			if rec.Response != nil {
				return api.Conflict("/kind", "已按此事故类别启动响应，牵头单位和工作组由类别确定，不能再改类别（类别有误时请新建事件）")
			}
			rec.Inc.Kind = *p.Kind
		}
		str := func(dst *string, v *string) {
			if v != nil {
				*dst = strings.TrimSpace(*v)
			}
		}
		str(&rec.Inc.Place, p.Place)
		str(&rec.Inc.Township, p.Township)
		str(&rec.Inc.Unit, p.Unit)
		if p.OccurredAt != nil {
			rec.Inc.OccurredAt = p.OccurredAt.UTC()
			if err := checkTimes(rec.Inc.OccurredAt, rec.ReportedAt, now); err != nil {
				return err
			}
		}
		if p.Location != nil && rec.Inc.Location == nil {
			rec.Inc.Location = &incidents.LonLat{}
		}
		other := rec.Inc.OtherRiskReason
		str(&other, p.OtherRiskReason)
		if err := rec.Inc.Revise(p.Casualties.Apply(rec.Inc.Casualties), rec.Inc.Exposure, other, now); err != nil {
			return err
		}
		if p.Area != nil {
			if err := checkArea(ctx, tx, p.Area); err != nil {
				return err
			}
		}
		if p.Location != nil || p.Area != nil || p.ClearArea {
			if err := setGeometry(ctx, tx, id, p.Location, p.Area, p.Location != nil, p.Area != nil || p.ClearArea); err != nil {
				return err
			}
		}
		return AddTimeline(ctx, tx, id, now, actor.Name, "updated", "", assessmentChange(before, rec.Inc.Assess()))
	})
}

// assessmentChange notes in the timeline how the grade and flags moved.
func assessmentChange(before, after incidents.Assessment) map[string]any {
	codes := func(fs []incidents.RiskFlag) []string {
		out := []string{}
		for _, f := range fs {
			out = append(out, f.Criterion.Code())
		}
		return out
	}
	return map[string]any{
		"grade_before": before.Grade, "grade_after": after.Grade,
		"risk_flags_before": codes(before.RiskFlags), "risk_flags_after": codes(after.RiskFlags),
	}
}

// SetExposure replaces what lies inside the incident's zones (the spatial
// inputs of 1.5.2 (4) and (5)) and recomputes the grade and flags. It runs
// inside the caller's journal.Write (the zones feature owns that write) and
// returns the change to record with it.
func (s *Store) SetExposure(ctx context.Context, tx pgx.Tx, id int64, e incidents.Exposure) (journal.Change, error) {
	ch, _, err := s.mutate(ctx, tx, id, "exposure", func(rec *record, now time.Time) error {
		before := rec.Inc.Assess()
		if err := rec.Inc.Revise(rec.Inc.Casualties, e, rec.Inc.OtherRiskReason, now); err != nil {
			return err
		}
		return AddTimeline(ctx, tx, id, now, "zones", "exposure", "", map[string]any{
			"exposure": e, "assessment": assessmentChange(before, rec.Inc.Assess())})
	})
	return ch, err
}

// Layer names the live-stream layer; with Snapshot, Store is the layer's
// realtime.Snapshotter.
func (s *Store) Layer() string { return Topic }

// Snapshot returns the open incidents (closed ones leave the map) whose
// location meets bbox, and those not located yet (reported by place name
// only: on every wall, as the live stream sends them), as the Features their
// events carry.
func (s *Store) Snapshot(ctx context.Context, tx pgx.Tx, bbox *orb.Bound) ([]json.RawMessage, error) {
	var args [4]*float64
	if bbox != nil {
		args = [4]*float64{&bbox.Min[0], &bbox.Min[1], &bbox.Max[0], &bbox.Max[1]}
	}
	recs, err := loadMany(ctx, tx, `state <> 'closed' AND ($1::float8 IS NULL OR location IS NULL OR location && ST_MakeEnvelope($1, $2, $3, $4, 4326))`,
		args[0], args[1], args[2], args[3])
	if err != nil {
		return nil, err
	}
	now := s.now()
	out := make([]json.RawMessage, 0, len(recs))
	for _, rec := range recs {
		b, err := json.Marshal(feature(rec, s.plan, now))
		if err != nil {
			return nil, err
		}
		out = append(out, b)
	}
	return out, nil
}
