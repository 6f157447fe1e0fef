package registry

import (
	"context"
	"encoding/json"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"

	"sitrep/internal/areas"
	"sitrep/internal/db"
	"sitrep/internal/journal"
)

// Set-based import. Row by row, each feature of a file costs a savepoint
// and some ten statements (the geometry check, the uniqueness check, the
// county and township look-ups, the insert, the read-back, the history
// row): a few hundred rows a second. A bulk import runs the same checks
// once for the whole file instead:
//
//  1. every row is decoded and checked in Go, as a POST's body is (Decode),
//     and duplicates inside the file are found;
//  2. the rows that pass are copied (COPY) into a temporary staging table
//     with the ids they will have;
//  3. one query finds every invalid or swapped geometry, one per unique
//     rule every clash with a stored feature, each named by row and field
//     with the words a POST's 422 uses;
//  4. the clean rows get outside_county and what the layer's PrepareImport
//     sets, then go in with one INSERT … SELECT, their history rows with
//     one more statement, and their audit rows and events with the
//     journal's set-based insert.
//
// A constraint the checks above do not know (a concurrent import of the
// same code) refuses the INSERT as a whole; the import then starts again
// row by row, which names the row. A layer whose hooks work one feature at
// a time (a Prepare without PrepareImport, an AfterWrite without
// AfterImport, an AfterChange) always imports row by row.

// stagingTable is the temporary table a bulk import stages its rows in;
// it is dropped when the import's transaction ends.
const stagingTable = "registry_import"

// stagingColumns are the staging table's own columns besides the layer's
// fields (id and geom are reserved names no field takes).
var stagingColumns = map[string]bool{"import_row": true, "import_geojson": true}

// bulkImportable reports whether every hook of the layer has a set-based
// form, so its imports can run set-based.
func (l *Layer) bulkImportable() bool {
	h := l.Hooks
	return (h.Prepare == nil || h.PrepareImport != nil) && (h.AfterWrite == nil || h.AfterImport != nil) && h.AfterChange == nil
}

// stagedRow is a row of the file that passed every check that needs no
// database.
type stagedRow struct {
	index int // in parsedFile.rows
	in    *Input
}

// importBulk imports pf set-based (see above). It returns a nil report,
// with nothing done, when the INSERT met a constraint the set-based checks
// do not know: the caller imports row by row instead.
func (l *Layer) importBulk(ctx context.Context, pool Beginner, actor journal.Actor, pf *parsedFile, rep *ImportReport, opts ImportOptions) (*ImportReport, error) {
	faults := make([][]RowError, len(pf.rows))
	staged, err := l.checkRowsInGo(pf, faults, opts.Progress)
	if err != nil {
		return nil, err
	}

	tx, err := pool.Begin(ctx)
	if err != nil {
		return nil, err
	}
	defer func() { _ = tx.Rollback(context.WithoutCancel(ctx)) }()
	// Each statement here does the whole file's work at once: it gets the
	// pool's bound (sized for one feature's statements) plus a millisecond
	// a row, and room to sort a file's features in memory (the default
	// 4 MB spills ten thousand of them to disk), for this transaction only.
	timeout := db.DefaultStatementTimeout + time.Duration(len(staged))*time.Millisecond
	if _, err := tx.Exec(ctx, "SELECT set_config('statement_timeout', $1, true), set_config('work_mem', '64MB', true)",
		strconv.FormatInt(timeout.Milliseconds(), 10)); err != nil {
		return nil, err
	}

	var written []journal.Change
	var geoms []string
	if len(staged) > 0 {
		if err := l.stage(ctx, tx, staged); err != nil {
			return nil, err
		}
		clean, err := l.checkStaged(ctx, tx, pf, staged, faults)
		if err != nil {
			return nil, err
		}
		if len(clean) > 0 {
			var refused bool
			written, refused, err = l.insertStaged(ctx, tx, actor, len(clean) > MaxImportEvents)
			if err != nil {
				return nil, err
			}
			if refused {
				return nil, nil
			}
		}
		rep.Valid = len(clean)
		for _, s := range clean {
			geoms = append(geoms, s.in.Geometry.GeoJSON)
		}
	}
	for _, f := range faults {
		rep.Errors = append(rep.Errors, f...)
	}
	if opts.Progress != nil {
		opts.Progress(len(pf.rows), len(pf.rows))
	}
	run := &importRun{layer: l, tx: tx, actor: actor, rep: rep, changes: written, geoms: geoms}
	if err := run.afterImport(ctx); err != nil {
		return nil, err
	}
	if err := l.commitImport(ctx, tx, actor, rep, run.changes, opts.DryRun); err != nil {
		return nil, err
	}
	return rep, nil
}

