package registry

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/paulmach/orb/encoding/wkt"
	"github.com/paulmach/orb/geojson"

	"sitrep/internal/api"
)

// CSV files, as import takes them and export writes them (RFC 4180, UTF-8
// with or without a byte-order mark):
//
//   - A header row names the columns: the layer's properties by their API
//     names, and the geometry as either a wkt column (any geometry the layer
//     takes, WKT in WGS 84 lon/lat, "SRID=4326;" allowed) or lon and lat
//     columns (decimal degrees; layers that take points). The server's own
//     columns (id, version, updated_at and computed ones such as grade) are
//     ignored, so an export imports as it is. Any other column is refused.
//   - An empty cell is an absent value (null).
//   - Numbers are written as in JSON (1.5, 1e3); booleans true or false.
//     Dates YYYY-MM-DD; times RFC 3339 with a zone.
//   - A list of tags is the tags separated by ";" (spaces around each are
//     trimmed, empty ones dropped), or a JSON array of strings when a tag
//     holds a ";" (export writes JSON exactly then).
//   - Line lists (inventory, stock, equipment) are JSON arrays of objects.
//   - A point property (a team's last_position) is WKT POINT(lon lat) or a
//     GeoJSON Point object.
//
// Each row becomes a GeoJSON Feature and is checked by Decode, so CSV and
// GeoJSON obey exactly the same rules.

var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// Geometry columns of a CSV file.
const (
	colWKT = "wkt"
	colLon = "lon"
	colLat = "lat"
)

// serverColumns are columns an export writes that import ignores.
var serverColumns = []string{"id", "version", "updated_at"}

// checkUTF8 refuses a file that is not UTF-8 (a GBK export from a
// spreadsheet is the usual case): decoding it anyway would store mojibake.
func checkUTF8(body []byte) error {
	if utf8.Valid(body) {
		return nil
	}
	line := 1
	for i := 0; i < len(body); {
		r, n := utf8.DecodeRune(body[i:])
		if r == utf8.RuneError && n <= 1 {
			break
		}
		if r == '\n' {
			line++
		}
		i += n
	}
	return api.BadRequest("", fmt.Sprintf("文件不是 UTF-8 编码（第 %d 行起有无法识别的字节）；请另存为 UTF-8（电子表格中选“CSV UTF-8”）", line))
}

// csvColumn is what one column of a file holds.
type csvColumn struct {
	name  string
	field *Field // nil for geometry and ignored columns
	geom  string // colWKT, colLon, colLat or ""
}

// parseCSV reads the header, then turns each record into a Feature, noting
// the physical line it starts on (quoted cells may span lines).
func (l *Layer) parseCSV(body []byte) (*parsedFile, error) {
	body = bytes.TrimPrefix(body, utf8BOM)
	if err := checkUTF8(body); err != nil {
		return nil, err
	}
	rd := csv.NewReader(bytes.NewReader(body))
	header, err := rd.Read()
	if err == io.EOF {
		return nil, api.BadRequest("", "文件为空；第一行须为列名")
	}
	if err != nil {
		return nil, csvProblem(err)
	}
	cols, mode, err := l.csvColumns(header)
	if err != nil {
		return nil, err
	}
	pf := &parsedFile{field: func(_ *importRow, ptr string) string { return csvField(ptr, mode) }}
	for n := 1; ; n++ {
		rec, err := rd.Read()
		if err == io.EOF {
			break
		}
		var pe *csv.ParseError
		switch {
		case errors.As(err, &pe) && errors.Is(err, csv.ErrFieldCount):
			// A row of the wrong width is that row's fault; the file reads on.
			pf.rows = append(pf.rows, importRow{line: pe.StartLine, row: n, errs: []RowError{{Line: pe.StartLine, Row: n,
				Detail: fmt.Sprintf("有 %d 个单元格，表头有 %d 列", len(rec), len(header))}}})
			continue
		case err != nil:
			// A quoting error leaves the reader no sure row boundary: the
			// file cannot be read further (and the record has no fields to
			// ask the position of).
			return nil, csvProblem(err)
		}
		line, _ := rd.FieldPos(0)
		r := importRow{line: line, row: n}
		r.feature, r.errs = l.csvFeature(cols, mode, rec, line, n)
		pf.rows = append(pf.rows, r)
	}
	return pf, nil
}

