package db

import (
	"context"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// Querier is what a read or a write inside someone else's transaction needs:
// a *pgxpool.Pool, a *pgx.Conn and a pgx.Tx all satisfy it, so one function
// serves a handler (on the pool) and a caller already in a transaction.
type Querier interface {
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
}
