package db

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"

	"sitrep/migrations"
)

// migrationLockID is the advisory lock that serialises servers migrating the
// same database at start-up. It is Sitrep's own, so other goose users on the
// same cluster do not wait on us.
const migrationLockID int64 = 0x5172e9_0001

// Migrator applies and reports on the embedded migrations.
type Migrator struct {
	provider *goose.Provider
	sqlDB    *sql.DB
}

// NewMigrator wraps pool for goose, which speaks database/sql.
func NewMigrator(pool *pgxpool.Pool) (*Migrator, error) {
	locker, err := lock.NewPostgresSessionLocker(
		lock.WithLockID(migrationLockID),
		// Wait up to 5 minutes (every 2 s, 150 times) for another server that is
		// migrating, rather than fail the start.
		lock.WithLockTimeout(2, 150),
	)
	if err != nil {
		return nil, err
	}
	sqlDB := stdlib.OpenDBFromPool(pool)
	// Out-of-order: feature branches add migrations in parallel, and a
	// database that already has a later one must still take an earlier one.
	p, err := goose.NewProvider(goose.DialectPostgres, sqlDB, migrations.FS,
		goose.WithSessionLocker(locker), goose.WithAllowOutofOrder(true))
	if err != nil {
		sqlDB.Close()
		return nil, fmt.Errorf("load migrations: %w", err)
	}
	return &Migrator{provider: p, sqlDB: sqlDB}, nil
}

// Up applies every pending migration under the advisory lock and returns how
// many it applied.
func (m *Migrator) Up(ctx context.Context) (int, error) {
	res, err := m.provider.Up(ctx)
	if err != nil {
		return len(res), fmt.Errorf("apply migrations: %w", err)
	}
	return len(res), nil
}

// Current reports whether the database has every migration this binary knows.
func (m *Migrator) Current(ctx context.Context) (bool, error) {
	pending, err := m.provider.HasPending(ctx)
	return !pending && err == nil, err
}

// Versions returns the database's version and the newest this binary has.
func (m *Migrator) Versions(ctx context.Context) (current, target int64, err error) {
	return m.provider.GetVersions(ctx)
}

// Close releases the database/sql handle (not the pool it wraps).
func (m *Migrator) Close() error { return m.sqlDB.Close() }

// Migrate opens a dedicated pool with a long statement timeout (CREATE
// EXTENSION postgis alone can take seconds on a busy machine), applies the
// migrations and closes it.
func Migrate(ctx context.Context, url string) (int, error) {
	pool, err := Open(ctx, url, Options{StatementTimeout: 10 * time.Minute, MaxConns: 2, AppName: "sitrep-migrate"})
	if err != nil {
		return 0, err
	}
	defer pool.Close()
	m, err := NewMigrator(pool)
	if err != nil {
		return 0, err
	}
	defer m.Close()
	return m.Up(ctx)
}
