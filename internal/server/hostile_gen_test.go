package server_test

// Generators for TestHostileRoutes: the OpenAPI document read as data,
// valid-looking bodies built from an operation's request schema, the
// mutations that spoil one field of them, whole-body breakages, and the
// hostile values for query parameters (bbox, datetime, CQL2 filters too).

import (
	"encoding/json"
	"fmt"
	"math"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"
)

// ---------------------------------------------------------------------------
// The OpenAPI document.

type oaDoc struct {
	Paths      map[string]map[string]json.RawMessage `json:"paths"`
	Components struct {
		Schemas map[string]*schema `json:"schemas"`
	} `json:"components"`
}

type oaParam struct {
	Name     string  `json:"name"`
	In       string  `json:"in"`
	Required bool    `json:"required"`
	Schema   *schema `json:"schema"`
}

type oaOp struct {
	Parameters  []oaParam `json:"parameters"`
	RequestBody *struct {
		Content map[string]struct {
			Schema *schema `json:"schema"`
		} `json:"content"`
	} `json:"requestBody"`
	Responses map[string]json.RawMessage `json:"responses"`
}

// operation is one method on one documented path.
type operation struct {
	Method, Pattern string
	Params          []oaParam // path-level first, then the operation's own
	ContentTypes    []string  // of the request body, sorted
	Body            *schema   // the request body's schema, nil without a body
	NeedsIfMatch    bool      // documents an If-Match header or a 428
}

func (op *operation) key() string { return op.Method + " " + op.Pattern }

func (op *operation) params(in string) []oaParam {
	var out []oaParam
	for _, p := range op.Params {
		if p.In == in {
			out = append(out, p)
		}
	}
	return out
}

// operations lists every documented operation, in path order.
func (d *oaDoc) operations() ([]*operation, error) {
	var out []*operation
	paths := make([]string, 0, len(d.Paths))
	for p := range d.Paths {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	for _, p := range paths {
		item := d.Paths[p]
		var shared []oaParam
		if raw, ok := item["parameters"]; ok {
			if err := json.Unmarshal(raw, &shared); err != nil {
				return nil, fmt.Errorf("%s parameters: %w", p, err)
			}
		}
		methods := make([]string, 0, len(item))
		for m := range item {
			if m != "parameters" {
				methods = append(methods, m)
			}
		}
		sort.Strings(methods)
		for _, m := range methods {
			var o oaOp
			if err := json.Unmarshal(item[m], &o); err != nil {
				return nil, fmt.Errorf("%s %s: %w", m, p, err)
			}
			op := &operation{Method: strings.ToUpper(m), Pattern: p}
			op.Params = append(append(op.Params, shared...), o.Parameters...)
			for _, prm := range op.Params {
				if prm.In == "header" && strings.EqualFold(prm.Name, "If-Match") {
					op.NeedsIfMatch = true
				}
			}
			if _, ok := o.Responses["428"]; ok {
				op.NeedsIfMatch = true
			}
			if o.RequestBody != nil {
				for ct := range o.RequestBody.Content {
					op.ContentTypes = append(op.ContentTypes, ct)
				}
				sort.Strings(op.ContentTypes)
				// Prefer application/json, then the first listed.
				pick := op.ContentTypes[0]
				for _, ct := range op.ContentTypes {
					if ct == "application/json" {
						pick = ct
					}
				}
				op.Body = o.RequestBody.Content[pick].Schema
			}
			out = append(out, op)
		}
	}
	return out, nil
}

// ---------------------------------------------------------------------------
// JSON Schema, the part the document uses.

type schema struct {
	Ref         string             `json:"$ref"`
	Type        typeList           `json:"type"`
	Enum        []any              `json:"enum"`
	Const       any                `json:"const"`
	Format      string             `json:"format"`
	Properties  map[string]*schema `json:"properties"`
	Required    []string           `json:"required"`
	Items       *schema            `json:"items"`
	ReadOnly    bool               `json:"readOnly"`
	Description string             `json:"description"`
	Minimum     *float64           `json:"minimum"`
	Maximum     *float64           `json:"maximum"`
}

// typeList is "type": a name or a list of names.
type typeList []string

func (t *typeList) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*t = typeList{s}
		return nil
	}
	var ss []string
	err := json.Unmarshal(b, &ss)
	*t = ss
	return err
}

// kind is the schema's main JSON type: the first that is not null, else
// what its enum, const or properties imply.
func (s *schema) kind() string {
	if s == nil {
		return ""
	}
	for _, t := range s.Type {
		if t != "null" {
			return t
		}
	}
	for _, v := range s.Enum {
		switch v.(type) {
		case string:
			return "string"
		case float64:
			return "number"
		}
	}
	if _, ok := s.Const.(string); ok {
		return "string"
	}
	if s.Properties != nil {
		return "object"
	}
	if s.Items != nil {
		return "array"
	}
	return ""
}

