package registry

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"sitrep/internal/api"
	"sitrep/internal/auth"
	"sitrep/internal/journal"
)

// Kind is the type of a property column.
type Kind int

// The property kinds and what they are in JSON and in PostgreSQL.
const (
	Text      Kind = iota // string → text
	Integer               // integer number → integer
	Number                // number → double precision
	Boolean               // true/false → boolean
	Date                  // "YYYY-MM-DD" → date
	Timestamp             // RFC 3339 with a zone → timestamptz
	Tags                  // array of strings → text[]
	Point                 // a GeoJSON Point (WGS 84) → geometry(Point, 4326)
	Lines                 // array of objects with Field.Lines → jsonb
	JSON                  // any JSON value, server-computed only (ReadOnly) → jsonb
)

// Field is one allowlisted property: its JSON name is its column name.
type Field struct {
	Name string
	// Title is the field's Chinese name: the label a form shows beside it
	// and the OpenAPI "title". Every field has one.
	Title    string
	Kind     Kind
	Required bool
	// Enum, when set, lists the values a Text field (or each Tags element) may take.
	Enum []string
	// EnumLabel gives each Enum value's Chinese label (学校 for school),
	// from wherever the enum itself is defined; every value has one. The
	// vocabulary endpoint and the error listing the allowed values use it.
	EnumLabel func(code string) string
	// NonNegative refuses numbers below zero.
	NonNegative bool
	// MaxLen bounds text (runes); 0 means 500. Longer text is refused, never cut.
	MaxLen int
	// Filter makes the field a query parameter of the list endpoint.
	Filter bool
	// Lines describes each element of a Lines field.
	Lines []Field
	// ReadOnly fields are computed by the server: shown, never taken from input.
	ReadOnly bool
	// CreateOnly fields are taken from input when a feature is created (and
	// by an import, which creates); an edit (PUT, PATCH) may echo the stored
	// value but not change it: another part of the server owns the value
	// after creation (a team's status belongs to the dispatch status
	// machine, its last position to position ingest). Server code writing
	// through Layer.Update or Layer.SetProperties is not bound by it.
	CreateOnly bool
	// Doc is the OpenAPI description, in Chinese: a form may show it as
	// the field's hint.
	Doc string
}

// Label returns the Chinese label of one of the field's Enum values, or
// the code itself when it has none.
func (f Field) Label(code string) string {
	if f.EnumLabel != nil {
		if l := f.EnumLabel(code); l != "" {
			return l
		}
	}
	return code
}

// checkTexts panics unless the field (and each of its line fields) has a
// title and every Enum value a label: a person must never meet a bare code.
func (f Field) checkTexts(layer string) {
	if f.Title == "" {
		panic(fmt.Sprintf("registry: layer %s: field %s has no title", layer, f.Name))
	}
	for _, code := range f.Enum {
		if f.EnumLabel == nil || f.EnumLabel(code) == "" {
			panic(fmt.Sprintf("registry: layer %s: field %s: value %s has no label", layer, f.Name, code))
		}
	}
	for _, lf := range f.Lines {
		lf.checkTexts(layer)
	}
}

func (f Field) maxLen() int {
	if f.MaxLen > 0 {
		return f.MaxLen
	}
	return 500
}

// Hooks let a feature package add what the generic engine cannot know.
type Hooks struct {
	// Check validates across fields after each field is valid on its own
	// (occupancy ≤ capacity; chemicals known to the catalogue). No database.
	Check func(in *Input) []api.FieldError
	// Prepare runs inside the write's transaction before the row is written
	// and may set ReadOnly values (the hazard grading needs PostGIS).
	Prepare func(ctx context.Context, tx pgx.Tx, in *Input) error
	// PrepareImport, when set, stands in for Prepare during a bulk import
	// (see import_bulk.go): for each writable field Prepare would set, the
	// SQL that computes it from a staged row named row, whose geometry is
	// row.geom (EPSG:4326) and whose fields, as sent, are row.<field>; so a
	// whole file is prepared inside its one INSERT. A layer with Prepare
	// and no PrepareImport imports row by row.
	PrepareImport func(row string) map[string]string
	// AfterWrite runs after the row is written or deleted, in the same
	// transaction, with the geometry before and after (GeoJSON, "" when none);
	// it returns further changes (re-graded hazard sources).
	AfterWrite func(ctx context.Context, tx pgx.Tx, actor journal.Actor, before, after string) ([]journal.Change, error)
	// AfterImport, when set, stands in for AfterWrite during a bulk import:
	// it runs once, at the end of the import's transaction, with every
	// geometry the import wrote (GeoJSON), so area-dependent work (the
	// re-grade of hazard sources near population cells) is done once per
	// affected feature rather than once per imported row.
	AfterImport func(ctx context.Context, tx pgx.Tx, actor journal.Actor, geoms []string) ([]journal.Change, error)
	// AfterChange runs after one feature is created, updated or deleted
	// (also by an import, row by row), in the same transaction, with its id
	// and the action; it returns further changes. AfterWrite is about where
	// a feature is, this about which one it is: a sensor taken out of
	// service closes its open alarms, a weather station's move reaches the
	// wind on the wall.
	AfterChange func(ctx context.Context, tx pgx.Tx, actor journal.Actor, id int64, action string) ([]journal.Change, error)
}

