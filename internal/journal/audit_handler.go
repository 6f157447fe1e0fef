package journal

import (
	"encoding/json"
	"net/http"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"sitrep/internal/api"
)

// AuditEntry is one row of the audit trail.
type AuditEntry struct {
	ID        int64           `json:"id"`
	At        time.Time       `json:"at"`
	ActorID   *int64          `json:"actor_id"`
	ActorName string          `json:"actor_name"`
	Entity    string          `json:"entity"`
	EntityID  string          `json:"entity_id"`
	Action    string          `json:"action"`
	Before    json.RawMessage `json:"before"`
	After     json.RawMessage `json:"after"`
	EventSeq  *int64          `json:"event_seq"`
}

// AuditHandler lists the audit trail, newest first, with filters on entity,
// entity_id and actor, paged by before_id. Mount it behind the admin check.
func AuditHandler(pool *pgxpool.Pool) http.Handler {
	return api.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		q := r.URL.Query()
		limit := 100
		if s := q.Get("limit"); s != "" {
			n, err := strconv.Atoi(s)
			if err != nil || n < 1 || n > 1000 {
				return api.InvalidField("limit", "须为 1 到 1000 之间的整数")
			}
			limit = n
		}
		var beforeID int64
		if s := q.Get("before_id"); s != "" {
			n, err := strconv.ParseInt(s, 10, 64)
			if err != nil || n < 1 {
				return api.InvalidField("before_id", "须为正整数")
			}
			beforeID = n
		}
		rows, err := pool.Query(r.Context(), `SELECT id, at, actor_id, actor_name, entity, entity_id, action, before, after, event_seq
			FROM audit_log
			WHERE ($1 = '' OR entity = $1) AND ($2 = '' OR entity_id = $2) AND ($3 = '' OR actor_name = $3)
			  AND ($4::bigint = 0 OR id < $4::bigint)
			ORDER BY id DESC LIMIT $5`, q.Get("entity"), q.Get("entity_id"), q.Get("actor"), beforeID, limit)
		if err != nil {
			return err
		}
		entries, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (AuditEntry, error) {
			var e AuditEntry
			err := r.Scan(&e.ID, &e.At, &e.ActorID, &e.ActorName, &e.Entity, &e.EntityID, &e.Action, &e.Before, &e.After, &e.EventSeq)
			return e, err
		})
		if err != nil {
			return err
		}
		resp := map[string]any{"entries": entries}
		if len(entries) == limit {
			resp["next"] = "?before_id=" + strconv.FormatInt(entries[len(entries)-1].ID, 10) + "&limit=" + strconv.Itoa(limit)
		}
		return api.WriteJSON(w, http.StatusOK, resp)
	})
}