// ---------------------------------------------------------------------------
// Geometry.

// Test shapes sit around hostCenter (87.5E 43.5N, in the county).
var hostCenter = [2]float64{87.5, 43.5}

func gjPoint(lon, lat float64) map[string]any {
	return map[string]any{"type": "Point", "coordinates": []any{lon, lat}}
}

func gjSquare(lon, lat, d float64) map[string]any {
	return map[string]any{"type": "Polygon", "coordinates": []any{[]any{
		[]any{lon, lat}, []any{lon + d, lat}, []any{lon + d, lat + d}, []any{lon, lat + d}, []any{lon, lat}}}}
}

func round5(x float64) float64 { return math.Round(x*1e5) / 1e5 }

// bigPolygon is a valid circle of n vertices around the centre.
func bigPolygon(n int) map[string]any {
	ring := make([]any, 0, n+1)
	for i := range n {
		a := 2 * math.Pi * float64(i) / float64(n)
		ring = append(ring, []any{round5(hostCenter[0] + 0.02*math.Cos(a)), round5(hostCenter[1] + 0.015*math.Sin(a))})
	}
	ring = append(ring, ring[0])
	return map[string]any{"type": "Polygon", "coordinates": []any{ring}}
}

var bigPolygon40k = rawTok(encode(bigPolygon(40000)))

// deepArray is n nested arrays: [[[...]]].
func deepArray(n int) rawTok {
	return rawTok(strings.Repeat("[", n) + strings.Repeat("]", n))
}

// deepObject is n nested objects: {"a":{"a":...}}.
func deepObject(n int) rawTok {
	return rawTok(strings.Repeat(`{"a":`, n) + "1" + strings.Repeat("}", n))
}

// ---------------------------------------------------------------------------
// Bodies.

// rawTok is JSON text put into a body as it is (NaN, 1e400, invalid UTF-8,
// deep nesting), which encoding/json would refuse to write.
type rawTok string

// encode writes v as JSON, with each rawTok spliced in as it is.
func encode(v any) []byte {
	var raws []string
	var walk func(any) any
	walk = func(v any) any {
		switch x := v.(type) {
		case rawTok:
			raws = append(raws, string(x))
			return fmt.Sprintf("@@RAW%d@@", len(raws)-1)
		case map[string]any:
			out := make(map[string]any, len(x))
			for k, e := range x {
				out[k] = walk(e)
			}
			return out
		case []any:
			out := make([]any, len(x))
			for i, e := range x {
				out[i] = walk(e)
			}
			return out
		}
		return v
	}
	b, err := json.Marshal(walk(v))
	if err != nil {
		panic(err)
	}
	s := string(b)
	for i, r := range raws {
		s = strings.Replace(s, fmt.Sprintf(`"@@RAW%d@@"`, i), r, 1)
	}
	return []byte(s)
}

// deepCopy copies a JSON value (maps, slices, scalars, rawTok).
func deepCopy(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = deepCopy(e)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = deepCopy(e)
		}
		return out
	}
	return v
}

// gen builds bodies from schemas; ids names real ids by field name.
type gen struct {
	schemas map[string]*schema
	ids     map[string]any // field name → a real value (team_id, incident_id, ...)
	seq     int
	full    bool // fill every writable property, not just the required ones
}

// fullValue is value with every writable property filled.
func (g *gen) fullValue(name string, s *schema) any {
	g.full = true
	defer func() { g.full = false }()
	return g.value(name, s, 0)
}

func (g *gen) resolve(s *schema) *schema {
	for i := 0; s != nil && s.Ref != "" && i < 10; i++ {
		s = g.schemas[strings.TrimPrefix(s.Ref, "#/components/schemas/")]
	}
	return s
}

var geometryNames = map[string]bool{"geometry": true, "location": true, "area": true, "last_position": true}

func isGeometry(name string, s *schema) bool {
	return geometryNames[name] || (s != nil && strings.Contains(s.Description, "GeoJSON"))
}

// geometryFor is a valid geometry of the first type the schema allows.
func (g *gen) geometryFor(name string, s *schema) any {
	g.seq++
	off := float64(g.seq%50) * 0.0004
	d := ""
	if s != nil {
		d = s.Description
	}
	if i := strings.Index(d, "one of "); i >= 0 {
		d = d[i+len("one of "):]
	}
	if name == "area" || strings.HasPrefix(d, "Polygon") || strings.HasPrefix(d, "GeoJSON Polygon") {
		return gjSquare(hostCenter[0]-0.01+off, hostCenter[1]-0.01, 0.005)
	}
	return gjPoint(round5(hostCenter[0]+off), round5(hostCenter[1]+off/2))
}