// Reference is a foreign key from another layer's table to this one (a
// sensor's hazard source): a feature others point at cannot be deleted,
// and the 409 says what points at it.
type Reference struct {
	Constraint string // the foreign key's name, to recognise its violation
	Title      string // what points here, in Chinese (监测传感器)
}

// Unique is a uniqueness rule of a layer, backed by a database constraint.
type Unique struct {
	Constraint string   // the constraint's name, to recognise its violation
	Fields     []string // the fields it covers; the last is named in the error
}

// Layer is one registry layer.
type Layer struct {
	// Name is the URL segment, the journal entity and the live-stream topic.
	Name  string
	Table string
	// Title is the layer's Chinese name (救援队伍).
	Title string
	// Geometries lists the GeoJSON geometry types the layer takes.
	Geometries []string
	// GeometryDoc says, in Chinese, what the geometry means (队伍驻地…).
	GeometryDoc string
	Fields      []Field
	Unique      []Unique
	// ReferencedBy lists the foreign keys that point at the layer.
	ReferencedBy []Reference
	Hooks        Hooks
	// PlaceBy names a Point field that, when set, is where the feature is
	// on the map instead of its geometry (a rescue team's last_position; its
	// geometry is its home base): live-stream boxes follow it.
	PlaceBy string
	// ReadPermission is what reading the layer needs, on every path that
	// shows its features; zero is auth.ReadMap, what the map wall has.
	ReadPermission auth.Permission
	// WritePermission is what creating, changing, deleting and importing
	// the layer's features needs; zero is auth.EditRegistry, the registry
	// keepers'. A layer kept by the people acting on it sets its own (road
	// closures: whoever dispatches closes and reopens roads).
	WritePermission auth.Permission
	// MaxVertices and MaxGeometryBytes bound one feature's geometry (its
	// positions, and its GeoJSON text); zero takes the defaults below. A
	// site outline needs hundreds of vertices, not tens of thousands.
	MaxVertices, MaxGeometryBytes int

	byName map[string]int
}

// Init checks the definition and indexes it; call it once when building the
// layer. It panics on a definition error, which is a programming mistake.
func (l *Layer) Init() *Layer {
	l.Fields = append(l.Fields, outsideCountyField)
	l.byName = map[string]int{}
	for i, f := range l.Fields {
		if _, dup := l.byName[f.Name]; dup || reserved[f.Name] {
			panic(fmt.Sprintf("registry: layer %s: field %s defined twice or reserved", l.Name, f.Name))
		}
		if f.Kind == Lines && len(f.Lines) == 0 {
			panic(fmt.Sprintf("registry: layer %s: lines field %s without line fields", l.Name, f.Name))
		}
		f.checkTexts(l.Name)
		if stagingColumns[f.Name] {
			panic(fmt.Sprintf("registry: layer %s: field %s has the name of a bulk import's own column", l.Name, f.Name))
		}
		l.byName[f.Name] = i
	}
	for _, u := range l.Unique {
		for _, n := range u.Fields {
			if _, ok := l.byName[n]; !ok {
				panic(fmt.Sprintf("registry: layer %s: unique field %s unknown", l.Name, n))
			}
		}
	}
	if len(l.Geometries) == 0 {
		panic("registry: layer " + l.Name + " takes no geometry")
	}
	if f, ok := l.Field(l.PlaceBy); l.PlaceBy != "" && (!ok || f.Kind != Point) {
		panic("registry: layer " + l.Name + ": PlaceBy " + l.PlaceBy + " is not a point field")
	}
	return l
}

// Field returns the named field.
func (l *Layer) Field(name string) (Field, bool) {
	i, ok := l.byName[name]
	if !ok {
		return Field{}, false
	}
	return l.Fields[i], true
}

// Default geometry limits of a layer.
const (
	DefaultMaxVertices      = 10_000
	DefaultMaxGeometryBytes = 512 << 10
)

// CanRead is the permission reading the layer's features needs.
func (l *Layer) CanRead() auth.Permission {
	if l.ReadPermission != "" {
		return l.ReadPermission
	}
	return auth.ReadMap
}

// CanWrite is the permission writing the layer's features needs.
func (l *Layer) CanWrite() auth.Permission {
	if l.WritePermission != "" {
		return l.WritePermission
	}
	return auth.EditRegistry
}

func (l *Layer) maxVertices() int {
	if l.MaxVertices > 0 {
		return l.MaxVertices
	}
	return DefaultMaxVertices
}

func (l *Layer) maxGeometryBytes() int {
	if l.MaxGeometryBytes > 0 {
		return l.MaxGeometryBytes
	}
	return DefaultMaxGeometryBytes
}

// reserved are the properties every layer has and the server keeps.
var reserved = map[string]bool{"id": true, "version": true, "updated_at": true, "geom": true}