func csvProblem(err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		why := "无法解析"
		switch {
		case errors.Is(pe.Err, csv.ErrBareQuote):
			why = "没有用引号括起的单元格里出现了引号（\"），整格须用引号括起，格内的引号写两遍"
		case errors.Is(pe.Err, csv.ErrQuote):
			why = "引号没有配对：用引号括起的单元格须以引号结束，格内的引号写两遍"
		}
		return api.BadRequest("", fmt.Sprintf("CSV 第 %d 行第 %d 列格式错误：%s", pe.Line, pe.Column, why))
	}
	return api.BadRequest("", "无法读取的 CSV 文件")
}

// csvColumns maps the header to fields and picks the geometry columns.
func (l *Layer) csvColumns(header []string) ([]csvColumn, string, error) {
	cols := make([]csvColumn, len(header))
	seen := map[string]bool{}
	for i, h := range header {
		name := strings.TrimSpace(h)
		if seen[name] {
			return nil, "", api.BadRequest(name, "表头中列 "+name+" 出现了两次")
		}
		seen[name] = true
		cols[i].name = name
		switch {
		case name == colWKT || name == colLon || name == colLat:
			cols[i].geom = name
		case slices.Contains(serverColumns, name):
		default:
			f, ok := l.Field(name)
			if !ok {
				return nil, "", api.BadRequest(name, "未知列 "+strconv.Quote(name)+"；可用的列为 "+
					strings.Join(l.csvHeader(), ", ")+"（点要素也可用 lon 和 lat 代替 wkt）")
			}
			if !f.ReadOnly {
				cols[i].field = &f
			}
		}
	}
	switch {
	case seen[colWKT] && (seen[colLon] || seen[colLat]):
		return nil, "", api.BadRequest(colWKT, "几何只能用 wkt 或 lon、lat 其中一种方式给出，不能同时给出")
	case seen[colWKT]:
		return cols, colWKT, nil
	case seen[colLon] && seen[colLat]:
		if !slices.Contains(l.Geometries, "Point") {
			return nil, "", api.BadRequest(colLon, "本图层的几何类型为 "+strings.Join(l.Geometries, "、")+"：请在 wkt 列中给出几何")
		}
		return cols, colLon, nil
	}
	return nil, "", api.BadRequest(colWKT, "缺少几何：表头须有 wkt 列，或 lon 和 lat 两列")
}

// csvFeature builds the Feature for one record. A cell whose syntax is
// wrong for its column is passed on as a string, so Decode reports it
// with the same words as for JSON; only what cannot be passed on (bad WKT)
// is reported here.
func (l *Layer) csvFeature(cols []csvColumn, mode string, rec []string, line, n int) ([]byte, []RowError) {
	var (
		errs     []RowError
		props    = map[string]json.RawMessage{}
		geometry json.RawMessage
		lon, lat string
	)
	bad := func(col, detail string) {
		errs = append(errs, RowError{Line: line, Row: n, Field: col, Detail: detail})
	}
	for i, c := range cols {
		cell := strings.TrimSpace(rec[i])
		switch {
		case c.geom == colWKT:
			if cell != "" {
				g, err := wktToGeoJSON(cell)
				if err != nil {
					bad(colWKT, err.Error())
					continue
				}
				geometry = g
			}
		case c.geom == colLon:
			lon = cell
		case c.geom == colLat:
			lat = cell
		case c.field != nil && cell != "":
			v, err := csvValue(*c.field, cell)
			if err != nil {
				bad(c.name, err.Error())
				continue
			}
			props[c.name] = v
		}
	}
	if mode == colLon && (lon != "" || lat != "") {
		ok := true
		for _, c := range []struct{ col, v string }{{colLon, lon}, {colLat, lat}} {
			if !isJSONNumber(c.v) {
				bad(c.col, "应为十进制度数（WGS 84），收到 "+strconv.Quote(c.v))
				ok = false
			}
		}
		if ok {
			geometry = json.RawMessage(`{"type":"Point","coordinates":[` + lon + `,` + lat + `]}`)
		}
	}
	if len(errs) > 0 {
		return nil, errs
	}
	f, err := json.Marshal(struct {
		Type       string                     `json:"type"`
		Geometry   json.RawMessage            `json:"geometry"`
		Properties map[string]json.RawMessage `json:"properties"`
	}{"Feature", geometry, props})
	if err != nil {
		return nil, []RowError{{Line: line, Row: n, Detail: err.Error()}}
	}
	return f, nil
}

