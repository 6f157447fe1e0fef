package registry

import (
	"context"
	"encoding/json"
	"errors"
	"strconv"

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

// forUpdate locks the row read until the transaction ends.
const forUpdate = " FOR UPDATE"

// Create validates in against the database (geometry validity, swapped
// coordinates, uniqueness), runs the layer's Prepare hook, inserts the row,
// records its first version in the history and runs AfterWrite, all inside
// tx. It returns the changes for the journal; the caller records them
// (journal.Write does, or journal.Record for a bulk import).
func (l *Layer) Create(ctx context.Context, tx pgx.Tx, actor journal.Actor, in *Input) (*Written, error) {
	if err := l.prepare(ctx, tx, in, 0); err != nil {
		return nil, err
	}
	q, args, err := l.insertSQL(in)
	if err != nil {
		return nil, err
	}
	var id int64
	if err := tx.QueryRow(ctx, q, args...).Scan(&id); err != nil {
		return nil, l.writeError(err)
	}
	return l.written(ctx, tx, actor, id, "create", nil, "", in.Geometry.GeoJSON)
}

// Update replaces feature id with in, provided its version is still
// ifMatch (otherwise a 412 problem: someone else changed it first).
func (l *Layer) Update(ctx context.Context, tx pgx.Tx, actor journal.Actor, id int64, ifMatch int, in *Input) (*Written, error) {
	return l.edit(ctx, tx, actor, id, ifMatch, func(json.RawMessage) (*Input, error) { return in, nil })
}

// SetProperties changes some properties of feature id at version ifMatch
// (a nil value clears one): the stored Feature with values merged into its
// properties is checked as a whole, under the same rules and hooks as any
// edit, and written as Update writes it. It is for server code that owns
// those values (a team's status, a shelter's occupancy), so CreateOnly does
// not bind it.
func (l *Layer) SetProperties(ctx context.Context, tx pgx.Tx, actor journal.Actor, id int64, ifMatch int, values map[string]any) (*Written, error) {
	patch, err := json.Marshal(map[string]any{"properties": values})
	if err != nil {
		return nil, err
	}
	return l.edit(ctx, tx, actor, id, ifMatch, func(stored json.RawMessage) (*Input, error) {
		merged, err := patchFeature(stored, patch)
		if err != nil {
			return nil, err
		}
		return l.Decode(merged)
	})
}

// edit is every change of a stored feature: with the row locked at version
// ifMatch, next makes the new Input from the Feature as stored (a merge
// patch needs it, and so does the CreateOnly rule), and the row is
// rewritten.
func (l *Layer) edit(ctx context.Context, tx pgx.Tx, actor journal.Actor, id int64, ifMatch int,
	next func(stored json.RawMessage) (*Input, error)) (*Written, error) {
	before, err := l.lockAt(ctx, tx, id, ifMatch)
	if err != nil {
		return nil, err
	}
	in, err := next(before)
	if err != nil {
		return nil, err
	}
	var oldGeom string
	if err := tx.QueryRow(ctx, "SELECT ST_AsGeoJSON(geom) FROM "+ident(l.Table)+" WHERE id = $1", id).Scan(&oldGeom); err != nil {
		return nil, err
	}
	if err := l.prepare(ctx, tx, in, id); err != nil {
		return nil, err
	}
	q, args, err := l.updateSQL(id, in, l.columnsFor(in))
	if err != nil {
		return nil, err
	}
	if _, err := tx.Exec(ctx, q, args...); err != nil {
		return nil, l.writeError(err)
	}
	return l.written(ctx, tx, actor, id, "update", before, oldGeom, in.Geometry.GeoJSON)
}

// lockAt locks feature id and returns it as stored, provided it is still at
// version ifMatch.
func (l *Layer) lockAt(ctx context.Context, tx pgx.Tx, id int64, ifMatch int) (json.RawMessage, error) {
	stored, version, err := l.get(ctx, tx, id, forUpdate)
	if err != nil {
		return nil, err
	}
	if version != ifMatch {
		return nil, stale(version, ifMatch)
	}
	return stored, nil
}

// prepare runs, before a row is written, the checks that need PostGIS or
// the stored rows (self is the row being replaced, 0 on create) and then
// the layer's Prepare hook, so the hook only sees input that will stand.
func (l *Layer) prepare(ctx context.Context, tx pgx.Tx, in *Input, self int64) error {
	if err := l.checkInDB(ctx, tx, in, self); err != nil {
		return err
	}
	if err := setOutsideCounty(ctx, tx, in); err != nil {
		return err
	}
	if l.Hooks.Prepare != nil {
		return l.Hooks.Prepare(ctx, tx, in)
	}
	return nil
}

// written finishes a create or an update once its row is written: the
// recorded version, then AfterWrite with the geometry before and after.
func (l *Layer) written(ctx context.Context, tx pgx.Tx, actor journal.Actor, id int64, action string, before json.RawMessage, oldGeom, newGeom string) (*Written, error) {
	w, err := l.recorded(ctx, tx, actor, id, action, before)
	if err != nil {
		return nil, err
	}
	if err := l.afterWrite(ctx, tx, actor, oldGeom, newGeom, w); err != nil {
		return nil, err
	}
	if err := l.afterChange(ctx, tx, actor, id, action, w); err != nil {
		return nil, err
	}
	return w, nil
}

// recorded reads the row just written back as GET shows it, so the
// history, the audit row and the live-stream event all carry what a reader
// will get, and adds that version to the history.
func (l *Layer) recorded(ctx context.Context, tx pgx.Tx, actor journal.Actor, id int64, action string, before json.RawMessage) (*Written, error) {
	feature, version, err := l.get(ctx, tx, id, "")
	if err != nil {
		return nil, err
	}
	if err := l.recordHistory(ctx, tx, actor, id, version, action, feature); err != nil {
		return nil, err
	}
	return &Written{ID: id, Version: version, Feature: feature, Changes: []journal.Change{
		l.change(id, action, before, feature),
	}}, nil
}

// SetComputed stores new values of read-only fields of feature id (a
// re-grade) as a new version with its history row, and returns the change.
// The caller decides that something differs; this writes unconditionally.
// AfterWrite does not run: the re-grade it would start is what called this.
func (l *Layer) SetComputed(ctx context.Context, tx pgx.Tx, actor journal.Actor, id int64, values map[string]any) (journal.Change, error) {
	before, _, err := l.get(ctx, tx, id, forUpdate)
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
	w, err := l.recorded(ctx, tx, actor, id, "update", before)
	if err != nil {
		return journal.Change{}, err
	}
	return w.Changes[0], nil
}

// Delete removes feature id if its version is still ifMatch. The history
// keeps every version and a final "delete" row with the last state.
func (l *Layer) Delete(ctx context.Context, tx pgx.Tx, actor journal.Actor, id int64, ifMatch int) ([]journal.Change, error) {
	before, err := l.lockAt(ctx, tx, id, ifMatch)
	if err != nil {
		return nil, err
	}
	var oldGeom string
	if err := tx.QueryRow(ctx, "DELETE FROM "+ident(l.Table)+" WHERE id = $1 RETURNING ST_AsGeoJSON(geom)", id).Scan(&oldGeom); err != nil {
		return nil, l.deleteError(err)
	}
	if err := l.recordHistory(ctx, tx, actor, id, ifMatch+1, "delete", before); err != nil {
		return nil, err
	}
	w := &Written{ID: id, Changes: []journal.Change{{
		Entity: l.Name, EntityID: strconv.FormatInt(id, 10), Action: "delete",
		Before: before, Topic: l.Name, Event: map[string]any{"id": strconv.FormatInt(id, 10)},
	}}}
	if err := l.afterWrite(ctx, tx, actor, oldGeom, "", w); err != nil {
		return nil, err
	}
	if err := l.afterChange(ctx, tx, actor, id, "delete", w); err != nil {
		return nil, err
	}
	return w.Changes, nil
}

// deleteError names what still points at a feature that cannot go.
func (l *Layer) deleteError(err error) error {
	c := db.ForeignKeyViolation(err)
	if c == "" {
		return err
	}
	what := "其他登记数据"
	for _, r := range l.ReferencedBy {
		if r.Constraint == c {
			what = r.Title
		}
	}
	return api.Conflict("/id", "仍有"+what+"属于此"+l.Title+"，不能删除；请先删除这些"+what+"，或将其改属其他"+l.Title)
}

func (l *Layer) afterChange(ctx context.Context, tx pgx.Tx, actor journal.Actor, id int64, action string, w *Written) error {
	if l.Hooks.AfterChange == nil {
		return nil
	}
	more, err := l.Hooks.AfterChange(ctx, tx, actor, id, action)
	if err != nil {
		return err
	}
	w.Changes = append(w.Changes, more...)
	return nil
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
	return api.PreconditionFailed("该要素现为第 " + strconv.Itoa(current) + " 版，而非第 " + strconv.Itoa(sent) +
		" 版：读取后已被他人修改，请重新读取后再修改")
}
