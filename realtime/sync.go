package realtime

import (
	"context"
	"errors"
)

// How a connection's stream stays exact: cursor is the last seq the client
// has been accounted for. Live batches from the hub are applied only when
// they continue the cursor; anything at or below it is skipped (no
// duplicate), and a batch that starts past cursor+1 (the listener started
// later than the client's snapshot, the client resumed from further back, or
// events arrived while a snapshot was being taken) hands the stream to the
// syncer, which reads the missing events from the table and then drains what
// the hub queued meanwhile (no gap). The syncer hands back only once the
// cursor has reached the listener's start (what committed before it, the
// listener never delivers) and checks that every event it reads follows the
// one before (a hole means pruned: resync). The switch back to live happens
// under the client's lock, so no batch can slip between the two. A gap signal
// is acted on only while the connection is still syncing: one left over from
// before a subscribe that has since caught up is stale.

// offer is the hub's fan-out into one client. It never blocks.
func (c *client) offer(b *batch) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closing || c.sub == nil {
		return
	}
	// While syncing, the client is judged by what it would be sent, not by
	// the whole batch: a wall on one layer is not "too slow" because
	// another layer is busy.
	n := c.weighLocked(b)
	c.pending = append(c.pending, pendingBatch{b: b, bytes: n})
	c.pendingBytes += n
	if c.syncing {
		if c.pendingBytes+c.queueBytes > c.h.cfg.MaxQueueBytes {
			c.slowLocked()
		}
		return
	}
	if c.applyPendingLocked() {
		c.syncing = true
		signal(c.gapCh)
	}
}

// weighLocked is how many bytes of b this client would be sent, as things
// stand (a feature that enters the box and leaves it within pending costs
// its small "leave" uncounted).
func (c *client) weighLocked(b *batch) int {
	n := 0
	for _, e := range b.events {
		if e.Seq <= c.cursor {
			continue
		}
		switch c.routeOfLocked(e) {
		case routeSend:
			n += len(e.encoded)
		case routeLeave:
			n += e.leaveItem().size
		}
	}
	return n
}

// applyPendingLocked sends the pending batches' events that continue the
// cursor and drops those already accounted for. It reports true if a gap
// remains: the next pending event is past cursor+1.
func (c *client) applyPendingLocked() bool {
	for len(c.pending) > 0 {
		p := c.pending[0]
		if p.b.last() > c.cursor {
			for _, e := range p.b.events {
				if e.Seq <= c.cursor {
					continue
				}
				if e.Seq != c.cursor+1 {
					return true
				}
				if it, ok := c.routeLocked(e); ok {
					c.enqueueLocked(it)
					if c.closing {
						return false
					}
				}
				c.cursor = e.Seq
			}
		}
		c.pending[0] = pendingBatch{}
		c.pending = c.pending[1:]
		c.pendingBytes -= p.bytes
	}
	c.pending, c.pendingBytes = nil, 0
	return false
}

// route is what a client gets for an event.
type route int

const (
	routeNone  route = iota
	routeSend        // the event
	routeLeave       // a held feature moved out of the box: "leave"
)

// routeOfLocked decides what this client gets for e, given what it holds,
// without changing anything.
func (c *client) routeOfLocked(e *event) route {
	if !c.sub.layers[e.Topic] {
		return routeNone
	}
	if c.sub.bbox == nil {
		return routeSend
	}
	held, known := c.held[e.Topic][e.EntityID]
	mayHold := held || (!known && c.heldUnknown)
	if e.Action == "delete" {
		if mayHold {
			return routeSend
		}
		return routeNone
	}
	// Not located (yet): in every box, as in the snapshot.
	if bound, spatial := e.geometry(c.h.placeProperty(e.Topic)); !spatial || bound.Intersects(*c.sub.bbox) {
		return routeSend
	}
	if mayHold {
		return routeLeave
	}
	return routeNone
}

// routeLocked decides what, if anything, this client gets for e, and
// records what the client holds afterwards.
func (c *client) routeLocked(e *event) (outItem, bool) {
	r := c.routeOfLocked(e)
	if r == routeNone {
		return outItem{}, false
	}
	if c.sub.bbox != nil {
		ids := c.held[e.Topic]
		if ids == nil {
			ids = map[string]bool{}
			c.held[e.Topic] = ids
		}
		switch {
		case e.Action == "delete":
			delete(ids, e.EntityID)
		case r == routeSend:
			// Including a feature without geometry: a location outside
			// the box later must send "leave".
			ids[e.EntityID] = true
		case c.heldUnknown:
			ids[e.EntityID] = false // known not held now
		default:
			delete(ids, e.EntityID)
		}
	}
	if r == routeLeave {
		return e.leaveItem(), true
	}
	return e.item(), true
}

// syncLoop runs subscribes and gap reads, one at a time, off the reader's
// and the hub's goroutines.
func (c *client) syncLoop() {
	for {
		select {
		case <-c.ctx.Done():
			return
		case req := <-c.subCh:
			ctx, cancel := context.WithCancel(c.ctx)
			c.mu.Lock()
			c.syncCancel = cancel
			c.mu.Unlock()
			err := c.subscribe(ctx, req)
			cancel()
			c.syncFailed(ctx, err)
		case <-c.gapCh:
			// A signal left from before a subscribe that has since
			// brought the stream up to date is stale: reading the table
			// now would resend what the hub delivered and move the
			// cursor back.
			c.mu.Lock()
			if !c.syncing || c.closing {
				c.mu.Unlock()
				continue
			}
			ctx, cancel := context.WithCancel(c.ctx)
			c.syncCancel = cancel
			c.mu.Unlock()
			err := c.catchUp(ctx)
			cancel()
			c.syncFailed(ctx, err)
		}
	}
}

