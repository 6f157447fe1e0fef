package channels

import (
	"context"
	"errors"
	"strconv"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"sitrep/internal/api"
	"sitrep/internal/journal"
)

// Store keeps the channels.
type Store struct{ pool *pgxpool.Pool }

// NewStore returns a store on pool.
func NewStore(pool *pgxpool.Pool) *Store { return &Store{pool: pool} }

// channelColumns never include the secret itself.
const channelColumns = `id, name, kind, format, url, enabled, drills, max_chars, timeout_s, auth_type, auth_username, auth_header,
	secret IS NOT NULL, version`

func scanChannel(row pgx.Row) (Channel, error) {
	var c Channel
	err := row.Scan(&c.ID, &c.Name, &c.Kind, &c.Format, &c.URL, &c.Enabled, &c.Drills, &c.MaxChars, &c.TimeoutS,
		&c.AuthType, &c.AuthUsername, &c.AuthHeader, &c.HasSecret, &c.Version)
	return c, err
}

// List returns every channel, by name.
func (s *Store) List(ctx context.Context) ([]Channel, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+channelColumns+` FROM warning_channels ORDER BY name, id`)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (Channel, error) { return scanChannel(r) })
}

func get(ctx context.Context, q pgx.Tx, id int64, lock bool) (Channel, error) {
	sql := `SELECT ` + channelColumns + ` FROM warning_channels WHERE id = $1`
	if lock {
		sql += ` FOR UPDATE`
	}
	c, err := scanChannel(q.QueryRow(ctx, sql, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return Channel{}, api.NotFound("发布渠道 " + strconv.FormatInt(id, 10))
	}
	return c, err
}

// duplicateName turns the name's unique violation into a 409.
func duplicateName(err error) error {
	var pg *pgconn.PgError
	if errors.As(err, &pg) && pg.Code == "23505" {
		return api.Conflict("/name", "已有同名的发布渠道")
	}
	return err
}

// Create stores a new channel. The audit trail records it without the
// secret.
func (s *Store) Create(ctx context.Context, actor journal.Actor, in Input) (Channel, error) {
	if err := in.check(false); err != nil {
		return Channel{}, err
	}
	var out Channel
	_, err := journal.Write(ctx, s.pool, actor, func(tx pgx.Tx) ([]journal.Change, error) {
		enabled := in.Enabled == nil || *in.Enabled
		timeout := 10
		if in.TimeoutS != nil {
			timeout = *in.TimeoutS
		}
		var secret *string
		if in.Secret != nil && *in.Secret != "" {
			secret = in.Secret
		}
		var id int64
		if err := tx.QueryRow(ctx, `INSERT INTO warning_channels (name, kind, format, url, enabled, drills, max_chars, timeout_s,
			auth_type, auth_username, auth_header, secret) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id`,
			in.Name, in.Kind, in.Format, in.URL, enabled, in.Drills, in.MaxChars, timeout, in.AuthType, in.AuthUsername,
			in.AuthHeader, secret).Scan(&id); err != nil {
			return nil, duplicateName(err)
		}
		var err error
		if out, err = get(ctx, tx, id, false); err != nil {
			return nil, err
		}
		return []journal.Change{{Entity: "warning_channels", EntityID: strconv.FormatInt(id, 10), Action: "create", After: out}}, nil
	})
	return out, err
}

// Update replaces channel id's settings, made from version (If-Match). A
// secret left out is kept.
func (s *Store) Update(ctx context.Context, actor journal.Actor, id int64, version string, in Input) (Channel, error) {
	var out Channel
	_, err := journal.Write(ctx, s.pool, actor, func(tx pgx.Tx) ([]journal.Change, error) {
		before, err := get(ctx, tx, id, true)
		if err != nil {
			return nil, err
		}
		if strconv.Itoa(before.Version) != version {
			return nil, api.PreconditionFailed("发布渠道已被他人修改，请重新读取后再改")
		}
		if err := in.check(before.HasSecret); err != nil {
			return nil, err
		}
		enabled := in.Enabled == nil || *in.Enabled
		timeout := before.TimeoutS
		if in.TimeoutS != nil {
			timeout = *in.TimeoutS
		}
		keep := in.Secret == nil
		var secret *string
		if in.Secret != nil && *in.Secret != "" {
			secret = in.Secret
		}
		if _, err := tx.Exec(ctx, `UPDATE warning_channels SET name = $2, kind = $3, format = $4, url = $5, enabled = $6, drills = $7,
			max_chars = $8, timeout_s = $9, auth_type = $10, auth_username = $11, auth_header = $12,
			secret = CASE WHEN $13 THEN secret ELSE $14 END, version = version + 1, updated_at = now() WHERE id = $1`,
			id, in.Name, in.Kind, in.Format, in.URL, enabled, in.Drills, in.MaxChars, timeout, in.AuthType, in.AuthUsername,
			in.AuthHeader, keep, secret); err != nil {
			return nil, duplicateName(err)
		}
		if out, err = get(ctx, tx, id, false); err != nil {
			return nil, err
		}
		return []journal.Change{{Entity: "warning_channels", EntityID: strconv.FormatInt(id, 10), Action: "update", Before: before, After: out}}, nil
	})
	return out, err
}
