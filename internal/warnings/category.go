package warnings

import "strings"

// EventCategory is a kind of production-safety event a warning is about
// (事件类别, plan 3.2.2). The first nine codes are the incident kinds of
// package incidents (Annex 4 plus the kinds with their own lead units and
// sector plans), so a warning raised from an incident keeps its kind's code.
// The last four are sector plans of 1.3 (城市轨道交通、电网、供水) and the oil
// and gas pipeline of 6.2, which a warning can be about before any incident.
type EventCategory struct {
	Code string `json:"code"`
	Name string `json:"name"` // Chinese name, used in CAP <event> and headlines
	// CAP lists the CAP 1.2 <category> values, most specific first.
	CAP []string `json:"cap"`
}

// Every warning in this system is about production safety, so a category
// that is not on the list is CAP "Safety", not "Other".
var eventCategories = []EventCategory{
	{"mining_industry_trade", "工矿商贸", []string{"Safety"}},
	{"road_traffic", "道路交通", []string{"Transport"}},
	{"fire", "火灾", []string{"Fire"}},
	{"special_equipment", "特种设备", []string{"Safety"}},
	{"hazardous_chemicals", "危险化学品", []string{"CBRNE", "Safety"}},
	{"gas", "燃气", []string{"Safety", "Infra"}},
	{"construction", "建设工程", []string{"Safety"}},
	{"farm_machinery", "农牧业机械", []string{"Safety"}},
	{"other", "其他", []string{"Safety"}},
	{"rail_transit", "城市轨道交通", []string{"Transport"}},
	{"power_grid", "电网", []string{"Infra"}},
	{"water_supply", "供水", []string{"Infra"}},
	{"oil_gas_pipeline", "油气管道", []string{"Safety", "Infra"}},
}

// EventCategories returns the coded categories, for a pick list.
func EventCategories() []EventCategory {
	out := make([]EventCategory, len(eventCategories))
	for i, c := range eventCategories {
		c.CAP = append([]string(nil), c.CAP...)
		out[i] = c
	}
	return out
}

// LookupCategory resolves a warning's Category. A known code (any case) or
// Chinese name gives its entry and true. Anything else is free text (plan
// 3.2.2 does not close the list): it becomes its own name, CAP "Safety",
// and false.
func LookupCategory(s string) (EventCategory, bool) {
	t := strings.TrimSpace(s)
	for _, c := range eventCategories {
		if strings.EqualFold(t, c.Code) || t == c.Name {
			c.CAP = append([]string(nil), c.CAP...)
			return c, true
		}
	}
	return EventCategory{Code: t, Name: t, CAP: []string{"Safety"}}, false
}
