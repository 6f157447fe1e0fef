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
	pf, err := l.parseFile(format, body)
	if err != nil {
		return nil, err
	}
	newReport := func() *ImportReport {
		return &ImportReport{Layer: l.Name, Format: format, DryRun: opts.DryRun, Rows: len(pf.rows), Errors: []RowError{}, Events: "none"}
	}
	if l.bulkImportable() {
		rep, err := l.importBulk(ctx, db, actor, pf, newReport(), opts)
		if err != nil || rep != nil {
			return rep, err
		}
		// A constraint the set-based checks do not know refused the
		// insert: row by row, the row it refused is named.
	}
	return l.importRowByRow(ctx, db, actor, pf, newReport(), opts)
}

// importRowByRow checks and writes one row at a time, as a POST would,
// each in a savepoint.
func (l *Layer) importRowByRow(ctx context.Context, db Beginner, actor journal.Actor, pf *parsedFile, rep *ImportReport, opts ImportOptions) (*ImportReport, error) {
	tx, err := db.Begin(ctx)
	if err != nil {
		return nil, err
	}
	defer func() { _ = tx.Rollback(context.WithoutCancel(ctx)) }()

	run := l.newImportRun(tx, actor, pf, rep)
	for i := range pf.rows {
		if opts.Progress != nil {
			opts.Progress(i, len(pf.rows))
		}
		if err := run.add(ctx, &pf.rows[i]); err != nil {
			return nil, err
		}
	}
	if opts.Progress != nil {
		opts.Progress(len(pf.rows), len(pf.rows))
	}
	if err := run.afterImport(ctx); err != nil {
		return nil, err
	}
	if err := l.commitImport(ctx, tx, actor, rep, run.changes, opts.DryRun); err != nil {
		return nil, err
	}
	return rep, nil
}

// commitImport records the import's changes and commits them, unless a row
// was bad or this is a dry run (the caller's deferred rollback then undoes
// the trial inserts).
func (l *Layer) commitImport(ctx context.Context, tx pgx.Tx, actor journal.Actor, rep *ImportReport, changes []journal.Change, dryRun bool) error {
	if !rep.OK() || dryRun || rep.Valid == 0 {
		return nil
	}
	seqs, err := journal.Record(ctx, tx, actor, l.importEvents(changes, rep))
	if err != nil {
		return err
	}
	if err := tx.Commit(ctx); err != nil {
		return err
	}
	journal.NoteCommitted(seqs)
	rep.Created = rep.Valid
	return nil
}

func (l *Layer) parseFile(format string, body []byte) (*parsedFile, error) {
	switch format {
	case FormatGeoJSON:
		return l.parseGeoJSON(body)
	case FormatCSV:
		return l.parseCSV(body)
	}
	return nil, api.BadRequest("format", mustBeFormat)
}

// importRun is an import in progress inside its transaction: the report so
// far, and what the valid rows wrote.
type importRun struct {
	layer *Layer
	// writer is the layer rows are written with: without its AfterWrite
	// hook when the layer has an AfterImport hook to run once instead.
	writer *Layer
	tx     pgx.Tx
	actor  journal.Actor
	pf     *parsedFile
	rep    *ImportReport
	// seen maps, per Unique rule, a key to the line of its first row.
	seen    []map[string]int
	changes []journal.Change
	geoms   []string
}

func (l *Layer) newImportRun(tx pgx.Tx, actor journal.Actor, pf *parsedFile, rep *ImportReport) *importRun {
	run := &importRun{layer: l, writer: l, tx: tx, actor: actor, pf: pf, rep: rep, seen: l.newSeen()}
	if l.Hooks.AfterImport != nil {
		c := *l
		c.Hooks.AfterWrite = nil
		run.writer = &c
	}
	return run
}

// newSeen makes the per-rule maps duplicateInFile keeps.
func (l *Layer) newSeen() []map[string]int {
	seen := make([]map[string]int, len(l.Unique))
	for i := range seen {
		seen[i] = map[string]int{}
	}
	return seen
}

