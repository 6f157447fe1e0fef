package realtime

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"

	"sitrep/internal/db"
	"sitrep/internal/journal"
)

// listen is the server's one reader of the events table. It holds a
// dedicated connection that LISTENs on journal.NotifyChannel; every wake-up
// (a notification, a reconnect, or the slow safety timer) reads the events
// after the last one it has seen, in order, in batches. Notifications only
// say "look": a lost one loses nothing, it delays delivery until the next
// wake-up at most. It starts at the event counter as its first connection
// finds it (last < 0 until then); reconnects go on from the last event read.
func (h *Hub) listen(ctx context.Context) {
	last := int64(-1)
	backoff := 100 * time.Millisecond
	for ctx.Err() == nil {
		err := h.listenOnce(ctx, &last)
		if ctx.Err() != nil {
			return
		}
		h.log.Warn("live stream: listener connection lost; reconnecting", "err", err, "in", backoff.String())
		// Jitter keeps several servers from reconnecting in lockstep after a
		// database restart.
		d := backoff/2 + rand.N(backoff/2+1)
		select {
		case <-ctx.Done():
			return
		case <-time.After(d):
		}
		backoff = min(backoff*2, 10*time.Second)
	}
}

func (h *Hub) listenOnce(ctx context.Context, last *int64) error {
	cfg := h.cfg.Pool.Config().ConnConfig.Copy()
	cfg.RuntimeParams["application_name"] = "sitrep-listener"
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return fmt.Errorf("connect: %w", err)
	}
	defer conn.Close(context.WithoutCancel(ctx))
	if _, err := conn.Exec(ctx, "LISTEN "+pgx.Identifier{journal.NotifyChannel}.Sanitize()); err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	h.m.listenerRestart.Inc()
	if *last < 0 {
		// Read after LISTEN, so no commit after this point can be missed.
		if err := conn.QueryRow(ctx, `SELECT last_seq FROM event_counter`).Scan(last); err != nil {
			return fmt.Errorf("read event counter: %w", err)
		}
		h.startSeq = *last
		h.ready.Store(true)
		close(h.started)
	}
	// Whatever committed since start or while we were not listening. (The
	// past before start reaches clients through their own snapshot or
	// backlog read, never through the listener.)
	if err := h.readNew(ctx, conn, last); err != nil {
		return err
	}
	for {
		wctx, cancel := context.WithTimeout(ctx, h.cfg.SafetyRead)
		n, err := conn.WaitForNotification(wctx)
		cancel()
		switch {
		case ctx.Err() != nil:
			return ctx.Err()
		case err == nil:
			// Many commits may wake us; one read covers every one up to
			// the payload, so skip the ones already read.
			if s, perr := strconv.ParseInt(n.Payload, 10, 64); perr == nil && s <= *last {
				continue
			}
		case errors.Is(err, context.DeadlineExceeded):
			// The safety read: a fallback should a notification be lost.
		default:
			return fmt.Errorf("wait for notification: %w", err)
		}
		if err := h.readNew(ctx, conn, last); err != nil {
			return err
		}
	}
}

// readNew reads and publishes every event after *last, in batches.
func (h *Hub) readNew(ctx context.Context, conn *pgx.Conn, last *int64) error {
	for {
		h.m.listenerReads.Inc()
		evs, more, err := readEvents(ctx, conn, *last, h.cfg.ReadBatchBytes)
		if err != nil {
			return fmt.Errorf("read events: %w", err)
		}
		if len(evs) == 0 {
			return nil
		}
		if evs[0].Seq != *last+1 {
			// Only pruning can do this (seq is gap-free); clients notice
			// the jump and resync or read the table themselves.
			h.log.Warn("live stream: events missing from the table", "after", *last, "next", evs[0].Seq)
		}
		b := &batch{events: evs}
		for _, e := range evs {
			b.bytes += len(e.encoded)
		}
		*last = evs[len(evs)-1].Seq
		h.publish(b)
		h.notify(evs)
		if !more {
			return nil
		}
	}
}

// readEvents returns the events after seq after, in order, encoded for the
// wire: at most BatchSize of them, and only as many as it takes to reach
// maxBytes of data (at least one, however large), so one read holds a
// bounded amount of memory whatever the events carry. more reports that it
// stopped at a bound: the caller reads again from the last one.
func readEvents(ctx context.Context, q db.Querier, after int64, maxBytes int) (evs []*event, more bool, err error) {
	// The window runs over the next BatchSize+1 events: the extra one only
	// says whether there is more. "before" is the data read ahead of a row.
	rows, err := q.Query(ctx, `SELECT seq, recorded_at, topic, entity_id, action, drill, data, n < total
		FROM (SELECT e.*,
				coalesce(sum(octet_length(data::text)) OVER (ORDER BY seq ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS before,
				row_number() OVER (ORDER BY seq) AS n,
				count(*) OVER () AS total
			FROM (SELECT * FROM events WHERE seq > $1 ORDER BY seq LIMIT $2) e) w
		WHERE before < $3
		ORDER BY seq`, after, BatchSize+1, maxBytes)
	if err != nil {
		return nil, false, err
	}
	evs, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (*event, error) {
		e := &event{}
		// Data as bytes: scanned as a json.RawMessage, pgx would run it through
		// json.Unmarshal, validating what jsonb already holds valid.
		err := r.Scan(&e.Seq, &e.RecordedAt, &e.Topic, &e.EntityID, &e.Action, &e.Drill, (*[]byte)(&e.Data), &more)
		return e, err
	})
	if err != nil {
		return nil, false, err
	}
	if len(evs) > BatchSize {
		evs, more = evs[:BatchSize], true
	}
	for _, e := range evs {
		if err := e.prepare(); err != nil {
			return nil, false, err
		}
	}
	return evs, more, nil
}
