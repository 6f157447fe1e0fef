package warnings

import (
	"context"
	"encoding/json"
	"sort"
	"time"

	"sitrep/internal/db"
)

// Published is a warning as the public sees it: its current version, the
// area's GeoJSON and the version's CAP document, ready to serve.
type Published struct {
	WarningID int64
	W         Warning
	Geometry  json.RawMessage
	CAP       []byte
}

// LiftedKept is how long a lifted warning's Cancel stays in what is
// published, so a hub polling the feed learns that it ended.
const LiftedKept = 24 * time.Hour

// Published returns the current version of every real (not drill) warning
// in force, and the Cancel of every one lifted in the LiftedKept before now,
// newest first: what the public page and the CAP feed carry.
func (s *Store) Published(ctx context.Context, now time.Time) ([]Published, error) {
	vs, err := readVersions(ctx, s.pool, `NOT w.drill AND (v.status = 'active' OR (v.msg_type = 'Cancel' AND v.issued_at > $1))`,
		now.Add(-LiftedKept))
	if err != nil {
		return nil, err
	}
	out := make([]Published, 0, len(vs))
	for _, v := range vs {
		doc, err := v.W.CAP()
		if err != nil {
			return nil, err
		}
		out = append(out, Published{WarningID: v.WarningID, W: v.W, Geometry: v.Geometry, CAP: doc})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].W.IssuedAt.After(out[j].W.IssuedAt) })
	return out, nil
}

// Headline is the version's one-line CAP headline.
func (w Warning) Headline() string { return w.capAlert().Info.Headline }

// Instruction is the version's numbered warning items, one per line.
func (w Warning) Instruction() string { return w.instruction() }

// FeatureIn returns warning id's current version as the API shows it,
// read inside q (a transaction that changed what the feature shows, such
// as a delivery's state, and publishes it on the live stream).
func FeatureIn(ctx context.Context, q db.Querier, id int64) (Feature, error) {
	v, err := current(ctx, q, id)
	if err != nil {
		return Feature{}, err
	}
	return v.feature(), nil
}
