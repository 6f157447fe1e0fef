package zones

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"

	"github.com/jackc/pgx/v5"

	"sitrep/internal/api"
	"sitrep/internal/db"
	"sitrep/internal/journal"
	"sitrep/internal/layers"
	"sitrep/internal/registry"
)

// Allocation is a proposal to place a zone's people in shelters.
type Allocation struct {
	ZoneID int64 `json:"zone_id"`
	// People inside the zone (per cell, rounded up).
	People int64 `json:"people"`
	// AlreadyPlaced of them have a place from earlier confirmed allocations
	// of the incident (this zone before, or another zone over the same
	// cells); they are not placed again.
	AlreadyPlaced int64 `json:"already_placed"`
	// Placed is what this proposal places; Unplaced is who still has no
	// place after it (People = AlreadyPlaced + Placed + Unplaced).
	Placed      int64          `json:"placed"`
	Unplaced    int64          `json:"unplaced"`
	Method      string         `json:"method"`
	Assignments []Assignment   `json:"assignments"`
	Shelters    []ShelterUse   `json:"shelters"`
	Left        []UnplacedCell `json:"left_without_place"`
}

// Assignment sends people of one cell to one shelter.
type Assignment struct {
	CellID    int64   `json:"cell_id"`
	ShelterID int64   `json:"shelter_id"`
	People    int64   `json:"people"`
	DistanceM float64 `json:"distance_m"`
}

// ShelterUse is what the proposal asks of one shelter; Version is the
// shelter's version the proposal was made from. Confirming sends back the
// id, version and people of each shelter as shown.
type ShelterUse struct {
	ShelterID  int64  `json:"id"`
	Name       string `json:"name"`
	Version    int    `json:"version"`
	FreeBefore int64  `json:"free_before"`
	People     int64  `json:"people"`
	FreeAfter  int64  `json:"free_after"`
}

// UnplacedCell is people no shelter could take.
type UnplacedCell struct {
	CellID int64 `json:"cell_id"`
	People int64 `json:"people"`
}

// AllocationMethod is reported with every proposal.
const AllocationMethod = "每个人口网格的需求：网格在区域内的人数，减去同一事件已确认安置中该网格已安置的人数（不低于 0）；" +
	"按最近配对优先的贪心法：所有（网格，避难场所）配对按网格中心到避难场所的大地线距离（WGS 84 椭球面）排序，" +
	"依次把网格剩余人员尽量安置到该避难场所的剩余容量中。避难场所须开放、有剩余容量，且不在任何生效区域和本区域内。"

// pair is one candidate (cell index, shelter index, distance).
type pair struct {
	c, s int
	d    float64
}

// greedy assigns demand to supply, nearest pair first; ties by cell then
// shelter id so the answer is deterministic.
func greedy(demand, supply []int64, cellIDs, shelterIDs []int64, pairs []pair) ([]Assignment, []int64, []int64) {
	need := slices.Clone(demand)
	free := slices.Clone(supply)
	slices.SortFunc(pairs, func(a, b pair) int {
		return cmp.Or(cmp.Compare(a.d, b.d), cmp.Compare(cellIDs[a.c], cellIDs[b.c]), cmp.Compare(shelterIDs[a.s], shelterIDs[b.s]))
	})
	var out []Assignment
	for _, p := range pairs {
		n := min(need[p.c], free[p.s])
		if n <= 0 {
			continue
		}
		need[p.c] -= n
		free[p.s] -= n
		out = append(out, Assignment{CellID: cellIDs[p.c], ShelterID: shelterIDs[p.s], People: n, DistanceM: p.d})
	}
	return out, need, free
}

type shelterRow struct {
	id       int64
	name     string
	version  int
	free     int64
	lon, lat float64
}

// Propose computes an allocation for zone id. It writes nothing.
func (s *Store) Propose(ctx context.Context, id int64) (*Allocation, error) {
	tx, err := s.pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return nil, err
	}
	defer tx.Rollback(ctx) //nolint:errcheck // read-only
	var incident *int64
	err = tx.QueryRow(ctx, `SELECT incident_id FROM zones WHERE id = $1`, id).Scan(&incident)
	if db.IsNotFound(err) {
		return nil, api.NotFound("区域 " + strconv.FormatInt(id, 10))
	}
	if err != nil {
		return nil, err
	}
	return propose(ctx, tx, id, incident, false)
}

