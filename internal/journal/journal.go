package journal

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"sync/atomic"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"sitrep/internal/db"
)

// NotifyChannel is the LISTEN/NOTIFY channel that wakes servers when events
// commit. The payload is the last sequence number; listeners read the events
// table, so a lost notification loses nothing.
const NotifyChannel = "sitrep_events"

// Actor is who makes a change: a user, or a named system process (UserID 0),
// such as "cli" or "demo".
type Actor struct {
	UserID int64
	Name   string
}

// Change is one entity changed by a write.
type Change struct {
	Entity   string // e.g. "hazard_sources", "users"
	EntityID string
	Action   string // e.g. "create", "update", "delete"
	// Before and After are the entity's state around the change; nil where it
	// did not exist. json.RawMessage passes through as is.
	Before, After any
	// Topic, when set, also publishes the change on the live stream under that
	// topic (usually a map layer). Credentials and the like leave it empty,
	// but for the ids of ended ones (auth.CredentialsTopic), which servers
	// read to drop cached identities and map clients are never sent.
	Topic string
	// Event is what the stream carries; After when nil. For map layers it
	// is the contract with the live stream and the map page: on create and
	// update, the whole GeoJSON Feature as the layer's GET returns it (with
	// "id" and WGS 84 geometry), so a client can draw it and a bounding-box
	// subscription can test it; on delete, {"id": ...}.
	Event any
	// Drill marks changes that belong to an exercise (plan 7.3).
	Drill bool
	// StreamOnly publishes the change on the live stream without an audit
	// row: a latest-value event (a sensor's newest reading, a weather
	// station's newest observation) that a device sends many times a
	// minute. The audit trail records decisions — a person's, or a rule's
	// such as an alarm raised — and would drown in readings, which are kept
	// in their own tables instead. A StreamOnly change must have a Topic.
	StreamOnly bool
}

// ErrNoChange is returned when a write's function reports no change: every
// write must say what it changed.
var ErrNoChange = errors.New("journal: write reported no change")

// Write runs fn in one transaction and records the changes it returns, audit
// rows and events, before committing. If fn or the recording fails, nothing
// of the write stays. It returns the sequence numbers given to the events.
func Write(ctx context.Context, pool *pgxpool.Pool, actor Actor, fn func(tx pgx.Tx) ([]Change, error)) ([]int64, error) {
	var seqs []int64
	err := db.InTx(ctx, pool, func(tx pgx.Tx) error {
		changes, err := fn(tx)
		if err != nil {
			return err
		}
		if len(changes) == 0 {
			return ErrNoChange
		}
		seqs, err = Record(ctx, tx, actor, changes)
		return err
	})
	if err != nil {
		return nil, err
	}
	NoteCommitted(seqs)
	return seqs, nil
}

// committed is the highest event seq this process has seen commit.
var committed atomic.Int64

// NoteCommitted records that the events seqs have committed. Write calls
// it; code that commits Record's transaction itself calls it after the
// commit. In-memory views of the map (dispatch's team index) read up to
// Committed before answering, so a client's own write through this server
// is in its next read.
func NoteCommitted(seqs []int64) {
	if len(seqs) == 0 {
		return
	}
	top := slices.Max(seqs)
	for {
		cur := committed.Load()
		if top <= cur || committed.CompareAndSwap(cur, top) {
			return
		}
	}
}

// Committed is the highest event seq this process has seen commit (0
// before the first).
func Committed() int64 { return committed.Load() }

// Record writes the audit rows and events for changes inside tx. Prefer Write;
// Record is for code that must own its transaction (bulk imports).
func Record(ctx context.Context, tx pgx.Tx, actor Actor, changes []Change) ([]int64, error) {
	return RecordEach(ctx, tx, []Entry{{Actor: actor, Changes: changes}})
}

// Entry is one caller's changes, recorded under that caller.
type Entry struct {
	Actor   Actor
	Changes []Change
}

// RecordEach is Record for several callers' writes committed in one
// transaction (a group commit): each entry's audit rows are under its own
// actor, and the events are numbered in the entries' order, changes in
// order within each. It is one round trip to the database however many
// entries there are.
func RecordEach(ctx context.Context, tx pgx.Tx, entries []Entry) ([]int64, error) {
	batch := &pgx.Batch{}
	q, err := QueueEach(batch, entries)
	if err != nil {
		return nil, err
	}
	if batch.Len() == 0 {
		return []int64{}, nil
	}
	if err := tx.SendBatch(ctx, batch).Close(); err != nil {
		return nil, fmt.Errorf("journal: record changes: %w", err)
	}
	return q.Seqs(), nil
}

// Queued is what QueueEach queued: its events' sequence numbers are known
// once the batch it went in has run.
type Queued struct {
	last      int64
	published int
}

// Seqs are the sequence numbers given to the events, in order.
func (q *Queued) Seqs() []int64 {
	seqs := make([]int64, q.published)
	for i := range seqs {
		seqs[i] = q.last - int64(q.published) + int64(i) + 1
	}
	return seqs
}

