package zones

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"

	"github.com/jackc/pgx/v5"

	"sitrep/api"
	"sitrep/db"
	"sitrep/journal"
	"sitrep/registry"
	"sitrep/resources"
)

// Allocation is a proposal to place a zone's people in shelters.
type Allocation struct {
	ZoneID      int64          `json:"zone_id"`
	People      int64          `json:"people"`
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
// shelter's version the proposal was made from, which confirming requires.
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
const AllocationMethod = "greedy nearest pair first: every (cell, shelter) pair sorted by geodesic distance (WGS 84 ellipsoid) " +
	"from the cell's centroid to the shelter; each pair in turn moves as many of the cell's remaining people as the shelter " +
	"still has room for. Shelters: open, with free capacity, outside every active zone and outside this zone."

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
	if _, _, err := s.Get(ctx, tx, id, false); err != nil {
		return nil, err
	}
	cells, err := cellsIn(ctx, tx, id)
	if err != nil {
		return nil, err
	}
	rows, err := tx.Query(ctx, `SELECT s.id, s.name, s.version, s.capacity - s.occupancy, ST_X(s.geom), ST_Y(s.geom)
		FROM shelters s
		WHERE s.status = 'open' AND s.capacity > s.occupancy
		  AND NOT EXISTS (SELECT 1 FROM zones z WHERE (z.active OR z.id = $1) AND ST_Intersects(z.geom, s.geom))
		ORDER BY s.id`, id)
	if err != nil {
		return nil, err
	}
	shelters, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (shelterRow, error) {
		var sr shelterRow
		err := r.Scan(&sr.id, &sr.name, &sr.version, &sr.free, &sr.lon, &sr.lat)
		return sr, err
	})
	if err != nil {
		return nil, err
	}
	a := &Allocation{ZoneID: id, Method: AllocationMethod, Assignments: []Assignment{}, Shelters: []ShelterUse{}, Left: []UnplacedCell{}}
	var (
		demand, cellIDs []int64
		lons, lats      []float64
	)
	for _, c := range cells {
		if n := c.Inside(); n > 0 {
			demand, cellIDs = append(demand, n), append(cellIDs, c.ID)
			lons, lats = append(lons, c.Lon), append(lats, c.Lat)
			a.People += n
		}
	}
	supply := make([]int64, len(shelters))
	shelterIDs := make([]int64, len(shelters))
	for i, sr := range shelters {
		supply[i], shelterIDs[i] = sr.free, sr.id
	}
	var pairs []pair
	if len(demand) > 0 && len(shelters) > 0 {
		// Every pair's distance on the ellipsoid, in one statement.
		rows, err := tx.Query(ctx, `SELECT c.i - 1, s.i - 1,
				ST_Distance(ST_SetSRID(ST_MakePoint(c.lon, c.lat), 4326)::geography, ST_SetSRID(ST_MakePoint(s.lon, s.lat), 4326)::geography)
			FROM unnest($1::float8[], $2::float8[]) WITH ORDINALITY AS c(lon, lat, i),
			     unnest($3::float8[], $4::float8[]) WITH ORDINALITY AS s(lon, lat, i)`,
			lons, lats, lonsOf(shelters), latsOf(shelters))
		if err != nil {
			return nil, err
		}
		pairs, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (pair, error) {
			var p pair
			err := r.Scan(&p.c, &p.s, &p.d)
			return p, err
		})
		if err != nil {
			return nil, err
		}
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
	a.Placed = a.People - a.Unplaced
	for i, sr := range shelters {
		if used := supply[i] - free[i]; used > 0 {
			a.Shelters = append(a.Shelters, ShelterUse{ShelterID: sr.id, Name: sr.name, Version: sr.version,
				FreeBefore: sr.free, People: used, FreeAfter: free[i]})
		}
	}
	return a, nil
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
// shelters, each with the version the proposal saw.
type Confirmation struct {
	Shelters []ShelterUse `json:"shelters"`
}

