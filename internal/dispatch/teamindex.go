package dispatch

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/paulmach/orb"

	"sitrep/geo"
	"sitrep/internal/journal"
	"sitrep/internal/layers"
	"sitrep/realtime"
)

// TeamIndex answers "nearest rescue teams" from memory: every team's
// position and the fields /nearest filters on, in a grid of 0.01° cells,
// kept current from the ordered event stream. PostgreSQL stays the source
// of truth: the index loads from one snapshot together with the event
// counter it reflects, then applies every rescue_teams event after it in
// seq order (a Feature on create and update, {"id"} on delete, a reload on
// a bulk "*" event). Events reach it from the live stream's listener; a
// gap (the listener started later, or a batch was missed) and a write this
// process committed that the listener has not delivered yet are read from
// the events table before the index answers, so a client's own write
// through this server is in its next answer, and another server's writes
// within the listener's wake-up (a NOTIFY, at worst its safety read).
//
// Until it has loaded, or when a question is one it cannot answer exactly
// (near a pole or the antimeridian), Nearest says so and the caller asks
// PostgreSQL.
type TeamIndex struct {
	pool *pgxpool.Pool

	mu      sync.RWMutex
	teams   map[int64]*indexedTeam
	cells   map[cellKey][]*indexedTeam
	applied int64 // the last event seq the index reflects
	loaded  bool
	// stale is set when events were skipped (a gap in what the listener
	// delivered): the next answer reads them from the table first.
	stale bool
	// bounds hold every populated cell (they only grow): how far the rings
	// of a query need to go before every team has been seen.
	bounds struct{ min, max cellKey }

	catchUp sync.Mutex // one reader of the events table at a time
	reload  chan struct{}
	stop    context.CancelFunc
	done    chan struct{}
}

// indexedTeam is what /nearest needs of one team.
type indexedTeam struct {
	id                 int64
	name, kind, status string
	caps               []string
	headcount, version int
	home               orb.Point
	last               *orb.Point
	observed           *time.Time
	cell               cellKey
	slot               int // index in its cell's slice
}

func (t *indexedTeam) pos() orb.Point {
	if t.last != nil {
		return *t.last
	}
	return t.home
}

// cellDeg is the grid's cell size: a county's teams are a few hundred per
// cell at a million, so a query reads a few cells.
const cellDeg = 0.01

type cellKey struct{ x, y int32 }

func cellOf(p orb.Point) cellKey {
	return cellKey{int32(math.Floor(p[0] / cellDeg)), int32(math.Floor(p[1] / cellDeg))}
}

// NewTeamIndex makes the index and starts loading it in the background;
// live (the server's stream) keeps it current. Close stops it.
func NewTeamIndex(pool *pgxpool.Pool, live interface{ OnEvents(func([]realtime.Event)) }) *TeamIndex {
	ctx, cancel := context.WithCancel(context.Background())
	x := &TeamIndex{pool: pool, reload: make(chan struct{}, 1), stop: cancel, done: make(chan struct{})}
	if live != nil {
		live.OnEvents(x.apply)
	}
	x.reload <- struct{}{}
	go x.loader(ctx)
	return x
}

// Close stops the background loader.
func (x *TeamIndex) Close() {
	x.stop()
	<-x.done
}

// loader (re)loads the index whenever asked: at start, and after a bulk
// change to the layer. A failed load is retried; meanwhile answers come
// from PostgreSQL.
func (x *TeamIndex) loader(ctx context.Context) {
	defer close(x.done)
	for {
		select {
		case <-ctx.Done():
			return
		case <-x.reload:
		}
		for ctx.Err() == nil {
			if err := x.load(ctx); err == nil {
				break
			}
			select {
			case <-ctx.Done():
			case <-time.After(time.Second):
			}
		}
	}
}