// propose computes zone id's allocation in tx. incident (nil for a what-if)
// is whose earlier placements count as done. lock takes the candidate
// shelters FOR UPDATE (in id order), so a confirmation applies exactly the
// proposal it computed.
func propose(ctx context.Context, tx pgx.Tx, id int64, incident *int64, lock bool) (*Allocation, error) {
	cells, err := cellsIn(ctx, tx, id)
	if err != nil {
		return nil, err
	}
	placed, err := placedBefore(ctx, tx, incident, cells)
	if err != nil {
		return nil, err
	}
	shelters, err := candidateShelters(ctx, tx, id, lock)
	if err != nil {
		return nil, err
	}
	a := &Allocation{ZoneID: id, Method: AllocationMethod, Assignments: []Assignment{}, Shelters: []ShelterUse{}, Left: []UnplacedCell{}}
	var (
		demand, cellIDs []int64
		lons, lats      []float64
	)
	for _, c := range cells {
		n := c.Inside()
		a.People += n
		done := min(n, placed[c.ID])
		a.AlreadyPlaced += done
		if n -= done; n > 0 {
			demand, cellIDs = append(demand, n), append(cellIDs, c.ID)
			lons, lats = append(lons, c.Lon), append(lats, c.Lat)
		}
	}
	supply := make([]int64, len(shelters))
	shelterIDs := make([]int64, len(shelters))
	for i, sr := range shelters {
		supply[i], shelterIDs[i] = sr.free, sr.id
	}
	pairs, err := pairDistances(ctx, tx, lons, lats, shelters)
	if err != nil {
		return nil, err
	}
	assign, left, free := greedy(demand, supply, cellIDs, shelterIDs, pairs)
	if assign != nil {
		a.Assignments = assign
	}
	for i, n := range left {
		if n > 0 {
			a.Left = append(a.Left, UnplacedCell{CellID: cellIDs[i], People: n})
			a.Unplaced += n
		}
	}
	a.Placed = a.People - a.AlreadyPlaced - a.Unplaced
	for i, sr := range shelters {
		if used := supply[i] - free[i]; used > 0 {
			a.Shelters = append(a.Shelters, ShelterUse{ShelterID: sr.id, Name: sr.name, Version: sr.version,
				FreeBefore: sr.free, People: used, FreeAfter: free[i]})
		}
	}
	return a, nil
}

// placedBefore is, per cell, the people earlier confirmed allocations of
// the incident placed (none for a what-if, incident nil).
func placedBefore(ctx context.Context, tx pgx.Tx, incident *int64, cells []cellShare) (map[int64]int64, error) {
	placed := map[int64]int64{}
	if incident == nil || len(cells) == 0 {
		return placed, nil
	}
	ids := make([]int64, len(cells))
	for i, c := range cells {
		ids[i] = c.ID
	}
	rows, err := tx.Query(ctx, `SELECT cell_id, sum(people) FROM shelter_allocation_cells
		WHERE incident_id = $1 AND cell_id = ANY($2) GROUP BY cell_id`, *incident, ids)
	if err != nil {
		return nil, err
	}
	var cell, n int64
	_, err = pgx.ForEachRow(rows, []any{&cell, &n}, func() error { placed[cell] = n; return nil })
	return placed, err
}

// candidateShelters are the shelters that can take people from zone id, in
// id order (locked in that order when lock is set).
func candidateShelters(ctx context.Context, tx pgx.Tx, id int64, lock bool) ([]shelterRow, error) {
	q := `SELECT s.id, s.name, s.version, s.capacity - s.occupancy, ST_X(s.geom), ST_Y(s.geom)
		FROM shelters s
		WHERE s.status = 'open' AND s.capacity > s.occupancy
		  AND NOT EXISTS (SELECT 1 FROM zones z WHERE (z.active OR z.id = $1) AND ST_Intersects(z.geom, s.geom))
		ORDER BY s.id`
	if lock {
		q += ` FOR UPDATE OF s`
	}
	rows, err := tx.Query(ctx, q, id)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (shelterRow, error) {
		var sr shelterRow
		err := r.Scan(&sr.id, &sr.name, &sr.version, &sr.free, &sr.lon, &sr.lat)
		return sr, err
	})
}