// csvValue turns a non-empty cell into the JSON its field takes.
func csvValue(f Field, cell string) (json.RawMessage, error) {
	if f.Kind == Text || f.Kind == Tags {
		cell = unguardFormula(cell)
	}
	str := func() (json.RawMessage, error) { return json.Marshal(cell) }
	switch f.Kind {
	case Integer, Number:
		if isJSONNumber(cell) {
			return json.RawMessage(cell), nil
		}
	case Boolean:
		if b := strings.ToLower(cell); b == "true" || b == "false" {
			return json.RawMessage(b), nil
		}
	case Tags:
		var tags []string
		if strings.HasPrefix(cell, "[") && json.Unmarshal([]byte(cell), &tags) == nil {
			return json.Marshal(tags)
		}
		tags = []string{}
		for _, t := range strings.Split(cell, ";") {
			if t = strings.TrimSpace(t); t != "" {
				tags = append(tags, t)
			}
		}
		return json.Marshal(tags)
	case Lines, JSON:
		if json.Valid([]byte(cell)) {
			return json.RawMessage(cell), nil
		}
		return nil, errors.New("应为 JSON（对象数组），例如 [{\"item\":\"…\"}]")
	case Point:
		if strings.HasPrefix(cell, "{") {
			if json.Valid([]byte(cell)) {
				return json.RawMessage(cell), nil
			}
			return nil, errors.New("应为 WKT POINT(经度 纬度) 或 GeoJSON Point")
		}
		return wktToGeoJSON(cell)
	}
	return str()
}

// wktToGeoJSON parses WKT (optionally EWKT with SRID=4326) with orb and
// writes it as GeoJSON for Decode to check like any other geometry.
func wktToGeoJSON(s string) (json.RawMessage, error) {
	if i := strings.IndexByte(s, ';'); i >= 0 && strings.HasPrefix(strings.ToUpper(s), "SRID=") {
		if srid := strings.TrimSpace(s[5:i]); srid != "4326" {
			return nil, errors.New("不接受 SRID " + srid + "：只接受 WGS 84 经纬度（4326），请先转换坐标")
		}
		s = s[i+1:]
	}
	g, err := wkt.Unmarshal(s)
	if err != nil {
		return nil, errors.New("不是有效的二维 WKT（例如 POINT(87.41 43.47) 或 POLYGON((…))）")
	}
	return geojson.NewGeometry(g).MarshalJSON()
}

// isJSONNumber reports whether s is a number as JSON writes it.
func isJSONNumber(s string) bool {
	if s == "" || !(s[0] == '-' || s[0] >= '0' && s[0] <= '9') {
		return false
	}
	_, err := strconv.ParseFloat(s, 64)
	return err == nil && json.Valid([]byte(s))
}

// csvField names, for a user, the column a pointer into a row's Feature
// is about.
func csvField(ptr, mode string) string {
	switch {
	case strings.HasPrefix(ptr, "/geometry"):
		if mode == colWKT {
			return colWKT
		}
		switch {
		case strings.HasSuffix(ptr, "/coordinates/0"):
			return colLon
		case strings.HasSuffix(ptr, "/coordinates/1"):
			return colLat
		}
		return colLon + "," + colLat
	case strings.HasPrefix(ptr, "/properties/"):
		return strings.TrimPrefix(ptr, "/properties/")
	}
	return strings.TrimPrefix(ptr, "/")
}
