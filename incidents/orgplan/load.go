package orgplan

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"unicode/utf8"

	"sitrep/incidents"
)

//go:embed wulumuqi.json
var defaultPlan []byte

// Default returns 乌鲁木齐县's plan, embedded in the binary. Tests pin that
// it loads; an error here means the binary was built from a broken file.
func Default() (*Plan, error) { return parse("wulumuqi.json (embedded)", defaultPlan) }

// Load reads and validates a plan file.
func Load(path string) (*Plan, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("orgplan: %w", err)
	}
	return parse(path, data)
}

// Parse validates a plan given as JSON.
func Parse(data []byte) (*Plan, error) { return parse("plan", data) }

// Problem is one thing wrong with a plan file, located by a JSON path such
// as `groups[2].members[1]` or, for syntax errors, by line and column.
type Problem struct {
	Path    string
	Message string
}

func (p Problem) String() string { return p.Path + ": " + p.Message }

// LoadError lists every problem found in a plan file.
type LoadError struct {
	File     string
	Problems []Problem
}

func (e *LoadError) Error() string {
	parts := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		parts[i] = p.String()
	}
	return fmt.Sprintf("orgplan: %s: %s", e.File, strings.Join(parts, "; "))
}

// The file's shape. Codes stay strings here so that a bad one is reported
// with its path instead of as a bare decoding error.
type fileHQ struct {
	Name            string `json:"name"`
	Commander       string `json:"commander"`
	DeputyCommander string `json:"deputy_commander"`
	Office          string `json:"office"`
}

type fileGroup struct {
	ID      string   `json:"id"`
	Name    string   `json:"name"`
	Leads   []string `json:"leads"`
	Members []string `json:"members"`
	Duty    string   `json:"duty"`
	Note    string   `json:"note"`
	Levels  []string `json:"levels"`
}

type fileRoute struct {
	Kind           string `json:"kind"`
	FirstRecipient string `json:"first_recipient"`
	Lead           string `json:"lead"`
	Sector         string `json:"sector"`
	Basis          string `json:"basis"`
}

type fileStep struct {
	Tier   string   `json:"tier"`
	Bodies []string `json:"bodies"`
}

type fileItem struct {
	ID          string   `json:"id"`
	Text        string   `json:"text"`
	Responsible []string `json:"responsible"`
	Levels      []string `json:"levels"`
	Basis       string   `json:"basis"`
}

type file struct {
	Name       string      `json:"name"`
	County     string      `json:"county"`
	Source     string      `json:"source"`
	DutyPhone  string      `json:"duty_phone"`
	HQ         fileHQ      `json:"hq"`
	Units      []Unit      `json:"units"`
	Groups     []fileGroup `json:"groups"`
	Routing    []fileRoute `json:"routing"`
	Escalation []fileStep  `json:"escalation"`
	Checklist  []fileItem  `json:"checklist"`
}

func parse(name string, data []byte) (*Plan, error) {
	var f file
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields() // a misspelt field must not silently drop data
	if err := dec.Decode(&f); err != nil {
		return nil, &LoadError{File: name, Problems: []Problem{decodeProblem(data, dec.InputOffset(), err)}}
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, &LoadError{File: name, Problems: []Problem{{Path: at(data, dec.InputOffset()), Message: "unexpected data after the plan object"}}}
	}
	v := &validator{}
	p := v.build(&f)
	if len(v.problems) > 0 {
		return nil, &LoadError{File: name, Problems: v.problems}
	}
	return p, nil
}

// decodeProblem turns a decoding error into a located problem.
func decodeProblem(data []byte, stopped int64, err error) Problem {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		// Offset counts the bytes read, including the offending one.
		return Problem{Path: at(data, syn.Offset-1), Message: syn.Error()}
	case errors.As(err, &typ):
		return Problem{Path: typ.Field, Message: fmt.Sprintf("%s: want %v (%s)", typ.Value, typ.Type, at(data, typ.Offset))}
	default:
		// An unknown field is reported only after the whole value is read,
		// so the decoder's offset is useless; point at the first place the
		// field name appears as a key instead.
		if name, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
			if i := keyOffset(data, name); i >= 0 {
				return Problem{Path: at(data, int64(i)), Message: "unknown field " + name}
			}
		}
		return Problem{Path: at(data, stopped), Message: err.Error()}
	}
}

