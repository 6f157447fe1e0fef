package zones

import (
	"context"
	"encoding/json"
	"time"

	"github.com/paulmach/orb/geojson"

	"sitrep/internal/db"
)

// Replay is a run recomputed from its stored inputs and compared.
type Replay struct {
	RunID          int64        `json:"run_id"`
	ModelName      string       `json:"model_name"`
	StoredVersion  string       `json:"stored_model_version"`
	CurrentVersion string       `json:"current_model_version"`
	Identical      bool         `json:"identical"`
	Zones          []ReplayZone `json:"zones"`
	Differences    []string     `json:"differences"`
}

// ReplayZone compares one stored zone with its recomputation.
type ReplayZone struct {
	Level int `json:"level"`
	// SameVertices: every vertex equal, in order (ST_OrderingEquals).
	SameVertices bool `json:"same_vertices"`
	// SymDiffM2 is the area in one and not the other, m² on the ellipsoid.
	SymDiffM2     float64 `json:"symmetric_difference_m2"`
	StoredExtentM float64 `json:"stored_extent_m"`
	ExtentM       float64 `json:"extent_m"`
}

// Replay recomputes the run zone id belongs to from its stored inputs (source
// and time included, so nothing is taken from now) and compares each zone.
func (s *Store) Replay(ctx context.Context, id int64) (*Replay, error) {
	if _, _, err := s.Get(ctx, s.pool, id, false); err != nil {
		return nil, err
	}
	var (
		rp     Replay
		model  string
		inputs []byte
	)
	if err := s.pool.QueryRow(ctx, `SELECT r.id, r.model, r.model_name, r.model_version, r.inputs
		FROM zones z JOIN zone_runs r ON r.id = z.run_id WHERE z.id = $1`, id).
		Scan(&rp.RunID, &model, &rp.ModelName, &rp.StoredVersion, &inputs); err != nil {
		return nil, err
	}
	r, err := runModel(model, json.RawMessage(inputs), s.table, nil, time.Time{})
	if err != nil {
		return nil, err
	}
	rp.CurrentVersion = r.Version
	rp.Identical = rp.StoredVersion == r.Version
	rp.Differences = []string{}
	if !rp.Identical {
		rp.Differences = append(rp.Differences, "模型版本已由 "+rp.StoredVersion+" 变为 "+r.Version)
	}
	rows, err := s.pool.Query(ctx, `SELECT level, extent_m FROM zones WHERE run_id = $1 ORDER BY level`, rp.RunID)
	if err != nil {
		return nil, err
	}
	stored := map[int]float64{}
	for rows.Next() {
		var (
			l int
			e float64
		)
		if err := rows.Scan(&l, &e); err != nil {
			rows.Close()
			return nil, err
		}
		stored[l] = e
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	fresh := 0
	for _, z := range r.Zones {
		if z.Polygon == nil {
			continue
		}
		fresh++
		ext, ok := stored[z.Level]
		if !ok {
			rp.Identical = false
			rp.Differences = append(rp.Differences, "重新计算得到第 "+itoa(z.Level)+" 级区域，但当时未存储")
			continue
		}
		b, err := geojson.NewGeometry(z.Polygon).MarshalJSON()
		if err != nil {
			return nil, err
		}
		rz := ReplayZone{Level: z.Level, StoredExtentM: ext, ExtentM: z.ExtentM}
		err = s.pool.QueryRow(ctx, `SELECT ST_OrderingEquals(z.geom, g.g), ST_Area(ST_SymDifference(z.geom, g.g)::geography)
			FROM zones z, (SELECT ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON($3::text), 4326)) AS g) g
			WHERE z.run_id = $1 AND z.level = $2`, rp.RunID, z.Level, string(b)).Scan(&rz.SameVertices, &rz.SymDiffM2)
		if db.IsNotFound(err) {
			continue
		}
		if err != nil {
			return nil, err
		}
		if !rz.SameVertices || rz.ExtentM != rz.StoredExtentM {
			rp.Identical = false
			rp.Differences = append(rp.Differences, "第 "+itoa(z.Level)+" 级区域不同")
		}
		rp.Zones = append(rp.Zones, rz)
	}
	if fresh != len(stored) {
		rp.Identical = false
		rp.Differences = append(rp.Differences, "区域数量不同")
	}
	return &rp, nil
}
