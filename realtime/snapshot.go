package realtime

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"
)

// Snapshotter is a map layer's source of snapshots. Feature packages
// register one per layer with Hub.Register.
type Snapshotter interface {
	// Layer is the layer name, equal to the Topic of the layer's events.
	Layer() string
	// Snapshot returns the layer's features as GeoJSON Features (each with
	// "id" spelled as the events' entity_id and WGS 84 geometry), only those
	// whose bounding box meets bbox when bbox is not nil (PostGIS "&&" with
	// ST_MakeEnvelope, which the GiST index serves), and those with no
	// geometry yet: the stream sends their events to every box, so the
	// snapshot must hold them too ("geom IS NULL OR geom && …"). It must read through tx:
	// the snapshot is one REPEATABLE READ transaction that also reads the
	// event counter, so it lines up exactly with the deltas that follow.
	Snapshot(ctx context.Context, tx pgx.Tx, bbox *orb.Bound) ([]json.RawMessage, error)
}

// Placer is implemented by the Snapshotter of a layer whose features are on
// the map somewhere other than their geometry: a rescue team is where its
// last position fix puts it, not at its home base. A bounding-box
// subscription then follows the place (a team driving into the box appears,
// one leaving gets "leave"), and the layer's snapshot query must test the
// same place against the box.
type Placer interface {
	// PlaceProperty names the property that holds a GeoJSON geometry
	// placing the feature; when it is null, the feature's geometry does.
	PlaceProperty() string
}

// PlacedQuerySnapshotter is QuerySnapshotter for a layer whose features are
// placed by the property place (see Placer); the query's box test must use
// the same place (COALESCE(place, geom)).
func PlacedQuerySnapshotter(layer, query, place string) Snapshotter {
	return placedSnapshotter{querySnapshotter{layer: layer, query: query}, place}
}

type placedSnapshotter struct {
	querySnapshotter
	place string
}

func (p placedSnapshotter) PlaceProperty() string { return p.place }

// QuerySnapshotter makes a Snapshotter from one SQL query that returns one
// GeoJSON Feature per row (json or jsonb, built with ST_AsGeoJSON so Go never
// touches the geometry) and takes the box as $1..$4 = minLon, minLat,
// maxLon, maxLat, all NULL for no box. For example:
//
//	SELECT json_build_object('type', 'Feature', 'id', id::text,
//	    'geometry', ST_AsGeoJSON(geom, 6)::json, 'properties', json_build_object('name', name))
//	FROM teams
//	WHERE $1::float8 IS NULL OR geom && ST_MakeEnvelope($1, $2, $3, $4, 4326)
//	ORDER BY id
func QuerySnapshotter(layer, query string) Snapshotter {
	return querySnapshotter{layer: layer, query: query}
}

type querySnapshotter struct{ layer, query string }

func (q querySnapshotter) Layer() string { return q.layer }

func (q querySnapshotter) Snapshot(ctx context.Context, tx pgx.Tx, bbox *orb.Bound) ([]json.RawMessage, error) {
	var args [4]*float64
	if bbox != nil {
		args = [4]*float64{&bbox.Min[0], &bbox.Min[1], &bbox.Max[0], &bbox.Max[1]}
	}
	rows, err := tx.Query(ctx, q.query, args[0], args[1], args[2], args[3])
	if err != nil {
		return nil, fmt.Errorf("snapshot of %s: %w", q.layer, err)
	}
	feats, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (json.RawMessage, error) {
		var b []byte
		err := r.Scan(&b)
		return json.RawMessage(b), err
	})
	if err != nil {
		return nil, fmt.Errorf("snapshot of %s: %w", q.layer, err)
	}
	return feats, nil
}

// Boundaries is the snapshotter of the "boundaries" layer (admin_areas),
// with the same features GET /api/v1/boundaries serves.
func Boundaries() Snapshotter {
	return QuerySnapshotter("boundaries", `SELECT json_build_object(
			'type', 'Feature',
			'id', code,
			'geometry', ST_AsGeoJSON(geom, 6)::json,
			'properties', properties || jsonb_build_object('code', code, 'name', name, 'is_county', is_county, 'attribution', attribution,
				'label_point', ST_AsGeoJSON(label, 6)::jsonb))
		FROM admin_areas
		WHERE $1::float8 IS NULL OR geom && ST_MakeEnvelope($1, $2, $3, $4, 4326)
		ORDER BY is_county DESC, code`)
}

// featureCollection is the wire form of one layer in a snapshot.
type featureCollection struct {
	Type     string            `json:"type"`
	Features []json.RawMessage `json:"features"`
}

// snapshotMsg is the wire form of a snapshot.
type snapshotMsg struct {
	Type   string                       `json:"type"`
	Seq    int64                        `json:"seq"`
	Layers map[string]featureCollection `json:"layers"`
}

// takeSnapshot reads the subscribed layers and the event counter in one
// REPEATABLE READ transaction: the layers are exactly the state after event
// seq, so deltas from seq+1 on neither miss nor repeat a change. It returns
// the encoded message, seq, and the ids of the features per layer.
func (h *Hub) takeSnapshot(ctx context.Context, sub *subscription) ([]byte, int64, map[string][]string, error) {
	tx, err := h.cfg.Pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return nil, 0, nil, err
	}
	defer tx.Rollback(context.WithoutCancel(ctx))
	var seq int64
	// The first statement fixes the transaction's snapshot.
	if err := tx.QueryRow(ctx, `SELECT last_seq FROM event_counter`).Scan(&seq); err != nil {
		return nil, 0, nil, err
	}
	msg := snapshotMsg{Type: "snapshot", Seq: seq, Layers: map[string]featureCollection{}}
	ids := map[string][]string{}
	for _, layer := range sub.layerList {
		s, ok := h.snapshotter(layer)
		if !ok {
			return nil, 0, nil, fmt.Errorf("layer %q has no snapshotter", layer)
		}
		feats, err := s.Snapshot(ctx, tx, sub.bbox)
		if err != nil {
			return nil, 0, nil, err
		}
		if feats == nil {
			feats = []json.RawMessage{}
		}
		msg.Layers[layer] = featureCollection{Type: "FeatureCollection", Features: feats}
		if sub.bbox != nil {
			list := make([]string, 0, len(feats))
			for _, f := range feats {
				if id := featureID(f); id != "" {
					list = append(list, id)
				}
			}
			ids[layer] = list
		}
	}
	if err := tx.Commit(ctx); err != nil {
		return nil, 0, nil, err
	}
	b, err := json.Marshal(msg)
	return b, seq, ids, err
}