// checkRowsInGo decodes every row of pf, noting each row's faults in
// faults, and returns the rows that passed, in file order.
func (l *Layer) checkRowsInGo(pf *parsedFile, faults [][]RowError, progress func(done, total int)) ([]stagedRow, error) {
	decoded := l.decodeAll(pf, progress)
	seen := l.newSeen()
	var staged []stagedRow
	for i := range pf.rows {
		r, d := &pf.rows[i], decoded[i]
		switch {
		case len(r.errs) > 0:
			faults[i] = r.errs
		case d.err != nil:
			fs, err := pf.rowFaults(r, d.err)
			if err != nil {
				return nil, err
			}
			faults[i] = fs
		default:
			// In file order: the first of two rows with one key is the one kept.
			if fe := l.duplicateInFile(d.in, r.line, seen); fe != nil {
				faults[i] = []RowError{pf.rowError(r, fe.Field, fe.Detail)}
				continue
			}
			staged = append(staged, stagedRow{index: i, in: d.in})
		}
	}
	return staged, nil
}

// decodedRow is Decode's outcome for one row.
type decodedRow struct {
	in  *Input
	err error
}

// decodeAll decodes the rows that parsed, on every core: Decode is pure Go
// on one row's bytes, and is most of what an import costs in Go.
func (l *Layer) decodeAll(pf *parsedFile, progress func(done, total int)) []decodedRow {
	out := make([]decodedRow, len(pf.rows))
	const chunk = 256
	var (
		next atomic.Int64
		done int // rows decoded, under mu
		wg   sync.WaitGroup
		mu   sync.Mutex // progress is not promised to be safe for concurrent calls
	)
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for {
				start := int(next.Add(chunk)) - chunk
				if start >= len(pf.rows) {
					return
				}
				end := min(start+chunk, len(pf.rows))
				for i := start; i < end; i++ {
					if r := &pf.rows[i]; len(r.errs) == 0 {
						out[i].in, out[i].err = l.Decode(r.feature)
					}
				}
				if progress != nil {
					mu.Lock()
					done += end - start
					progress(done, len(pf.rows))
					mu.Unlock()
				}
			}
		})
	}
	wg.Wait()
	return out
}

// stage creates the staging table and copies the rows into it, each with
// the id it will have: taken from the layer's identity sequence here, in
// file order, so that ids follow the file as they do row by row.
func (l *Layer) stage(ctx context.Context, tx pgx.Tx, staged []stagedRow) error {
	cols := []string{"import_row integer PRIMARY KEY", "id bigint NOT NULL", "import_geojson text NOT NULL",
		"geom geometry GENERATED ALWAYS AS (ST_SetSRID(ST_GeomFromGeoJSON(import_geojson), 4326)) STORED"}
	names := []string{"import_row", "id", "import_geojson"}
	for _, f := range l.Fields {
		cols = append(cols, ident(f.Name)+" "+stagingType(f.Kind))
		names = append(names, f.Name)
	}
	if _, err := tx.Exec(ctx, "CREATE TEMP TABLE "+stagingTable+" ("+strings.Join(cols, ", ")+") ON COMMIT DROP"); err != nil {
		return err
	}
	ids, err := nextIDs(ctx, tx, l.Table, len(staged))
	if err != nil {
		return err
	}
	_, err = tx.CopyFrom(ctx, pgx.Identifier{stagingTable}, names, pgx.CopyFromSlice(len(staged), func(i int) ([]any, error) {
		s := staged[i]
		row := make([]any, 0, len(names))
		row = append(row, int32(s.index), ids[i], s.in.Geometry.GeoJSON)
		for _, f := range l.Fields {
			v, err := bindValue(f.Kind, s.in.Values[f.Name])
			if err != nil {
				return nil, err
			}
			row = append(row, v)
		}
		return row, nil
	}))
	return err
}

