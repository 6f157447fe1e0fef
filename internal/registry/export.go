package registry

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
)

// ExportRow is one stored feature as export sees it.
type ExportRow struct {
	// Feature is the GeoJSON Feature exactly as GET returns it.
	Feature json.RawMessage
	// WKT is the geometry as PostGIS writes WKT (full precision), and
	// PointWKT the same for each point property that is set.
	WKT      string
	PointWKT map[string]string
}

// exportBatch is how many rows each FETCH brings: small enough to stream,
// large enough that round trips do not dominate.
const exportBatch = 500

// Export calls fn with every feature of the layer in id order, from one
// consistent snapshot, without holding the layer in memory: a cursor in a
// read-only transaction, fetched in batches, so each statement stays well
// within the statement timeout however slowly the client reads.
func (l *Layer) Export(ctx context.Context, db Beginner, fn func(ExportRow) error) error {
	tx, err := db.Begin(ctx)
	if err != nil {
		return err
	}
	defer func() { _ = tx.Rollback(context.WithoutCancel(ctx)) }()
	// Between fetches the transaction waits on the client; the pool's
	// idle-in-transaction limit (seconds) is meant for crashed handlers,
	// not for a slow download, so this transaction gets longer.
	if _, err := tx.Exec(ctx, "SET TRANSACTION READ ONLY"); err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, "SET LOCAL idle_in_transaction_session_timeout = '5min'"); err != nil {
		return err
	}
	var points []string
	sel := "SELECT " + l.featureExpr("t") + ", ST_AsText(t.geom)"
	for _, f := range l.Fields {
		if f.Kind == Point {
			points = append(points, f.Name)
			sel += ", ST_AsText(t." + ident(f.Name) + ")"
		}
	}
	if _, err := tx.Exec(ctx, "DECLARE sitrep_export NO SCROLL CURSOR FOR "+sel+" FROM "+ident(l.Table)+" t ORDER BY t.id"); err != nil {
		return err
	}
	for {
		// The FETCH's text is the same for every layer but its columns are
		// not: a statement description cached on this connection for
		// another layer's cursor would be wrong, so describe it each time.
		rows, err := tx.Query(ctx, "FETCH FORWARD "+strconv.Itoa(exportBatch)+" FROM sitrep_export", pgx.QueryExecModeDescribeExec)
		if err != nil {
			return err
		}
		n := 0
		for rows.Next() {
			n++
			var (
				feature string
				geom    string
				pts     = make([]*string, len(points))
			)
			dest := []any{&feature, &geom}
			for i := range pts {
				dest = append(dest, &pts[i])
			}
			if err := rows.Scan(dest...); err != nil {
				rows.Close()
				return err
			}
			row := ExportRow{Feature: json.RawMessage(feature), WKT: geom, PointWKT: map[string]string{}}
			for i, p := range pts {
				if p != nil {
					row.PointWKT[points[i]] = *p
				}
			}
			if err := fn(row); err != nil {
				rows.Close()
				return err
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		if n < exportBatch {
			return nil
		}
	}
}

// WriteGeoJSON writes the layer as one FeatureCollection, a feature per
// line (so an import's line numbers point at the feature), and returns the
// number of features.
func (l *Layer) WriteGeoJSON(ctx context.Context, db Beginner, w io.Writer) (int, error) {
	bw := bufio.NewWriterSize(w, 64<<10)
	name, _ := json.Marshal(l.Name)
	bw.WriteString(`{"type":"FeatureCollection","name":` + string(name) + `,"features":[`)
	n := 0
	err := l.Export(ctx, db, func(r ExportRow) error {
		if n > 0 {
			bw.WriteByte(',')
		}
		bw.WriteByte('\n')
		n++
		_, err := bw.Write(r.Feature)
		return err
	})
	if err != nil {
		return n, err
	}
	bw.WriteString("\n]}\n")
	return n, bw.Flush()
}

// csvHeader is the header export writes: id, the geometry (lon and lat for
// point-only layers, else wkt), every property, then version and
// updated_at. Import takes it back, ignoring the server's columns.
func (l *Layer) csvHeader() []string {
	h := []string{"id"}
	h = append(h, l.csvGeometryColumns()...)
	for _, f := range l.Fields {
		h = append(h, f.Name)
	}
	return append(h, "version", "updated_at")
}

func (l *Layer) csvGeometryColumns() []string {
	if len(l.Geometries) == 1 && l.Geometries[0] == "Point" {
		return []string{colLon, colLat}
	}
	return []string{colWKT}
}

// WriteCSV writes the layer as CSV (UTF-8 with a byte-order mark, which
// spreadsheets need to read Chinese text right; import accepts it) and
// returns the number of features.
func (l *Layer) WriteCSV(ctx context.Context, db Beginner, w io.Writer) (int, error) {
	bw := bufio.NewWriterSize(w, 64<<10)
	bw.Write(utf8BOM)
	cw := csv.NewWriter(bw)
	header := l.csvHeader()
	if err := cw.Write(header); err != nil {
		return 0, err
	}
	lonlat := slices.Contains(header, colLon)
	n := 0
	err := l.Export(ctx, db, func(r ExportRow) error {
		var f struct {
			ID       string `json:"id"`
			Geometry struct {
				Coordinates []json.Number `json:"coordinates"`
			} `json:"geometry"`
			Properties map[string]json.RawMessage `json:"properties"`
		}
		if lonlat {
			if err := json.Unmarshal(r.Feature, &f); err != nil {
				return err
			}
		} else {
			var g struct {
				ID         string                     `json:"id"`
				Properties map[string]json.RawMessage `json:"properties"`
			}
			if err := json.Unmarshal(r.Feature, &g); err != nil {
				return err
			}
			f.ID, f.Properties = g.ID, g.Properties
		}
		rec := make([]string, 0, len(header))
		rec = append(rec, f.ID)
		if lonlat {
			if len(f.Geometry.Coordinates) != 2 {
				return errUnexpectedGeometry
			}
			rec = append(rec, f.Geometry.Coordinates[0].String(), f.Geometry.Coordinates[1].String())
		} else {
			rec = append(rec, r.WKT)
		}
		for _, fd := range l.Fields {
			cell, err := csvCell(fd, f.Properties[fd.Name], r.PointWKT[fd.Name])
			if err != nil {
				return err
			}
			rec = append(rec, cell)
		}
		for _, k := range []string{"version", "updated_at"} {
			cell, err := csvCell(Field{Kind: map[string]Kind{"version": Integer, "updated_at": Timestamp}[k]}, f.Properties[k], "")
			if err != nil {
				return err
			}
			rec = append(rec, cell)
		}
		n++
		return cw.Write(rec)
	})
	if err != nil {
		return n, err
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return n, err
	}
	return n, bw.Flush()
}

type exportError string

func (e exportError) Error() string { return string(e) }

const errUnexpectedGeometry = exportError("registry: a point-only layer holds a geometry that is not a point")

// csvCell writes a property as a CSV cell, in the syntax import reads.
func csvCell(f Field, raw json.RawMessage, pointWKT string) (string, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return "", nil
	}
	switch f.Kind {
	case Text:
		var s string
		err := json.Unmarshal(raw, &s)
		return guardFormula(s), err
	case Date, Timestamp:
		var s string
		err := json.Unmarshal(raw, &s)
		return s, err
	case Tags:
		var tags []string
		if err := json.Unmarshal(raw, &tags); err != nil {
			return "", err
		}
		joined := strings.Join(tags, ";")
		if strings.HasPrefix(joined, "[") || slices.ContainsFunc(tags, func(t string) bool { return strings.Contains(t, ";") }) {
			return string(raw), nil
		}
		return guardFormula(joined), nil
	case Point:
		return pointWKT, nil
	}
	// Numbers and booleans as JSON writes them; line lists and computed
	// objects as JSON.
	return string(raw), nil
}

// formulaStart lists what makes a spreadsheet (Excel, WPS) read a cell as a
// formula. Exports go to command-centre PCs; a shelter name an editor typed
// as =HYPERLINK(…) must open as text there.
const formulaStart = "=+-@\t\r"

// guardFormula prefixes a text cell that a spreadsheet would run with a
// single quote (its "this is text" mark). A cell already starting with a quote
// gets one more, so unguardFormula on import gives back exactly what was
// stored: the round trip stays exact.
func guardFormula(s string) string {
	if s != "" && (s[0] == '\'' || strings.IndexByte(formulaStart, s[0]) >= 0) {
		return "'" + s
	}
	return s
}

// unguardFormula undoes guardFormula: one leading quote goes when what
// follows would start a formula or is another quote; any other quote is data.
func unguardFormula(s string) string {
	if len(s) >= 2 && s[0] == '\'' && (s[1] == '\'' || strings.IndexByte(formulaStart, s[1]) >= 0) {
		return s[1:]
	}
	return s
}
