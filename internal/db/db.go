// Package db opens the PostgreSQL/PostGIS connection pool, applies the embedded
// migrations, and runs transactions. Feature packages keep their own SQL; this
// package only knows how to reach the database safely.
package db

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Options tune the pool. Zero values take the defaults below.
type Options struct {
	// StatementTimeout bounds every statement on the server side, so a query
	// whose client has gone or that went wrong cannot hold a connection for long.
	StatementTimeout time.Duration
	MaxConns         int32
	// AppName shows in pg_stat_activity, to tell servers apart.
	AppName string
}

// DefaultStatementTimeout is short: the map wall and dispatch need answers in
// seconds; anything slower is a bug to find, not to wait for.
const DefaultStatementTimeout = 5 * time.Second

// Open connects a pool and checks that the database answers.
// Errors never contain the connection string, so a password cannot leak to logs.
func Open(ctx context.Context, url string, opts Options) (*pgxpool.Pool, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		// pgx's parse error may quote the URL; keep only the gist.
		return nil, errors.New("database URL is not valid (expected postgres://user:pass@host:port/db)")
	}
	if opts.StatementTimeout == 0 {
		opts.StatementTimeout = DefaultStatementTimeout
	}
	if opts.AppName == "" {
		opts.AppName = "sitrep"
	}
	if opts.MaxConns > 0 {
		cfg.MaxConns = opts.MaxConns
	}
	rp := cfg.ConnConfig.RuntimeParams
	rp["statement_timeout"] = strconv.FormatInt(opts.StatementTimeout.Milliseconds(), 10)
	// A transaction left open by a crashed handler must not hold locks (notably
	// the event counter) for long.
	rp["idle_in_transaction_session_timeout"] = strconv.FormatInt(max(opts.StatementTimeout, 10*time.Second).Milliseconds(), 10)
	rp["application_name"] = opts.AppName
	// PostGIS functions carry high cost estimates, so PostgreSQL's JIT
	// compiles the plans of ordinary spatial checks (a grading, a zone's
	// impact) and spends tens of milliseconds on it each time: a loss for
	// short statements, which is all Sitrep runs.
	rp["jit"] = "off"
	rp["timezone"] = "UTC"

	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("connect to database at %s: %w", cfg.ConnConfig.Host, err)
	}
	pingCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := pool.Ping(pingCtx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("database at %s:%d does not answer: %w", cfg.ConnConfig.Host, cfg.ConnConfig.Port, err)
	}
	return pool, nil
}

// InTx runs fn in a transaction: it commits when fn returns nil and rolls back
// otherwise, so a write either lands whole or not at all.
func InTx(ctx context.Context, pool *pgxpool.Pool, fn func(tx pgx.Tx) error) error {
	return pgx.BeginFunc(ctx, pool, fn)
}
