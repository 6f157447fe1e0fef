package main

import (
	"context"
	"errors"
	"io"
	"os"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"sitrep/internal/db"
)

// dbCommand is what every database-using subcommand shares: a flag set
// carrying the database flags, whose defaults come from their environment
// variables, and the checks and connection that follow from them.
type dbCommand struct {
	*flagSet
	url              string
	statementTimeout time.Duration
}

// newDBCommand makes the flag set of the subcommand name (as its usage line
// shows it) with the database flags registered; the caller adds its own.
func newDBCommand(name, summary string, out io.Writer) *dbCommand {
	c := &dbCommand{flagSet: newFlagSet(name, summary, out)}
	c.StringVar(&c.url, "database-url", os.Getenv("DATABASE_URL"), "PostgreSQL/PostGIS URL (env DATABASE_URL)")
	timeout := db.DefaultStatementTimeout
	if v := os.Getenv("SITREP_STATEMENT_TIMEOUT"); v != "" {
		if d, err := time.ParseDuration(v); err == nil {
			timeout = d
		}
	}
	c.DurationVar(&c.statementTimeout, "statement-timeout", timeout, "server-side timeout for each SQL statement (env SITREP_STATEMENT_TIMEOUT)")
	return c
}

// check refuses settings no database can be used with. open and migrate
// check by themselves; a command calls check first when a missing database
// should be reported before anything else it might find wrong.
func (c *dbCommand) check() error {
	if c.url == "" {
		return errors.New("no database: set DATABASE_URL or pass --database-url")
	}
	if c.statementTimeout <= 0 {
		return errors.New("--statement-timeout must be positive")
	}
	return nil
}

// open checks the settings and connects a pool.
func (c *dbCommand) open(ctx context.Context) (*pgxpool.Pool, error) {
	if err := c.check(); err != nil {
		return nil, err
	}
	return db.Open(ctx, c.url, db.Options{StatementTimeout: c.statementTimeout})
}

// migrate checks the settings and applies pending migrations; it returns
// how many it applied.
func (c *dbCommand) migrate(ctx context.Context) (int, error) {
	if err := c.check(); err != nil {
		return 0, err
	}
	return db.Migrate(ctx, c.url)
}
