package registry

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"

	"sitrep/internal/api"
	"sitrep/internal/journal"
)

// Import formats. A file is GeoJSON (an RFC 7946 FeatureCollection) or CSV
// (see import_csv.go for its columns and cell syntax).
const (
	FormatGeoJSON = "geojson"
	FormatCSV     = "csv"
)

// MaxImportEvents is the most features an import publishes one live-stream
// event each for. A larger import publishes a single "reload" event for the
// layer instead: ten thousand create events would flood every map client's
// queue (and trip the stream's slow-client cut-off) to say what one fresh
// snapshot says better. Every feature still gets its own audit row.
const MaxImportEvents = 200

// ActionReload is the live-stream action of that event: topic = the layer,
// id "*", data {"layer", "reason": "import", "created"}. A client drops what
// it holds of the layer and subscribes again (without "since") for a fresh
// snapshot.
const ActionReload = "reload"

// Beginner starts transactions: a pool or a connection.
type Beginner interface {
	Begin(ctx context.Context) (pgx.Tx, error)
}

// ImportOptions tune an import.
type ImportOptions struct {
	// DryRun checks every row, with the real inserts in a transaction that
	// is then rolled back: nothing is stored, audited or published.
	DryRun bool
	// Progress, when set, is called after each row with the rows done and
	// the total.
	Progress func(done, total int)
}

// RowError is one fault in one row of an imported file.
type RowError struct {
	// Line is the physical line of the file where the row starts (1-based);
	// 0 when the file as a whole is at fault.
	Line int `json:"line"`
	// Row is the row's position: the feature's index in "features" for
	// GeoJSON (0-based, as in its JSON Pointer), the data row for CSV
	// (1 = the first row after the header).
	Row int `json:"row"`
	// Field is a JSON Pointer into the file for GeoJSON
	// (/features/3/properties/kind), the column for CSV (kind, lat, wkt;
	// inventory/0/chemical inside a JSON cell).
	Field  string `json:"field"`
	Detail string `json:"detail"`
}

func (e RowError) String() string {
	s := fmt.Sprintf("line %d (row %d)", e.Line, e.Row)
	if e.Field != "" {
		s += ": " + e.Field
	}
	return s + ": " + e.Detail
}

// ImportReport is the outcome of an import that could read its file.
type ImportReport struct {
	Layer  string `json:"layer"`
	Format string `json:"format"`
	DryRun bool   `json:"dry_run"`
	// Rows in the file, and how many of them are valid.
	Rows  int `json:"rows"`
	Valid int `json:"valid"`
	// Created is the features stored (0 on a dry run or when any row is bad).
	Created int `json:"created"`
	// Related counts the other features the import changed (hazard sources
	// re-graded by a population import); on a dry run, those it would change.
	Related int `json:"related"`
	// Events says how the import reaches the live stream: "per-feature",
	// "reload" (one event for the layer, see MaxImportEvents) or "none".
	Events string     `json:"events"`
	Errors []RowError `json:"errors"`
}

// OK reports whether every row was valid.
func (rep *ImportReport) OK() bool { return len(rep.Errors) == 0 }

// importRow is one row of a file, turned into a GeoJSON Feature for Decode
// (so one set of rules serves the API, GeoJSON and CSV), or the faults that
// kept it from becoming one.
type importRow struct {
	line, row int
	feature   []byte
	errs      []RowError
}

// parsedFile is a file split into rows; field maps a JSON Pointer into a
// row's Feature to the name a user sees (a pointer into the file, a column).
type parsedFile struct {
	rows  []importRow
	field func(r *importRow, ptr string) string
}

