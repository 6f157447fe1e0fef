package registry

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"sitrep/internal/api"
	"sitrep/internal/validation"
)

const expectedString = "应为字符串"

// Input is a Feature that passed every check that needs no database: the
// geometry's shape and range, each property's type and rules, the layer's
// cross-field rules. Values holds a Go value per column (nil is NULL).
type Input struct {
	// ID is the "id" member as sent (nil when absent); callers decide what
	// an id in the body means (refused on create, must match on replace).
	ID       json.RawMessage
	Geometry *geometryInput
	Values   map[string]any
}

// Line is one element of a Lines field, as validated.
type Line = map[string]any

// featureEnvelope is what a Feature may hold (RFC 7946 3.2, plus the 2008
// "crs" member, which is checked rather than ignored).
type featureEnvelope struct {
	Type       string          `json:"type"`
	ID         json.RawMessage `json:"id"`
	Geometry   json.RawMessage `json:"geometry"`
	Properties json.RawMessage `json:"properties"`
	BBox       json.RawMessage `json:"bbox"`
	CRS        json.RawMessage `json:"crs"`
}

// Decode checks one GeoJSON Feature against the layer. A fault in the JSON
// itself (syntax, an unknown member) is a 400; a value breaking a rule is a
// 422 listing every such field. Both are *api.Problem naming the fields as
// JSON Pointers into the Feature.
func (l *Layer) Decode(raw []byte) (*Input, error) {
	var env featureEnvelope
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&env); err != nil {
		return nil, jsonProblem(err, "")
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, api.BadRequest("", api.MoreThanOneValue)
	}
	// Every way into a layer (a POST, an edit, a GeoJSON or CSV import row)
	// comes through here, so this is where a NUL or a text beyond any
	// field's size is stopped.
	if ptr, detail, bad := api.TextPointer(raw); bad {
		return nil, api.InvalidField(ptr, detail)
	}
	var errs []api.FieldError
	if env.Type != "Feature" {
		errs = append(errs, api.FieldError{Field: "/type", Detail: `须为 "Feature"（一个 GeoJSON Feature，RFC 7946 3.2）`})
	}
	if fe := checkCRS(env.CRS, "/crs"); fe != nil {
		return nil, api.Invalid(*fe)
	}
	in := &Input{Values: map[string]any{}}
	if len(env.ID) > 0 && string(env.ID) != "null" {
		in.ID = env.ID
	}
	if len(env.Geometry) > l.maxGeometryBytes() {
		// Refused before it is even parsed: one outline must not cost
		// everyone's spatial checks (and a simplified one serves the map).
		return nil, api.InvalidField("/geometry", fmt.Sprintf("几何数据过大：最多 %d KB，收到 %d KB；请简化轮廓后再提交",
			l.maxGeometryBytes()>>10, len(env.Geometry)>>10))
	}
	g, gerrs, err := decodeGeometry(env.Geometry, "/geometry", l.Geometries)
	if err != nil {
		return nil, err
	}
	if g != nil && g.Vertices > l.maxVertices() {
		gerrs = append(gerrs, api.FieldError{Field: "/geometry/coordinates", Detail: fmt.Sprintf(
			"顶点过多：最多 %d 个，收到 %d 个；请简化轮廓后再提交", l.maxVertices(), g.Vertices)})
		g = nil
	}
	errs = append(errs, gerrs...)
	in.Geometry = g

	props := map[string]json.RawMessage{}
	if len(env.Properties) > 0 && string(env.Properties) != "null" {
		pd := json.NewDecoder(bytes.NewReader(env.Properties))
		pd.UseNumber()
		if err := pd.Decode(&props); err != nil {
			return nil, jsonProblem(err, "/properties")
		}
	}
	perrs, err := decodeFields(l.Fields, props, "/properties", in.Values)
	if err != nil {
		return nil, err
	}
	errs = append(errs, perrs...)
	if len(errs) == 0 && l.Hooks.Check != nil {
		errs = append(errs, l.Hooks.Check(in)...)
	}
	if len(errs) > 0 {
		return nil, api.Invalid(errs...)
	}
	return in, nil
}