// Confirm applies a proposal: each shelter's occupancy grows by its people
// (status full when it reaches capacity) through the registry's write path,
// all or nothing. A shelter changed since the proposal (its version moved)
// fails the whole confirmation with 412, so two commanders confirming
// against the same free places cannot overfill a shelter: the second must
// ask for a new proposal.
func (s *Store) Confirm(ctx context.Context, actor journal.Actor, zoneID int64, c Confirmation) ([]json.RawMessage, error) {
	if len(c.Shelters) == 0 {
		return nil, api.InvalidField("/shelters", "required: the proposal's shelters")
	}
	seen := map[int64]bool{}
	var errs []api.FieldError
	var total int64
	for i, u := range c.Shelters {
		p := "/shelters/" + strconv.Itoa(i)
		switch {
		case seen[u.ShelterID]:
			errs = append(errs, api.FieldError{Field: p + "/id", Detail: "shelter listed twice"})
		case u.People <= 0:
			errs = append(errs, api.FieldError{Field: p + "/people", Detail: "must be at least 1"})
		case u.Version <= 0:
			errs = append(errs, api.FieldError{Field: p + "/version", Detail: "required: the version from the proposal"})
		}
		seen[u.ShelterID] = true
		total += u.People
	}
	if len(errs) > 0 {
		return nil, api.Invalid(errs...)
	}
	var out []json.RawMessage
	_, err := journal.Write(ctx, s.pool, actor, func(tx pgx.Tx) ([]journal.Change, error) {
		out = nil
		zone, _, err := s.Get(ctx, tx, zoneID, false)
		if err != nil {
			return nil, err
		}
		var changes []journal.Change
		// Lock in id order: two confirmations never deadlock.
		order := slices.Clone(c.Shelters)
		slices.SortFunc(order, func(a, b ShelterUse) int { return cmp.Compare(a.ShelterID, b.ShelterID) })
		for _, u := range order {
			i := slices.IndexFunc(c.Shelters, func(x ShelterUse) bool { return x.ShelterID == u.ShelterID })
			f, err := s.occupy(ctx, tx, actor, zoneID, u, "/shelters/"+strconv.Itoa(i))
			if err != nil {
				return nil, err
			}
			out = append(out, f.Feature)
			changes = append(changes, f.Changes...)
		}
		plan, err := json.Marshal(c.Shelters)
		if err != nil {
			return nil, err
		}
		var allocID int64
		if err := tx.QueryRow(ctx, `INSERT INTO shelter_allocations (zone_id, plan, people, confirmed_by) VALUES ($1, $2, $3, $4) RETURNING id`,
			zoneID, plan, total, actor.Name).Scan(&allocID); err != nil {
			return nil, err
		}
		changes = append(changes, journal.Change{Entity: "shelter_allocations", EntityID: strconv.FormatInt(allocID, 10),
			Action: "create", After: map[string]any{"zone": zone, "shelters": c.Shelters, "people": total}})
		ch, changed, err := s.countEvacuated(ctx, tx, actor, zoneID, allocID)
		if err != nil {
			return nil, err
		}
		if changed {
			changes = append(changes, ch)
		}
		return changes, nil
	})
	return out, err
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
		return nil, api.InvalidField(ptr+"/id", "no shelter "+strconv.FormatInt(u.ShelterID, 10))
	}
	if err != nil {
		return nil, err
	}
	switch {
	case version != u.Version:
		return nil, api.PreconditionFailed(fmt.Sprintf("shelter %d is at version %d, not %d: it changed since the proposal; ask for a new proposal",
			u.ShelterID, version, u.Version))
	case status != "open":
		return nil, api.Conflict(ptr+"/id", "the shelter is "+status)
	case inZone:
		return nil, api.Conflict(ptr+"/id", "the shelter lies inside an active zone")
	case occupancy+u.People > capacity:
		return nil, api.Conflict(ptr+"/people", fmt.Sprintf("the shelter has room for %d", capacity-occupancy))
	}
	feature, _, err := resources.Shelters.Get(ctx, tx, u.ShelterID)
	if err != nil {
		return nil, err
	}
	var f map[string]any
	if err := json.Unmarshal(feature, &f); err != nil {
		return nil, err
	}
	props, _ := f["properties"].(map[string]any)
	props["occupancy"] = occupancy + u.People
	if occupancy+u.People == capacity {
		props["status"] = "full"
	}
	b, err := json.Marshal(f)
	if err != nil {
		return nil, err
	}
	in, err := resources.Shelters.Decode(b)
	if err != nil {
		return nil, err
	}
	return resources.Shelters.Update(ctx, tx, actor, u.ShelterID, version, in)
}

// countEvacuated makes the zone's incident count as evacuated at least
// everyone its confirmed allocations have placed in shelters (every zone of
// the incident, this one included), so 1.5.2(3) — 500 or more evacuated
// makes a 较大涉险事故 — fires when the shelters fill, not when someone
// remembers to type the number. A what-if zone has no incident.
func (s *Store) countEvacuated(ctx context.Context, tx pgx.Tx, actor journal.Actor, zoneID, allocID int64) (journal.Change, bool, error) {
	var (
		incidentID *int64
		placed     int64
	)
	if err := tx.QueryRow(ctx, `SELECT z.incident_id,
			(SELECT coalesce(sum(a.people), 0) FROM shelter_allocations a JOIN zones y ON y.id = a.zone_id WHERE y.incident_id = z.incident_id)
		FROM zones z WHERE z.id = $1`, zoneID).Scan(&incidentID, &placed); err != nil {
		return journal.Change{}, false, err
	}
	if incidentID == nil || s.incidents == nil {
		return journal.Change{}, false, nil
	}
	return s.incidents.RaiseEvacuated(ctx, tx, *incidentID, int(placed), actor.Name,
		fmt.Sprintf("shelter allocation %d confirmed: %d people placed in shelters in all", allocID, placed))
}