var stringByName = map[string]string{
	"chemical": "氯", "cas": "7782-50-5", "un": "1017", "contact_phone": "0991-5812345", "responsible_phone": "0991-5812346",
	"township": "板房沟镇", "reason": "测试", "password": "correct-horse-battery", "label": "hostile", "category": "hazardous_chemicals",
	"area_desc": "板房沟镇东沟村", "event": "液氨储罐泄漏", "unit": "个", "item": "沙袋", "place": "板房沟镇某化工厂",
	"facilities": "water", "capabilities": "hazmat", "specialties": "burns", "items": "关闭门窗",
}

// value is a valid-looking value for s: required properties only, enums
// take their first value, geometries are near the centre.
func (g *gen) value(name string, s *schema, depth int) any {
	s = g.resolve(s)
	if isGeometry(name, s) {
		return g.geometryFor(name, s)
	}
	if s == nil || depth > 8 {
		return nil
	}
	if s.Const != nil {
		return s.Const
	}
	for _, v := range s.Enum {
		if v != nil {
			return v
		}
	}
	if v, ok := g.ids[name]; ok && s.kind() != "array" {
		return v
	}
	switch s.kind() {
	case "object":
		out := map[string]any{}
		names := s.Required
		if g.full {
			names = nil
			for n := range s.Properties {
				names = append(names, n)
			}
		}
		for _, r := range names {
			if p, ok := s.Properties[r]; ok && !g.resolve(p).ReadOnly {
				out[r] = g.value(r, p, depth+1)
			}
		}
		return out
	case "array":
		if name == "hazard_classes" {
			return []any{}
		}
		return []any{g.value(name, s.Items, depth+1)}
	case "string":
		switch s.Format {
		case "date-time":
			if name == "expires" {
				return time.Now().Add(24 * time.Hour).UTC().Format(time.RFC3339)
			}
			return time.Now().Add(-30 * time.Minute).UTC().Format(time.RFC3339)
		case "date":
			return "2024-05-01"
		}
		if v, ok := stringByName[name]; ok {
			return v
		}
		if name == "name" || name == "code" {
			g.seq++
			return "hostile" + strconv.Itoa(g.seq)
		}
		return "测试"
	case "integer":
		switch name {
		case "capacity":
			return 500
		case "version", "people":
			return 1
		}
		if s.Minimum != nil && *s.Minimum > 0 {
			return *s.Minimum
		}
		return 0
	case "number":
		switch name {
		case "lon":
			return hostCenter[0]
		case "lat":
			return hostCenter[1]
		}
		return 1
	case "boolean":
		return false
	}
	return nil
}

// schemaAt is the schema at a JSON Pointer-like path below s (nil if the
// schema does not say).
func (g *gen) schemaAt(s *schema, path []string) *schema {
	for _, seg := range path {
		s = g.resolve(s)
		if s == nil {
			return nil
		}
		if _, err := strconv.Atoi(seg); err == nil && s.Items != nil {
			s = s.Items
			continue
		}
		p, ok := s.Properties[seg]
		if !ok {
			return nil
		}
		s = p
	}
	return g.resolve(s)
}

// target is one place in a body to mutate.
type target struct {
	path  []string
	name  string // the last member name (the array's name for an item)
	s     *schema
	base  any // the base value there, if any
	isGeo bool
}

func (t target) pointer() string {
	if len(t.path) == 0 {
		return "/"
	}
	return "/" + strings.Join(t.path, "/")
}

