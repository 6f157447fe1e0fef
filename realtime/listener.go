package realtime

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"

	"sitrep/journal"
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
	nextPrune := time.Now().Add(time.Minute)
	for ctx.Err() == nil {
		err := h.listenOnce(ctx, &last, &nextPrune)
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

func (h *Hub) listenOnce(ctx context.Context, last *int64, nextPrune *time.Time) error {
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
		h.ready.Store(true)
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
		if h.cfg.Retention > 0 && time.Now().After(*nextPrune) {
			*nextPrune = time.Now().Add(h.cfg.PruneEvery)
			if n, err := prune(ctx, h.cfg.Pool, h.cfg.Retention, h.cfg.MinKeepEvents); err != nil {
				h.log.Warn("live stream: pruning old events failed", "err", err)
			} else if n > 0 {
				h.m.pruned.Add(float64(n))
				h.log.Info("live stream: pruned old events", "count", n)
			}
		}
	}
}

// readNew reads and publishes every event after *last, in batches.
func (h *Hub) readNew(ctx context.Context, conn *pgx.Conn, last *int64) error {
	for {
		h.m.listenerReads.Inc()
		evs, err := readEvents(ctx, conn, *last, 0, BatchSize)
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
		if len(evs) < BatchSize {
			return nil
		}
	}
}

// querier is what both a connection and a transaction offer.
type querier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
}

// readEvents returns up to limit events with after < seq (and seq <= upTo
// when upTo > 0), in order, encoded for the wire.
func readEvents(ctx context.Context, q querier, after, upTo int64, limit int) ([]*event, error) {
	rows, err := q.Query(ctx, `SELECT seq, recorded_at, topic, entity_id, action, drill, data
		FROM events WHERE seq > $1 AND ($2 = 0 OR seq <= $2) ORDER BY seq LIMIT $3`, after, upTo, limit)
	if err != nil {
		return nil, err
	}
	evs, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (*event, error) {
		e := &event{}
		err := r.Scan(&e.Seq, &e.RecordedAt, &e.Topic, &e.EntityID, &e.Action, &e.Drill, &e.Data)
		return e, err
	})
	if err != nil {
		return nil, err
	}
	for _, e := range evs {
		if err := e.prepare(); err != nil {
			return nil, err
		}
	}
	return evs, nil
}
