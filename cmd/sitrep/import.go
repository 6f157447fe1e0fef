package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"sitrep/internal/api"
	"sitrep/internal/layers"
	"sitrep/internal/registry"
)

const importSummary = `Import a layer file into the registry, all or nothing.

  sitrep import LAYER FILE [--dry-run] [--format geojson|csv]

FILE is a GeoJSON FeatureCollection or a CSV file (header row naming the
layer's properties; geometry in a wkt column, or lon and lat columns for
points; see README "Import and export"); "-" reads standard input. The
format follows the file name (.geojson, .json, .csv) unless --format says.
Every row is checked, including against the database, and every bad row is
printed as FILE:LINE: row N: FIELD: what is wrong. If any row is bad,
nothing is stored and the exit status is 1. --dry-run checks without
storing. The audit trail names the actor cli:<your login>.`

func runImport(ctx context.Context, args []string, stdout io.Writer) error {
	cmd := newDBCommand("import LAYER FILE [--dry-run] [--format geojson|csv]", importSummary, stdout)
	dryRun := cmd.Bool("dry-run", false, "check every row (with the real inserts, rolled back) and store nothing")
	format := cmd.String("format", "", "geojson or csv (default: from FILE's extension)")
	positional, err := cmd.parse(args)
	if err != nil {
		return err
	}
	if len(positional) != 2 {
		cmd.Usage()
		return errors.New("name a LAYER and a FILE")
	}
	layer, err := layerNamed(positional[0])
	if err != nil {
		return err
	}
	file := positional[1]
	if *format == "" {
		if *format, err = formatOf(file); err != nil {
			return err
		}
	}
	var body []byte
	if file == "-" {
		body, err = io.ReadAll(os.Stdin)
	} else {
		body, err = os.ReadFile(file)
	}
	if err != nil {
		return err
	}
	pool, err := cmd.open(ctx)
	if err != nil {
		return err
	}
	defer pool.Close()

	progress := newProgress(os.Stderr)
	start := time.Now()
	rep, err := layer.Import(ctx, pool, cliActor(), *format, body, registry.ImportOptions{DryRun: *dryRun, Progress: progress.update})
	progress.finish()
	if err != nil {
		return describe(err)
	}
	for _, e := range rep.Errors {
		fmt.Fprintf(stdout, "%s:%d: row %d: %s: %s\n", file, e.Line, e.Row, e.Field, e.Detail)
	}
	took := time.Since(start).Round(time.Millisecond)
	bad := rep.Rows - rep.Valid
	switch {
	case !rep.OK():
		return fmt.Errorf("%d of %d rows are bad (%d faults); nothing was stored", bad, rep.Rows, len(rep.Errors))
	case *dryRun:
		fmt.Fprintf(stdout, "dry run: all %d rows of %s are valid for %s (%d related features would be updated); nothing stored (%s)\n",
			rep.Rows, file, layer.Name, rep.Related, took)
	default:
		fmt.Fprintf(stdout, "imported %d features into %s (%d related features updated; live stream: %s) in %s\n",
			rep.Created, layer.Name, rep.Related, rep.Events, took)
	}
	return nil
}

const exportSummary = `Export a layer to standard output.

  sitrep export LAYER [--format geojson|csv] > FILE

The output is what sitrep import and POST /api/v1/{layer}/import take.`

func runExport(ctx context.Context, args []string, stdout io.Writer) error {
	cmd := newDBCommand("export LAYER [--format geojson|csv]", exportSummary, stdout)
	format := cmd.String("format", registry.FormatGeoJSON, "geojson or csv")
	positional, err := cmd.parse(args)
	if err != nil {
		return err
	}
	if len(positional) != 1 {
		cmd.Usage()
		return errors.New("name a LAYER")
	}
	layer, err := layerNamed(positional[0])
	if err != nil {
		return err
	}
	pool, err := cmd.open(ctx)
	if err != nil {
		return err
	}
	defer pool.Close()
	switch *format {
	case registry.FormatGeoJSON:
		_, err = layer.WriteGeoJSON(ctx, pool, stdout)
	case registry.FormatCSV:
		_, err = layer.WriteCSV(ctx, pool, stdout)
	default:
		return errors.New("--format must be geojson or csv")
	}
	return err
}

func layerNamed(name string) (*registry.Layer, error) {
	if l, ok := layers.ByName(name); ok {
		return l, nil
	}
	names := make([]string, len(layers.All))
	for i, l := range layers.All {
		names[i] = l.Name
	}
	return nil, fmt.Errorf("unknown layer %q; the layers are %s", name, strings.Join(names, ", "))
}

func formatOf(file string) (string, error) {
	switch strings.ToLower(filepath.Ext(file)) {
	case ".geojson", ".json":
		return registry.FormatGeoJSON, nil
	case ".csv":
		return registry.FormatCSV, nil
	}
	return "", fmt.Errorf("cannot tell the format of %q from its name; pass --format geojson or --format csv", file)
}

// describe spells out a problem about the whole file (not UTF-8, not a
// FeatureCollection, an unknown column) for the terminal.
func describe(err error) error {
	var p *api.Problem
	if !errors.As(err, &p) {
		return err
	}
	msg := p.Detail
	for _, fe := range p.Errors {
		if fe.Detail != p.Detail || msg == "" {
			msg += "; " + fe.Field + ": " + fe.Detail
		}
	}
	return errors.New(strings.TrimPrefix(msg, "; "))
}

// progress draws a bar on a terminal and nothing anywhere else (a log file,
// a pipe, a test), so scripts get clean output.
type progress struct {
	w   *os.File
	on  bool
	bar *progressbar.ProgressBar
}

func newProgress(w *os.File) *progress {
	return &progress{w: w, on: term.IsTerminal(int(w.Fd()))}
}

func (p *progress) update(done, total int) {
	if !p.on {
		return
	}
	if p.bar == nil {
		p.bar = progressbar.NewOptions(total, progressbar.OptionSetWriter(p.w),
			progressbar.OptionSetDescription("checking and writing rows"), progressbar.OptionShowCount(),
			progressbar.OptionSetPredictTime(true), progressbar.OptionThrottle(100*time.Millisecond),
			progressbar.OptionClearOnFinish())
	}
	_ = p.bar.Set(done)
}

// stage is update for a job in named stages (a basemap import): the bar
// says which stage runs and how far it is.
func (p *progress) stage(desc string, done, total int) {
	if !p.on {
		return
	}
	if p.bar == nil {
		p.bar = progressbar.NewOptions(total, progressbar.OptionSetWriter(p.w), progressbar.OptionSetDescription(desc),
			progressbar.OptionSetPredictTime(false), progressbar.OptionThrottle(100*time.Millisecond), progressbar.OptionClearOnFinish())
	}
	p.bar.Describe(desc)
	p.bar.ChangeMax(total)
	_ = p.bar.Set(done)
}

func (p *progress) finish() {
	if p.bar != nil {
		_ = p.bar.Finish()
	}
}