// load reads every team and the event counter in one snapshot: the teams
// are exactly as the events up to that seq left them (the counter's row
// lock orders commits, see journal.Record).
func (x *TeamIndex) load(ctx context.Context) error {
	tx, err := x.pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return err
	}
	defer func() { _ = tx.Rollback(context.WithoutCancel(ctx)) }()
	// A million rows take longer than the pool's statement timeout allows a
	// query that serves a request.
	if _, err := tx.Exec(ctx, `SET LOCAL statement_timeout = '5min'`); err != nil {
		return err
	}
	var seq int64
	if err := tx.QueryRow(ctx, `SELECT last_seq FROM event_counter`).Scan(&seq); err != nil {
		return err
	}
	rows, err := tx.Query(ctx, `SELECT id, name, kind, status, capabilities, headcount, version, ST_X(geom), ST_Y(geom),
		ST_X(last_position), ST_Y(last_position), observed_at FROM rescue_teams`)
	if err != nil {
		return err
	}
	teams := map[int64]*indexedTeam{}
	cells := map[cellKey][]*indexedTeam{}
	in := interner{}
	for rows.Next() {
		t := &indexedTeam{}
		var lastX, lastY *float64
		if err := rows.Scan(&t.id, &t.name, &t.kind, &t.status, &t.caps, &t.headcount, &t.version, &t.home[0], &t.home[1],
			&lastX, &lastY, &t.observed); err != nil {
			rows.Close()
			return err
		}
		if lastX != nil && lastY != nil {
			t.last = &orb.Point{*lastX, *lastY}
		}
		in.team(t)
		teams[t.id] = t
		place(cells, t)
	}
	bounds := boundsOf(cells)
	if err := rows.Err(); err != nil {
		return err
	}
	x.mu.Lock()
	x.teams, x.cells, x.applied, x.loaded, x.stale, x.bounds = teams, cells, seq, true, true, bounds
	x.mu.Unlock()
	return nil
}

// interner shares the few distinct kinds, statuses and capability sets
// between a million teams.
type interner map[string]string

func (in interner) s(v string) string {
	if c, ok := in[v]; ok {
		return c
	}
	in[v] = v
	return v
}

func (in interner) team(t *indexedTeam) {
	t.kind, t.status = in.s(t.kind), in.s(t.status)
	for i, c := range t.caps {
		t.caps[i] = in.s(c)
	}
}

func place(cells map[cellKey][]*indexedTeam, t *indexedTeam) {
	t.cell = cellOf(t.pos())
	t.slot = len(cells[t.cell])
	cells[t.cell] = append(cells[t.cell], t)
}

func unplace(cells map[cellKey][]*indexedTeam, t *indexedTeam) {
	c := cells[t.cell]
	last := c[len(c)-1]
	c[t.slot], last.slot = last, t.slot
	c = c[:len(c)-1]
	if len(c) == 0 {
		delete(cells, t.cell)
	} else {
		cells[t.cell] = c
	}
}

// apply is the live stream's callback: events in commit order. It applies
// those that follow what the index reflects and marks the index stale at
// a gap (the next answer reads the table).
func (x *TeamIndex) apply(evs []realtime.Event) {
	x.mu.Lock()
	defer x.mu.Unlock()
	if !x.loaded {
		return
	}
	for _, ev := range evs {
		if ev.Seq <= x.applied {
			continue
		}
		if ev.Seq != x.applied+1 {
			x.stale = true
			return
		}
		x.applyLocked(ev.Seq, ev.Topic, ev.EntityID, ev.Action, ev.Data)
	}
}

// applyLocked applies one event (x.mu held). A rescue_teams event that
// cannot be read, or a bulk one, reloads the index.
func (x *TeamIndex) applyLocked(seq int64, topic, entityID, action string, data []byte) {
	x.applied = seq
	if topic != layers.RescueTeams.Name {
		return
	}
	if entityID == "*" {
		x.loaded = false // answers from PostgreSQL until reloaded
		select {
		case x.reload <- struct{}{}:
		default:
		}
		return
	}
	id, err := strconv.ParseInt(entityID, 10, 64)
	if err != nil {
		return
	}
	old := x.teams[id]
	if action == "delete" {
		if old != nil {
			unplace(x.cells, old)
			delete(x.teams, id)
		}
		return
	}
	t, err := teamFromFeature(id, data)
	if err != nil {
		x.loaded = false
		select {
		case x.reload <- struct{}{}:
		default:
		}
		return
	}
	if old != nil {
		unplace(x.cells, old)
	}
	x.teams[id] = t
	place(x.cells, t)
	b := &x.bounds
	b.min = cellKey{min(b.min.x, t.cell.x), min(b.min.y, t.cell.y)}
	b.max = cellKey{max(b.max.x, t.cell.x), max(b.max.y, t.cell.y)}
}

