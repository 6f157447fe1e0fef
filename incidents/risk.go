package incidents

import (
	"fmt"
	"strings"
)

// RiskCriterion is one of the six criteria of a 较大涉险事故 (plan 1.5.2).
type RiskCriterion uint8

const (
	RiskEndangered     RiskCriterion = iota + 1 // (1) 涉险10人以上
	RiskTrappedMissing                          // (2) 3人以上被困或者下落不明
	RiskEvacuated                               // (3) 紧急疏散500人以上
	RiskPollution                               // (4) 对环境造成严重污染
	RiskImportantSite                           // (5) 危及重要场所和设施安全
	RiskOther                                   // (6) 其他较大涉险事故
)

var riskText = []enumText{
	{},
	{"endangered", "（1）涉险10人以上"},
	{"trapped_or_missing", "（2）3人以上被困或者下落不明"},
	{"evacuated", "（3）紧急疏散人员500人以上"},
	{"serious_pollution", "（4）对环境造成严重污染"},
	{"important_site", "（5）危及重要场所和设施安全"},
	{"other", "（6）其他较大涉险事故"},
}

func RiskCriteria() []RiskCriterion { return allOf[RiskCriterion](riskText) }
func ParseRiskCriterion(code string) (RiskCriterion, error) {
	return parseEnum[RiskCriterion]("较大涉险情形", riskText, code)
}
func (c RiskCriterion) Valid() bool                  { return lookup(riskText, c).code != "" }
func (c RiskCriterion) Code() string                 { return lookup(riskText, c).code }
func (c RiskCriterion) Label() string                { return lookup(riskText, c).label }
func (c RiskCriterion) String() string               { return stringOf("RiskCriterion", riskText, c) }
func (c RiskCriterion) MarshalText() ([]byte, error) { return marshalEnum("criterion", riskText, c) }
func (c *RiskCriterion) UnmarshalText(b []byte) error {
	v, err := ParseRiskCriterion(string(b))
	if err != nil {
		return err
	}
	*c = v
	return nil
}

// PollutionTarget is a kind of sensitive place named in 1.5.2(4).
type PollutionTarget uint8

const (
	PollutionCrowdedPlace  PollutionTarget = iota + 1 // 人员密集场所
	PollutionDrinkingWater                            // 生活水源
	PollutionFarmland                                 // 农田
	PollutionRiver                                    // 河流
	PollutionReservoir                                // 水库
	PollutionLake                                     // 湖泊
	PollutionOther                                    // 其他敏感场所 (the plan's "等")
)

var pollutionText = []enumText{
	{},
	{"crowded_place", "人员密集场所"},
	{"drinking_water", "生活水源"},
	{"farmland", "农田"},
	{"river", "河流"},
	{"reservoir", "水库"},
	{"lake", "湖泊"},
	{"other", "其他环境敏感场所"},
}

func PollutionTargets() []PollutionTarget { return allOf[PollutionTarget](pollutionText) }
func ParsePollutionTarget(code string) (PollutionTarget, error) {
	return parseEnum[PollutionTarget]("污染对象", pollutionText, code)
}
func (p PollutionTarget) Valid() bool    { return lookup(pollutionText, p).code != "" }
func (p PollutionTarget) Code() string   { return lookup(pollutionText, p).code }
func (p PollutionTarget) Label() string  { return lookup(pollutionText, p).label }
func (p PollutionTarget) String() string { return stringOf("PollutionTarget", pollutionText, p) }
func (p PollutionTarget) MarshalText() ([]byte, error) {
	return marshalEnum("pollution target", pollutionText, p)
}
func (p *PollutionTarget) UnmarshalText(b []byte) error {
	v, err := ParsePollutionTarget(string(b))
	if err != nil {
		return err
	}
	*p = v
	return nil
}

// ImportantSite is a kind of important place or facility named in 1.5.2(5).
type ImportantSite uint8

const (
	SitePowerStation  ImportantSite = iota + 1 // 电站
	SiteWaterWorks                             // 重要水利设施
	SiteHazchemStore                           // 危化品库
	SiteOilGasStation                          // 油气站
	SiteStation                                // 车站
	SiteAirport                                // 机场
	SiteCrowdedPlace                           // 其他人员密集场所
	SiteOther                                  // 其他重要场所和设施 (the plan's "等")
)

var siteText = []enumText{
	{},
	{"power_station", "电站"},
	{"water_works", "重要水利设施"},
	{"hazchem_store", "危化品库"},
	{"oil_gas_station", "油气站"},
	{"station", "车站"},
	{"airport", "机场"},
	{"crowded_place", "人员密集场所"},
	{"other", "其他重要场所和设施"},
}

