package registry

import (
	"context"
	"encoding/json"
	"errors"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"

	"sitrep/internal/api"
	"sitrep/internal/db"
	"sitrep/internal/journal"
)

// Written is the outcome of a create or update: the stored Feature as GET
// returns it, and the journal changes to record (the feature's own first).
type Written struct {
	ID      int64
	Version int
	Feature json.RawMessage
	Changes []journal.Change
}

// Get returns a feature and its version; a missing one is a 404 problem.
func (l *Layer) Get(ctx context.Context, q db.Querier, id int64) (json.RawMessage, int, error) {
	return l.get(ctx, q, id, "")
}

func (l *Layer) get(ctx context.Context, q db.Querier, id int64, lock string) (json.RawMessage, int, error) {
	var (
		feature string
		version int
	)
	err := q.QueryRow(ctx, "SELECT "+l.featureExpr("t")+", t.version FROM "+ident(l.Table)+" t WHERE t.id = $1"+lock, id).
		Scan(&feature, &version)
	if db.IsNotFound(err) {
		return nil, 0, api.NotFound(l.Name + " feature " + strconv.FormatInt(id, 10))
	}
	if err != nil {
		return nil, 0, err
	}
	return json.RawMessage(feature), version, nil
}

// Create validates in against the database (geometry validity, swapped
// coordinates, uniqueness), runs the layer's Prepare hook, inserts the row,
// records its first version in the history and runs AfterWrite, all inside
// tx. It returns the changes for the journal; the caller records them
// (journal.Write does, or journal.Record for a bulk import).
func (l *Layer) Create(ctx context.Context, tx pgx.Tx, actor journal.Actor, in *Input) (*Written, error) {
	if err := l.checkInDB(ctx, tx, in, 0); err != nil {
		return nil, err
	}
	if l.Hooks.Prepare != nil {
		if err := l.Hooks.Prepare(ctx, tx, in); err != nil {
			return nil, err
		}
	}
	q, args, err := l.insertSQL(in)
	if err != nil {
		return nil, err
	}
	var id int64
	if err := tx.QueryRow(ctx, q, args...).Scan(&id); err != nil {
		return nil, l.writeError(err)
	}
	feature, version, err := l.get(ctx, tx, id, "")
	if err != nil {
		return nil, err
	}
	if err := l.recordHistory(ctx, tx, actor, id, version, "create", feature); err != nil {
		return nil, err
	}
	w := &Written{ID: id, Version: version, Feature: feature, Changes: []journal.Change{
		l.change(id, "create", nil, feature),
	}}
	return w, l.afterWrite(ctx, tx, actor, "", in.Geometry.GeoJSON, w)
}

// Update replaces feature id with in, provided its version is still
// ifMatch (otherwise a 412 problem: someone else changed it first).
func (l *Layer) Update(ctx context.Context, tx pgx.Tx, actor journal.Actor, id int64, ifMatch int, in *Input) (*Written, error) {
	before, version, err := l.get(ctx, tx, id, " FOR UPDATE")
	if err != nil {
		return nil, err
	}
	if version != ifMatch {
		return nil, stale(version, ifMatch)
	}
	var oldGeom string
	if err := tx.QueryRow(ctx, "SELECT ST_AsGeoJSON(geom) FROM "+ident(l.Table)+" WHERE id = $1", id).Scan(&oldGeom); err != nil {
		return nil, err
	}
	if err := l.checkInDB(ctx, tx, in, id); err != nil {
		return nil, err
	}
	if l.Hooks.Prepare != nil {
		if err := l.Hooks.Prepare(ctx, tx, in); err != nil {
			return nil, err
		}
	}
	q, args, err := l.updateSQL(id, in, l.columnsFor(in))
	if err != nil {
		return nil, err
	}
	if _, err := tx.Exec(ctx, q, args...); err != nil {
		return nil, l.writeError(err)
	}
	feature, version, err := l.get(ctx, tx, id, "")
	if err != nil {
		return nil, err
	}
	if err := l.recordHistory(ctx, tx, actor, id, version, "update", feature); err != nil {
		return nil, err
	}
	w := &Written{ID: id, Version: version, Feature: feature, Changes: []journal.Change{
		l.change(id, "update", before, feature),
	}}
	return w, l.afterWrite(ctx, tx, actor, oldGeom, in.Geometry.GeoJSON, w)
}