func boundsOf(cells map[cellKey][]*indexedTeam) (b struct{ min, max cellKey }) {
	first := true
	for c := range cells {
		if first {
			b.min, b.max, first = c, c, false
		}
		b.min = cellKey{min(b.min.x, c.x), min(b.min.y, c.y)}
		b.max = cellKey{max(b.max.x, c.x), max(b.max.y, c.y)}
	}
	return b
}

// teamFromFeature reads a rescue_teams Feature as the layer serves it (the
// events of create, update, dispatch, positions and zone crossings).
func teamFromFeature(id int64, data []byte) (*indexedTeam, error) {
	var f struct {
		Geometry struct {
			Coordinates []float64 `json:"coordinates"`
		} `json:"geometry"`
		Properties struct {
			Name         string   `json:"name"`
			Kind         string   `json:"kind"`
			Status       string   `json:"status"`
			Capabilities []string `json:"capabilities"`
			Headcount    int      `json:"headcount"`
			Version      int      `json:"version"`
			LastPosition *struct {
				Coordinates []float64 `json:"coordinates"`
			} `json:"last_position"`
			ObservedAt *time.Time `json:"observed_at"`
		} `json:"properties"`
	}
	if err := json.Unmarshal(data, &f); err != nil {
		return nil, err
	}
	if len(f.Geometry.Coordinates) < 2 {
		return nil, errors.New("dispatch: team event without a point")
	}
	p := f.Properties
	t := &indexedTeam{id: id, name: p.Name, kind: p.Kind, status: p.Status, caps: p.Capabilities, headcount: p.Headcount,
		version: p.Version, home: orb.Point{f.Geometry.Coordinates[0], f.Geometry.Coordinates[1]}, observed: p.ObservedAt}
	if t.caps == nil {
		t.caps = []string{}
	}
	if lp := p.LastPosition; lp != nil && len(lp.Coordinates) >= 2 {
		t.last = &orb.Point{lp.Coordinates[0], lp.Coordinates[1]}
	}
	return t, nil
}

// current brings the index up to every event this process has committed
// and past any gap, reading the events table. It reports false when the
// index is not loaded.
func (x *TeamIndex) current(ctx context.Context) (bool, error) {
	x.mu.RLock()
	loaded, ok := x.loaded, x.loaded && !x.stale && x.applied >= journal.Committed()
	x.mu.RUnlock()
	if !loaded || ok {
		return loaded, nil
	}
	x.catchUp.Lock()
	defer x.catchUp.Unlock()
	for {
		x.mu.RLock()
		from, loaded := x.applied, x.loaded
		x.mu.RUnlock()
		if !loaded {
			return false, nil
		}
		rows, err := x.pool.Query(ctx, `SELECT seq, topic, entity_id, action, CASE WHEN topic = $2 THEN data::text END
			FROM events WHERE seq > $1 ORDER BY seq LIMIT 10000`, from, layers.RescueTeams.Name)
		if err != nil {
			return false, err
		}
		type ev struct {
			seq               int64
			topic, id, action string
			data              *string
		}
		evs, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (ev, error) {
			var e ev
			return e, r.Scan(&e.seq, &e.topic, &e.id, &e.action, &e.data)
		})
		if err != nil {
			return false, err
		}
		x.mu.Lock()
		if len(evs) > 0 && evs[0].seq > x.applied+1 {
			// Pruned past what the index reflects: start again.
			x.loaded = false
			select {
			case x.reload <- struct{}{}:
			default:
			}
		}
		for _, e := range evs {
			if !x.loaded {
				break
			}
			if e.seq != x.applied+1 {
				continue // applied meanwhile by the listener
			}
			var data []byte
			if e.data != nil {
				data = []byte(*e.data)
			}
			x.applyLocked(e.seq, e.topic, e.id, e.action, data)
		}
		if len(evs) < 10000 {
			x.stale = false
		}
		loaded, done := x.loaded, len(evs) < 10000
		x.mu.Unlock()
		if !loaded {
			return false, nil
		}
		if done {
			return true, nil
		}
	}
}

// metresPerDegLat bounds the meridian arc from below (a degree of latitude
// is shortest at the equator): |Δφ| ≤ d / this for any two points d apart.
const metresPerDegLat = 110574.0

