package registry

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"sitrep/internal/api"
	"sitrep/internal/journal"
)

// Store keeps one layer in the database: each write is one transaction
// through journal.Write, so its audit rows and live-stream events commit
// with it. Code already inside a transaction uses the Layer's own methods.
type Store struct {
	layer *Layer
	pool  *pgxpool.Pool
}

// NewStore returns the store of layer l on pool.
func NewStore(pool *pgxpool.Pool, l *Layer) *Store {
	return &Store{layer: l, pool: pool}
}

// List writes the page of the layer that lq asks for to buf (see
// Layer.List).
func (s *Store) List(ctx context.Context, lq *ListQuery, buf *bytes.Buffer) (*Page, error) {
	return s.layer.List(ctx, s.pool, lq, buf)
}

// Get returns a feature and its version; a missing one is a 404 problem.
func (s *Store) Get(ctx context.Context, id int64) (json.RawMessage, int, error) {
	return s.layer.Get(ctx, s.pool, id)
}

// History lists every version of feature id, oldest first, deleted or not;
// a feature that never existed is a 404 problem.
func (s *Store) History(ctx context.Context, id int64) ([]HistoryEntry, error) {
	entries, err := s.layer.History(ctx, s.pool, id)
	if err != nil {
		return nil, err
	}
	if len(entries) == 0 {
		return nil, api.NotFound(s.layer.Title + "要素 " + strconv.FormatInt(id, 10) + "（从未存在过）")
	}
	return entries, nil
}

// Create checks a client's GeoJSON Feature and stores it as a new feature.
func (s *Store) Create(ctx context.Context, actor journal.Actor, feature []byte) (*Written, error) {
	in, err := s.layer.Decode(feature)
	if err != nil {
		return nil, err
	}
	if in.ID != nil {
		return nil, api.InvalidField("/id", "编号由服务器分配；新建时不要填写 id")
	}
	return s.write(ctx, actor, func(tx pgx.Tx) (*Written, error) {
		return s.layer.Create(ctx, tx, actor, in)
	})
}

// Replace makes feature id, at version ifMatch, the client's Feature.
func (s *Store) Replace(ctx context.Context, actor journal.Actor, id int64, ifMatch int, feature []byte) (*Written, error) {
	return s.edit(ctx, actor, id, ifMatch, func(json.RawMessage) ([]byte, error) { return feature, nil })
}

// Patch applies a client's RFC 7396 merge patch to feature id at version
// ifMatch.
func (s *Store) Patch(ctx context.Context, actor journal.Actor, id int64, ifMatch int, patch []byte) (*Written, error) {
	return s.edit(ctx, actor, id, ifMatch, func(stored json.RawMessage) ([]byte, error) {
		return patchFeature(stored, patch)
	})
}

// edit checks the Feature a client's edit makes (from the stored one, under
// the row lock) as a whole, under the same rules as a create, and under the
// two an edit adds: the id stays, and CreateOnly fields keep their values.
func (s *Store) edit(ctx context.Context, actor journal.Actor, id int64, ifMatch int,
	feature func(stored json.RawMessage) ([]byte, error)) (*Written, error) {
	l := s.layer
	return s.write(ctx, actor, func(tx pgx.Tx) (*Written, error) {
		return l.edit(ctx, tx, actor, id, ifMatch, func(stored json.RawMessage) (*Input, error) {
			body, err := feature(stored)
			if err != nil {
				return nil, err
			}
			in, err := l.Decode(body)
			if err != nil {
				return nil, err
			}
			if in.ID != nil && strings.Trim(string(in.ID), `"`) != strconv.FormatInt(id, 10) {
				return nil, api.InvalidField("/id", "与网址中的编号不一致")
			}
			if err := l.checkCreateOnly(stored, in); err != nil {
				return nil, err
			}
			return in, nil
		})
	})
}

// Delete removes feature id if it is still at version ifMatch.
func (s *Store) Delete(ctx context.Context, actor journal.Actor, id int64, ifMatch int) error {
	_, err := journal.Write(ctx, s.pool, actor, func(tx pgx.Tx) ([]journal.Change, error) {
		return s.layer.Delete(ctx, tx, actor, id, ifMatch)
	})
	return err
}

// write runs fn in one transaction and records the changes it made.
func (s *Store) write(ctx context.Context, actor journal.Actor, fn func(tx pgx.Tx) (*Written, error)) (*Written, error) {
	var out *Written
	_, err := journal.Write(ctx, s.pool, actor, func(tx pgx.Tx) ([]journal.Change, error) {
		w, err := fn(tx)
		if err != nil {
			return nil, err
		}
		out = w
		return w.Changes, nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Import checks and stores a whole file (see Layer.Import).
func (s *Store) Import(ctx context.Context, actor journal.Actor, format string, body []byte, opts ImportOptions) (*ImportReport, error) {
	return s.layer.Import(ctx, s.pool, actor, format, body, opts)
}

// WriteGeoJSON writes the whole layer as a FeatureCollection (see
// Layer.WriteGeoJSON).
func (s *Store) WriteGeoJSON(ctx context.Context, w io.Writer) (int, error) {
	return s.layer.WriteGeoJSON(ctx, s.pool, w)
}

// WriteCSV writes the whole layer as CSV (see Layer.WriteCSV).
func (s *Store) WriteCSV(ctx context.Context, w io.Writer) (int, error) {
	return s.layer.WriteCSV(ctx, s.pool, w)
}
