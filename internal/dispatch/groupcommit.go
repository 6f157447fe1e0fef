package dispatch

import (
	"context"
	"slices"
	"strconv"
	"sync"
	"time"

	"sitrep/internal/api"
	"sitrep/internal/journal"
	"sitrep/internal/layers"
)

// Group commit for position fixes. Devices post small batches often; each
// batch alone pays a transaction, a commit's WAL flush, the team locks and
// the event counter's lock. Batches that arrive while a group commits wait
// and go together in the next transaction, so under load the cost is paid
// once per group, and with one caller at a time nothing waits (a group of
// one). Each batch is still refused whole for its own bad fixes, answered
// for its own fixes and audited under its own caller; a team gets one
// event per group, from its latest fix.

// maxGroupFixes bounds one group's transaction.
const maxGroupFixes = 4 * MaxBatch

// ingestReq is one caller's batch waiting for its group.
type ingestReq struct {
	actor journal.Actor
	fixes []Fix
	res   *Ingested
	err   error
	done  chan struct{}
}

func (r *ingestReq) finish(res *Ingested, err error) {
	r.res, r.err = res, err
	close(r.done)
}

// maxGroups is how many groups commit at once. One group's transaction
// runs on one PostgreSQL backend, one round trip at a time: with a single
// group, one core waits on the other. Two overlap one's round trips with
// the other's work; they serialise only where they must (teams both move,
// locked in id order; the event counter, taken in the last round trip).
const maxGroups = 2

// groupCommit is the queue of batches and how many groups are committing.
type groupCommit struct {
	mu      sync.Mutex
	queue   []*ingestReq
	running int
}

// submit queues req; if fewer than maxGroups are committing, this caller
// commits the queue (its own batch included) at once.
func (g *groupCommit) submit(s *Store, req *ingestReq) {
	g.mu.Lock()
	g.queue = append(g.queue, req)
	if g.running >= maxGroups {
		g.mu.Unlock()
		return
	}
	g.running++
	g.mu.Unlock()
	g.lead(s)
}

// lead commits one group, then hands what queued meanwhile to a new
// goroutine, so that this caller is answered as soon as its group is done.
func (g *groupCommit) lead(s *Store) {
	g.mu.Lock()
	if len(g.queue) == 0 { // another group took it
		g.running--
		g.mu.Unlock()
		return
	}
	n, take := 0, 0
	for take < len(g.queue) && (take == 0 || n+len(g.queue[take].fixes) <= maxGroupFixes) {
		n += len(g.queue[take].fixes)
		take++
	}
	batch := slices.Clone(g.queue[:take])
	g.queue = slices.Delete(g.queue, 0, take)
	g.mu.Unlock()

	s.commitGroup(batch)

	g.mu.Lock()
	if len(g.queue) == 0 {
		g.running--
		g.mu.Unlock()
		return
	}
	g.mu.Unlock()
	go g.lead(s)
}

// commitGroup commits the batches together; if the transaction fails for
// a reason no single batch owns, each batch is tried alone, so that one
// cannot sink the others.
func (s *Store) commitGroup(batch []*ingestReq) {
	// The group is not any one caller's: it runs to the end (each statement
	// bounded by the pool's statement timeout) even if a caller leaves.
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	results, err := s.ingestGroup(ctx, batch)
	if err != nil && len(batch) > 1 {
		for _, r := range batch {
			s.commitGroup([]*ingestReq{r})
		}
		return
	}
	for i, r := range batch {
		if r.err != nil {
			close(r.done)
			continue
		}
		if err != nil {
			r.finish(nil, err)
			continue
		}
		r.finish(results[i], nil)
	}
}