// targets lists every leaf (and every object and geometry) the schema
// documents, plus every leaf of the base body the schema does not describe
// (the members of an opaque object such as a model's inputs).
func (g *gen) targets(root *schema, base any) []target {
	var out []target
	seen := map[string]bool{}
	add := func(t target) {
		k := t.pointer()
		if !seen[k] {
			seen[k] = true
			out = append(out, t)
		}
	}
	var walkSchema func(path []string, name string, s *schema, depth int)
	walkSchema = func(path []string, name string, s *schema, depth int) {
		s = g.resolve(s)
		if s == nil || s.ReadOnly || depth > 6 {
			return
		}
		p := append([]string(nil), path...)
		if isGeometry(name, s) && len(path) > 0 {
			add(target{path: p, name: name, s: s, isGeo: true})
			return
		}
		switch s.kind() {
		case "object":
			if len(path) > 0 {
				add(target{path: p, name: name, s: s})
			}
			names := make([]string, 0, len(s.Properties))
			for n := range s.Properties {
				names = append(names, n)
			}
			sort.Strings(names)
			for _, n := range names {
				walkSchema(append(p, n), n, s.Properties[n], depth+1)
			}
		case "array":
			if len(path) > 0 {
				add(target{path: p, name: name, s: s})
			}
			if it := g.resolve(s.Items); it != nil && (it.kind() == "object" || it.kind() == "array") {
				walkSchema(append(p, "0"), name, s.Items, depth+1)
			} else if it != nil {
				add(target{path: append(p, "0"), name: name, s: it})
			}
		default:
			if len(path) > 0 {
				add(target{path: p, name: name, s: s})
			}
		}
	}
	walkSchema(nil, "", root, 0)
	var walkBase func(path []string, name string, v any, depth int)
	walkBase = func(path []string, name string, v any, depth int) {
		if depth > 6 {
			return
		}
		p := append([]string(nil), path...)
		if len(path) > 0 && geometryNames[name] {
			add(target{path: p, name: name, isGeo: true, s: g.schemaAt(root, p)})
			return
		}
		switch x := v.(type) {
		case map[string]any:
			names := make([]string, 0, len(x))
			for n := range x {
				names = append(names, n)
			}
			sort.Strings(names)
			for _, n := range names {
				walkBase(append(p, n), n, x[n], depth+1)
			}
		case []any:
			if len(x) > 0 {
				walkBase(append(p, "0"), name, x[0], depth+1)
			}
		default:
			if len(path) > 0 {
				add(target{path: p, name: name, s: g.schemaAt(root, p), base: v})
			}
		}
	}
	walkBase(nil, "", base, 0)
	for i := range out {
		if out[i].base == nil {
			out[i].base = getAt(base, out[i].path)
		}
	}
	return out
}

func getAt(v any, path []string) any {
	for _, seg := range path {
		switch x := v.(type) {
		case map[string]any:
			v = x[seg]
		case []any:
			i, err := strconv.Atoi(seg)
			if err != nil || i >= len(x) {
				return nil
			}
			v = x[i]
		default:
			return nil
		}
	}
	return v
}

// setAt returns a copy of base with value at path, creating what is missing
// on the way from the schema (so a mutated optional member, or an item of
// an empty list, sits in an otherwise valid body).
func (g *gen) setAt(root *schema, base any, path []string, value any) any {
	return g.setIn(root, deepCopy(base), path, 0, value)
}

func (g *gen) setIn(root *schema, cur any, path []string, i int, value any) any {
	if i == len(path) {
		return value
	}
	seg := path[i]
	if idx, err := strconv.Atoi(seg); err == nil {
		arr, _ := cur.([]any)
		name := ""
		if i > 0 {
			name = path[i-1]
		}
		for len(arr) <= idx {
			arr = append(arr, g.value(name, g.schemaAt(root, path[:i+1]), 0))
		}
		arr[idx] = g.setIn(root, arr[idx], path, i+1, value)
		return arr
	}
	m, ok := cur.(map[string]any)
	if !ok {
		m = map[string]any{}
	}
	next, ok := m[seg]
	if !ok || next == nil {
		next = g.value(seg, g.schemaAt(root, path[:i+1]), 0)
	}
	m[seg] = g.setIn(root, next, path, i+1, value)
	return m
}

// mutation is one hostile value; prio orders them so that a capped list
// keeps the likeliest breakers for every field.
type mutation struct {
	label string
	value any
	prio  int
}

const nul = "a\x00b"

// everyField are the mutations tried on every field they fit; the others
// on two fields of each shape.
var everyField = map[string]bool{"NUL in string": true, "100000-char string": true, "int 2147483648": true, "int -2147483649": true,
	"int 1e20": true, "number 1e308": true, "number -1e308": true, "date 9999-99-99": true, "date 0000-01-01T00:00:00Z": true,
	"date 0000-01-01": true, "array of NUL strings": true}

var (
	long100k    = strings.Repeat("x", 100000)
	badJSONUTF8 = rawTok("\"\xff\xfe\xfd\"")
)

// manyOf is a JSON array of n copies of v, written once and repeated (as
// a rawTok: encoding a 100,000-element array of maps per case is slow).
func manyOf(v any, n int) rawTok {
	item := string(encode(v))
	return rawTok("[" + strings.Repeat(item+",", n-1) + item + "]")
}