// decodeFields checks an object against fields, storing each value in out.
// Read-only and server-kept properties that a client echoes back from a GET
// are skipped (they are the server's to set); anything else unknown is a 400.
func decodeFields(fields []Field, obj map[string]json.RawMessage, ptr string, out map[string]any) ([]api.FieldError, error) {
	known := map[string]Field{}
	for _, f := range fields {
		known[f.Name] = f
	}
	names := make([]string, 0, len(obj))
	for k := range obj {
		names = append(names, k)
	}
	slices.Sort(names)
	for _, k := range names {
		if _, ok := known[k]; !ok && !(ptr == "/properties" && reserved[k]) {
			return nil, api.BadRequest(ptr+"/"+escapePointer(k), api.UnknownField(k))
		}
	}
	var errs []api.FieldError
	for _, f := range fields {
		if f.ReadOnly {
			continue
		}
		p := ptr + "/" + f.Name
		raw, present := obj[f.Name]
		if !present || string(raw) == "null" {
			if f.Required {
				errs = append(errs, api.RequiredError(p))
				continue
			}
			out[f.Name] = zeroOf(f)
			continue
		}
		v, fe, err := decodeValue(f, raw, p)
		if err != nil {
			return nil, err
		}
		if fe != nil {
			errs = append(errs, fe...)
			continue
		}
		out[f.Name] = v
	}
	return errs, nil
}

// zeroOf is the stored value of an absent optional field: empty for lists
// and false for flags (their columns are NOT NULL), NULL for the rest.
func zeroOf(f Field) any {
	switch f.Kind {
	case Tags:
		return []string{}
	case Lines:
		return []Line{}
	case Boolean:
		return false
	}
	return nil
}

// decodeValue checks a value of field f sent at p (present, not null) and
// returns it as the Go value its column binds. Each broken rule is a field
// error; only a fault in the JSON itself (an unknown member inside a line)
// is an error.
func decodeValue(f Field, raw json.RawMessage, p string) (any, []api.FieldError, error) {
	var (
		v       any
		problem string
	)
	switch f.Kind {
	case Text:
		v, problem = decodeText(f, raw)
	case Date:
		v, problem = decodeDate(raw)
	case Timestamp:
		v, problem = decodeTimestamp(raw)
	case Integer:
		v, problem = decodeInteger(f, raw)
	case Number:
		v, problem = decodeNumber(f, raw)
	case Boolean:
		var b bool
		if json.Unmarshal(raw, &b) != nil {
			problem = validation.NotBool
		}
		v = b
	case Tags:
		return decodeTags(f, raw, p)
	case Point:
		g, errs, err := decodeGeometry(raw, p, []string{"Point"})
		if err != nil || len(errs) > 0 {
			return nil, errs, err
		}
		return g.GeoJSON, nil, nil
	case Lines:
		return decodeLines(f, raw, p)
	default:
		return nil, nil, fmt.Errorf("registry: field %s has unknown kind %d", f.Name, f.Kind)
	}
	if problem != "" {
		return nil, []api.FieldError{{Field: p, Detail: problem}}, nil
	}
	return v, nil, nil
}

// trimmedString reads a JSON string without the spaces a form or a
// spreadsheet leaves around it.
func trimmedString(raw json.RawMessage) (string, bool) {
	var s string
	if json.Unmarshal(raw, &s) != nil {
		return "", false
	}
	return strings.TrimSpace(s), true
}

// decodeText returns nil for an empty optional text: a blank form field
// stores NULL, not "".
func decodeText(f Field, raw json.RawMessage) (any, string) {
	s, ok := trimmedString(raw)
	switch {
	case !ok:
		return nil, expectedString
	case f.Required && s == "":
		return nil, "必填，不能为空"
	case utf8.RuneCountInString(s) > f.maxLen():
		return nil, validation.TooLong(f.maxLen(), utf8.RuneCountInString(s))
	case len(f.Enum) > 0 && !slices.Contains(f.Enum, s):
		return nil, validation.OneOf(f.Enum, f.Label)
	case s == "":
		return nil, ""
	}
	return s, ""
}

func decodeDate(raw json.RawMessage) (any, string) {
	s, ok := trimmedString(raw)
	if !ok {
		return nil, expectedString
	}
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return nil, "应为日期 YYYY-MM-DD"
	}
	if !validation.InYears(d) {
		return nil, validation.YearsDetail
	}
	return s, ""
}

func decodeTimestamp(raw json.RawMessage) (any, string) {
	s, ok := trimmedString(raw)
	if !ok {
		return nil, expectedString
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return nil, validation.NotRFC3339
	}
	if !validation.InYears(t) {
		return nil, validation.YearsDetail
	}
	return t.UTC(), ""
}

