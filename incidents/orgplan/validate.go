package orgplan

import (
	"fmt"
	"strings"

	"sitrep/incidents"
)

// validator builds a Plan from the file and collects every problem on the
// way instead of stopping at the first, so that whoever edits the file sees
// all their mistakes in one run. Problems are reported in file order.
type validator struct{ problems []Problem }

func (v *validator) add(path, format string, args ...any) {
	v.problems = append(v.problems, Problem{Path: path, Message: fmt.Sprintf(format, args...)})
}

func (v *validator) required(path, s string) {
	if strings.TrimSpace(s) == "" {
		v.add(path, "必填")
	}
}

func (v *validator) build(f *file) *Plan {
	p := &Plan{Name: f.Name, County: f.County, Source: f.Source, DutyPhone: f.DutyPhone,
		units: map[string]Unit{}, routes: map[incidents.Kind]Route{}}
	v.required("name", f.Name)
	v.required("county", f.County)
	v.required("duty_phone", f.DutyPhone)
	// Units first: everything after refers to them by id.
	v.addUnits(p, f.Units)
	v.required("hq.name", f.HQ.Name)
	p.HQ = HQ{Name: f.HQ.Name, Commander: f.HQ.Commander, DeputyCommander: f.HQ.DeputyCommander, Office: v.unit(p, "hq.office", f.HQ.Office)}
	p.Groups = v.groups(p, f.Groups)
	v.addRoutes(p, f.Routing)
	p.Escalation = v.escalation(f.Escalation)
	p.Checklist = v.checklist(p, f.Checklist)
	return p
}

func (v *validator) addUnits(p *Plan, units []Unit) {
	for i, u := range units {
		path := fmt.Sprintf("units[%d]", i)
		v.required(path+".id", u.ID)
		v.required(path+".name", u.Name)
		if _, dup := p.units[u.ID]; dup && u.ID != "" {
			v.add(path+".id", "单位编号 %q 重复", u.ID)
		}
		v.unitType(path, u)
		p.units[u.ID] = u
		p.Units = append(p.Units, u)
	}
}

// unitType checks the unit's type, and that a unit names a placeholder
// exactly when it is one: Activate fills placeholders from the incident, so
// it must know what each stands for.
func (v *validator) unitType(path string, u Unit) {
	switch u.Type {
	case UnitLeadership, UnitHQ, UnitOffice, UnitMember, UnitSupport:
		if u.Placeholder != "" {
			v.add(path+".placeholder", "只有类型为 %q 的单位才能是占位符", UnitPlaceholder)
		}
	case UnitPlaceholder:
		switch u.Placeholder {
		case IncidentTownship, IncidentUnit, SectorAuthority:
		default:
			v.add(path+".placeholder", "未知占位符 %q；可用：%s、%s、%s", u.Placeholder, IncidentTownship, IncidentUnit, SectorAuthority)
		}
	default:
		v.add(path+".type", "未知单位类型 %q；可用：%s、%s、%s、%s、%s、%s", u.Type,
			UnitLeadership, UnitHQ, UnitOffice, UnitMember, UnitSupport, UnitPlaceholder)
	}
}

// unit looks up a unit the file refers to by id.
func (v *validator) unit(p *Plan, path, id string) Unit {
	u, ok := p.units[id]
	if !ok {
		v.add(path, "未知单位 %q", id)
	}
	return u
}

// unitList looks up a list of unit ids, each listed once.
func (v *validator) unitList(p *Plan, path string, ids []string) []Unit {
	out := make([]Unit, 0, len(ids))
	seen := map[string]bool{}
	for j, id := range ids {
		if seen[id] {
			v.add(fmt.Sprintf("%s[%d]", path, j), "单位 %q 重复列出", id)
		}
		seen[id] = true
		out = append(out, v.unit(p, fmt.Sprintf("%s[%d]", path, j), id))
	}
	return out
}