// geometryMutations are invalid or extreme geometries.
func geometryMutations() []mutation {
	c := hostCenter
	return []mutation{
		{"bow-tie polygon", map[string]any{"type": "Polygon", "coordinates": []any{[]any{
			[]any{c[0], c[1]}, []any{c[0] + 0.01, c[1] + 0.01}, []any{c[0] + 0.01, c[1]}, []any{c[0], c[1] + 0.01}, []any{c[0], c[1]}}}}, 1},
		{"unclosed ring", map[string]any{"type": "Polygon", "coordinates": []any{[]any{
			[]any{c[0], c[1]}, []any{c[0] + 0.01, c[1]}, []any{c[0] + 0.01, c[1] + 0.01}, []any{c[0], c[1] + 0.01}}}}, 1},
		{"40000-vertex polygon", bigPolygon40k, 1},
		{"point [1000,1000]", gjPoint(1000, 1000), 1},
		{"point [NaN]", map[string]any{"type": "Point", "coordinates": []any{rawTok("NaN")}}, 2},
		{"point [\"NaN\",\"NaN\"]", map[string]any{"type": "Point", "coordinates": []any{"NaN", "NaN"}}, 2},
		{"point [1e308,1e308]", gjPoint(1e308, 1e308), 1},
		{"point [87.5]", map[string]any{"type": "Point", "coordinates": []any{c[0]}}, 2},
		{"point coordinates []", map[string]any{"type": "Point", "coordinates": []any{}}, 3},
		{"point coordinates null", map[string]any{"type": "Point", "coordinates": nil}, 3},
		{"point with NUL type", map[string]any{"type": "Poi\x00nt", "coordinates": []any{c[0], c[1]}}, 1},
		{"polygon coordinates [[]]", map[string]any{"type": "Polygon", "coordinates": []any{[]any{}}}, 2},
		{"empty MultiPolygon", map[string]any{"type": "MultiPolygon", "coordinates": []any{}}, 2},
		{"GeometryCollection", map[string]any{"type": "GeometryCollection", "geometries": []any{gjPoint(c[0], c[1])}}, 3},
		{"LineString", map[string]any{"type": "LineString", "coordinates": []any{[]any{c[0], c[1]}, []any{c[0], c[1]}}}, 3},
		{"whole-world polygon", map[string]any{"type": "Polygon", "coordinates": []any{[]any{
			[]any{-180.0, -90.0}, []any{180.0, -90.0}, []any{180.0, 90.0}, []any{-180.0, 90.0}, []any{-180.0, -90.0}}}}, 2},
		{"antimeridian polygon", map[string]any{"type": "Polygon", "coordinates": []any{[]any{
			[]any{179.0, 43.0}, []any{-179.0, 43.0}, []any{-179.0, 44.0}, []any{179.0, 44.0}, []any{179.0, 43.0}}}}, 3},
		{"geometry as WKT string", "POINT(87.5 43.5)", 3},
		{"deeply nested coordinates", map[string]any{"type": "Polygon", "coordinates": deepArray(9000)}, 2},
		{"crs with NUL", map[string]any{"type": "Point", "coordinates": []any{c[0], c[1]},
			"crs": map[string]any{"type": "name", "properties": map[string]any{"name": nul}}}, 2},
	}
}

// mutationsFor are the hostile values for one target.
// caseOpts bound the heaviest mutations of an operation.
type caseOpts struct {
	bigArray    int  // elements in the "huge array" mutation
	bigGeometry bool // include the 40,000-vertex polygon and a 10,000-object array
}

