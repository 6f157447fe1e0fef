package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"sitrep/internal/db"
)

// dbSettings are the flags every database-using command shares; each flag's
// default comes from its environment variable.
type dbSettings struct {
	url              string
	statementTimeout time.Duration
}

func (s *dbSettings) register(fs *flag.FlagSet) {
	fs.StringVar(&s.url, "database-url", os.Getenv("DATABASE_URL"), "PostgreSQL/PostGIS URL (env DATABASE_URL)")
	timeout := db.DefaultStatementTimeout
	if v := os.Getenv("SITREP_STATEMENT_TIMEOUT"); v != "" {
		if d, err := time.ParseDuration(v); err == nil {
			timeout = d
		}
	}
	fs.DurationVar(&s.statementTimeout, "statement-timeout", timeout, "server-side timeout for each SQL statement (env SITREP_STATEMENT_TIMEOUT)")
}

// open checks the settings and connects a pool.
func (s *dbSettings) open(ctx context.Context) (*pgxpool.Pool, error) {
	if err := s.check(); err != nil {
		return nil, err
	}
	return db.Open(ctx, s.url, db.Options{StatementTimeout: s.statementTimeout})
}

func (s *dbSettings) check() error {
	if s.url == "" {
		return errors.New("no database: set DATABASE_URL or pass --database-url")
	}
	if s.statementTimeout <= 0 {
		return errors.New("--statement-timeout must be positive")
	}
	return nil
}

// newFlagSet makes a flag set whose --help prints the summary and flags.
func newFlagSet(name, summary string, out io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("sitrep "+name, flag.ContinueOnError)
	fs.SetOutput(out)
	fs.Usage = func() {
		fmt.Fprintf(out, "Usage: sitrep %s\n\n%s\n\nFlags:\n", name, summary)
		fs.PrintDefaults()
	}
	return fs
}

func envOr(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}
