package main

import (
	"flag"
	"fmt"
	"io"
	"os"
)

// flagSet is a subcommand's flag set: --help prints the summary and the
// flags, and flags may come before, between or after the positional
// arguments (sitrep users add NAME --role R).
type flagSet struct{ *flag.FlagSet }

// newFlagSet makes the flag set of the subcommand name, as its usage line
// shows it (e.g. "import LAYER FILE [--dry-run]").
func newFlagSet(name, summary string, out io.Writer) *flagSet {
	fs := flag.NewFlagSet("sitrep "+name, flag.ContinueOnError)
	fs.SetOutput(out)
	fs.Usage = func() {
		fmt.Fprintf(out, "Usage: sitrep %s\n\n%s\n\nFlags:\n", name, summary)
		fs.PrintDefaults()
	}
	return &flagSet{fs}
}

// parse parses the flags wherever they come and returns the positional
// arguments in order.
func (fs *flagSet) parse(args []string) ([]string, error) {
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	var positional []string
	for rest := fs.Args(); len(rest) > 0; rest = fs.Args() {
		positional = append(positional, rest[0])
		if err := fs.Parse(rest[1:]); err != nil {
			return nil, err
		}
	}
	return positional, nil
}

func envOr(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}