// nextIDs takes n values of table's identity sequence, ascending.
func nextIDs(ctx context.Context, tx pgx.Tx, table string, n int) ([]int64, error) {
	rows, err := tx.Query(ctx, "SELECT nextval(pg_get_serial_sequence($1, 'id')) FROM generate_series(1, $2)", ident(table), n)
	if err != nil {
		return nil, err
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return nil, err
	}
	slices.Sort(ids)
	return ids, nil
}

// stagingType is the staging column type of a field's kind: what the Go
// value Decode gives binds to over COPY's binary format; stagedValue casts
// it to the table's type.
func stagingType(k Kind) string {
	switch k {
	case Integer:
		return "bigint"
	case Number:
		return "double precision"
	case Boolean:
		return "boolean"
	case Timestamp:
		return "timestamptz"
	case Tags:
		return "text[]"
	case Lines, JSON:
		return "jsonb"
	}
	return "text" // Text, Date ("YYYY-MM-DD") and Point (GeoJSON)
}

// stagedValue is SQL for field f of staged row alias as the layer's table
// stores it.
func stagedValue(f Field, alias string) string {
	col := alias + "." + ident(f.Name)
	switch f.Kind {
	case Integer:
		return col + "::integer"
	case Date:
		return col + "::date"
	case Point:
		return "ST_SetSRID(ST_GeomFromGeoJSON(" + col + "), 4326)"
	}
	return col
}

// checkStaged runs the checks a POST runs in the database (checkInDB) over
// every staged row at once, notes each fault in faults by row, takes the
// faulty rows out of the staging table and returns the clean ones.
func (l *Layer) checkStaged(ctx context.Context, tx pgx.Tx, pf *parsedFile, staged []stagedRow, faults [][]RowError) ([]stagedRow, error) {
	if err := l.stagedGeometryFaults(ctx, tx, pf, faults); err != nil {
		return nil, err
	}
	for _, u := range l.Unique {
		if err := l.stagedDuplicates(ctx, tx, pf, u, faults); err != nil {
			return nil, err
		}
	}
	var clean []stagedRow
	var bad []int32
	for _, s := range staged {
		if len(faults[s.index]) > 0 {
			bad = append(bad, int32(s.index))
		} else {
			clean = append(clean, s)
		}
	}
	if len(bad) > 0 {
		// Out, before anything reads their shapes as if they were valid.
		if _, err := tx.Exec(ctx, "DELETE FROM "+stagingTable+" WHERE import_row = ANY($1)", bad); err != nil {
			return nil, err
		}
	}
	return clean, nil
}

// stagedGeometryFaults finds every staged geometry, the feature's own and
// its point properties', that PostGIS finds invalid or that looks swapped.
func (l *Layer) stagedGeometryFaults(ctx context.Context, tx pgx.Tx, pf *parsedFile, faults [][]RowError) error {
	ptrs := []string{"/geometry"}
	shapes := []string{"(0, s.geom)"}
	for _, f := range l.Fields {
		if f.Kind == Point {
			shapes = append(shapes, "("+strconv.Itoa(len(ptrs))+", "+stagedValue(f, "s")+")")
			ptrs = append(ptrs, "/properties/"+f.Name)
		}
	}
	rows, err := tx.Query(ctx, `SELECT s.import_row, c.n, ST_IsValid(c.g), ST_IsValidReason(c.g), `+swappedSQL("c.g")+`
		FROM `+stagingTable+` s CROSS JOIN LATERAL (VALUES `+strings.Join(shapes, ", ")+`) AS c(n, g)
		WHERE c.g IS NOT NULL AND (NOT ST_IsValid(c.g) OR `+swappedSQL("c.g")+`)
		ORDER BY s.import_row, c.n`)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var (
			row, n         int32
			valid, swapped bool
			reason         string
		)
		if err := rows.Scan(&row, &n, &valid, &reason, &swapped); err != nil {
			return err
		}
		if fe := geometryFault(ptrs[n], valid, reason, swapped); fe != nil {
			r := &pf.rows[row]
			faults[row] = append(faults[row], pf.rowError(r, fe.Field, fe.Detail))
		}
	}
	return rows.Err()
}