// Nearest answers a /nearest question on rescue teams from memory, exact
// on the ellipsoid (Vincenty, as geo.Distance): rings of grid cells around
// the origin, nearest first, until k candidates; from then the k-th's
// distance D bounds a box that holds every point within D (latitude by the
// shortest meridian degree; longitude by the equatorial radius at the
// box's highest latitude, since a parallel's radius N·cos φ ≥ a·cos φ), and
// every matching team in that box is ranked as the box shrinks.
// ok is false when the caller should ask PostgreSQL: not loaded yet, or
// the box would reach a pole or cross the antimeridian. seq is the last
// event the answer reflects.
func (x *TeamIndex) Nearest(ctx context.Context, q NearestQuery, f teamFilter, now time.Time) (res []Result, seq int64, ok bool, err error) {
	if ok, err := x.current(ctx); !ok || err != nil {
		return nil, 0, false, err
	}
	origin := orb.Point{q.Lon, q.Lat}
	match := f.matcher(now)
	x.mu.RLock()
	defer x.mu.RUnlock()
	if !x.loaded {
		return nil, 0, false, nil
	}
	top := newTopK(q.K)
	// Once k candidates are in hand, the k-th's distance D bounds where a
	// better one can be: |Δlat| ≤ D / metresPerDegLat and |Δlon| ≤ D /
	// (a·cos φmax). Teams outside are passed over without the (costly)
	// Vincenty, and the rings stop where no cell can hold one.
	var dLat, dLon float64
	reach := func() bool {
		d := top.worst() + 0.001
		dLat = d / metresPerDegLat
		latMax := math.Abs(q.Lat) + dLat
		if latMax >= 89 {
			return false
		}
		dLon = d / (geo.WGS84A * math.Cos(latMax*math.Pi/180)) * 180 / math.Pi
		return q.Lon-dLon >= -180 && q.Lon+dLon <= 180
	}
	usable := true
	visit := func(c cellKey) {
		for _, t := range x.cells[c] {
			if !match(t) {
				continue
			}
			p := t.pos()
			if top.full() && (math.Abs(p[1]-q.Lat) > dLat || math.Abs(p[0]-q.Lon) > dLon) {
				continue
			}
			if top.offer(t, geo.Distance(origin, p)) && top.full() && !reach() {
				usable = false
			}
		}
	}
	// Every team in ring r is at least r−1 cells away in latitude or in
	// longitude: once the box is inside, the walk stops.
	done := func(r int32) bool {
		return !usable || top.full() && float64(r-1)*cellDeg > dLat && float64(r-1)*cellDeg > dLon
	}
	walkCells(cellOf(origin), x.cells, x.gridSpan(cellOf(origin)), visit, done)
	if !usable {
		return nil, 0, false, nil // near a pole or the antimeridian: PostgreSQL answers
	}
	if top.nan {
		return nil, 0, false, nil // Vincenty did not converge (near-antipodal): PostgreSQL answers
	}
	for _, c := range top.sorted() {
		if q.MaxDistM > 0 && c.d > q.MaxDistM {
			break
		}
		res = append(res, c.t.result(c.d, now))
	}
	if res == nil {
		res = []Result{}
	}
	return res, x.applied, true, nil
}

// walkCells visits the populated cells around c0, ring by ring (nearest
// first) while the rings so far cost less than the populated cells, then
// every populated cell not yet visited, in no order; done(r) ends the walk
// before ring r. The rings alone would walk every empty cell between the
// county and a team far away (a filter that nothing matches walks them
// all: billions of cells for one team across the world); this way a
// question costs at most about twice the populated cells. It returns how
// many cells it looked at.
func walkCells(c0 cellKey, cells map[cellKey][]*indexedTeam, span int32, visit func(cellKey), done func(r int32) bool) (looked int) {
	for r := int32(0); r <= span; r++ {
		if done(r) {
			return looked
		}
		if looked+max(1, 8*int(r)) > len(cells) {
			for c := range cells {
				if chebyshev(c, c0) >= r {
					visit(c)
				}
				looked++
			}
			return looked
		}
		ring(c0, r, visit)
		looked += max(1, 8*int(r))
	}
	return looked
}

func chebyshev(a, b cellKey) int32 { return max(abs32(a.x-b.x), abs32(a.y-b.y)) }

// gridSpan is how many rings around c cover every populated cell.
func (x *TeamIndex) gridSpan(c cellKey) int32 {
	b := x.bounds
	return max(abs32(b.min.x-c.x), abs32(b.max.x-c.x), abs32(b.min.y-c.y), abs32(b.max.y-c.y))
}