// add checks one row and, if it is valid, writes it. A fault of the row
// goes into the report; the error is only for a failure that must stop
// the import.
func (run *importRun) add(ctx context.Context, r *importRow) error {
	rep := run.rep
	if len(r.errs) > 0 {
		rep.Errors = append(rep.Errors, r.errs...)
		return nil
	}
	in, err := run.layer.Decode(r.feature)
	if err != nil {
		return rep.addProblemOrFail(run.pf, r, err)
	}
	if fe := run.layer.duplicateInFile(in, r.line, run.seen); fe != nil {
		rep.Errors = append(rep.Errors, run.pf.rowError(r, fe.Field, fe.Detail))
		return nil
	}
	// A savepoint per row: a row the database refuses (a constraint, a
	// shape PostGIS rejects) must not abort the transaction, so the rows
	// after it are still checked.
	sp, err := run.tx.Begin(ctx)
	if err != nil {
		return err
	}
	w, err := run.writer.Create(ctx, sp, run.actor, in)
	if err != nil {
		_ = sp.Rollback(ctx)
		return rep.addProblemOrFail(run.pf, r, err)
	}
	if err := sp.Commit(ctx); err != nil {
		return err
	}
	rep.Valid++
	run.changes = append(run.changes, w.Changes...)
	run.geoms = append(run.geoms, in.Geometry.GeoJSON)
	return nil
}

// afterImport runs the layer's AfterImport hook once over every geometry
// written, when every row was valid. On a dry run too, so the report can
// say how many other features the import would change.
func (run *importRun) afterImport(ctx context.Context) error {
	hook := run.layer.Hooks.AfterImport
	if !run.rep.OK() || hook == nil || len(run.geoms) == 0 {
		return nil
	}
	more, err := hook(ctx, run.tx, run.actor, run.geoms)
	if err != nil {
		return err
	}
	run.rep.Related = len(more)
	run.changes = append(run.changes, more...)
	return nil
}

// importEvents decides how the import reaches the live stream (see
// MaxImportEvents), notes it in the report and returns the changes to
// record.
func (l *Layer) importEvents(changes []journal.Change, rep *ImportReport) []journal.Change {
	if rep.Valid <= MaxImportEvents {
		rep.Events = "per-feature"
		return changes
	}
	rep.Events = ActionReload
	for i, c := range changes {
		if c.Entity == l.Name && c.Action == "create" {
			changes[i].Topic = "" // audited, not streamed one by one
		}
	}
	summary := map[string]any{"layer": l.Name, "reason": "import", "created": rep.Valid}
	return append(changes, journal.Change{Entity: l.Name, EntityID: "*", Action: ActionReload,
		After: summary, Topic: l.Name, Event: summary})
}

// addProblemOrFail adds a client problem's fields as the row's errors;
// anything else (a database failure) is returned, to abort the import.
func (rep *ImportReport) addProblemOrFail(pf *parsedFile, r *importRow, err error) error {
	faults, err := pf.rowFaults(r, err)
	rep.Errors = append(rep.Errors, faults...)
	return err
}

// rowFaults turns a client problem with row r into the row's errors, each
// field named as the file's user knows it; anything else (a database
// failure) is returned as the error.
func (pf *parsedFile) rowFaults(r *importRow, err error) ([]RowError, error) {
	var p *api.Problem
	if !errors.As(err, &p) || p.Status >= 500 {
		return nil, err
	}
	if len(p.Errors) == 0 {
		return []RowError{pf.rowError(r, "", p.Detail)}, nil
	}
	out := make([]RowError, len(p.Errors))
	for i, fe := range p.Errors {
		out[i] = pf.rowError(r, fe.Field, fe.Detail)
	}
	return out, nil
}

// rowError is a fault of row r at ptr, a JSON Pointer into its Feature.
func (pf *parsedFile) rowError(r *importRow, ptr, detail string) RowError {
	return RowError{Line: r.line, Row: r.row, Field: pf.field(r, ptr), Detail: detail}
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
				Detail: fmt.Sprintf("%s与本文件第 %d 行相同", l.titles(u.Fields), first)}
		}
		seen[i][key] = line
	}
	return nil
}