func (v *validator) levels(path string, codes []string) []incidents.ResponseLevel {
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

func (v *validator) groups(p *Plan, groups []fileGroup) []Group {
	var out []Group
	ids := map[string]bool{}
	for i, g := range groups {
		path := fmt.Sprintf("groups[%d]", i)
		v.required(path+".id", g.ID)
		v.required(path+".name", g.Name)
		if ids[g.ID] && g.ID != "" {
			v.add(path+".id", "工作组编号 %q 重复", g.ID)
		}
		ids[g.ID] = true
		if len(g.Leads) == 0 {
			v.add(path+".leads", "工作组至少须有一个牵头单位")
		}
		out = append(out, Group{ID: g.ID, Name: g.Name, Duty: g.Duty, Note: g.Note,
			Leads: v.unitList(p, path+".leads", g.Leads), Members: v.unitList(p, path+".members", g.Members),
			Levels: v.levels(path+".levels", g.Levels)})
	}
	return out
}

// addRoutes adds one route per accident kind; every kind must have one, or
// an incident of that kind would have nobody to report to.
func (v *validator) addRoutes(p *Plan, routes []fileRoute) {
	for i, r := range routes {
		path := fmt.Sprintf("routing[%d]", i)
		k, err := incidents.ParseKind(r.Kind)
		if err != nil {
			v.add(path+".kind", "%v", err)
			continue
		}
		if _, dup := p.routes[k]; dup {
			v.add(path+".kind", "事故类别 %q 重复指派", r.Kind)
		}
		route := v.route(p, path, k, r)
		p.routes[k] = route
		p.Routes = append(p.Routes, route)
	}
	for _, k := range incidents.Kinds() {
		if _, ok := p.routes[k]; !ok {
			v.add("routing", "事故类别 %q（%s）没有指派牵头单位", k.Code(), k.Label())
		}
	}
}

// route resolves a route's units. They must be real units: a route is what
// a placeholder (sector_authority) is resolved with, so it cannot be one.
func (v *validator) route(p *Plan, path string, k incidents.Kind, r fileRoute) Route {
	route := Route{Kind: k, Basis: r.Basis,
		FirstRecipient: v.unit(p, path+".first_recipient", r.FirstRecipient),
		Lead:           v.unit(p, path+".lead", r.Lead),
		Sector:         v.unit(p, path+".sector", r.Sector)}
	for _, f := range []struct {
		field string
		u     Unit
	}{{"first_recipient", route.FirstRecipient}, {"lead", route.Lead}, {"sector", route.Sector}} {
		if f.u.Type == UnitPlaceholder {
			v.add(path+"."+f.field, "须指明实际单位，不能是占位符 %q", f.u.ID)
		}
	}
	return route
}

// escalation checks that the chain is exactly township → … → State Council,
// in order: the reporting clock counts on every tier being there.
func (v *validator) escalation(steps []fileStep) []Step {
	tiers := incidents.Tiers()
	if len(steps) != len(tiers) {
		v.add("escalation", "应有 %d 级（%s），实有 %d 级", len(tiers), tierCodes(tiers), len(steps))
	}
	var out []Step
	for i, s := range steps {
		path := fmt.Sprintf("escalation[%d]", i)
		t, err := incidents.ParseTier(s.Tier)
		if err != nil {
			v.add(path+".tier", "%v", err)
		} else if i < len(tiers) && t != tiers[i] {
			v.add(path+".tier", "此处应为 %q，实为 %q：层级顺序为 %s", tiers[i].Code(), s.Tier, tierCodes(tiers))
		}
		if len(s.Bodies) == 0 {
			v.add(path+".bodies", "至少须列出一个机关")
		}
		for j, b := range s.Bodies {
			v.required(fmt.Sprintf("%s.bodies[%d]", path, j), b)
		}
		out = append(out, Step{Tier: t, Bodies: s.Bodies})
	}
	return out
}

func (v *validator) checklist(p *Plan, items []fileItem) []ChecklistTemplate {
	var out []ChecklistTemplate
	ids := map[string]bool{}
	for i, it := range items {
		path := fmt.Sprintf("checklist[%d]", i)
		v.required(path+".id", it.ID)
		v.required(path+".text", it.Text)
		if ids[it.ID] && it.ID != "" {
			v.add(path+".id", "清单项编号 %q 重复", it.ID)
		}
		ids[it.ID] = true
		if len(it.Responsible) == 0 {
			v.add(path+".responsible", "至少须有一个责任单位")
		}
		out = append(out, ChecklistTemplate{ID: it.ID, Text: it.Text, Basis: it.Basis,
			Responsible: v.unitList(p, path+".responsible", it.Responsible), Levels: v.levels(path+".levels", it.Levels)})
	}
	if len(items) == 0 {
		v.add("checklist", "响应启动清单（4.4.1）为空")
	}
	return out
}

func tierCodes(ts []incidents.Tier) string {
	codes := make([]string, len(ts))
	for i, t := range ts {
		codes[i] = t.Code()
	}
	return strings.Join(codes, " → ")
}