// decodeInteger keeps to the range of a PostgreSQL integer, so a value too
// large is named here rather than failing the insert.
func decodeInteger(f Field, raw json.RawMessage) (any, string) {
	var n json.Number
	if json.Unmarshal(raw, &n) != nil {
		return nil, "应为整数"
	}
	i, err := n.Int64()
	if err != nil || i > 1<<31-1 || i < -(1<<31) {
		return nil, "应为 ±2147483647 以内的整数"
	}
	if f.NonNegative && i < 0 {
		return nil, validation.NotNegative
	}
	return i, ""
}

func decodeNumber(f Field, raw json.RawMessage) (any, string) {
	var n json.Number
	if json.Unmarshal(raw, &n) != nil {
		return nil, "应为数字"
	}
	x, err := n.Float64()
	if err != nil {
		return nil, "应为有限的数字"
	}
	if f.NonNegative && x < 0 {
		return nil, validation.NotNegative
	}
	return x, ""
}

// decodeTags names each bad tag by its index, so a form can mark it.
func decodeTags(f Field, raw json.RawMessage, p string) (any, []api.FieldError, error) {
	var tags []string
	if json.Unmarshal(raw, &tags) != nil {
		return nil, []api.FieldError{{Field: p, Detail: "应为字符串数组"}}, nil
	}
	out := make([]string, 0, len(tags))
	var errs []api.FieldError
	for i, t := range tags {
		t = strings.TrimSpace(t)
		ip := fmt.Sprintf("%s/%d", p, i)
		switch {
		case t == "":
			errs = append(errs, api.FieldError{Field: ip, Detail: "不能为空"})
		case utf8.RuneCountInString(t) > 100:
			errs = append(errs, api.FieldError{Field: ip, Detail: "最多 100 个字符"})
		case len(f.Enum) > 0 && !slices.Contains(f.Enum, t):
			errs = append(errs, api.FieldError{Field: ip, Detail: validation.OneOf(f.Enum, f.Label)})
		case slices.Contains(out, t):
			errs = append(errs, api.FieldError{Field: ip, Detail: validation.ListedTwice})
		default:
			out = append(out, t)
		}
	}
	if len(errs) > 0 {
		return nil, errs, nil
	}
	return out, nil, nil
}

// decodeLines checks every line, so one bad line does not hide the next.
func decodeLines(f Field, raw json.RawMessage, p string) (any, []api.FieldError, error) {
	var items []json.RawMessage
	if json.Unmarshal(raw, &items) != nil {
		return nil, []api.FieldError{{Field: p, Detail: "应为对象数组"}}, nil
	}
	lines := make([]Line, 0, len(items))
	var errs []api.FieldError
	for i, item := range items {
		obj := map[string]json.RawMessage{}
		d := json.NewDecoder(bytes.NewReader(item))
		d.UseNumber()
		ip := fmt.Sprintf("%s/%d", p, i)
		if err := d.Decode(&obj); err != nil || obj == nil {
			errs = append(errs, api.FieldError{Field: ip, Detail: "应为对象"})
			continue
		}
		line := Line{}
		lerrs, err := decodeFields(f.Lines, obj, ip, line)
		if err != nil {
			return nil, nil, err
		}
		errs = append(errs, lerrs...)
		lines = append(lines, line)
	}
	if len(errs) > 0 {
		return nil, errs, nil
	}
	return lines, nil, nil
}

// jsonProblem turns a decoding error into a 400 naming where it happened.
func jsonProblem(err error, ptr string) error {
	var (
		syntaxErr *json.SyntaxError
		typeErr   *json.UnmarshalTypeError
	)
	switch {
	case errors.As(err, &syntaxErr):
		return api.BadRequest(ptr, api.SyntaxDetail(syntaxErr))
	case errors.As(err, &typeErr):
		field := ptr
		if typeErr.Field != "" {
			field += "/" + strings.ReplaceAll(typeErr.Field, ".", "/")
		}
		return api.BadRequest(field, api.TypeDetail(typeErr))
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return api.BadRequest(ptr, "JSON 为空或不完整")
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		name := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return api.BadRequest(ptr+"/"+escapePointer(name), api.UnknownField(name))
	case errors.Is(err, errNotObject):
		return api.BadRequest(ptr, err.Error())
	}
	return api.BadRequest(ptr, "JSON 无效")
}

// escapePointer escapes a JSON Pointer reference token (RFC 6901).
func escapePointer(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "~", "~0"), "/", "~1")
}
