package registry

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"

	"sitrep/internal/api"
)

// collectionMembers are the FeatureCollection members a file may have
// besides type and features: RFC 7946's bbox, the 2008 crs (checked), and
// what GDAL, QGIS and OGC API Features write. None of them carries feature
// data, so nothing is lost by not storing them; anything else is refused
// as a likely typo.
var collectionMembers = []string{"bbox", "crs", "name", "xy_coordinate_resolution", "z_coordinate_resolution",
	"links", "numberReturned", "numberMatched", "timeStamp"}

// parseGeoJSON splits a FeatureCollection into its features, each with the
// line it starts on. The features themselves are checked later, one by
// one, so one bad feature does not hide the next.
func (l *Layer) parseGeoJSON(body []byte) (*parsedFile, error) {
	body = bytes.TrimPrefix(body, utf8BOM)
	if err := checkUTF8(body); err != nil {
		return nil, err // encoding/json would turn bad bytes into U+FFFD
	}
	notFC := api.BadRequest("", "文件须为一个 GeoJSON FeatureCollection（RFC 7946 3.3）")
	dec := json.NewDecoder(bytes.NewReader(body))
	lines := newLineCounter(body)
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil, notFC
	}
	pf := &parsedFile{field: func(r *importRow, ptr string) string { return "/features/" + strconv.Itoa(r.row) + ptr }}
	var sawType, sawFeatures bool
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, syntaxProblem(err, lines)
		}
		key, _ := tok.(string)
		switch key {
		case "type":
			var typ string
			if err := dec.Decode(&typ); err != nil || typ != "FeatureCollection" {
				return nil, api.BadRequest("/type", `须为 "FeatureCollection"`)
			}
			sawType = true
		case "features":
			if tok, err := dec.Token(); err != nil || tok != json.Delim('[') {
				return nil, api.BadRequest("/features", "须为 Feature 数组")
			}
			for dec.More() {
				start := skipSpaceAndComma(body, int(dec.InputOffset()))
				var raw json.RawMessage
				if err := dec.Decode(&raw); err != nil {
					return nil, syntaxProblem(err, lines)
				}
				n := len(pf.rows)
				pf.rows = append(pf.rows, importRow{line: lines.at(start), row: n, feature: raw})
			}
			if _, err := dec.Token(); err != nil {
				return nil, syntaxProblem(err, lines)
			}
			sawFeatures = true
		case "crs":
			var raw json.RawMessage
			if err := dec.Decode(&raw); err != nil {
				return nil, syntaxProblem(err, lines)
			}
			if fe := checkCRS(raw, "/crs"); fe != nil {
				return nil, api.Invalid(*fe)
			}
		default:
			if !slices.Contains(collectionMembers, key) {
				return nil, api.BadRequest("/"+escapePointer(key), "FeatureCollection 中有未知成员 "+key)
			}
			var skip json.RawMessage
			if err := dec.Decode(&skip); err != nil {
				return nil, syntaxProblem(err, lines)
			}
		}
	}
	if _, err := dec.Token(); err != nil {
		return nil, syntaxProblem(err, lines)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, api.BadRequest("", "文件只能包含一个 JSON 值")
	}
	if !sawType || !sawFeatures {
		return nil, notFC
	}
	return pf, nil
}

// syntaxProblem names the line of a JSON syntax error: past it the file
// cannot be read, so no later feature can be checked.
func syntaxProblem(err error, lines *lineCounter) error {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return api.BadRequest("", fmt.Sprintf("JSON 语法错误：第 %d 行", lines.at(int(se.Offset))))
	}
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		return api.BadRequest("", "JSON 提前结束（文件不完整？）")
	}
	return api.BadRequest("", "JSON 无效")
}

func skipSpaceAndComma(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\r' || b[i] == '\n' || b[i] == ',') {
		i++
	}
	return i
}

// lineCounter turns byte offsets into 1-based line numbers. Offsets are
// asked in increasing order, so it counts each newline once.
type lineCounter struct {
	b    []byte
	off  int
	line int
}

func newLineCounter(b []byte) *lineCounter { return &lineCounter{b: b, line: 1} }

func (c *lineCounter) at(off int) int {
	if off < c.off { // out of order: count from the start
		c.off, c.line = 0, 1
	}
	off = min(off, len(c.b))
	c.line += bytes.Count(c.b[c.off:off], []byte{'\n'})
	c.off = off
	return c.line
}
