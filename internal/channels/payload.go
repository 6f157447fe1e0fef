package channels

import (
	"encoding/json"
	"strings"
	"unicode/utf8"

	"sitrep/internal/warnings"
)

// message is the JSON format: the fields a channel that does not read CAP
// needs, and Text, the whole message as one text within the channel's
// length (an SMS's).
type message struct {
	Identifier string   `json:"identifier"`
	Sender     string   `json:"sender"`
	MsgType    string   `json:"msg_type"`
	Level      string   `json:"level"`
	LevelLabel string   `json:"level_label"`
	Headline   string   `json:"headline"`
	AreaDesc   string   `json:"area_desc"`
	Items      []string `json:"items"`
	Authority  string   `json:"authority"`
	IssuedAt   string   `json:"issued_at"`
	Drill      bool     `json:"drill"`
	References []string `json:"references"`
	Text       string   `json:"text"`
}

// body is what channel c is sent for w, and its content type.
func body(c Channel, w warnings.Warning) ([]byte, string, error) {
	if c.Format == "cap_xml" {
		b, err := w.CAP()
		return b, "application/cap+xml; charset=utf-8", err
	}
	m := message{Identifier: w.Identifier, Sender: w.Sender, MsgType: string(w.MsgType), Level: w.Level.Code(),
		LevelLabel: w.Level.Label(), Headline: w.Headline(), AreaDesc: w.AreaDesc, Items: w.Items, Authority: w.Authority,
		IssuedAt: warnings.CAPTime(w.IssuedAt), Drill: w.Drill, References: []string{}}
	for _, r := range w.References {
		m.References = append(m.References, r.Identifier)
	}
	m.Text = Text(w, c.MaxChars)
	b, err := json.Marshal(m)
	return b, "application/json; charset=utf-8", err
}

// Text is the warning as one message: the headline, the area and what to
// do, cut to max characters (when set) with an ellipsis, the headline
// always first so a cut message still says what it is.
func Text(w warnings.Warning, max *int) string {
	var b strings.Builder
	// The signature SMS platforms require, then the headline (which names
	// the authority).
	b.WriteString("【乌鲁木齐县】" + w.Headline() + "。影响范围：" + w.AreaDesc + "。")
	if w.MsgType != warnings.MsgCancel {
		b.WriteString("请" + strings.Join(w.Items, "；") + "。")
	}
	s := b.String()
	if max == nil || utf8.RuneCountInString(s) <= *max {
		return s
	}
	r := []rune(s)
	return string(r[:*max-1]) + "…"
}
