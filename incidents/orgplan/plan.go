package orgplan

import "sitrep/incidents"

// UnitType sorts units by their place in the organisation.
type UnitType string

const (
	UnitLeadership  UnitType = "leadership"  // 县委, 县人民政府
	UnitHQ          UnitType = "hq"          // 应急指挥部
	UnitOffice      UnitType = "office"      // 指挥部办公室
	UnitMember      UnitType = "member"      // Annex 2 member units
	UnitSupport     UnitType = "support"     // named in Annex 3 but not members
	UnitPlaceholder UnitType = "placeholder" // stands for a unit known only per incident
)

// Placeholder names what a placeholder unit stands for.
type Placeholder string

const (
	// IncidentTownship is the township government where the accident
	// happened (事发地政府); the caller fills it from the incident.
	IncidentTownship Placeholder = "incident_township"
	// IncidentUnit is the unit where the accident happened (事发单位).
	IncidentUnit Placeholder = "incident_unit"
	// SectorAuthority is the county sector authority for the accident's
	// kind (行业主管部门); Activate replaces it by the routed unit.
	SectorAuthority Placeholder = "sector_authority"
)

// Unit is a body that takes part in a response.
type Unit struct {
	ID          string      `json:"id"`
	Name        string      `json:"name"`
	Type        UnitType    `json:"type"`
	Placeholder Placeholder `json:"placeholder,omitempty"`
	Duty        string      `json:"duty"`
}

// HQ is the county emergency headquarters (2.1).
type HQ struct {
	Name            string `json:"name"`
	Commander       string `json:"commander"`
	DeputyCommander string `json:"deputy_commander"`
	Office          Unit   `json:"office"`
}

// Group is an on-site working group (Annex 3).
type Group struct {
	ID      string `json:"id"`
	Name    string `json:"name"`
	Duty    string `json:"duty"`
	Note    string `json:"note,omitempty"` // where the file had to decide what the plan left open
	Leads   []Unit `json:"leads"`
	Members []Unit `json:"members"`
	// Levels at which the group is activated; every level when the file
	// names none.
	Levels []incidents.ResponseLevel `json:"levels,omitempty"`
}

// Route says who handles an accident kind.
type Route struct {
	Kind incidents.Kind `json:"kind"`
	// FirstRecipient is the county sector authority that receives the
	// unit's report besides the HQ office (4.1.1(2), Annex 4).
	FirstRecipient Unit `json:"first_recipient"`
	// Lead is the unit that organises the rescue for this kind (Annex 2).
	Lead Unit `json:"lead"`
	// Sector is the 行业主管部门 that stands in for the sector_authority
	// placeholder in groups and the checklist.
	Sector Unit   `json:"sector"`
	Basis  string `json:"basis"`
}

// Step is one tier of the reporting chain and the bodies at it (Annex 4).
type Step struct {
	Tier   incidents.Tier `json:"tier"`
	Bodies []string       `json:"bodies"`
}

// ChecklistTemplate is one activation step as the plan states it.
type ChecklistTemplate struct {
	ID          string                    `json:"id"`
	Text        string                    `json:"text"`
	Responsible []Unit                    `json:"responsible"`
	Levels      []incidents.ResponseLevel `json:"levels,omitempty"` // every level when empty
	Basis       string                    `json:"basis"`
}

// Plan is a loaded, validated organisation.
type Plan struct {
	Name       string              `json:"name"`
	County     string              `json:"county"`
	Source     string              `json:"source"`
	DutyPhone  string              `json:"duty_phone"`
	HQ         HQ                  `json:"hq"`
	Units      []Unit              `json:"units"`
	Groups     []Group             `json:"groups"`
	Routes     []Route             `json:"routes"`
	Escalation []Step              `json:"escalation"` // township first
	Checklist  []ChecklistTemplate `json:"checklist"`

	units  map[string]Unit
	routes map[incidents.Kind]Route
}

// Unit looks a unit up by id.
func (p *Plan) Unit(id string) (Unit, bool) {
	u, ok := p.units[id]
	return u, ok
}

// Route returns the routing of a kind; ok is false only for an invalid
// kind, since loading guarantees every kind is routed.
func (p *Plan) Route(k incidents.Kind) (Route, bool) {
	r, ok := p.routes[k]
	return r, ok
}

// Chain returns the reporting chain from the township up to and including
// the tier a report must reach (see incidents.DutyOf).
func (p *Plan) Chain(reach incidents.Tier) []Step {
	var out []Step
	for _, s := range p.Escalation {
		if s.Tier <= reach {
			out = append(out, s)
		}
	}
	return out
}

func levelIn(levels []incidents.ResponseLevel, l incidents.ResponseLevel) bool {
	if len(levels) == 0 {
		return true
	}
	for _, x := range levels {
		if x == l {
			return true
		}
	}
	return false
}