// stagedDuplicates finds the staged rows, still without a fault, whose
// key under rule u a stored feature already has (checkInDB stops at the
// first rule a row breaks; so does this, the rules taken in order).
func (l *Layer) stagedDuplicates(ctx context.Context, tx pgx.Tx, pf *parsedFile, u Unique, faults [][]RowError) error {
	conds := make([]string, len(u.Fields))
	for i, name := range u.Fields {
		f, _ := l.Field(name)
		conds[i] = "t." + ident(name) + " = " + stagedValue(f, "s")
	}
	rows, err := tx.Query(ctx, "SELECT s.import_row FROM "+stagingTable+" s WHERE EXISTS (SELECT 1 FROM "+
		ident(l.Table)+" t WHERE "+strings.Join(conds, " AND ")+") ORDER BY s.import_row")
	if err != nil {
		return err
	}
	clashes, err := pgx.CollectRows(rows, pgx.RowTo[int32])
	if err != nil {
		return err
	}
	fe := l.duplicateFault(u)
	for _, row := range clashes {
		if len(faults[row]) == 0 {
			faults[row] = []RowError{pf.rowError(&pf.rows[row], fe.Field, fe.Detail)}
		}
	}
	return nil
}

// insertStaged inserts the staged rows with what a POST's Prepare step
// gives one (outside_county, the layer's PrepareImport) and writes their
// history. It returns their changes for the journal, or, when auditHere
// (an import large enough to reach the live stream as one reload), audits
// them itself and returns none. refused says that a constraint refused the
// INSERT: nothing usable is left in tx.
func (l *Layer) insertStaged(ctx context.Context, tx pgx.Tx, actor journal.Actor, auditHere bool) (changes []journal.Change, refused bool, err error) {
	prepared := map[string]string{OutsideCountyField: areas.OutsideCountySQL("s.geom")}
	if l.Hooks.PrepareImport != nil {
		for name, expr := range l.Hooks.PrepareImport("s") {
			prepared[name] = expr
		}
	}
	cols, vals := []string{"id", "geom"}, []string{"s.id", "s.geom"}
	for _, f := range l.Fields {
		expr, ok := prepared[f.Name]
		switch {
		case ok:
			cols, vals = append(cols, ident(f.Name)), append(vals, expr)
		case !f.ReadOnly:
			cols, vals = append(cols, ident(f.Name)), append(vals, stagedValue(f, "s"))
		}
		// Other read-only fields are what a Prepare hook computes; without
		// one the table's defaults stand, as they do row by row.
	}
	if _, err := tx.Exec(ctx, "INSERT INTO "+ident(l.Table)+" ("+strings.Join(cols, ", ")+") OVERRIDING SYSTEM VALUE SELECT "+
		strings.Join(vals, ", ")+" FROM "+stagingTable+" s ORDER BY s.id"); err != nil {
		if db.IsIntegrityViolation(err) {
			return nil, true, nil
		}
		return nil, false, err
	}
	// Each feature read back as GET shows it, for its history row and its
	// journal change or audit row.
	history := `INSERT INTO registry_history (layer, feature_id, version, action, feature, actor_name)
		SELECT $1, f.id, f.version, 'create', f.feature, $2 FROM f ORDER BY f.id`
	if auditHere {
		// Built once, for the history row and the audit row both.
		with := "WITH f AS MATERIALIZED (SELECT t.id, t.version, " + l.featureJSONB("t") + " AS feature FROM " + ident(l.Table) +
			" t WHERE t.id IN (SELECT id FROM " + stagingTable + ")), h AS (" + history + ")"
		return nil, false, journal.AuditSelected(ctx, tx, actor, l.Name, "create", with,
			"SELECT f.id::text AS entity_id, f.feature AS after FROM f ORDER BY f.id", l.Name, actor.Name)
	}
	read := `SELECT t.id, t.version, ` + l.featureExpr("t") + ` AS text FROM ` + ident(l.Table) + ` t
		WHERE t.id IN (SELECT id FROM ` + stagingTable + `)`
	rows, err := tx.Query(ctx, "WITH r AS MATERIALIZED ("+read+"), f AS (SELECT r.id, r.version, r.text::jsonb AS feature FROM r), h AS ("+
		history+") SELECT r.id, r.text FROM r ORDER BY r.id",
		l.Name, actor.Name)
	if err != nil {
		return nil, false, err
	}
	defer rows.Close()
	for rows.Next() {
		var (
			id      int64
			feature string
		)
		if err := rows.Scan(&id, &feature); err != nil {
			return nil, false, err
		}
		changes = append(changes, l.change(id, "create", nil, json.RawMessage(feature)))
	}
	return changes, false, rows.Err()
}
