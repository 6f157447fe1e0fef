package main

import (
	"context"
	"fmt"
	"io"

	"sitrep/internal/db"
)

func runMigrate(ctx context.Context, args []string, stdout io.Writer) error {
	cmd := newDBCommand("migrate [flags] [up|status]", "Apply pending migrations (up, the default) or show the schema version (status).", stdout)
	positional, err := cmd.parse(args)
	if err != nil {
		return err
	}
	if err := cmd.check(); err != nil {
		return err
	}
	action := ""
	if len(positional) > 0 {
		action = positional[0]
	}
	switch action {
	case "", "up":
		n, err := cmd.migrate(ctx)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "applied %d migration(s)\n", n)
		return nil
	case "status":
		pool, err := cmd.open(ctx)
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