// ingestGroup is the transaction of a group. A batch refused for its own
// fixes (a team that does not exist) gets its error in req.err and leaves
// the group; results are by batch. It is three round trips to the
// database however many batches and fixes: BEGIN with the lock and read of
// the teams; the track, the moves, the zones and the routes; the zones'
// new states, the journal and COMMIT.
func (s *Store) ingestGroup(ctx context.Context, batch []*ingestReq) ([]*Ingested, error) {
	tx, err := beginPipelined(ctx, s.pool)
	if err != nil {
		return nil, err
	}
	defer tx.end()
	for _, r := range batch {
		r.err = nil
	}
	var all []int64
	for _, r := range batch {
		for _, f := range r.fixes {
			all = append(all, f.TeamID)
		}
	}
	first := tx.next()
	lock := queueLock(first, all)
	if err := tx.send(ctx, first); err != nil {
		return nil, err
	}
	prev := lock.prev
	// A batch naming a team that does not exist is refused whole.
	results := make([]*Ingested, len(batch))
	var fixes []Fix
	owner := []int{} // batch index of each fix in fixes
	for bi, r := range batch {
		for i, f := range r.fixes {
			if _, ok := prev[f.TeamID]; !ok {
				r.err = api.InvalidField("/"+strconv.Itoa(i)+"/team_id", "没有编号为 "+strconv.FormatInt(f.TeamID, 10)+" 的救援队伍")
				break
			}
		}
		if r.err == nil {
			fixes = append(fixes, r.fixes...)
			for range r.fixes {
				owner = append(owner, bi)
			}
			results[bi] = &Ingested{Received: len(r.fixes), Moved: []int64{}, Crossings: []Crossing{}}
		}
	}
	if len(fixes) == 0 {
		return results, tx.commit(ctx, tx.next())
	}
	latest := map[int64]int{} // team → index in fixes of its latest fix (the first sent, of equal times)
	for i, f := range fixes {
		if j, ok := latest[f.TeamID]; !ok || f.ObservedAt.After(fixes[j].ObservedAt) {
			latest[f.TeamID] = i
		}
	}
	// Which teams move is known from the locked read, so the statements
	// that follow from the moves go in one pipeline with the track's.
	m := movesOf(fixes, latest, prev)
	pipe := tx.next()
	track := queueTrack(pipe, columnsOf(fixes))
	move := queueMove(pipe, m)
	fence := s.queueFences(pipe, m)
	etas := queueETAs(pipe, m.ids)
	if err := tx.send(ctx, pipe); err != nil {
		return nil, err
	}
	stored := track.stored
	// Each new fix counts for the first batch that sent it; a team's
	// latest fix of the group says which batch moved it.
	for i, f := range fixes {
		k := fixKey{f.TeamID, f.ObservedAt.UTC()}
		if stored[k] {
			results[owner[i]].Stored++
			delete(stored, k)
		}
	}
	movedSet := map[int64]bool{}
	for _, id := range move.moved {
		movedSet[id] = true
	}
	last := tx.next()
	crossings := s.crossings(last, fence, movedSet)
	changes := make([][]journal.Change, len(batch))
	for _, id := range move.moved {
		bi := owner[latest[id]]
		// A move is a reading, kept in team_positions: streamed, not
		// audited one team at a time (the batch's audit row says who sent
		// what), as sensor readings are.
		changes[bi] = append(changes[bi], journal.Change{Entity: "rescue_teams", EntityID: strconv.FormatInt(id, 10), Action: "update",
			Topic: layers.RescueTeams.Name, Event: move.features[id], StreamOnly: true})
		if c, ok := etas.byTeam[id]; ok {
			changes[bi] = append(changes[bi], c)
		}
	}
	for _, c := range crossings {
		bi := owner[latest[c.TeamID]]
		ch, err := crossingChange(c, move.features[c.TeamID])
		if err != nil {
			return nil, err
		}
		changes[bi] = append(changes[bi], ch)
		results[bi].Crossings = append(results[bi].Crossings, c)
	}
	// A batch moved a team when one of its new fixes is newer than the
	// team's position before the group (as it would have alone).
	for i, f := range fixes {
		res := results[owner[i]]
		if !movedSet[f.TeamID] || slices.Contains(res.Moved, f.TeamID) {
			continue
		}
		if p := prev[f.TeamID]; p.IsZero() || f.ObservedAt.After(p) {
			res.Moved = append(res.Moved, f.TeamID)
		}
	}
	// The group's journal, each batch under its caller, in the batches'
	// order, goes in the round trip of the COMMIT.
	var entries []journal.Entry
	for bi, r := range batch {
		res := results[bi]
		if res == nil {
			continue
		}
		slices.Sort(res.Moved)
		res.Duplicates = res.Received - res.Stored
		if res.Stored == 0 {
			continue // nothing new: nothing to record, as a lone duplicate batch
		}
		audit := journal.Change{Entity: "team_positions", EntityID: "batch", Action: "ingest",
			After: map[string]any{"received": res.Received, "stored": res.Stored, "moved": res.Moved}}
		entries = append(entries, journal.Entry{Actor: r.actor, Changes: append([]journal.Change{audit}, changes[bi]...)})
	}
	recorded, err := journal.QueueEach(last, entries)
	if err != nil {
		return nil, err
	}
	if err := tx.commit(ctx, last); err != nil {
		return nil, err
	}
	journal.NoteCommitted(recorded.Seqs())
	return results, nil
}
