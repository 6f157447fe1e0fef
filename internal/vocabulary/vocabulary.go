// Package vocabulary serves GET /api/v1/vocabulary: every code list the API
// takes or sends, each code with the Chinese label a person reads in its
// place (学校 for school, 板房沟镇 for 650121102). The labels live next to
// the enums they describe — a registry field's EnumLabel, an incident
// enum's Label, a role's Label; this package only assembles them, so a form
// and an error message always say the same thing.
package vocabulary

import (
	"net/http"
	"slices"
	"strconv"

	"sitrep/geo/plume"
	"sitrep/geo/protective"
	"sitrep/incidents"
	"sitrep/incidents/incidentstore"
	"sitrep/incidents/orgplan"
	"sitrep/internal/api"
	"sitrep/internal/areas"
	"sitrep/internal/auth"
	"sitrep/internal/channels"
	"sitrep/internal/layers"
	"sitrep/internal/registry"
	"sitrep/internal/warnings"
	"sitrep/internal/zones"
)

// Term is one code and its label.
type Term struct {
	Code  string `json:"code"`
	Label string `json:"label"`
}

// Vocabulary is one code list, in display order.
type Vocabulary struct {
	Title string `json:"title"`
	Terms []Term `json:"terms"`
}

// terms pairs each code with its label.
func terms(codes []string, label func(string) string) []Term {
	out := make([]Term, len(codes))
	for i, c := range codes {
		out[i] = Term{Code: c, Label: label(c)}
	}
	return out
}

// labelled is terms for incidents' typed enums, which carry their labels.
func labelled[T interface {
	Code() string
	Label() string
}](vs []T) []Term {
	out := make([]Term, len(vs))
	for i, v := range vs {
		out[i] = Term{Code: v.Code(), Label: v.Label()}
	}
	return out
}

// All assembles every vocabulary. table is the protective-action table the
// server computes zones with (its substances and cases).
func All(table *protective.Table) map[string]Vocabulary {
	out := map[string]Vocabulary{}
	for _, l := range layers.All {
		addLayer(out, l)
	}
	out["township"] = Vocabulary{"乡镇（街道）", terms(areas.TownshipCodes, areas.TownshipName)}
	out["incident.kind"] = Vocabulary{"事故类别", labelled(incidents.Kinds())}
	out["incident.state"] = Vocabulary{"事件状态", labelled(incidents.States())}
	out["incident.grade"] = Vocabulary{"事故等级", labelled(incidents.Grades())}
	out["response.level"] = Vocabulary{"响应级别", labelled(incidents.ResponseLevels())}
	out["report.tier"] = Vocabulary{"报告接收层级", labelled(incidentstore.ReportTiers())}
	out["report.kind"] = Vocabulary{"报告类型", terms(incidentstore.ReportKinds, incidentstore.ReportKindLabel)}
	out["checklist.status"] = Vocabulary{"处置清单事项状态", terms(
		[]string{string(orgplan.ItemPending), string(orgplan.ItemDone), string(orgplan.ItemNotApplicable)}, orgplan.ItemStatusLabel)}
	out["warning.level"] = Vocabulary{"预警级别", labelled(warnings.Levels())}
	var cats []Term
	for _, c := range warnings.EventCategories() {
		cats = append(cats, Term{Code: c.Code, Label: c.Name})
	}
	out["warning.category"] = Vocabulary{"预警事件类别", cats}
	out["zone.model"] = Vocabulary{"危险区域模型", terms(zones.Models, zones.ModelLabel)}
	out["zone.level"] = Vocabulary{"危险区域级别", zoneLevels()}
	out["evacuation.from_kind"] = Vocabulary{"疏散路线起点类型", terms(zones.EvacueeKinds, zones.EvacueeKindLabel)}
	out["plume.substance"] = Vocabulary{"有毒气体（高斯烟羽默认关注浓度）", plumeSubstances()}
	out["protective.substance"] = Vocabulary{"危险物质（初始隔离与防护行动距离表）", protectiveSubstances(table)}
	out["protective.case"] = Vocabulary{"泄漏情形（初始隔离与防护行动距离表）", protectiveCases(table)}
	roles := make([]string, len(auth.Roles))
	for i, r := range auth.Roles {
		roles[i] = string(r)
	}
	out["warning_channel.kind"] = Vocabulary{"发布渠道类型", channelTerms(channels.KindCodes, channels.Kinds)}
	out["warning_channel.format"] = Vocabulary{"发布渠道报文格式", channelTerms(channels.FormatCodes, channels.Formats)}
	out["warning_channel.auth_type"] = Vocabulary{"发布渠道认证方式", channelTerms(channels.AuthTypeCodes, channels.AuthTypes)}
	out["role"] = Vocabulary{"角色", terms(roles, func(c string) string { return auth.Role(c).Label() })}
	return out
}

// channelTerms lists a release channel's codes with their labels.
func channelTerms(codes []string, labels map[string]string) []Term {
	return terms(codes, func(c string) string { return labels[c] })
}

// addLayer adds "<layer>.<field>" for every field of l with allowed values,
// line fields included ("<layer>.<field>.<line field>").
func addLayer(out map[string]Vocabulary, l *registry.Layer) {
	var walk func(prefix, title string, fs []registry.Field)
	walk = func(prefix, title string, fs []registry.Field) {
		for _, f := range fs {
			if len(f.Enum) > 0 {
				out[prefix+"."+f.Name] = Vocabulary{title + "·" + f.Title, terms(f.Enum, f.Label)}
			}
			walk(prefix+"."+f.Name, title+"·"+f.Title, f.Lines)
		}
	}
	walk(l.Name, l.Title, l.Fields)
}

// zoneLevels names a run's zone levels: 1 is always the innermost, most
// severe; a run has as many levels as its levels of concern (three by
// default, two for the protective table).
func zoneLevels() []Term {
	out := make([]Term, 3)
	for i := range out {
		n := strconv.Itoa(i + 1)
		out[i] = Term{Code: n, Label: "第 " + n + " 级"}
	}
	out[0].Label += "（最内层，最严重）"
	return out
}

func plumeSubstances() []Term {
	keys := make([]string, 0, len(plume.Substances))
	for k := range plume.Substances {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return terms(keys, func(k string) string { return plume.Substances[k].Name })
}

func protectiveSubstances(t *protective.Table) []Term {
	out := make([]Term, len(t.Entries))
	for i, e := range t.Entries {
		out[i] = Term{Code: e.Key, Label: e.Name}
	}
	return out
}

// protectiveCases lists every case any entry of the table has.
func protectiveCases(t *protective.Table) []Term {
	var cs []string
	for _, e := range t.Entries {
		for _, c := range e.CaseKeys() {
			if !slices.Contains(cs, c) {
				cs = append(cs, c)
			}
		}
	}
	slices.Sort(cs)
	return terms(cs, protective.CaseLabel)
}

// Handler serves the vocabularies, assembled once (they change only with
// the binary or the protective table it was started with).
func Handler(table *protective.Table) http.Handler {
	body := map[string]any{"vocabularies": All(table)}
	return api.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		w.Header().Set("Cache-Control", "private, max-age=300")
		return api.WriteJSON(w, http.StatusOK, body)
	})
}
