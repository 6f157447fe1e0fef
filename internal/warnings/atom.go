package warnings

import (
	"encoding/xml"
	"time"
)

// The CAP feed is an Atom feed (RFC 4287) of the published warnings, the
// form public alerting hubs poll: one entry per CAP message, linking its
// document. An adjusted warning's entry is its Update and a lifted one's its
// Cancel, each referencing the earlier messages in CAP <references>.

// AtomContentType is the feed's media type.
const AtomContentType = "application/atom+xml; charset=utf-8"

// FeedID is the feed's permanent Atom id.
const FeedID = "urn:sitrep:650121:warnings"

type atomFeed struct {
	XMLName  xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
	ID       string      `xml:"id"`
	Title    string      `xml:"title"`
	Subtitle string      `xml:"subtitle"`
	Updated  string      `xml:"updated"`
	Author   atomPerson  `xml:"author"`
	Links    []atomLink  `xml:"link"`
	Entries  []atomEntry `xml:"entry"`
}

type atomPerson struct {
	Name string `xml:"name"`
}

type atomLink struct {
	Rel  string `xml:"rel,attr"`
	Type string `xml:"type,attr,omitempty"`
	Href string `xml:"href,attr"`
}

type atomEntry struct {
	ID        string       `xml:"id"`
	Title     string       `xml:"title"`
	Updated   string       `xml:"updated"`
	Published string       `xml:"published"`
	Author    atomPerson   `xml:"author"`
	Category  atomCategory `xml:"category"`
	Summary   string       `xml:"summary"`
	Links     []atomLink   `xml:"link"`
}

type atomCategory struct {
	Term  string `xml:"term,attr"`
	Label string `xml:"label,attr"`
}

// Feed writes the Atom feed of ps (as Store.Published returns them).
// selfHref is the feed's own address and capHref gives each message's CAP
// document's; relative references are fine (RFC 4287 resolves them
// against the feed's address). The feed's time is its newest message's,
// or empty's when there is none.
func Feed(ps []Published, selfHref string, capHref func(identifier string) string, empty time.Time) ([]byte, error) {
	updated := empty
	if len(ps) > 0 {
		updated = ps[0].W.IssuedAt
	}
	f := atomFeed{ID: FeedID, Title: "乌鲁木齐县突发事件预警信息", Subtitle: "生产安全事故预警（CAP 1.2）",
		Author: atomPerson{Name: AuthorityOffice},
		Links:  []atomLink{{Rel: "self", Type: "application/atom+xml", Href: selfHref}},
	}
	for _, p := range ps {
		if p.W.IssuedAt.After(updated) {
			updated = p.W.IssuedAt
		}
		cat, _ := LookupCategory(p.W.Category)
		f.Entries = append(f.Entries, atomEntry{
			ID: "urn:sitrep:cap:" + p.W.Sender + ":" + p.W.Identifier, Title: p.W.Headline(),
			Updated: CAPTime(p.W.IssuedAt), Published: CAPTime(p.W.IssuedAt),
			Author:   atomPerson{Name: p.W.Authority},
			Category: atomCategory{Term: string(p.W.MsgType), Label: cat.Name + p.W.Level.Colour() + "预警"},
			Summary:  p.W.AreaDesc + "：" + p.W.Instruction(),
			Links:    []atomLink{{Rel: "alternate", Type: "application/cap+xml", Href: capHref(p.W.Identifier)}},
		})
	}
	f.Updated = CAPTime(updated)
	out, err := xml.MarshalIndent(f, "", "  ")
	if err != nil {
		return nil, err
	}
	return append([]byte(xml.Header), append(out, '\n')...), nil
}