func (g *gen) mutationsFor(t target, o caseOpts) []mutation {
	if t.isGeo {
		var ms []mutation
		for _, m := range geometryMutations() {
			if m.label != "40000-vertex polygon" || o.bigGeometry {
				ms = append(ms, m)
			}
		}
		return ms
	}
	kind := t.s.kind()
	format := ""
	if t.s != nil {
		format = t.s.Format
	}
	if kind == "" {
		switch t.base.(type) {
		case string:
			kind = "string"
		case float64, int, int64:
			kind = "number"
		case bool:
			kind = "boolean"
		case []any:
			kind = "array"
		case map[string]any:
			kind = "object"
		}
	}
	var ms []mutation
	switch kind {
	case "string":
		ms = append(ms,
			mutation{"NUL in string", nul, 0},
			mutation{"100000-char string", long100k, 0},
			mutation{"invalid UTF-8", badJSONUTF8, 4},
			mutation{"number instead of string", 5, 4},
		)
		switch format {
		case "date-time":
			ms = append(ms,
				mutation{"date 9999-99-99", "9999-99-99", 0},
				mutation{"date 0000-01-01T00:00:00Z", "0000-01-01T00:00:00Z", 0},
				mutation{"date 9999-12-31T23:59:59Z", "9999-12-31T23:59:59Z", 2},
				mutation{"date 0001-01-01T00:00:00Z", "0001-01-01T00:00:00Z", 2},
				mutation{"date with offset +99:99", "2024-05-01T00:00:00+99:99", 3},
			)
		case "date":
			ms = append(ms,
				mutation{"date 9999-99-99", "9999-99-99", 0},
				mutation{"date 0000-01-01", "0000-01-01", 0},
				mutation{"date 9999-12-31", "9999-12-31", 2},
			)
		}
	case "integer":
		ms = append(ms,
			mutation{"int 2147483648", 2147483648, 0},
			mutation{"int -2147483649", -2147483649, 0},
			mutation{"int 1e20", rawTok("1e20"), 0},
			mutation{"int 9223372036854775808", rawTok("9223372036854775808"), 1},
			mutation{"int -1", -1, 1},
			mutation{"int 1.5", 1.5, 2},
			mutation{"int as string", "5", 3},
			mutation{"int NUL string", nul, 3},
		)
	case "number":
		ms = append(ms,
			mutation{"number 1e308", rawTok("1e308"), 0},
			mutation{"number -1e308", rawTok("-1e308"), 0},
			mutation{"number 1e400", rawTok("1e400"), 2},
			mutation{"number 2147483648", 2147483648, 1},
			mutation{"number -1", -1, 2},
			mutation{"number 5e-324", rawTok("5e-324"), 3},
			mutation{"number NaN", rawTok("NaN"), 3},
			mutation{"number as string", "1", 3},
		)
	case "boolean":
		ms = append(ms,
			mutation{"boolean as string", "true", 1},
			mutation{"boolean as number", 1, 2},
			mutation{"boolean NUL string", nul, 2},
		)
	case "array":
		var item any = "x"
		if t.s != nil && t.s.Items != nil {
			item = g.value(t.name, t.s.Items, 0)
		} else if arr, ok := t.base.([]any); ok && len(arr) > 0 {
			item = arr[0]
		}
		ms = append(ms,
			mutation{fmt.Sprintf("%d-element array", o.bigArray), manyOf(item, o.bigArray), 1},
			mutation{"array of NUL strings", []any{nul, nul}, 0},
			mutation{"array [null]", []any{nil}, 2},
			mutation{"string instead of array", "x", 3},
			mutation{"deeply nested array", deepArray(9000), 3},
		)
		if it := g.resolve(t.s.itemsOrNil()); it != nil && it.kind() == "object" && o.bigArray > 10000 && o.bigGeometry {
			ms = append(ms, mutation{"10000-element array", manyOf(item, 10000), 2})
		}
	case "object":
		obj := map[string]any{}
		if m, ok := t.base.(map[string]any); ok {
			obj = deepCopy(m).(map[string]any)
		} else if t.s != nil {
			if v, ok := g.value(t.name, t.s, 0).(map[string]any); ok {
				obj = v
			}
		}
		obj["zz_unknown"] = 1
		ms = append(ms,
			mutation{"unknown member", obj, 2},
			mutation{"array instead of object", []any{}, 3},
			mutation{"deeply nested object", deepObject(9000), 3},
			mutation{"NUL member name", map[string]any{"a\x00b": 1}, 2},
		)
	default:
		ms = append(ms, mutation{"NUL in string", nul, 0}, mutation{"number 1e308", rawTok("1e308"), 1})
	}
	if t.s != nil && len(t.s.Enum) > 0 {
		ms = append(ms, mutation{"enum with SQL", "' OR 1=1 --", 3})
	}
	ms = append(ms, mutation{"null", nil, 4})
	return ms
}

func (s *schema) itemsOrNil() *schema {
	if s == nil {
		return nil
	}
	return s.Items
}

// bodyCase is one hostile body.
type bodyCase struct {
	kind string
	body []byte
	prio int
	make func() []byte // if set, makes body when the case is sent
}

// bytes is the case's body, made now if it is made lazily.
func (b bodyCase) bytes() []byte {
	if b.make != nil {
		return b.make()
	}
	return b.body
}

