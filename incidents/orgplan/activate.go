package orgplan

import (
	"fmt"
	"strings"
	"time"

	"sitrep/incidents"
	"sitrep/internal/validation"
)

// Activation is what starting a response at a level for a kind of
// accident sets in motion: who leads, which on-site working groups form
// with which units, and the checklist the HQ office works through.
type Activation struct {
	Level          incidents.ResponseLevel `json:"level"`
	Kind           incidents.Kind          `json:"kind"`
	Lead           Unit                    `json:"lead"`
	FirstRecipient Unit                    `json:"first_recipient"`
	Sector         Unit                    `json:"sector"`
	HQ             HQ                      `json:"hq"`
	DutyPhone      string                  `json:"duty_phone"`
	Groups         []ActivatedGroup        `json:"groups"`
	Checklist      []ChecklistItem         `json:"checklist"`
}

// ActivatedGroup is a working group with its units resolved for the
// incident: the sector_authority placeholder is replaced by the kind's
// sector unit; incident_township and incident_unit remain for the caller
// to name from the incident.
type ActivatedGroup struct {
	ID      string `json:"id"`
	Name    string `json:"name"`
	Duty    string `json:"duty"`
	Leads   []Unit `json:"leads"`
	Members []Unit `json:"members"`
}

// Activate returns what a response at level for kind activates.
//
// Groups and checklist items carry the levels they apply to; in the
// default plan every group forms at every level (the plan does not scale
// them), and the item "县属有关部门启动本部门预案" applies at Ⅲ and above
// (4.4.2). The lead is the kind's lead unit (Annex 2); for 重大 and 特别重大
// the city leads and the county assists (1.3), which the caller shows
// from incidents.CountyRoleFor.
func (p *Plan) Activate(level incidents.ResponseLevel, kind incidents.Kind) (*Activation, error) {
	if !level.Valid() {
		return nil, fmt.Errorf("orgplan: invalid response level %v", level)
	}
	route, ok := p.routes[kind]
	if !ok {
		return nil, fmt.Errorf("orgplan: kind %v is not routed", kind)
	}
	resolve := func(us []Unit) []Unit {
		out := make([]Unit, 0, len(us))
		seen := map[string]bool{}
		for _, u := range us {
			if u.Placeholder == SectorAuthority {
				u = route.Sector
			}
			// The sector may already be in the list (e.g. the emergency
			// bureau for a mining accident); list it once.
			if !seen[u.ID] {
				seen[u.ID] = true
				out = append(out, u)
			}
		}
		return out
	}
	a := &Activation{Level: level, Kind: kind, Lead: route.Lead, FirstRecipient: route.FirstRecipient,
		Sector: route.Sector, HQ: p.HQ, DutyPhone: p.DutyPhone}
	for _, g := range p.Groups {
		if !levelIn(g.Levels, level) {
			continue
		}
		leads := resolve(g.Leads)
		members := resolve(g.Members)
		// A unit that leads is not also listed as a member.
		isLead := map[string]bool{}
		for _, u := range leads {
			isLead[u.ID] = true
		}
		members = filter(members, func(u Unit) bool { return !isLead[u.ID] })
		a.Groups = append(a.Groups, ActivatedGroup{ID: g.ID, Name: g.Name, Duty: g.Duty, Leads: leads, Members: members})
	}
	for _, it := range p.Checklist {
		if !levelIn(it.Levels, level) {
			continue
		}
		a.Checklist = append(a.Checklist, ChecklistItem{ID: it.ID, Text: it.Text, Basis: it.Basis,
			Responsible: resolve(it.Responsible), Status: ItemPending})
	}
	return a, nil
}

func filter(us []Unit, keep func(Unit) bool) []Unit {
	out := us[:0]
	for _, u := range us {
		if keep(u) {
			out = append(out, u)
		}
	}
	return out
}

// ItemStatus is where a checklist item stands.
type ItemStatus string

const (
	ItemPending       ItemStatus = "pending"
	ItemDone          ItemStatus = "done"
	ItemNotApplicable ItemStatus = "not_applicable" // needs a note saying why
)

// ItemStatusLabel is a checklist status's Chinese name.
func ItemStatusLabel(code string) string {
	switch ItemStatus(code) {
	case ItemPending:
		return "待办"
	case ItemDone:
		return "已完成"
	case ItemNotApplicable:
		return "不适用"
	}
	return ""
}

// ChecklistItem is one activation step for one incident, with who did it
// and when.
type ChecklistItem struct {
	ID          string     `json:"id"`
	Text        string     `json:"text"`
	Basis       string     `json:"basis"`
	Responsible []Unit     `json:"responsible"`
	Status      ItemStatus `json:"status"`
	By          string     `json:"by,omitempty"`
	At          *time.Time `json:"at,omitempty"`
	Note        string     `json:"note,omitempty"`
}

// Mark records a status change. Errors are validation.Errors, so
// the API maps them like every other 422.
func (it *ChecklistItem) Mark(status ItemStatus, by string, at time.Time, note string) error {
	var v validation.Errors
	switch status {
	case ItemPending, ItemDone, ItemNotApplicable:
	default:
		v = append(v, validation.FieldError{Field: "status", Code: "invalid",
			Detail: fmt.Sprintf("未知状态 %q；%s", status, validation.OneOf([]string{string(ItemPending), string(ItemDone), string(ItemNotApplicable)}, ItemStatusLabel))})
	}
	if strings.TrimSpace(by) == "" {
		v = append(v, validation.FieldError{Field: "by", Code: "required", Detail: "须填写办理人"})
	}
	if at.IsZero() {
		v = append(v, validation.FieldError{Field: "at", Code: "required", Detail: "须填写办理时间"})
	}
	if status == ItemNotApplicable && strings.TrimSpace(note) == "" {
		v = append(v, validation.FieldError{Field: "note", Code: "required", Detail: "请说明此项为何不适用"})
	}
	if err := v.OrNil(); err != nil {
		return err
	}
	t := at.UTC()
	it.Status, it.By, it.At, it.Note = status, strings.TrimSpace(by), &t, strings.TrimSpace(note)
	return nil
}