// pairDistances measures every (cell, shelter) pair on the ellipsoid in
// one statement rather than one round trip per pair.
func pairDistances(ctx context.Context, tx pgx.Tx, lons, lats []float64, shelters []shelterRow) ([]pair, error) {
	if len(lons) == 0 || len(shelters) == 0 {
		return nil, nil
	}
	rows, err := tx.Query(ctx, `SELECT c.i - 1, s.i - 1,
			ST_Distance(ST_SetSRID(ST_MakePoint(c.lon, c.lat), 4326)::geography, ST_SetSRID(ST_MakePoint(s.lon, s.lat), 4326)::geography)
		FROM unnest($1::float8[], $2::float8[]) WITH ORDINALITY AS c(lon, lat, i),
		     unnest($3::float8[], $4::float8[]) WITH ORDINALITY AS s(lon, lat, i)`,
		lons, lats, lonsOf(shelters), latsOf(shelters))
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (pair, error) {
		var p pair
		err := r.Scan(&p.c, &p.s, &p.d)
		return p, err
	})
}

func lonsOf(s []shelterRow) []float64 {
	out := make([]float64, len(s))
	for i, r := range s {
		out[i] = r.lon
	}
	return out
}

func latsOf(s []shelterRow) []float64 {
	out := make([]float64, len(s))
	for i, r := range s {
		out[i] = r.lat
	}
	return out
}

// Confirmation is what confirming an allocation takes: the proposal's
// shelters as the officer was shown them (id, version and people of each;
// the other members are ignored). An empty list confirms a proposal that
// places nobody (everyone already has a place, or no shelter has room).
type Confirmation struct {
	Shelters []ShelterUse `json:"shelters"`
}

// Confirm places the zone's people. The server never applies the client's
// numbers: inside one transaction it locks the zone, the incident and the
// candidate shelters, computes the proposal again and applies its own, and
// only if it is the one the officer was shown (same shelters, versions and
// people); otherwise nothing changes and the answer is 412 (a shelter
// changed, or people were placed since: ask for a new proposal). Each
// shelter's occupancy grows through the registry's write path (full at
// capacity), the placed people are recorded per cell (so nobody is placed
// twice) and the incident's evacuated count follows. Only an active zone of
// an incident can fill shelters: a what-if or a switched-off zone is 409.
func (s *Store) Confirm(ctx context.Context, actor journal.Actor, zoneID int64, c Confirmation) ([]json.RawMessage, error) {
	if err := c.check(); err != nil {
		return nil, err
	}
	var out []json.RawMessage
	_, err := journal.Write(ctx, s.pool, actor, func(tx pgx.Tx) ([]journal.Change, error) {
		out = []json.RawMessage{}
		incident, err := lockPlaceable(ctx, tx, zoneID)
		if err != nil {
			return nil, err
		}
		a, err := propose(ctx, tx, zoneID, &incident, true)
		if err != nil {
			return nil, err
		}
		if d := differs(a.Shelters, c.Shelters); d != "" {
			return nil, api.PreconditionFailed("安置方案已与所显示的不同（" + d + "）；未做任何更改，请重新生成方案")
		}
		if len(a.Shelters) == 0 {
			return nil, errNobodyToPlace // nothing to write: roll back, answer 200
		}
		var changes []journal.Change
		for i, u := range a.Shelters { // in id order, as locked
			w, err := s.occupy(ctx, tx, actor, zoneID, u, "/shelters/"+strconv.Itoa(i))
			if err != nil {
				return nil, err
			}
			out = append(out, w.Feature)
			changes = append(changes, w.Changes...)
		}
		more, err := s.recordAllocation(ctx, tx, actor, zoneID, incident, a)
		if err != nil {
			return nil, err
		}
		return append(changes, more...), nil
	})
	if errors.Is(err, errNobodyToPlace) {
		return []json.RawMessage{}, nil
	}
	return out, err
}

