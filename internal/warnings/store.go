package warnings

// The store keeps every version of every warning in PostGIS (tables
// warnings and warning_versions) and publishes each change on the live
// stream, topic "warnings", with the warning's GeoJSON Feature as
// GET /api/v1/warnings/{id} returns it.

import (
	"context"
	"encoding/json"
	"errors"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/paulmach/orb"

	"sitrep/internal/api"
	"sitrep/internal/areas"
	"sitrep/internal/beijing"
	"sitrep/internal/db"
	"sitrep/internal/journal"
)

// Topic is the live-stream topic and map layer of warnings.
const Topic = "warnings"

// Store keeps warnings. Now is the clock for issue times; tests replace it.
type Store struct {
	pool *pgxpool.Pool
	// Issuer is the issuing unit coded in identifiers and CAP <sender>:
	// the county with the bureau's GB/T 4657 organisation code (a setting).
	Issuer Issuer
	Now    func() time.Time
	// Outbox, when set, queues each new version's deliveries to the
	// release channels in the transaction that publishes it.
	Outbox Outbox
}

// Outbox queues a version's deliveries to the warning release channels
// (plan 3.2.2) inside the transaction that publishes the version, so a
// version is never published without its deliveries nor the other way round.
type Outbox interface {
	Enqueue(ctx context.Context, tx pgx.Tx, warningID, versionID int64, w Warning) error
}

// NewStore returns a store on pool issuing as CountyIssuer.
func NewStore(pool *pgxpool.Pool) *Store {
	return &Store{pool: pool, Issuer: CountyIssuer, Now: time.Now}
}

// Feature is a version of a warning as the API and the live stream carry
// it: the area as geometry (written by PostGIS), everything else in
// properties.
type Feature struct {
	Type       string          `json:"type"`
	ID         string          `json:"id"` // the warning, the same across versions; spelled as the events' entity_id
	Geometry   json.RawMessage `json:"geometry"`
	Properties map[string]any  `json:"properties"`
}

// FeatureCollection is a list of warnings for the map.
type FeatureCollection struct {
	Type     string    `json:"type"`
	Features []Feature `json:"features"`
}

// stored is one version as read back.
type stored struct {
	WarningID  int64
	IncidentID *int64
	IssuedBy   string
	Geometry   json.RawMessage
	W          Warning
	// Deliveries are the version's deliveries to the release channels, as
	// a JSON array (see deliveriesSQL).
	Deliveries json.RawMessage
}

func (s stored) feature() Feature {
	b, _ := json.Marshal(s.W)
	props := map[string]any{}
	_ = json.Unmarshal(b, &props)
	delete(props, "area") // it is the geometry
	cat, _ := LookupCategory(s.W.Category)
	label := s.W.Level.Colour() + "预警 " + cat.Name
	if s.W.Drill {
		label = drillMark + label
	}
	props["version_id"] = s.W.ID
	props["warning_id"] = s.WarningID
	props["incident_id"] = s.IncidentID
	props["issued_by"] = s.IssuedBy
	props["label"] = label
	props["level_label"] = s.W.Level.Label()
	props["colour"] = s.W.Level.Hex()
	props["category_name"] = cat.Name
	props["root_identifier"] = s.W.Root()
	props["issued_at_beijing"] = beijing.Format(s.W.IssuedAt)
	props["onset_beijing"] = beijing.Format(s.W.Onset)
	props["crosses_border"] = s.W.CrossesBorder()
	props["deliveries"] = s.Deliveries
	return Feature{Type: "Feature", ID: strconv.FormatInt(s.WarningID, 10), Geometry: s.Geometry, Properties: props}
}

const versionColumns = `v.id, v.warning_id, w.incident_id, v.issued_by, ST_AsGeoJSON(v.area, 7), v.body, ` + deliveriesSQL

