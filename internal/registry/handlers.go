package registry

import (
	"bytes"
	"context"
	"encoding/json"

	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"sitrep/internal/api"
	"sitrep/internal/auth"
	"sitrep/internal/db"
	"sitrep/internal/journal"
)

// Routes serves the layer under the router it is mounted on: "/" (list,
// create), "/import" and "/export" (whole files, see import.go and
// export.go), "/{id}" (read, replace, patch, delete) and "/{id}/history".
// Reads need auth.ReadMap; writes need auth.EditRegistry.
func (l *Layer) Routes(pool *pgxpool.Pool) func(chi.Router) {
	h := &handlers{layer: l, pool: pool}
	return func(r chi.Router) {
		r.With(auth.Require(auth.ReadMap)).Method(http.MethodGet, "/", api.HandlerFunc(h.list))
		r.Method(http.MethodPost, "/", api.HandlerFunc(h.create))
		r.Method(http.MethodPost, "/import", api.HandlerFunc(h.importFile))
		r.With(auth.Require(auth.ReadMap)).Method(http.MethodGet, "/export", api.HandlerFunc(h.exportFile))
		r.With(auth.Require(auth.ReadMap)).Method(http.MethodGet, "/{id}", api.HandlerFunc(h.get))
		r.Method(http.MethodPut, "/{id}", api.HandlerFunc(h.replace))
		r.Method(http.MethodPatch, "/{id}", api.HandlerFunc(h.patch))
		r.Method(http.MethodDelete, "/{id}", api.HandlerFunc(h.delete))
		r.With(auth.Require(auth.ReadMap)).Method(http.MethodGet, "/{id}/history", api.HandlerFunc(h.history))
	}
}

type handlers struct {
	layer *Layer
	pool  *pgxpool.Pool
}