// wholeBodyCases break the body as a whole.
func wholeBodyCases(base any) []bodyCase {
	cases := []bodyCase{
		{"malformed JSON", []byte(`{"type": `), 0, nil},
		{"malformed JSON (trailing comma)", []byte(`{"a":1,}`), 1, nil},
		{"JSON null", []byte(`null`), 0, nil},
		{"JSON array", []byte(`[]`), 0, nil},
		{"JSON string", []byte(`"x"`), 0, nil},
		{"JSON number", []byte(`5`), 0, nil},
		{"empty body", []byte(``), 1, nil},
		{"empty object", []byte(`{}`), 1, nil},
		{"10000 nested arrays", []byte(deepArray(10000)), 1, nil},
		{"10000 nested objects", []byte(deepObject(10000)), 1, nil},
		{"invalid UTF-8 body", []byte("{\"\xff\": \"\xfe\"}"), 2, nil},
		{"two JSON values", append(encode(base), []byte(" {}")...), 3, nil},
		{"BOM before JSON", append([]byte("\xEF\xBB\xBF"), encode(base)...), 3, nil},
	}
	if m, ok := base.(map[string]any); ok {
		x := deepCopy(m).(map[string]any)
		x["zz_unknown"] = nul
		cases = append(cases, bodyCase{kind: "unknown top-level member", body: encode(x), prio: 1})
	}
	// The valid body last: on a one-way route (dispatch, lift) it moves
	// the resource on, and the spoiled ones should meet it unmoved.
	cases = append(cases, bodyCase{kind: "valid base", body: encode(base), prio: 9})
	if a, ok := base.([]any); ok && len(a) > 0 {
		cases = append(cases, bodyCase{kind: "100000-element top-level array", prio: 1, make: func() []byte { return encode(manyOf(a[0], 100000)) }})
		cases = append(cases, bodyCase{kind: "10000-element top-level array", prio: 1, make: func() []byte { return encode(manyOf(a[0], 10000)) }})
	}
	return cases
}

// fieldCases mutate one field at a time; wrap (if set) turns the mutated
// body into what is sent (a FeatureCollection for imports).
func (g *gen) fieldCases(root *schema, base any, wrap func(any) any, o caseOpts) []bodyCase {
	if wrap == nil {
		wrap = func(v any) any { return v }
	}
	var out []bodyCase
	// Breadth over repetition: the likeliest breakers (everyField) go
	// into every field, since what breaks depends on where the value is
	// stored; the others into two fields of each shape.
	shapes := map[string]int{}
	for _, t := range g.targets(root, base) {
		for _, m := range g.mutationsFor(t, o) {
			if !everyField[m.label] && !t.isGeo {
				shape := m.label + "|" + t.s.kind()
				if t.s != nil {
					shape += "|" + t.s.Format + "|" + fmt.Sprint(len(t.s.Enum) > 0)
				}
				if shapes[shape]++; shapes[shape] > 2 {
					continue
				}
			}
			out = append(out, bodyCase{kind: t.pointer() + ": " + m.label, prio: m.prio, make: func() []byte {
				return encode(wrap(g.setAt(root, base, t.path, m.value)))
			}})
		}
	}
	return out
}

// ---------------------------------------------------------------------------
// Query parameters.

type qv struct{ label, value string }

// Query values by the parameter's type, likeliest breakers first: every
// parameter gets qCommon, then those of its type.
var (
	qCommon = []qv{{"NUL", "\x00"}, {"NUL inside", "a\x00b"}, {"empty", ""}, {"10000 chars", strings.Repeat("x", 10000)},
		{"invalid UTF-8", "\xff\xfe"}}
	qNumeric = []qv{{"1e400", "1e400"}, {"99999999999999999999", "99999999999999999999"}, {"2147483648", "2147483648"},
		{"-2147483649", "-2147483649"}, {"9223372036854775808", "9223372036854775808"}, {"NaN", "NaN"}, {"Infinity", "Infinity"},
		{"-Infinity", "-Infinity"}, {"-1", "-1"}, {"0", "0"}, {"1.5", "1.5"}, {"1e308", "1e308"}, {"-1e308", "-1e308"},
		{"abc", "abc"}, {"0x10", "0x10"}}
	qText = []qv{{"SQL ' OR 1=1 --", "' OR 1=1 --"}, {"SQL \"; DROP TABLE users; --", "\"; DROP TABLE users; --"},
		{"LIKE %", "%"}, {"LIKE _", "_"}, {"backslash", "\\"}, {"comma list with NUL", "a,\x00,b"}, {"2147483648", "2147483648"},
		{"date 0000-01-01T00:00:00Z", "0000-01-01T00:00:00Z"}, {"500 commas", strings.Repeat(",", 500)}}
	qBool = []qv{{"yes", "yes"}, {"TRUE", "TRUE"}, {"2", "2"}, {"SQL ' OR 1=1 --", "' OR 1=1 --"}}
)

// queryValuesFor are the values tried on a documented parameter.
func queryValuesFor(s *schema) []qv {
	out := append([]qv(nil), qCommon...)
	switch s.kind() {
	case "integer", "number":
		return append(out, qNumeric...)
	case "boolean":
		return append(out, qBool...)
	}
	return append(out, qText...)
}

