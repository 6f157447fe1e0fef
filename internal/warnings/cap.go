package warnings

import (
	"encoding/xml"
	"strconv"
	"strings"

	"sitrep/internal/beijing"
)

// CAPNamespace is the OASIS CAP 1.2 namespace.
const CAPNamespace = "urn:oasis:names:tc:emergency:cap:1.2"

// DutyContact is CAP <contact>: the county emergency management bureau's
// 24-hour duty line (plan 3.2 (1)).
const DutyContact = "乌鲁木齐县应急管理局24小时值班电话 0991-5921442"

// capAlert and friends mirror CAP 1.2's element order; the XSD is a
// sequence, so field order here is the schema's order.
type capAlert struct {
	XMLName    xml.Name `xml:"urn:oasis:names:tc:emergency:cap:1.2 alert"`
	Identifier string   `xml:"identifier"`
	Sender     string   `xml:"sender"`
	Sent       string   `xml:"sent"`
	Status     string   `xml:"status"`
	MsgType    string   `xml:"msgType"`
	Scope      string   `xml:"scope"`
	Note       string   `xml:"note,omitempty"`
	References string   `xml:"references,omitempty"`
	Info       capInfo  `xml:"info"`
}

type capInfo struct {
	Language     string         `xml:"language"`
	Category     []string       `xml:"category"`
	Event        string         `xml:"event"`
	ResponseType []string       `xml:"responseType,omitempty"`
	Urgency      string         `xml:"urgency"`
	Severity     string         `xml:"severity"`
	Certainty    string         `xml:"certainty"`
	EventCode    []capValuePair `xml:"eventCode,omitempty"`
	Onset        string         `xml:"onset,omitempty"`
	Expires      string         `xml:"expires,omitempty"`
	SenderName   string         `xml:"senderName"`
	Headline     string         `xml:"headline"`
	Description  string         `xml:"description"`
	Instruction  string         `xml:"instruction"`
	Contact      string         `xml:"contact"`
	Parameter    []capValuePair `xml:"parameter"`
	Area         capArea        `xml:"area"`
}

type capValuePair struct {
	ValueName string `xml:"valueName"`
	Value     string `xml:"value"`
}

type capArea struct {
	AreaDesc string   `xml:"areaDesc"`
	Polygon  []string `xml:"polygon"`
}

// capSeverity maps the plan's four levels onto CAP severity one to one; the
// plan's words match CAP's definitions: 特别严重 → Extreme ("extraordinary
// threat to life or property"), 严重 → Severe, 较重 → Moderate, 一般 → Minor.
func capSeverity(l Level) string {
	switch l {
	case Red:
		return "Extreme"
	case Orange:
		return "Severe"
	case Yellow:
		return "Moderate"
	case Blue:
		return "Minor"
	}
	return "Unknown"
}

// capUrgency: orange and red are HQ-level warnings that put responders on
// the move at once (3.2.3), so Immediate; blue and yellow ask people to get
// ready, so Expected. A lifted warning is Past.
func capUrgency(w Warning) string {
	switch {
	case w.MsgType == MsgCancel:
		return "Past"
	case w.Level >= Orange:
		return "Immediate"
	}
	return "Expected"
}

// capCertainty: a warning is issued on information that an accident may
// happen or grow (3.2 (2), 3.2.3), which CAP calls Likely; once lifted, that
// the danger is over is Observed.
func capCertainty(w Warning) string {
	if w.MsgType == MsgCancel {
		return "Observed"
	}
	return "Likely"
}

// drillMark starts every human-readable text of a drill (plan 7.3: drill
// incidents must never be mistaken for real ones).
const drillMark = "【演练】"

// CAP returns the version as a CAP 1.2 XML document (UTF-8, with XML
// declaration). It validates w first, so nothing invalid is published.
func (w Warning) CAP() ([]byte, error) {
	if err := w.Validate(); err != nil {
		return nil, err
	}
	out, err := xml.MarshalIndent(w.capAlert(), "", "  ")
	if err != nil {
		return nil, err
	}
	return append([]byte(xml.Header), append(out, '\n')...), nil
}