// keyOffset finds quotedName used as an object key.
func keyOffset(data []byte, quotedName string) int {
	for off := 0; ; {
		i := bytes.Index(data[off:], []byte(quotedName))
		if i < 0 {
			return -1
		}
		i += off
		rest := bytes.TrimLeft(data[i+len(quotedName):], " \t\r\n")
		if len(rest) > 0 && rest[0] == ':' {
			return i
		}
		off = i + len(quotedName)
	}
}

// at formats a byte offset as line and column, 1-based, the column
// counted in characters as an editor shows it (the file is mostly Chinese).
func at(data []byte, off int64) string {
	off = max(0, min(off, int64(len(data))))
	before := data[:off]
	line := bytes.Count(before, []byte("\n")) + 1
	col := utf8.RuneCount(before[bytes.LastIndexByte(before, '\n')+1:]) + 1
	return fmt.Sprintf("line %d, column %d", line, col)
}

type validator struct{ problems []Problem }

func (v *validator) add(path, format string, args ...any) {
	v.problems = append(v.problems, Problem{Path: path, Message: fmt.Sprintf(format, args...)})
}

func (v *validator) required(path, s string) {
	if strings.TrimSpace(s) == "" {
		v.add(path, "required")
	}
}

func (v *validator) build(f *file) *Plan {
	p := &Plan{Name: f.Name, County: f.County, Source: f.Source, DutyPhone: f.DutyPhone,
		units: map[string]Unit{}, routes: map[incidents.Kind]Route{}}
	v.required("name", f.Name)
	v.required("county", f.County)
	v.required("duty_phone", f.DutyPhone)

	for i, u := range f.Units {
		path := fmt.Sprintf("units[%d]", i)
		v.required(path+".id", u.ID)
		v.required(path+".name", u.Name)
		if _, dup := p.units[u.ID]; dup && u.ID != "" {
			v.add(path+".id", "duplicate unit id %q", u.ID)
		}
		switch u.Type {
		case UnitLeadership, UnitHQ, UnitOffice, UnitMember, UnitSupport:
			if u.Placeholder != "" {
				v.add(path+".placeholder", "only a unit of type %q may be a placeholder", UnitPlaceholder)
			}
		case UnitPlaceholder:
			switch u.Placeholder {
			case IncidentTownship, IncidentUnit, SectorAuthority:
			default:
				v.add(path+".placeholder", "unknown placeholder %q; valid: %s, %s, %s", u.Placeholder, IncidentTownship, IncidentUnit, SectorAuthority)
			}
		default:
			v.add(path+".type", "unknown unit type %q; valid: %s, %s, %s, %s, %s, %s", u.Type,
				UnitLeadership, UnitHQ, UnitOffice, UnitMember, UnitSupport, UnitPlaceholder)
		}
		p.units[u.ID] = u
		p.Units = append(p.Units, u)
	}

	unit := func(path, id string) Unit {
		u, ok := p.units[id]
		if !ok {
			v.add(path, "unknown unit %q", id)
		}
		return u
	}
	units := func(path string, ids []string) []Unit {
		out := make([]Unit, 0, len(ids))
		seen := map[string]bool{}
		for j, id := range ids {
			if seen[id] {
				v.add(fmt.Sprintf("%s[%d]", path, j), "unit %q listed twice", id)
			}
			seen[id] = true
			out = append(out, unit(fmt.Sprintf("%s[%d]", path, j), id))
		}
		return out
	}
	levels := func(path string, codes []string) []incidents.ResponseLevel {
		var out []incidents.ResponseLevel
		for j, c := range codes {
			l, err := incidents.ParseResponseLevel(c)
			if err != nil {
				v.add(fmt.Sprintf("%s[%d]", path, j), "%v", err)
			}
			out = append(out, l)
		}
		return out
	}

	v.required("hq.name", f.HQ.Name)
	p.HQ = HQ{Name: f.HQ.Name, Commander: f.HQ.Commander, DeputyCommander: f.HQ.DeputyCommander, Office: unit("hq.office", f.HQ.Office)}

	groupIDs := map[string]bool{}
	for i, g := range f.Groups {
		path := fmt.Sprintf("groups[%d]", i)
		v.required(path+".id", g.ID)
		v.required(path+".name", g.Name)
		if groupIDs[g.ID] && g.ID != "" {
			v.add(path+".id", "duplicate group id %q", g.ID)
		}
		groupIDs[g.ID] = true
		if len(g.Leads) == 0 {
			v.add(path+".leads", "a group needs at least one lead unit")
		}
		p.Groups = append(p.Groups, Group{ID: g.ID, Name: g.Name, Duty: g.Duty, Note: g.Note,
			Leads: units(path+".leads", g.Leads), Members: units(path+".members", g.Members),
			Levels: levels(path+".levels", g.Levels)})
	}

	for i, r := range f.Routing {
		path := fmt.Sprintf("routing[%d]", i)
		k, err := incidents.ParseKind(r.Kind)
		if err != nil {
			v.add(path+".kind", "%v", err)
			continue
		}
		if _, dup := p.routes[k]; dup {
			v.add(path+".kind", "kind %q routed twice", r.Kind)
		}
		route := Route{Kind: k, Basis: r.Basis,
			FirstRecipient: unit(path+".first_recipient", r.FirstRecipient),
			Lead:           unit(path+".lead", r.Lead),
			Sector:         unit(path+".sector", r.Sector)}
		for _, f := range []struct {
			field string
			u     Unit
		}{{"first_recipient", route.FirstRecipient}, {"lead", route.Lead}, {"sector", route.Sector}} {
			if f.u.Type == UnitPlaceholder {
				v.add(path+"."+f.field, "must name a real unit, not placeholder %q", f.u.ID)
			}
		}
		p.routes[k] = route
		p.Routes = append(p.Routes, route)
	}
	for _, k := range incidents.Kinds() {
		if _, ok := p.routes[k]; !ok {
			v.add("routing", "kind %q (%s) is not routed", k.Code(), k.Label())
		}
	}

	// The chain must be exactly township → … → State Council, in order:
	// the reporting clock counts on every tier being there.
	tiers := incidents.Tiers()
	if len(f.Escalation) != len(tiers) {
		v.add("escalation", "want %d tiers (%s), got %d", len(tiers), tierCodes(tiers), len(f.Escalation))
	}
	for i, s := range f.Escalation {
		path := fmt.Sprintf("escalation[%d]", i)
		t, err := incidents.ParseTier(s.Tier)
		if err != nil {
			v.add(path+".tier", "%v", err)
		} else if i < len(tiers) && t != tiers[i] {
			v.add(path+".tier", "want %q here, got %q: tiers go %s", tiers[i].Code(), s.Tier, tierCodes(tiers))
		}
		if len(s.Bodies) == 0 {
			v.add(path+".bodies", "name at least one body")
		}
		for j, b := range s.Bodies {
			v.required(fmt.Sprintf("%s.bodies[%d]", path, j), b)
		}
		p.Escalation = append(p.Escalation, Step{Tier: t, Bodies: s.Bodies})
	}

	itemIDs := map[string]bool{}
	for i, it := range f.Checklist {
		path := fmt.Sprintf("checklist[%d]", i)
		v.required(path+".id", it.ID)
		v.required(path+".text", it.Text)
		if itemIDs[it.ID] && it.ID != "" {
			v.add(path+".id", "duplicate checklist item id %q", it.ID)
		}
		itemIDs[it.ID] = true
		if len(it.Responsible) == 0 {
			v.add(path+".responsible", "name at least one responsible unit")
		}
		p.Checklist = append(p.Checklist, ChecklistTemplate{ID: it.ID, Text: it.Text, Basis: it.Basis,
			Responsible: units(path+".responsible", it.Responsible), Levels: levels(path+".levels", it.Levels)})
	}
	if len(f.Checklist) == 0 {
		v.add("checklist", "the activation checklist (4.4.1) is empty")
	}
	return p
}

func tierCodes(ts []incidents.Tier) string {
	codes := make([]string, len(ts))
	for i, t := range ts {
		codes[i] = t.Code()
	}
	return strings.Join(codes, " → ")
}