var bboxValues = []qv{
	{"bbox swapped", "87.6,43.6,87.4,43.4"}, {"bbox out of range", "-200,-100,200,100"}, {"bbox NaN", "NaN,NaN,NaN,NaN"},
	{"bbox Infinity", "-Infinity,-Infinity,Infinity,Infinity"}, {"bbox 1e400", "1e400,0,1,1"}, {"bbox 3 numbers", "87.4,43.4,87.6"},
	{"bbox 6 numbers", "87.4,43.4,0,87.6,43.6,100"}, {"bbox letters", "a,b,c,d"}, {"bbox empty cells", ",,,"},
	{"bbox whole world", "-180,-90,180,90"}, {"bbox antimeridian", "179,43,-179,44"}, {"bbox zero area", "87.5,43.5,87.5,43.5"},
	{"bbox 1e308", "-1e308,-1e308,1e308,1e308"},
}

var dateTimeValues = []qv{
	{"datetime 9999-99-99", "9999-99-99"}, {"datetime 0000-01-01T00:00:00Z", "0000-01-01T00:00:00Z"},
	{"datetime 9999-12-31T23:59:59Z", "9999-12-31T23:59:59Z"}, {"datetime ../..", "../.."},
	{"datetime end before start", "2025-01-01T00:00:00Z/2024-01-01T00:00:00Z"}, {"datetime 0000-01-01/9999-12-31", "0000-01-01/9999-12-31"},
	{"datetime open end", "2024-01-01T00:00:00Z/.."}, {"datetime /", "/"}, {"datetime offset +99:99", "2024-01-01T00:00:00+99:99"},
	{"datetime -infinity", "-infinity"}, {"datetime date only", "2024-05-01"}, {"datetime 0001-01-01", "0001-01-01T00:00:00Z"},
}

// cqlValues are CQL2 text filters; props names queryable properties.
func cqlValues(props []string) []qv {
	p, q := "name", "id"
	if len(props) > 0 {
		p = props[0]
	}
	if len(props) > 1 {
		q = props[1]
	}
	return []qv{
		{"cql NUL literal", p + " = 'a\x00b'"}, {"cql SQL in literal", p + " = '' OR 1=1 --'"}, {"cql unterminated literal", p + " = 'x"},
		{"cql LIKE %", p + " LIKE '%'"}, {"cql LIKE backslash", p + ` LIKE '\'`}, {"cql huge number", q + " > 99999999999999999999"},
		{"cql 1e400", q + " > 1e400"}, {"cql NaN", q + " > NaN"}, {"cql 2147483648", q + " = 2147483648"},
		{"cql unknown property", "zz_nope = 1"}, {"cql type mismatch", p + " > 5"}, {"cql number vs string", q + " = 'x'"},
		{"cql S_INTERSECTS bow-tie", "S_INTERSECTS(geometry, POLYGON((87.5 43.5, 87.51 43.51, 87.51 43.5, 87.5 43.51, 87.5 43.5)))"},
		{"cql S_INTERSECTS bad WKT", "S_INTERSECTS(geometry, POLYGON((87.5 43.5, 1000 1000)))"},
		{"cql BBOX NaN", "S_INTERSECTS(geometry, BBOX(NaN, NaN, NaN, NaN))"},
		{"cql 10000 parentheses", strings.Repeat("(", 10000) + q + " = 1" + strings.Repeat(")", 10000)},
		{"cql 5000 ORs", strings.TrimSuffix(strings.Repeat(q+" = 1 OR ", 5000), " OR ")},
		{"cql IN 20000", q + " IN (" + strings.TrimSuffix(strings.Repeat("1,", 20000), ",") + ")"},
		{"cql TIMESTAMP 0000", "updated_at > TIMESTAMP('0000-01-01T00:00:00Z')"},
		{"cql TIMESTAMP 9999-99-99", "updated_at > TIMESTAMP('9999-99-99T00:00:00Z')"},
		{"cql DATE 0000", "updated_at > DATE('0000-01-01')"},
		{"cql BETWEEN reversed", q + " BETWEEN 10 AND 1"}, {"cql IS NULL", p + " IS NULL"}, {"cql NOT", "NOT (" + q + " = 1)"},
		{"cql quoted identifier NUL", `"a` + "\x00" + `b" = 1`}, {"cql empty", ""}, {"cql only operator", "="},
	}
}

// queryEscape escapes a value for a query string.
func queryEscape(s string) string { return url.QueryEscape(s) }
