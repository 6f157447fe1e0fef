// Command sitrep is the Sitrep server and its tools: one binary with
// subcommands, configured by flags and environment variables.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"sort"
	"syscall"
)

// command is one subcommand.
type command struct {
	summary string
	run     func(ctx context.Context, args []string, stdout io.Writer) error
}

var commands = map[string]command{
	"serve":    {"run the HTTP server (applies migrations first)", runServe},
	"migrate":  {"apply database migrations, or show their status", runMigrate},
	"users":    {"manage users and API tokens", runUsers},
	"demo":     {"load the demo data (real county boundaries, synthetic everything else) and demo users", runDemo},
	"import":   {"import a layer file (GeoJSON or CSV), all or nothing; --dry-run checks only", runImport},
	"export":   {"write a layer as GeoJSON or CSV to standard output", runExport},
	"basemap":  {"load an OpenStreetMap extract as the map's ground (roads, water, places, townships), or export it as PMTiles", runBasemap},
	"simulate": {"drive the demo through the API: drill incidents, teams moving, warnings issued and lifted", runSimulate},
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "Usage: sitrep <command> [flags]\n\nCommands:")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-8s %s\n", n, commands[n].summary)
	}
	fmt.Fprintln(w, "\nRun 'sitrep <command> --help' for a command's flags.")
	fmt.Fprintln(w, "\nEnvironment:")
	fmt.Fprintln(w, "  DATABASE_URL              PostgreSQL/PostGIS URL, e.g. postgres://user:pass@localhost:5432/sitrep")
	fmt.Fprintln(w, "  SITREP_ADDR               listen address (default :8080)")
	fmt.Fprintln(w, "  SITREP_STATEMENT_TIMEOUT  per-statement timeout (default 5s)")
	fmt.Fprintln(w, "  SITREP_LOG_FORMAT         json (default) or text")
	fmt.Fprintln(w, "  SITREP_INSECURE_COOKIE    1 to drop the Secure flag from the session cookie (plain-HTTP hosts other than localhost)")
}

func main() {
	if len(os.Args) < 2 || os.Args[1] == "-h" || os.Args[1] == "--help" || os.Args[1] == "help" {
		usage(os.Stdout)
		if len(os.Args) < 2 {
			os.Exit(2)
		}
		return
	}
	cmd, ok := commands[os.Args[1]]
	if !ok {
		fmt.Fprintf(os.Stderr, "sitrep: unknown command %q\n\n", os.Args[1])
		usage(os.Stderr)
		os.Exit(2)
	}
	slog.SetDefault(newLogger(os.Stderr))
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	if err := cmd.run(ctx, os.Args[2:], os.Stdout); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return
		}
		fmt.Fprintln(os.Stderr, "sitrep "+os.Args[1]+": "+err.Error())
		os.Exit(1)
	}
}

func newLogger(w io.Writer) *slog.Logger {
	if os.Getenv("SITREP_LOG_FORMAT") == "text" {
		return slog.New(slog.NewTextHandler(w, nil))
	}
	return slog.New(slog.NewJSONHandler(w, nil))
}