// deliveriesSQL lists a version's deliveries (the outbox, kept by package
// channels) with each channel's name and kind: what the console shows on
// the warning. Never the channel's address or credentials.
const deliveriesSQL = `(SELECT coalesce(json_agg(json_build_object('id', d.id, 'channel_id', c.id, 'channel', c.name,
	'kind', c.kind, 'state', d.state, 'attempts', d.attempts, 'last_status', d.last_status, 'last_error', d.last_error,
	'next_attempt_at', d.next_attempt_at, 'delivered_at', d.delivered_at) ORDER BY d.id), '[]')
	FROM warning_deliveries d JOIN warning_channels c ON c.id = d.channel_id WHERE d.version_id = v.id)`

func readVersions(ctx context.Context, q db.Querier, where string, args ...any) ([]stored, error) {
	rows, err := q.Query(ctx, `SELECT `+versionColumns+` FROM warning_versions v JOIN warnings w ON w.id = v.warning_id
		WHERE `+where+` ORDER BY v.warning_id, v.id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []stored
	for rows.Next() {
		var (
			s    stored
			id   int64
			geom string
			body []byte
			dels []byte
		)
		if err := rows.Scan(&id, &s.WarningID, &s.IncidentID, &s.IssuedBy, &geom, &body, &dels); err != nil {
			return nil, err
		}
		if err := json.Unmarshal(body, &s.W); err != nil {
			return nil, err
		}
		s.W.ID = id
		s.Geometry = json.RawMessage(geom)
		s.Deliveries = json.RawMessage(dels)
		out = append(out, s)
	}
	return out, rows.Err()
}

func notFound(id int64) error { return api.NotFound("预警 " + strconv.FormatInt(id, 10)) }

// current returns the latest version of a warning.
func current(ctx context.Context, q db.Querier, id int64) (stored, error) {
	vs, err := readVersions(ctx, q, `v.id = (SELECT max(id) FROM warning_versions WHERE warning_id = $1)`, id)
	if err != nil {
		return stored{}, err
	}
	if len(vs) == 0 {
		return stored{}, notFound(id)
	}
	return vs[0], nil
}

// Active returns the warnings in force (their current, active version).
func (s *Store) Active(ctx context.Context) (FeatureCollection, error) {
	vs, err := readVersions(ctx, s.pool, `v.status = 'active'`)
	if err != nil {
		return FeatureCollection{}, err
	}
	fc := FeatureCollection{Type: "FeatureCollection", Features: make([]Feature, 0, len(vs))}
	for _, v := range vs {
		fc.Features = append(fc.Features, v.feature())
	}
	return fc, nil
}

// Get returns a warning's current version.
func (s *Store) Get(ctx context.Context, id int64) (Feature, error) {
	v, err := current(ctx, s.pool, id)
	if err != nil {
		return Feature{}, err
	}
	return v.feature(), nil
}

// History returns every version of a warning, oldest first.
func (s *Store) History(ctx context.Context, id int64) (FeatureCollection, error) {
	vs, err := readVersions(ctx, s.pool, `v.warning_id = $1`, id)
	if err != nil {
		return FeatureCollection{}, err
	}
	if len(vs) == 0 {
		return FeatureCollection{}, notFound(id)
	}
	fc := FeatureCollection{Type: "FeatureCollection", Features: make([]Feature, 0, len(vs))}
	for _, v := range vs {
		fc.Features = append(fc.Features, v.feature())
	}
	return fc, nil
}

// CAPOf returns the CAP 1.2 XML of a warning's current version, or of the
// version with identifier when it is not empty.
func (s *Store) CAPOf(ctx context.Context, id int64, identifier string) ([]byte, error) {
	var v stored
	if identifier == "" {
		var err error
		if v, err = current(ctx, s.pool, id); err != nil {
			return nil, err
		}
	} else {
		vs, err := readVersions(ctx, s.pool, `v.warning_id = $1 AND v.identifier = $2`, id, identifier)
		if err != nil {
			return nil, err
		}
		if len(vs) == 0 {
			return nil, api.NotFound("预警 " + strconv.FormatInt(id, 10) + " 的版本 " + identifier)
		}
		v = vs[0]
	}
	return v.W.CAP()
}

// stamp takes the next GB/T 35965.1 sequence number for this second inside
// tx. The upsert locks the counter row until commit, so concurrent issuers
// (on any server) get distinct numbers and a rollback frees its number.
func (s *Store) stamp(ctx context.Context, tx pgx.Tx) (Stamp, error) {
	at := s.Now().UTC().Truncate(time.Second)
	var seq int
	err := tx.QueryRow(ctx, `INSERT INTO warning_identifier_seq (sender, second, next) VALUES ($1, $2, 1)
		ON CONFLICT (sender, second) DO UPDATE SET next = warning_identifier_seq.next + 1
		RETURNING next - 1`, s.Issuer.Code(), at).Scan(&seq)
	if err != nil {
		return Stamp{}, err
	}
	id, err := NewIdentifier(s.Issuer, at, seq)
	if errors.Is(err, ErrSequenceExhausted) {
		return Stamp{}, api.TooManyRequests("这一秒内已发布十条预警（GB/T 35965.1 每秒编号 0–9），请稍后重试", 1)
	}
	if err != nil {
		return Stamp{}, err
	}
	return Stamp{Identifier: id, IssuedAt: at}, nil
}

// checkArea asks PostGIS whether the area is valid (rings that do not cross
// themselves or each other) and names why not.
func checkArea(ctx context.Context, tx pgx.Tx, geojson []byte) error {
	var (
		valid  bool
		reason string
	)
	if err := tx.QueryRow(ctx, `SELECT ST_IsValid(g), ST_IsValidReason(g) FROM (SELECT ST_SetSRID(ST_GeomFromGeoJSON($1), 4326) AS g) x`,
		string(geojson)).Scan(&valid, &reason); err != nil {
		return err
	}
	if !valid {
		return api.InvalidField("/area", "范围无效："+db.ValidityReason(reason))
	}
	return nil
}

// insertVersion stores w (already checked by New, Adjust or Lift) as a
// version of warning warningID, with where its area lies with respect to
// the county, and queues its deliveries to the release channels.
func (s *Store) insertVersion(ctx context.Context, tx pgx.Tx, warningID int64, w Warning, by string) (int64, error) {
	area, err := w.Area.GeoJSON()
	if err != nil {
		return 0, err
	}
	if err := checkArea(ctx, tx, area); err != nil {
		return 0, err
	}
	if w.Jurisdiction, err = jurisdiction(ctx, tx, area); err != nil {
		return 0, err
	}
	// The county warns its own territory; a neighbour's warning for its
	// own territory is passed on only as a notice that says whose it is.
	// A lifting always goes out: it ends what was published.
	if w.Jurisdiction == string(areas.Outside) && w.RelayedFrom == "" && w.MsgType != MsgCancel {
		return 0, api.InvalidField("/area", "预警范围完全在本县县界之外：本县只发布本县范围的预警。"+
			"转发邻县（市）的预警时，请在 relayed_from 中填写原发布单位")
	}
	w.ID = 0
	body, err := json.Marshal(w)
	if err != nil {
		return 0, err
	}
	var id int64
	err = tx.QueryRow(ctx, `INSERT INTO warning_versions (warning_id, identifier, msg_type, status, level, area, issued_at, issued_by, body)
		VALUES ($1, $2, $3, $4, $5, ST_SetSRID(ST_GeomFromGeoJSON($6), 4326), $7, $8, $9) RETURNING id`,
		warningID, w.Identifier, string(w.MsgType), string(w.Status), w.Level.Code(), string(area), w.IssuedAt, by, body).Scan(&id)
	if err != nil {
		return 0, err
	}
	if s.Outbox != nil {
		if err := s.Outbox.Enqueue(ctx, tx, warningID, id, w); err != nil {
			return 0, err
		}
	}
	return id, nil
}

// jurisdiction is where the area (GeoJSON) lies with respect to the county
// boundary; "" when none is loaded.
func jurisdiction(ctx context.Context, tx pgx.Tx, area []byte) (string, error) {
	var j *string
	if err := tx.QueryRow(ctx, "SELECT "+areas.JurisdictionSQL("ST_SetSRID(ST_GeomFromGeoJSON($1::text), 4326)"), string(area)).Scan(&j); err != nil {
		return "", err
	}
	if j == nil {
		return "", nil
	}
	return *j, nil
}

// Issue publishes a new warning as role. The role rule is checked before
// anything is stored or numbered; incidentID, when set, links it to an
// incident, whose drill flag it must share.
func (s *Store) Issue(ctx context.Context, actor journal.Actor, role string, w Warning, incidentID *int64) (Feature, error) {
	if err := CheckIssue(role, w.Level); err != nil {
		return Feature{}, err
	}
	// Validate before taking a number, with a provisional stamp.
	if _, err := New(role, withStamp(w, s.provisional(), s.Issuer)); err != nil {
		return Feature{}, err
	}
	var out Feature
	_, err := journal.Write(ctx, s.pool, actor, func(tx pgx.Tx) ([]journal.Change, error) {
		if incidentID != nil {
			var drill bool
			err := tx.QueryRow(ctx, `SELECT drill FROM incidents WHERE id = $1`, *incidentID).Scan(&drill)
			if db.IsNotFound(err) {
				return nil, api.InvalidField("/incident_id", "没有这个事件")
			}
			if err != nil {
				return nil, err
			}
			if drill != w.Drill {
				return nil, api.InvalidField("/drill", "针对演练事件的预警只能是演练，针对真实事件的预警只能是真实的（预案 7.3）")
			}
		}
		st, err := s.stamp(ctx, tx)
		if err != nil {
			return nil, err
		}
		first, err := New(role, withStamp(w, st, s.Issuer))
		if err != nil {
			return nil, err
		}
		var wid int64
		if err := tx.QueryRow(ctx, `INSERT INTO warnings (root_identifier, incident_id, drill) VALUES ($1, $2, $3) RETURNING id`,
			first.Identifier, incidentID, first.Drill).Scan(&wid); err != nil {
			return nil, err
		}
		if _, err := s.insertVersion(ctx, tx, wid, first, actor.Name); err != nil {
			return nil, err
		}
		cur, err := current(ctx, tx, wid)
		if err != nil {
			return nil, err
		}
		out = cur.feature()
		return []journal.Change{{Entity: "warnings", EntityID: strconv.FormatInt(wid, 10), Action: "issue",
			After: out, Topic: Topic, Event: out, Drill: first.Drill}}, nil
	})
	return out, err
}

func (s *Store) provisional() Stamp {
	at := s.Now().UTC().Truncate(time.Second)
	id, _ := NewIdentifier(s.Issuer, at, 0)
	return Stamp{Identifier: id, IssuedAt: at}
}

func withStamp(w Warning, st Stamp, issuer Issuer) Warning {
	w.Identifier, w.IssuedAt = st.Identifier, st.IssuedAt
	if w.Sender == "" {
		w.Sender = issuer.Code()
	}
	return w
}

// change locks the warning, reads its current version and lets fn make the
// next version; it stores both and journals the change.
func (s *Store) change(ctx context.Context, actor journal.Actor, id int64, version, action string,
	fn func(cur Warning, st Stamp) (next, replaced Warning, err error)) (Feature, error) {
	var out Feature
	_, err := journal.Write(ctx, s.pool, actor, func(tx pgx.Tx) ([]journal.Change, error) {
		var drill bool
		err := tx.QueryRow(ctx, `SELECT drill FROM warnings WHERE id = $1 FOR UPDATE`, id).Scan(&drill)
		if db.IsNotFound(err) {
			return nil, notFound(id)
		}
		if err != nil {
			return nil, err
		}
		cur, err := current(ctx, tx, id)
		if err != nil {
			return nil, err
		}
		before := cur.feature()
		if cur.W.Identifier != version {
			return nil, api.PreconditionFailed("预警 " + strconv.FormatInt(id, 10) + " 现为版本 " +
				cur.W.Identifier + "，而非 " + version + "：已被他人修改，请重新读取后再改")
		}
		if !cur.W.active() {
			return nil, ErrNotActive
		}
		st, err := s.stamp(ctx, tx)
		if err != nil {
			return nil, err
		}
		next, replaced, err := fn(cur.W, st)
		if err != nil {
			return nil, err
		}
		body, err := json.Marshal(withID(replaced, 0))
		if err != nil {
			return nil, err
		}
		if _, err := tx.Exec(ctx, `UPDATE warning_versions SET status = $2, body = $3 WHERE id = $1`,
			cur.W.ID, string(replaced.Status), body); err != nil {
			return nil, err
		}
		next.Identifier, next.IssuedAt = st.Identifier, st.IssuedAt
		if _, err := s.insertVersion(ctx, tx, id, next, actor.Name); err != nil {
			return nil, err
		}
		after, err := current(ctx, tx, id)
		if err != nil {
			return nil, err
		}
		out = after.feature()
		return []journal.Change{{Entity: "warnings", EntityID: strconv.FormatInt(id, 10), Action: action,
			Before: before, After: out, Topic: Topic, Event: out, Drill: drill}}, nil
	})
	return out, err
}

func withID(w Warning, id int64) Warning { w.ID = id; return w }

// Adjust publishes next as the new version of warning id (3.2.4 调整).
// version is the identifier of the version the change was made from.
func (s *Store) Adjust(ctx context.Context, actor journal.Actor, role string, id int64, version string, next Warning, keepDrill bool) (Feature, error) {
	return s.change(ctx, actor, id, version, "adjust", func(cur Warning, st Stamp) (Warning, Warning, error) {
		if keepDrill {
			next.Drill = cur.Drill
		}
		next.Identifier, next.IssuedAt = st.Identifier, st.IssuedAt
		return cur.Adjust(role, next)
	})
}

// Lift ends warning id (3.2.4 解除).
// version is the identifier of the version the change was made from.
func (s *Store) Lift(ctx context.Context, actor journal.Actor, role string, id int64, version, authority, reason string) (Feature, error) {
	return s.change(ctx, actor, id, version, "lift", func(cur Warning, st Stamp) (Warning, Warning, error) {
		return cur.Lift(role, st, authority, reason)
	})
}

// Layer names the live-stream layer; with Snapshot, Store is the layer's
// realtime.Snapshotter.
func (s *Store) Layer() string { return Topic }

// Snapshot returns the warnings in force whose area meets bbox.
func (s *Store) Snapshot(ctx context.Context, tx pgx.Tx, bbox *orb.Bound) ([]json.RawMessage, error) {
	var args [4]*float64
	if bbox != nil {
		args = [4]*float64{&bbox.Min[0], &bbox.Min[1], &bbox.Max[0], &bbox.Max[1]}
	}
	vs, err := readVersions(ctx, tx, `v.status = 'active' AND ($1::float8 IS NULL OR v.area && ST_MakeEnvelope($1, $2, $3, $4, 4326))`,
		args[0], args[1], args[2], args[3])
	if err != nil {
		return nil, err
	}
	out := make([]json.RawMessage, 0, len(vs))
	for _, v := range vs {
		b, err := json.Marshal(v.feature())
		if err != nil {
			return nil, err
		}
		out = append(out, b)
	}
	return out, nil
}