func ImportantSites() []ImportantSite { return allOf[ImportantSite](siteText) }
func ParseImportantSite(code string) (ImportantSite, error) {
	return parseEnum[ImportantSite]("重要场所类别", siteText, code)
}
func (s ImportantSite) Valid() bool    { return lookup(siteText, s).code != "" }
func (s ImportantSite) Code() string   { return lookup(siteText, s).code }
func (s ImportantSite) Label() string  { return lookup(siteText, s).label }
func (s ImportantSite) String() string { return stringOf("ImportantSite", siteText, s) }
func (s ImportantSite) MarshalText() ([]byte, error) {
	return marshalEnum("important site", siteText, s)
}
func (s *ImportantSite) UnmarshalText(b []byte) error {
	v, err := ParseImportantSite(string(b))
	if err != nil {
		return err
	}
	*s = v
	return nil
}

// Exposure is what lies inside the incident's zones, by kind. The zones
// code fills it: Polluted counts the sensitive places inside the zone of
// serious pollution, Endangered the important sites inside the danger
// zone. Deciding the zone is the zones code's job; this package only
// says that one place inside is enough.
type Exposure struct {
	Polluted   map[PollutionTarget]int `json:"polluted,omitempty"`
	Endangered map[ImportantSite]int   `json:"endangered,omitempty"`
}

// RiskInput is everything 1.5.2 looks at.
type RiskInput struct {
	Casualties Casualties
	Exposure   Exposure
	// OtherReason is the duty officer's reason for criterion (6) "其他较大涉险
	// 事故"; empty means the criterion is not claimed. It cannot be
	// computed, so it is the one manual flag.
	OtherReason string
}

// RiskFlag is one 1.5.2 criterion that fired, with why.
type RiskFlag struct {
	Criterion RiskCriterion `json:"criterion"`
	Reason    string        `json:"reason"` // Chinese, e.g. "涉险12人，达到10人以上"
}

// The numeric criteria of 1.5.2; "以上" includes the number.
const (
	riskEndangeredMin     = 10
	riskTrappedMissingMin = 3
	riskEvacuatedMin      = 500
)

// RiskFlagsOf returns the 较大涉险 criteria that fire, in the plan's order.
// An empty result means the incident is not 较大涉险. The criteria are
// evaluated whatever the grade: a 较大 accident may also meet them, and the
// reporting clock takes the stricter of the two.
func RiskFlagsOf(in RiskInput) []RiskFlag {
	var flags []RiskFlag
	c := in.Casualties
	if c.Endangered >= riskEndangeredMin {
		flags = append(flags, RiskFlag{RiskEndangered,
			fmt.Sprintf("涉险%d人，达到%d人以上", c.Endangered, riskEndangeredMin)})
	}
	if n := c.Trapped + c.Missing; n >= riskTrappedMissingMin {
		flags = append(flags, RiskFlag{RiskTrappedMissing,
			fmt.Sprintf("被困%d人、下落不明%d人，合计%d人，达到%d人以上", c.Trapped, c.Missing, n, riskTrappedMissingMin)})
	}
	if c.Evacuated >= riskEvacuatedMin {
		flags = append(flags, RiskFlag{RiskEvacuated,
			fmt.Sprintf("紧急疏散%d人，达到%d人以上", c.Evacuated, riskEvacuatedMin)})
	}
	if s := countsText(in.Exposure.Polluted, PollutionTargets()); s != "" {
		flags = append(flags, RiskFlag{RiskPollution, "严重污染范围内有" + s})
	}
	if s := countsText(in.Exposure.Endangered, ImportantSites()); s != "" {
		flags = append(flags, RiskFlag{RiskImportantSite, "危险范围内有" + s})
	}
	if r := strings.TrimSpace(in.OtherReason); r != "" {
		flags = append(flags, RiskFlag{RiskOther, "人工认定：" + r})
	}
	return flags
}

// countsText lists the positive counts in canonical order, e.g.
// "生活水源1处、河流2处"; empty when nothing is inside.
func countsText[K interface {
	comparable
	Label() string
}](counts map[K]int, order []K) string {
	var parts []string
	for _, k := range order {
		if n := counts[k]; n > 0 {
			parts = append(parts, fmt.Sprintf("%s%d处", k.Label(), n))
		}
	}
	return strings.Join(parts, "、")
}