// check refuses a list that cannot be a proposal's, before anything is
// locked, naming every fault.
func (c Confirmation) check() error {
	if c.Shelters == nil {
		return api.Invalid(api.FieldError{Field: "/shelters", Code: "required", Detail: "必填：所显示方案中的避难场所（方案不安置任何人时为空列表）"})
	}
	seen := map[int64]bool{}
	var errs []api.FieldError
	for i, u := range c.Shelters {
		p := "/shelters/" + strconv.Itoa(i)
		switch {
		case seen[u.ShelterID]:
			errs = append(errs, api.FieldError{Field: p + "/id", Detail: "避难场所重复列出"})
		case u.People <= 0:
			errs = append(errs, api.FieldError{Field: p + "/people", Detail: "至少为 1"})
		case u.Version <= 0:
			errs = append(errs, api.FieldError{Field: p + "/version", Code: "required", Detail: "必填：方案中的版本号"})
		}
		seen[u.ShelterID] = true
	}
	if len(errs) > 0 {
		return api.Invalid(errs...)
	}
	return nil
}

// lockPlaceable locks zone id, which must be an active zone of an incident,
// and its incident, and returns the incident. The order matters: the zone
// first (no switching off meanwhile), then the incident (one confirmation
// per incident at a time, so each sees the people the previous one placed);
// propose then locks the shelters in id order.
func lockPlaceable(ctx context.Context, tx pgx.Tx, zoneID int64) (int64, error) {
	var (
		incident *int64
		active   bool
	)
	err := tx.QueryRow(ctx, `SELECT incident_id, active FROM zones WHERE id = $1 FOR SHARE`, zoneID).Scan(&incident, &active)
	if db.IsNotFound(err) {
		return 0, api.NotFound("区域 " + strconv.FormatInt(zoneID, 10))
	}
	if err != nil {
		return 0, err
	}
	name := "区域 " + strconv.FormatInt(zoneID, 10)
	switch {
	case incident == nil:
		return 0, api.Conflict("id", name+"是推演（what-if），不属于任何事件，不能为其安置人员；请为事件计算区域")
	case !active:
		return 0, api.Conflict("id", name+"未生效（尚未发布或已关闭）：请先发布该区域（或改用事件已发布的区域），再安置人员")
	}
	if _, err := tx.Exec(ctx, `SELECT 1 FROM incidents WHERE id = $1 FOR UPDATE`, *incident); err != nil {
		return 0, err
	}
	return *incident, nil
}

// recordAllocation stores the applied allocation and the people it placed
// per cell (so nobody is placed twice), and raises the incident's
// evacuated count to match; it returns the journal changes of both.
func (s *Store) recordAllocation(ctx context.Context, tx pgx.Tx, actor journal.Actor, zoneID, incident int64, a *Allocation) ([]journal.Change, error) {
	zone, _, err := s.Get(ctx, tx, zoneID, false)
	if err != nil {
		return nil, err
	}
	plan, err := json.Marshal(a.Shelters)
	if err != nil {
		return nil, err
	}
	var allocID int64
	if err := tx.QueryRow(ctx, `INSERT INTO shelter_allocations (zone_id, plan, people, confirmed_by) VALUES ($1, $2, $3, $4) RETURNING id`,
		zoneID, plan, a.Placed, actor.Name).Scan(&allocID); err != nil {
		return nil, err
	}
	cells, shelters, people := make([]int64, len(a.Assignments)), make([]int64, len(a.Assignments)), make([]int64, len(a.Assignments))
	for i, x := range a.Assignments {
		cells[i], shelters[i], people[i] = x.CellID, x.ShelterID, x.People
	}
	if _, err := tx.Exec(ctx, `INSERT INTO shelter_allocation_cells (allocation_id, incident_id, cell_id, shelter_id, people)
		SELECT $1, $2, c, s, sum(n) FROM unnest($3::bigint[], $4::bigint[], $5::bigint[]) AS x(c, s, n) GROUP BY c, s`,
		allocID, incident, cells, shelters, people); err != nil {
		return nil, err
	}
	changes := []journal.Change{{Entity: "shelter_allocations", EntityID: strconv.FormatInt(allocID, 10),
		Action: "create", After: map[string]any{"zone": zone, "shelters": a.Shelters, "assignments": a.Assignments,
			"people": a.Placed, "already_placed": a.AlreadyPlaced, "unplaced": a.Unplaced}}}
	ch, changed, err := s.countEvacuated(ctx, tx, actor, incident, allocID)
	if err != nil {
		return nil, err
	}
	if changed {
		changes = append(changes, ch)
	}
	return changes, nil
}