// syncFailed ends a connection whose sync hit a database error: the client
// reconnects and resumes; a half-synchronised stream would be wrong.
// Cancellation (a newer subscribe, the connection ending) is not a failure.
func (c *client) syncFailed(ctx context.Context, err error) {
	if err == nil || ctx.Err() != nil || errors.Is(err, errClosed) {
		return
	}
	c.h.log.Warn("live stream: sync failed; closing the connection", "err", err)
	c.closeWith(1011, "服务器错误：请重连并续传", "sync_error")
}

// subscribe starts the stream for a new subscription: a resume from
// req.since when the table still has what follows it, else a snapshot.
func (c *client) subscribe(ctx context.Context, req subscribeReq) error {
	c.mu.Lock()
	// This subscribe reads whatever a pending gap signal was for.
	select {
	case <-c.gapCh:
	default:
	}
	c.sub = req.sub
	c.syncing = true
	c.pending, c.pendingBytes = nil, 0
	c.held = map[string]map[string]bool{}
	c.heldUnknown = false
	c.mu.Unlock()

	if req.since != nil {
		ok, err := c.h.resumable(ctx, *req.since)
		if err != nil {
			return err
		}
		if ok {
			c.mu.Lock()
			c.cursor = *req.since
			// We cannot know what a resuming client holds inside its box.
			c.heldUnknown = req.sub.bbox != nil
			c.mu.Unlock()
			if err := c.enqueueWait(ctx, rawItem(resumedMsg{Type: "resumed", From: *req.since})); err != nil {
				return err
			}
			return c.catchUp(ctx)
		}
		c.h.m.resyncs.Inc()
		if err := c.enqueueWait(ctx, rawItem(resyncMsg{Type: "resync",
			Detail: resyncDetail})); err != nil {
			return err
		}
	}
	if err := c.snapshot(ctx); err != nil {
		return err
	}
	return c.catchUp(ctx)
}

// snapshot sends a snapshot of the subscription and moves the cursor to it.
func (c *client) snapshot(ctx context.Context) error {
	c.mu.Lock()
	sub := c.sub
	c.mu.Unlock()
	b, seq, ids, err := c.h.takeSnapshot(ctx, sub)
	if err != nil {
		return err
	}
	c.h.m.snapshots.Inc()
	c.mu.Lock()
	c.cursor = seq
	c.held = map[string]map[string]bool{}
	c.heldUnknown = false
	for layer, list := range ids {
		m := make(map[string]bool, len(list))
		for _, id := range list {
			m[id] = true
		}
		c.held[layer] = m
	}
	c.mu.Unlock()
	return c.enqueueWait(ctx, outItem{data: b, size: len(b)})
}

// catchUp reads the events after the cursor from the table until it meets
// what the hub queued in pending, then hands the stream back to the hub.
func (c *client) catchUp(ctx context.Context) error {
	for {
		c.mu.Lock()
		cursor := c.cursor
		c.mu.Unlock()
		c.h.m.backlogReads.Inc()
		evs, more, err := readEvents(ctx, c.h.cfg.Pool, cursor, c.h.cfg.ReadBatchBytes)
		if err != nil {
			return err
		}
		hole := false
		for _, e := range evs {
			c.mu.Lock()
			if c.closing {
				c.mu.Unlock()
				return errClosed
			}
			if e.Seq <= c.cursor {
				// Already accounted for; only the syncer moves the
				// cursor while syncing, so this is a safeguard.
				c.mu.Unlock()
				continue
			}
			if e.Seq != c.cursor+1 {
				// Missing from the table (pruned): the client cannot
				// have an exact stream from here.
				c.mu.Unlock()
				hole = true
				break
			}
			it, ok := c.routeLocked(e)
			c.cursor = e.Seq
			c.mu.Unlock()
			c.h.m.backlogEvents.Inc()
			if ok {
				it.backlog = true
				if err := c.enqueueWait(ctx, it); err != nil {
					return err
				}
			}
		}
		if hole {
			c.h.m.resyncs.Inc()
			if err := c.enqueueWait(ctx, rawItem(resyncMsg{Type: "resync",
				Detail: resyncDetail})); err != nil {
				return err
			}
			if err := c.snapshot(ctx); err != nil {
				return err
			}
			continue
		}
		if more {
			continue
		}
		// The listener delivers only what commits after its start (the
		// server just started): a client behind that point must read on
		// from the table, or an event committed between our read and the
		// listener's start would reach nobody.
		select {
		case <-c.h.started:
		case <-ctx.Done():
			return ctx.Err()
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		// The table has nothing newer right now: join the live stream,
		// unless what the hub queued meanwhile still leaves a gap (it
		// is behind the table, or ahead of it by events that committed
		// since our read; both resolve by reading again).
		c.mu.Lock()
		if c.closing {
			c.mu.Unlock()
			return errClosed
		}
		if c.cursor < c.h.startSeq {
			c.mu.Unlock()
			continue
		}
		if !c.applyPendingLocked() {
			c.syncing = false
			c.syncCancel = nil
			c.mu.Unlock()
			return nil
		}
		c.mu.Unlock()
	}
}

// resumable reports whether every event after since is still in the table.
func (h *Hub) resumable(ctx context.Context, since int64) (bool, error) {
	var ok bool
	err := h.cfg.Pool.QueryRow(ctx, `SELECT CASE
			WHEN $1 > c.last_seq THEN false -- a seq this database never gave: another or a restored database
			WHEN $1 = c.last_seq THEN true
			ELSE EXISTS (SELECT 1 FROM events WHERE seq = $1 + 1) END
		FROM event_counter c`, since).Scan(&ok)
	return ok, err
}