// SetComputed stores new values of read-only fields of feature id (a
// re-grade) as a new version with its history row, and returns the change.
// The caller decides that something differs; this writes unconditionally.
func (l *Layer) SetComputed(ctx context.Context, tx pgx.Tx, actor journal.Actor, id int64, values map[string]any) (journal.Change, error) {
	before, _, err := l.get(ctx, tx, id, " FOR UPDATE")
	if err != nil {
		return journal.Change{}, err
	}
	fields := make([]Field, 0, len(values))
	for _, f := range l.Fields {
		if _, ok := values[f.Name]; ok {
			if !f.ReadOnly {
				return journal.Change{}, errors.New("registry: SetComputed on a field that is not read-only: " + f.Name)
			}
			fields = append(fields, f)
		}
	}
	if len(fields) != len(values) {
		return journal.Change{}, errors.New("registry: SetComputed on an unknown field")
	}
	q, args, err := l.updateSQL(id, &Input{Values: values}, fields)
	if err != nil {
		return journal.Change{}, err
	}
	if _, err := tx.Exec(ctx, q, args...); err != nil {
		return journal.Change{}, err
	}
	after, version, err := l.get(ctx, tx, id, "")
	if err != nil {
		return journal.Change{}, err
	}
	if err := l.recordHistory(ctx, tx, actor, id, version, "update", after); err != nil {
		return journal.Change{}, err
	}
	return l.change(id, "update", before, after), nil
}

// Delete removes feature id if its version is still ifMatch. The history
// keeps every version and a final "delete" row with the last state.
func (l *Layer) Delete(ctx context.Context, tx pgx.Tx, actor journal.Actor, id int64, ifMatch int) ([]journal.Change, error) {
	before, version, err := l.get(ctx, tx, id, " FOR UPDATE")
	if err != nil {
		return nil, err
	}
	if version != ifMatch {
		return nil, stale(version, ifMatch)
	}
	var oldGeom string
	if err := tx.QueryRow(ctx, "DELETE FROM "+ident(l.Table)+" WHERE id = $1 RETURNING ST_AsGeoJSON(geom)", id).Scan(&oldGeom); err != nil {
		return nil, err
	}
	if err := l.recordHistory(ctx, tx, actor, id, version+1, "delete", before); err != nil {
		return nil, err
	}
	w := &Written{ID: id, Changes: []journal.Change{{
		Entity: l.Name, EntityID: strconv.FormatInt(id, 10), Action: "delete",
		Before: before, Topic: l.Name, Event: map[string]any{"id": strconv.FormatInt(id, 10)},
	}}}
	if err := l.afterWrite(ctx, tx, actor, oldGeom, "", w); err != nil {
		return nil, err
	}
	return w.Changes, nil
}

func (l *Layer) afterWrite(ctx context.Context, tx pgx.Tx, actor journal.Actor, before, after string, w *Written) error {
	if l.Hooks.AfterWrite == nil {
		return nil
	}
	more, err := l.Hooks.AfterWrite(ctx, tx, actor, before, after)
	if err != nil {
		return err
	}
	w.Changes = append(w.Changes, more...)
	return nil
}

func (l *Layer) change(id int64, action string, before, after json.RawMessage) journal.Change {
	c := journal.Change{Entity: l.Name, EntityID: strconv.FormatInt(id, 10), Action: action,
		After: after, Topic: l.Name, Event: after}
	if before != nil {
		c.Before = before
	}
	return c
}

func (l *Layer) recordHistory(ctx context.Context, tx pgx.Tx, actor journal.Actor, id int64, version int, action string, feature json.RawMessage) error {
	_, err := tx.Exec(ctx, `INSERT INTO registry_history (layer, feature_id, version, action, feature, actor_name)
		VALUES ($1, $2, $3, $4, $5, $6)`, l.Name, id, version, action, []byte(feature), actor.Name)
	return err
}

