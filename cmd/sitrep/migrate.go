package main

import (
	"context"
	"fmt"
	"io"

	"sitrep/internal/db"
)

func runMigrate(ctx context.Context, args []string, stdout io.Writer) error {
	fs := newFlagSet("migrate [flags] [up|status]", "Apply pending migrations (up, the default) or show the schema version (status).", stdout)
	var dbs dbSettings
	dbs.register(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if err := dbs.check(); err != nil {
		return err
	}
	switch action := fs.Arg(0); action {
	case "", "up":
		n, err := db.Migrate(ctx, dbs.url)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "applied %d migration(s)\n", n)
		return nil
	case "status":
		pool, err := dbs.open(ctx)
		if err != nil {
			return err
		}
		defer pool.Close()
		m, err := db.NewMigrator(pool)
		if err != nil {
			return err
		}
		defer m.Close()
		current, target, err := m.Versions(ctx)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "schema version %d, this binary knows %d\n", current, target)
		return nil
	default:
		return fmt.Errorf("unknown action %q (use up or status)", action)
	}
}