// errNobodyToPlace ends a confirmation whose proposal places nobody: it
// matched what the client was shown, and there is nothing to record.
var errNobodyToPlace = errors.New("zones: the proposal places nobody")

// differs says how the shelters the client was shown differ from the
// proposal computed now, "" when they are the same.
func differs(now, shown []ShelterUse) string {
	byID := map[int64]ShelterUse{}
	for _, u := range shown {
		byID[u.ShelterID] = u
	}
	for _, u := range now {
		w, ok := byID[u.ShelterID]
		switch {
		case !ok:
			return fmt.Sprintf("避难场所 %d 现在安置 %d 人", u.ShelterID, u.People)
		case w.Version != u.Version:
			return fmt.Sprintf("避难场所 %d 现为第 %d 版，而非第 %d 版", u.ShelterID, u.Version, w.Version)
		case w.People != u.People:
			return fmt.Sprintf("避难场所 %d 现在安置 %d 人，而非 %d 人", u.ShelterID, u.People, w.People)
		}
		delete(byID, u.ShelterID)
	}
	for _, w := range shown { // in the client's order, for a stable message
		if _, ok := byID[w.ShelterID]; ok {
			return fmt.Sprintf("避难场所 %d 现在不安置任何人", w.ShelterID)
		}
	}
	return ""
}

func (s *Store) occupy(ctx context.Context, tx pgx.Tx, actor journal.Actor, zoneID int64, u ShelterUse, ptr string) (*registry.Written, error) {
	var (
		version             int
		capacity, occupancy int64
		status              string
		inZone              bool
	)
	err := tx.QueryRow(ctx, `SELECT s.version, s.capacity, s.occupancy, s.status,
			EXISTS (SELECT 1 FROM zones z WHERE (z.active OR z.id = $2) AND ST_Intersects(z.geom, s.geom))
		FROM shelters s WHERE s.id = $1 FOR UPDATE OF s`, u.ShelterID, zoneID).Scan(&version, &capacity, &occupancy, &status, &inZone)
	if db.IsNotFound(err) {
		return nil, api.InvalidField(ptr+"/id", "没有编号为 "+strconv.FormatInt(u.ShelterID, 10)+" 的避难场所")
	}
	if err != nil {
		return nil, err
	}
	switch {
	case version != u.Version:
		return nil, api.PreconditionFailed(fmt.Sprintf("避难场所 %d 现为第 %d 版，而非第 %d 版：生成方案后已有变化，请重新生成方案",
			u.ShelterID, version, u.Version))
	case status != "open":
		return nil, api.Conflict(ptr+"/id", "避难场所当前状态为“"+layers.ShelterStatusLabel(status)+"”，不能安置")
	case inZone:
		return nil, api.Conflict(ptr+"/id", "避难场所位于生效的危险区域内")
	case occupancy+u.People > capacity:
		return nil, api.Conflict(ptr+"/people", fmt.Sprintf("避难场所只剩 %d 个空位", capacity-occupancy))
	}
	values := map[string]any{"occupancy": occupancy + u.People}
	if occupancy+u.People == capacity {
		values["status"] = "full"
	}
	return layers.Shelters.SetProperties(ctx, tx, actor, u.ShelterID, version, values)
}

// countEvacuated makes the incident count as evacuated at least everyone
// its confirmed allocations have placed in shelters, so 1.5.2(3) — 500 or
// more evacuated makes a 较大涉险事故 — fires when the shelters fill, not
// when someone remembers to type the number. Each person counts once: the
// sum over cells of the people placed from the cell, which never exceeds
// the cell's people (a proposal places only those not yet placed).
func (s *Store) countEvacuated(ctx context.Context, tx pgx.Tx, actor journal.Actor, incidentID, allocID int64) (journal.Change, bool, error) {
	var placed int64
	if err := tx.QueryRow(ctx, `SELECT coalesce(sum(people), 0) FROM shelter_allocation_cells WHERE incident_id = $1`,
		incidentID).Scan(&placed); err != nil {
		return journal.Change{}, false, err
	}
	if s.incidents == nil {
		return journal.Change{}, false, nil
	}
	return s.incidents.RaiseEvacuated(ctx, tx, incidentID, int(placed), actor.Name,
		fmt.Sprintf("确认安置方案 %d：累计安置 %d 人", allocID, placed))
}