func stale(current, sent int) error {
	return api.PreconditionFailed("the feature is at version " + strconv.Itoa(current) + ", not " + strconv.Itoa(sent) +
		"; someone changed it since you read it: GET it again and reapply your change")
}

// checkInDB runs the checks that need PostGIS or the stored rows.
func (l *Layer) checkInDB(ctx context.Context, tx pgx.Tx, in *Input, self int64) error {
	var errs []api.FieldError
	geoms := []struct{ ptr, geojson string }{{"/geometry", in.Geometry.GeoJSON}}
	for _, f := range l.Fields {
		if s, ok := in.Values[f.Name].(string); ok && f.Kind == Point {
			geoms = append(geoms, struct{ ptr, geojson string }{"/properties/" + f.Name, s})
		}
	}
	for _, g := range geoms {
		fe, err := checkGeometryInDB(ctx, tx, g.geojson, g.ptr)
		if err != nil {
			return err
		}
		if fe != nil {
			errs = append(errs, *fe)
		}
	}
	if len(errs) > 0 {
		return api.Invalid(errs...)
	}
	for _, u := range l.Unique {
		var (
			conds []string
			args  = []any{self}
			skip  bool
		)
		for _, name := range u.Fields {
			v := in.Values[name]
			if v == nil {
				skip = true // NULLs never collide
				break
			}
			args = append(args, v)
			conds = append(conds, ident(name)+" = $"+strconv.Itoa(len(args)))
		}
		if skip {
			continue
		}
		var exists bool
		if err := tx.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM "+ident(l.Table)+" WHERE id <> $1 AND "+
			strings.Join(conds, " AND ")+")", args...).Scan(&exists); err != nil {
			return err
		}
		if exists {
			return duplicate(u)
		}
	}
	return nil
}

func duplicate(u Unique) error {
	last := u.Fields[len(u.Fields)-1]
	return api.Conflict("/properties/"+last, "a feature with this "+strings.Join(u.Fields, " and ")+" already exists")
}

// checkGeometryInDB asks PostGIS whether the shape is valid (no
// self-intersection, ST_IsValidReason says why not) and whether its
// coordinates look swapped: a geometry more than 50 km from the county
// whose lon/lat-flipped twin lies inside it is almost surely [lat, lon]
// (the county is at 87.4°E 43.5°N, and 87.4 is a valid latitude, so the
// ±90° check alone cannot catch it).
func checkGeometryInDB(ctx context.Context, tx pgx.Tx, geojson, ptr string) (*api.FieldError, error) {
	var (
		valid   bool
		reason  string
		swapped bool
	)
	err := tx.QueryRow(ctx, `WITH g AS (SELECT ST_SetSRID(ST_GeomFromGeoJSON($1::text), 4326) AS g)
		SELECT ST_IsValid(g.g), ST_IsValidReason(g.g),
			ST_IsValid(g.g) AND EXISTS (SELECT 1 FROM admin_areas a WHERE a.is_county
				AND ST_Intersects(a.geom, ST_FlipCoordinates(g.g))
				AND NOT ST_DWithin(a.geom::geography, g.g::geography, 50000))
		FROM g`, geojson).Scan(&valid, &reason, &swapped)
	if err != nil {
		return nil, err
	}
	switch {
	case !valid:
		return &api.FieldError{Field: ptr, Detail: "invalid geometry: " + reason}, nil
	case swapped:
		return &api.FieldError{Field: ptr + "/coordinates", Detail: "the coordinates look swapped: as sent they lie far outside the county, " +
			"but as [longitude, latitude] they lie inside it; GeoJSON wants [longitude, latitude]"}, nil
	}
	return nil, nil
}

// writeError turns a constraint violation that slipped past the checks
// (a concurrent duplicate) into a client problem.
func (l *Layer) writeError(err error) error {
	if c := db.UniqueViolation(err); c != "" {
		for _, u := range l.Unique {
			if u.Constraint == c {
				return duplicate(u)
			}
		}
		return api.Conflict("/properties", "a feature with the same key already exists ("+c+")")
	}
	if c := db.CheckViolation(err); c != "" {
		return api.InvalidField("/properties", "breaks the rule "+c)
	}
	return err
}