// Import checks every row of a file against the layer and, when all are
// valid and this is not a dry run, stores them all in one transaction with
// their audit rows and events. A bad row never stops the check: the report
// lists every fault with its line. With any fault, nothing is stored.
//
// The error is a *api.Problem (400) when the file cannot be read at all
// (not UTF-8, not a FeatureCollection, an unknown column), or a database
// failure.
func (l *Layer) Import(ctx context.Context, db Beginner, actor journal.Actor, format string, body []byte, opts ImportOptions) (*ImportReport, error) {
	var (
		pf  *parsedFile
		err error
	)
	switch format {
	case FormatGeoJSON:
		pf, err = l.parseGeoJSON(body)
	case FormatCSV:
		pf, err = l.parseCSV(body)
	default:
		return nil, api.BadRequest("format", "must be geojson or csv")
	}
	if err != nil {
		return nil, err
	}
	rep := &ImportReport{Layer: l.Name, Format: format, DryRun: opts.DryRun, Rows: len(pf.rows), Errors: []RowError{}, Events: "none"}

	tx, err := db.Begin(ctx)
	if err != nil {
		return nil, err
	}
	defer func() { _ = tx.Rollback(context.WithoutCancel(ctx)) }()

	// A layer with a batch hook runs it once at the end instead of its
	// per-row AfterWrite; the copy shares everything else.
	writer := l
	if l.Hooks.AfterImport != nil {
		c := *l
		c.Hooks.AfterWrite = nil
		writer = &c
	}
	var (
		changes []journal.Change
		geoms   []string
		seen    = make([]map[string]int, len(l.Unique)) // unique key → line of its first row
	)
	for i := range seen {
		seen[i] = map[string]int{}
	}
	for i := range pf.rows {
		r := &pf.rows[i]
		if opts.Progress != nil {
			opts.Progress(i, len(pf.rows))
		}
		if len(r.errs) > 0 {
			rep.Errors = append(rep.Errors, r.errs...)
			continue
		}
		in, err := l.Decode(r.feature)
		if err != nil {
			if !rep.addProblem(pf, r, err) {
				return nil, err
			}
			continue
		}
		if fe := l.duplicateInFile(in, r.line, seen); fe != nil {
			rep.Errors = append(rep.Errors, RowError{Line: r.line, Row: r.row, Field: pf.field(r, fe.Field), Detail: fe.Detail})
			continue
		}
		// A savepoint per row: a row the database refuses (a constraint,
		// a shape PostGIS rejects) must not abort the transaction, so the
		// rows after it are still checked.
		sp, err := tx.Begin(ctx)
		if err != nil {
			return nil, err
		}
		w, err := writer.Create(ctx, sp, actor, in)
		if err != nil {
			_ = sp.Rollback(ctx)
			if !rep.addProblem(pf, r, err) {
				return nil, err
			}
			continue
		}
		if err := sp.Commit(ctx); err != nil {
			return nil, err
		}
		rep.Valid++
		changes = append(changes, w.Changes...)
		geoms = append(geoms, in.Geometry.GeoJSON)
	}
	if opts.Progress != nil {
		opts.Progress(len(pf.rows), len(pf.rows))
	}
	created := rep.Valid
	if len(rep.Errors) == 0 && l.Hooks.AfterImport != nil && len(geoms) > 0 {
		more, err := l.Hooks.AfterImport(ctx, tx, actor, geoms)
		if err != nil {
			return nil, err
		}
		rep.Related = len(more)
		changes = append(changes, more...)
	}
	if !rep.OK() || opts.DryRun || len(changes) == 0 {
		return rep, nil // the deferred rollback undoes the trial inserts
	}
	rep.Events = "per-feature"
	if created > MaxImportEvents {
		rep.Events = ActionReload
		for i, c := range changes {
			if c.Entity == l.Name && c.Action == "create" {
				changes[i].Topic = "" // audited, not streamed one by one
			}
		}
		summary := map[string]any{"layer": l.Name, "reason": "import", "created": created}
		changes = append(changes, journal.Change{Entity: l.Name, EntityID: "*", Action: ActionReload,
			After: summary, Topic: l.Name, Event: summary})
	}
	if _, err := journal.Record(ctx, tx, actor, changes); err != nil {
		return nil, err
	}
	if err := tx.Commit(ctx); err != nil {
		return nil, err
	}
	rep.Created = created
	return rep, nil
}

// addProblem adds a client problem's fields as the row's errors and
// reports whether err was one (anything else aborts the import).
func (rep *ImportReport) addProblem(pf *parsedFile, r *importRow, err error) bool {
	var p *api.Problem
	if !errors.As(err, &p) || p.Status >= 500 {
		return false
	}
	if len(p.Errors) == 0 {
		rep.Errors = append(rep.Errors, RowError{Line: r.line, Row: r.row, Field: pf.field(r, ""), Detail: p.Detail})
		return true
	}
	for _, fe := range p.Errors {
		rep.Errors = append(rep.Errors, RowError{Line: r.line, Row: r.row, Field: pf.field(r, fe.Field), Detail: fe.Detail})
	}
	return true
}

// duplicateInFile finds a row whose unique key an earlier valid row of the
// same file already has. (Against the stored rows, Create's own check finds
// duplicates; this one names the earlier line.)
func (l *Layer) duplicateInFile(in *Input, line int, seen []map[string]int) *api.FieldError {
	for i, u := range l.Unique {
		parts := make([]string, 0, len(u.Fields))
		for _, name := range u.Fields {
			v := in.Values[name]
			if v == nil {
				parts = nil // NULLs never collide
				break
			}
			parts = append(parts, fmt.Sprint(v))
		}
		if parts == nil {
			continue
		}
		key := strings.Join(parts, "\x00")
		if first, ok := seen[i][key]; ok {
			return &api.FieldError{Field: "/properties/" + u.Fields[len(u.Fields)-1],
				Detail: fmt.Sprintf("the same %s as line %d of this file", strings.Join(u.Fields, " and "), first)}
		}
		seen[i][key] = line
	}
	return nil
}