func abs32(v int32) int32 {
	if v < 0 {
		return -v
	}
	return v
}

// ring calls visit for every cell at Chebyshev distance r from c.
func ring(c cellKey, r int32, visit func(cellKey)) {
	if r == 0 {
		visit(c)
		return
	}
	for d := -r; d <= r; d++ {
		visit(cellKey{c.x + d, c.y - r})
		visit(cellKey{c.x + d, c.y + r})
	}
	for d := -r + 1; d <= r-1; d++ {
		visit(cellKey{c.x - r, c.y + d})
		visit(cellKey{c.x + r, c.y + d})
	}
}

// matcher is the filter as a test on an indexed team, with the SQL's
// meaning (teamFilters).
func (f teamFilter) matcher(now time.Time) func(*indexedTeam) bool {
	var oldest time.Time
	if f.maxAgeS > 0 {
		oldest = now.Add(-time.Duration(f.maxAgeS * float64(time.Second)))
	}
	return func(t *indexedTeam) bool {
		if f.statuses != nil && !slices.Contains(f.statuses, t.status) {
			return false
		}
		if f.kind != "" && t.kind != f.kind {
			return false
		}
		for _, c := range f.caps {
			if !slices.Contains(t.caps, c) {
				return false
			}
		}
		if f.maxAgeS > 0 && (t.observed == nil || t.observed.Before(oldest)) {
			return false
		}
		return true
	}
}

// result is the team as /nearest answers it, the same fields as the SQL.
func (t *indexedTeam) result(d float64, now time.Time) Result {
	p := t.pos()
	r := Result{ID: t.id, Name: t.name, DistanceM: d}
	if t.observed != nil {
		age := now.Sub(*t.observed).Seconds()
		s := t.observed.UTC().Format(time.RFC3339Nano)
		r.PositionAgeS, r.ObservedAt = &age, &s
	}
	r.Geometry = json.RawMessage(`{"type":"Point","coordinates":[` + coord(p[0]) + `,` + coord(p[1]) + `]}`)
	position := "home_base"
	if t.last != nil {
		position = "last_position"
	}
	props, _ := json.Marshal(teamProps{Kind: t.kind, Status: t.status, Capabilities: t.caps, Headcount: t.headcount,
		Position: position, Version: t.version})
	r.Properties = props
	return r
}

// teamProps are the properties /nearest gives a team, in the SQL's order.
type teamProps struct {
	Kind         string   `json:"kind"`
	Status       string   `json:"status"`
	Capabilities []string `json:"capabilities"`
	Headcount    int      `json:"headcount"`
	Position     string   `json:"position"`
	Version      int      `json:"version"`
}

// coord prints a coordinate as ST_AsGeoJSON does (at most 9 decimals).
func coord(v float64) string {
	return strconv.FormatFloat(math.Round(v*1e9)/1e9, 'f', -1, 64)
}

// topK keeps the k nearest offered teams, ties by id (the SQL's order).
type topK struct {
	k     int
	items []cand
	nan   bool // a distance did not converge
}

type cand struct {
	t *indexedTeam
	d float64
}

func newTopK(k int) *topK { return &topK{k: k, items: make([]cand, 0, k+1)} }

func (h *topK) full() bool { return len(h.items) >= h.k }

func (h *topK) worst() float64 { return h.items[len(h.items)-1].d }

func less(a, b cand) bool { return a.d < b.d || (a.d == b.d && a.t.id < b.t.id) }

// offer inserts c in order (k is at most MaxK, so a sorted slice beats a
// heap) and reports whether it was kept.
func (h *topK) offer(t *indexedTeam, d float64) bool {
	if math.IsNaN(d) {
		h.nan = true
		return false
	}
	c := cand{t, d}
	if h.full() && !less(c, h.items[len(h.items)-1]) {
		return false
	}
	i, _ := slices.BinarySearchFunc(h.items, c, func(a, b cand) int {
		if less(a, b) {
			return -1
		}
		if less(b, a) {
			return 1
		}
		return 0
	})
	h.items = slices.Insert(h.items, i, c)
	if len(h.items) > h.k {
		h.items = h.items[:h.k]
	}
	return true
}

func (h *topK) sorted() []cand { return h.items }
