package main

import (
	"context"
	"fmt"
	"io"
	"text/tabwriter"

	"sitrep/internal/demo"
)

func runDemo(ctx context.Context, args []string, stdout io.Writer) error {
	cmd := newDBCommand("demo [flags]", "Load the demo data: the real county boundary and neighbours (© OpenStreetMap\ncontributors, ODbL 1.0), synthetic layers, and one demo user per role.\nRunning it again keeps what is there. Prints the demo credentials.", stdout)
	if _, err := cmd.parse(args); err != nil {
		return err
	}
	if _, err := cmd.migrate(ctx); err != nil {
		return err
	}
	pool, err := cmd.open(ctx)
	if err != nil {
		return err
	}
	defer pool.Close()
	creds, err := demo.Load(ctx, pool)
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, "Demo data loaded. Everything but the boundaries is synthetic (made up).")
	fmt.Fprintln(stdout, "Demo users (for trying Sitrep out only; these passwords are public):")
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "  NAME\tROLE\tPASSWORD\tNEW API TOKEN")
	for _, c := range creds {
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", c.Name, c.Role, c.Password, c.Token)
	}
	return tw.Flush()
}