// QueueEach queues RecordEach's statements on batch, for a caller that
// sends them in its own round trip (with its COMMIT, say). They must be
// the transaction's last writes but for the commit: the counter's lock is
// held from them to the commit.
func QueueEach(batch *pgx.Batch, entries []Entry) (*Queued, error) {
	published := 0
	for _, e := range entries {
		for _, c := range e.Changes {
			if c.Entity == "" || c.EntityID == "" || c.Action == "" {
				return nil, fmt.Errorf("journal: change %+v lacks entity, id or action", c)
			}
			if c.Topic != "" {
				published++
			} else if c.StreamOnly {
				return nil, fmt.Errorf("journal: stream-only change %s %s has no topic", c.Entity, c.EntityID)
			}
		}
	}
	// Set-based inserts, whatever the number of changes: a batch of fixes
	// moves hundreds of teams at once. An event's number is its place among
	// the published changes (1…published), made a sequence number in SQL
	// from the counter as this transaction moved it.
	var (
		evPlace                  []int64
		evTopic, evID, evAction  []string
		evDrill                  []bool
		evData                   [][]byte
		auActorID                []*int64
		auActorName              []string
		auEntity, auID, auAction []string
		auBefore, auAfter        [][]byte
		auPlace                  []*int64
	)
	place := int64(0)
	for _, e := range entries {
		var actorID *int64
		if e.Actor.UserID != 0 {
			actorID = &e.Actor.UserID
		}
		for _, c := range e.Changes {
			var evAt *int64
			if c.Topic != "" {
				payload := c.Event
				if payload == nil {
					payload = c.After
				}
				data, err := toJSON(payload)
				if err != nil {
					return nil, err
				}
				if data == nil {
					data = []byte(`{}`)
				}
				place++
				p := place
				evAt = &p
				evPlace, evTopic, evID, evAction = append(evPlace, p), append(evTopic, c.Topic), append(evID, c.EntityID), append(evAction, c.Action)
				evDrill, evData = append(evDrill, c.Drill), append(evData, data)
			}
			if c.StreamOnly {
				continue
			}
			before, err := toJSON(c.Before)
			if err != nil {
				return nil, err
			}
			after, err := toJSON(c.After)
			if err != nil {
				return nil, err
			}
			auActorID, auActorName = append(auActorID, actorID), append(auActorName, e.Actor.Name)
			auEntity, auID, auAction = append(auEntity, c.Entity), append(auID, c.EntityID), append(auAction, c.Action)
			auBefore, auAfter, auPlace = append(auBefore, before), append(auAfter, after), append(auPlace, evAt)
		}
	}
	q := &Queued{published: published}
	if published > 0 {
		// The counter is taken first in this round trip and held until
		// commit: its row lock is what orders concurrent writers (sequence
		// order is commit order), so it comes after the write's own work.
		batch.Queue(`UPDATE event_counter SET last_seq = last_seq + $1 RETURNING last_seq`, published).QueryRow(func(row pgx.Row) error {
			return row.Scan(&q.last)
		})
		batch.Queue(`INSERT INTO events (seq, topic, entity_id, action, drill, data)
			SELECT c.last_seq - $1 + e.place, e.topic, e.id, e.action, e.drill, e.data
			FROM event_counter c,
				unnest($2::bigint[], $3::text[], $4::text[], $5::text[], $6::boolean[], $7::jsonb[]) AS e(place, topic, id, action, drill, data)`,
			published, evPlace, evTopic, evID, evAction, evDrill, evData)
	}
	if len(auEntity) > 0 {
		// In the changes' order (the identity follows the rows as selected).
		batch.Queue(`INSERT INTO audit_log (actor_id, actor_name, entity, entity_id, action, before, after, event_seq)
			SELECT a.actor_id, a.actor_name, a.entity, a.id, a.action, a.before, a.after,
				(SELECT c.last_seq - $1 + a.place FROM event_counter c WHERE a.place IS NOT NULL)
			FROM unnest($2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[], $7::jsonb[], $8::jsonb[], $9::bigint[]) WITH ORDINALITY
				AS a(actor_id, actor_name, entity, id, action, before, after, place, i)
			ORDER BY a.i`,
			published, auActorID, auActorName, auEntity, auID, auAction, auBefore, auAfter, auPlace)
	}
	if published > 0 {
		// Delivered at commit, and only if the transaction commits.
		batch.Queue(`SELECT pg_notify($1, last_seq::text) FROM event_counter`, NotifyChannel)
	}
	return q, nil
}

func toJSON(v any) ([]byte, error) {
	switch v := v.(type) {
	case nil:
		return nil, nil
	case json.RawMessage:
		if len(v) == 0 {
			return nil, nil
		}
		return v, nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("journal: encode change: %w", err)
	}
	return b, nil
}

// AuditSelected writes one audit row per row of sel, in sel's order: a
// query over what tx already holds, yielding entity_id (text) and after
// (jsonb), each a change of entity by action that is audited and not
// streamed one by one (a large import's creates, whose live event is the
// import's one reload; see registry.MaxImportEvents). What Record would
// carry from Go and back for each — ten thousand features of an import,
// megabytes — never leaves the database. with, when not empty, is a WITH
// clause the statement starts with: sel may read its names, and a
// data-modifying statement in it runs with the audit insert, so what
// both need is built once. The parameters of with and sel are args; the
// call numbers its own after them.
func AuditSelected(ctx context.Context, tx pgx.Tx, actor Actor, entity, action, with, sel string, args ...any) error {
	var actorID *int64
	if actor.UserID != 0 {
		actorID = &actor.UserID
	}
	n := len(args)
	q := with + ` INSERT INTO audit_log (actor_id, actor_name, entity, entity_id, action, after)
		SELECT $` + strconv.Itoa(n+1) + `::bigint, $` + strconv.Itoa(n+2) + `::text, $` + strconv.Itoa(n+3) + `::text, s.entity_id, $` +
		strconv.Itoa(n+4) + `::text, s.after FROM (` + sel + `) AS s`
	if _, err := tx.Exec(ctx, q, append(args, actorID, actor.Name, entity, action)...); err != nil {
		return fmt.Errorf("journal: audit selected changes: %w", err)
	}
	return nil
}