func (w Warning) capAlert() capAlert {
	cat, known := LookupCategory(w.Category)
	a := capAlert{
		Identifier: w.Identifier,
		Sender:     w.Sender,
		Sent:       CAPTime(w.IssuedAt),
		Status:     "Actual",
		MsgType:    string(w.MsgType),
		Scope:      "Public",
	}
	if w.Drill {
		a.Status = "Exercise"
		a.Note = drillMark + "本信息为应急演练，非真实预警。"
	}
	if w.RelayedFrom != "" {
		a.Note = strings.TrimSpace(a.Note + " 转发" + w.RelayedFrom + "发布的预警信息。")
	}
	refs := make([]string, len(w.References))
	for i, r := range w.References {
		refs[i] = r.Sender + "," + r.Identifier + "," + CAPTime(r.Sent)
	}
	a.References = strings.Join(refs, " ")

	event := w.Event
	if event == "" {
		event = cat.Name + "生产安全事故"
	}
	info := capInfo{
		Language:    "zh-CN",
		Category:    cat.CAP,
		Event:       event,
		Urgency:     capUrgency(w),
		Severity:    capSeverity(w.Level),
		Certainty:   capCertainty(w),
		SenderName:  w.Authority,
		Headline:    w.headline(cat),
		Description: w.description(cat),
		Instruction: w.instruction(),
		Contact:     DutyContact,
		Parameter:   w.capParameters(),
		Area: capArea{
			AreaDesc: w.AreaDesc,
			// No <geocode> for the county: receivers may add it to the
			// polygons and warn the whole county.
			Polygon: w.Area.capPolygons(),
		},
	}
	if w.MsgType == MsgCancel {
		info.ResponseType = []string{"AllClear"}
	}
	if known {
		info.EventCode = []capValuePair{{"sitrep:category", cat.Code}}
	}
	if !w.Onset.IsZero() {
		info.Onset = CAPTime(w.Onset)
	}
	if !w.Expires.IsZero() {
		info.Expires = CAPTime(w.Expires)
	}
	a.Info = info
	return a
}

// capParameters: the level in words and as a code, and where the area lies
// with respect to the county when that is not simply inside it.
func (w Warning) capParameters() []capValuePair {
	ps := []capValuePair{{"预警级别", w.Level.Label()}, {"level", w.Level.Code()}}
	if w.CrossesBorder() {
		ps = append(ps, capValuePair{"跨越县界", "是"})
	}
	if w.RelayedFrom != "" {
		ps = append(ps, capValuePair{"转发自", w.RelayedFrom})
	}
	return ps
}

// headline, e.g. "乌鲁木齐县生产安全事故应急指挥部办公室发布危险化学品黄色预警";
// an Update says what the level became, a Cancel what was lifted.
func (w Warning) headline(cat EventCategory) string {
	colour := w.Level.Colour() + "预警"
	var h string
	switch w.MsgType {
	case MsgUpdate:
		h = w.Authority + "将" + cat.Name + "预警调整为" + colour
	case MsgCancel:
		h = w.Authority + "解除" + cat.Name + colour
	default:
		h = w.Authority + "发布" + cat.Name + colour
	}
	if w.RelayedFrom != "" && w.MsgType == MsgAlert {
		h = w.Authority + "转发" + w.RelayedFrom + "发布的" + cat.Name + colour
	}
	if w.Drill {
		h = drillMark + h
	}
	return h
}

// description carries the items plan 3.2.2 says every warning states, in
// Beijing time, then the free description.
func (w Warning) description(cat EventCategory) string {
	var b strings.Builder
	if w.Drill {
		b.WriteString(drillMark + "本信息为应急演练，非真实预警。\n")
	}
	b.WriteString("事件类别：" + cat.Name + "\n")
	if w.Event != "" {
		b.WriteString("事件：" + w.Event + "\n")
	}
	b.WriteString("预警级别：" + w.Level.Label() + "\n")
	b.WriteString("预警起始时间：" + beijing.Format(w.Onset) + "\n")
	if !w.Expires.IsZero() {
		b.WriteString("预警截止时间：" + beijing.Format(w.Expires) + "\n")
	}
	b.WriteString("影响范围：" + w.AreaDesc + "\n")
	if w.CrossesBorder() {
		b.WriteString("范围跨越县界：县界以外部分以当地政府发布的信息为准\n")
	}
	b.WriteString("发布机关：" + w.Authority + "\n")
	if w.RelayedFrom != "" {
		b.WriteString("转发自：" + w.RelayedFrom + "\n")
	}
	b.WriteString("发布时间：" + beijing.Format(w.IssuedAt))
	if w.Description != "" {
		b.WriteString("\n" + w.Description)
	}
	return b.String()
}

// instruction numbers the warning items (警示事项), one per line.
func (w Warning) instruction() string {
	lines := make([]string, len(w.Items))
	for i, it := range w.Items {
		lines[i] = strconv.Itoa(i+1) + ". " + strings.TrimSpace(it)
	}
	s := strings.Join(lines, "\n")
	if w.Drill {
		s = drillMark + "\n" + s
	}
	return s
}