func (h *handlers) list(w http.ResponseWriter, r *http.Request) error {
	l := h.layer
	lq, err := l.parseList(r.URL.Query())
	if err != nil {
		return err
	}
	args := []any{lq.after, lq.limit + 1}
	where := []string{"t.id > $1"}
	if lq.bbox != nil {
		// The envelope is built in the column's own SRID (4326), so the
		// && operator can use the GiST index on geom; ST_Intersects then
		// drops what only the boxes share.
		args = append(args, lq.bbox[0], lq.bbox[1], lq.bbox[2], lq.bbox[3])
		env := "ST_MakeEnvelope($3, $4, $5, $6, 4326)"
		where = append(where, "t.geom && "+env, "ST_Intersects(t.geom, "+env+")")
	}
	for _, f := range lq.filters {
		col := "t." + ident(f.field.Name)
		switch f.field.Kind {
		case Tags:
			args = append(args, f.values)
			where = append(where, col+" && $"+strconv.Itoa(len(args))+"::text[]")
		case Boolean:
			args = append(args, f.values[0] == "true")
			where = append(where, col+" = $"+strconv.Itoa(len(args))+"::boolean")
		default:
			args = append(args, f.values)
			where = append(where, col+"::text = ANY($"+strconv.Itoa(len(args))+"::text[])")
		}
	}
	q := "SELECT t.id, " + l.featureExpr("t") + " FROM " + ident(l.Table) + " t WHERE " +
		strings.Join(where, " AND ") + " ORDER BY t.id LIMIT $2"
	rows, err := h.pool.Query(r.Context(), q, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	var (
		buf    bytes.Buffer
		n      int
		lastID int64
		more   bool
	)
	buf.WriteString(`{"type":"FeatureCollection","features":[`)
	for rows.Next() {
		var (
			id      int64
			feature string
		)
		if err := rows.Scan(&id, &feature); err != nil {
			return err
		}
		if n == lq.limit {
			more = true
			break
		}
		if n > 0 {
			buf.WriteByte(',')
		}
		buf.WriteString(feature)
		n++
		lastID = id
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	links := []map[string]string{{"rel": "self", "type": api.GeoJSONType, "href": r.URL.RequestURI()}}
	if more {
		nq := r.URL.Query()
		nq.Set("after", strconv.FormatInt(lastID, 10))
		next := (&url.URL{Path: r.URL.Path, RawQuery: nq.Encode()}).String()
		links = append(links, map[string]string{"rel": "next", "type": api.GeoJSONType, "href": next})
		w.Header().Set("Link", "<"+next+`>; rel="next"`)
	}
	tail, err := json.Marshal(links)
	if err != nil {
		return err
	}
	buf.WriteString(`],"numberReturned":` + strconv.Itoa(n) + `,"links":`)
	buf.Write(tail)
	buf.WriteByte('}')
	w.Header().Set("Content-Type", api.GeoJSONType)
	_, err = w.Write(buf.Bytes())
	return err
}

func (h *handlers) get(w http.ResponseWriter, r *http.Request) error {
	id, err := api.PathID(r)
	if err != nil {
		return err
	}
	feature, version, err := h.layer.Get(r.Context(), h.pool, id)
	if err != nil {
		return err
	}
	return api.WriteGeoJSON(w, http.StatusOK, feature, api.ETag(version))
}

func (h *handlers) create(w http.ResponseWriter, r *http.Request) error {
	if err := auth.Check(r.Context(), auth.EditRegistry); err != nil {
		return err
	}
	raw, err := readBody(r)
	if err != nil {
		return err
	}
	in, err := h.layer.Decode(raw)
	if err != nil {
		return err
	}
	if in.ID != nil {
		return api.InvalidField("/id", "ids are assigned by the server; leave id out when creating")
	}
	var out *Written
	_, err = journal.Write(r.Context(), h.pool, auth.Actor(r.Context()), func(tx pgx.Tx) ([]journal.Change, error) {
		out, err = h.layer.Create(r.Context(), tx, auth.Actor(r.Context()), in)
		if err != nil {
			return nil, err
		}
		return out.Changes, nil
	})
	if err != nil {
		return err
	}
	w.Header().Set("Location", r.URL.Path+"/"+strconv.FormatInt(out.ID, 10))
	return api.WriteGeoJSON(w, http.StatusCreated, out.Feature, api.ETag(out.Version))
}

func (h *handlers) replace(w http.ResponseWriter, r *http.Request) error {
	return h.update(w, r, false)
}

func (h *handlers) patch(w http.ResponseWriter, r *http.Request) error {
	return h.update(w, r, true)
}

// update serves PUT (the body is the whole Feature) and PATCH (the body is
// an RFC 7396 merge patch of the Feature); either way the result is checked
// as a whole, under the same rules as a create.
func (h *handlers) update(w http.ResponseWriter, r *http.Request, merge bool) error {
	if err := auth.Check(r.Context(), auth.EditRegistry); err != nil {
		return err
	}
	id, err := api.PathID(r)
	if err != nil {
		return err
	}
	version, err := api.IfMatchVersion(r)
	if err != nil {
		return err
	}
	raw, err := readBody(r)
	if err != nil {
		return err
	}
	actor := auth.Actor(r.Context())
	var out *Written
	_, err = journal.Write(r.Context(), h.pool, actor, func(tx pgx.Tx) ([]journal.Change, error) {
		body := raw
		stored, current, err := h.layer.get(r.Context(), tx, id, " FOR UPDATE")
		if err != nil {
			return nil, err
		}
		if current != version {
			return nil, stale(current, version)
		}
		if merge {
			if body, err = patchFeature(stored, raw); err != nil {
				return nil, err
			}
		}
		in, err := h.layer.Decode(body)
		if err != nil {
			return nil, err
		}
		if in.ID != nil && strings.Trim(string(in.ID), `"`) != strconv.FormatInt(id, 10) {
			return nil, api.InvalidField("/id", "does not match the id in the URL")
		}
		if err := h.layer.checkCreateOnly(stored, in); err != nil {
			return nil, err
		}
		out, err = h.layer.Update(r.Context(), tx, actor, id, version, in)
		if err != nil {
			return nil, err
		}
		return out.Changes, nil
	})
	if err != nil {
		return err
	}
	return api.WriteGeoJSON(w, http.StatusOK, out.Feature, api.ETag(out.Version))
}

func (h *handlers) delete(w http.ResponseWriter, r *http.Request) error {
	if err := auth.Check(r.Context(), auth.EditRegistry); err != nil {
		return err
	}
	id, err := api.PathID(r)
	if err != nil {
		return err
	}
	version, err := api.IfMatchVersion(r)
	if err != nil {
		return err
	}
	actor := auth.Actor(r.Context())
	_, err = journal.Write(r.Context(), h.pool, actor, func(tx pgx.Tx) ([]journal.Change, error) {
		return h.layer.Delete(r.Context(), tx, actor, id, version)
	})
	if err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// HistoryEntry is one stored version of a feature.
type HistoryEntry struct {
	Version int             `json:"version"`
	Action  string          `json:"action"`
	At      string          `json:"at"`
	Actor   string          `json:"actor"`
	Feature json.RawMessage `json:"feature"`
}

// History lists every version of feature id, oldest first, deleted or not.
func (l *Layer) History(ctx context.Context, q db.Querier, id int64) ([]HistoryEntry, error) {
	rows, err := q.Query(ctx, `SELECT version, action, to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'), actor_name, feature::text
		FROM registry_history WHERE layer = $1 AND feature_id = $2 ORDER BY version`, l.Name, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []HistoryEntry{}
	for rows.Next() {
		var (
			e HistoryEntry
			f string
		)
		if err := rows.Scan(&e.Version, &e.Action, &e.At, &e.Actor, &f); err != nil {
			return nil, err
		}
		e.Feature = json.RawMessage(f)
		out = append(out, e)
	}
	return out, rows.Err()
}

func (h *handlers) history(w http.ResponseWriter, r *http.Request) error {
	id, err := api.PathID(r)
	if err != nil {
		return err
	}
	entries, err := h.layer.History(r.Context(), h.pool, id)
	if err != nil {
		return err
	}
	if len(entries) == 0 {
		return api.NotFound(h.layer.Name + " feature " + strconv.FormatInt(id, 10) + " (never existed)")
	}
	return api.WriteJSON(w, http.StatusOK, map[string]any{"layer": h.layer.Name, "id": id, "versions": entries})
}

func readBody(r *http.Request) ([]byte, error) {
	var raw json.RawMessage
	if err := api.DecodeJSON(r, &raw); err != nil {
		return nil, err
	}
	return raw, nil
}
