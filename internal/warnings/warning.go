package warnings

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"sitrep/internal/validation"
)

// MsgType is what a version does to the warning, as CAP's msgType.
type MsgType string

const (
	MsgAlert  MsgType = "Alert"  // first publication (3.2.2)
	MsgUpdate MsgType = "Update" // adjustment (3.2.4 调整)
	MsgCancel MsgType = "Cancel" // lifting (3.2.4 解除)
)

// Status is where a version stands in its warning's history.
type Status string

const (
	StatusActive   Status = "active"   // the current version of a warning in force
	StatusAdjusted Status = "adjusted" // replaced by a later Update
	StatusLifted   Status = "lifted"   // the warning was lifted; also the Cancel itself
)

// Reference points at an earlier version, as CAP's "sender,identifier,sent".
type Reference struct {
	Sender     string    `json:"sender"`
	Identifier string    `json:"identifier"`
	Sent       time.Time `json:"sent"`
}

// Warning is one published version of a warning (预警). Plan 3.2.2 lists what
// a warning carries: event category, level, start time, warning items,
// issuing authority and issue time; the rest is what CAP and the map need.
type Warning struct {
	ID         int64       `json:"id,omitempty"` // database key; 0 until stored
	Identifier string      `json:"identifier"`   // GB/T 35965.1, one per version
	Sender     string      `json:"sender"`       // CAP sender: the issuer code, same for every version
	MsgType    MsgType     `json:"msg_type"`
	Status     Status      `json:"status"`
	References []Reference `json:"references,omitempty"` // every earlier version, oldest first

	Level Level `json:"level"`
	// Category is an EventCategory code or name, or free text (事件类别).
	Category string `json:"category"`
	// Event names the specific hazard, e.g. "液氨储罐泄漏"; optional.
	Event string `json:"event,omitempty"`
	// Description is the situation in a few sentences; optional.
	Description string `json:"description,omitempty"`

	Area     Area   `json:"area"`
	AreaDesc string `json:"area_desc"` // the area in words, e.g. "板房沟镇东沟村及周边3公里"

	Onset   time.Time `json:"onset"`            // 预警起始时间
	Expires time.Time `json:"expires,omitzero"` // zero: until adjusted or lifted
	Items   []string  `json:"items"`            // 警示事项, one measure or advice each
	// Authority is the issuing authority's name (发布机关), see DefaultAuthority.
	Authority string    `json:"authority"`
	IssuedAt  time.Time `json:"issued_at"` // 发布时间, CAP sent; also in Identifier

	// Drill marks an exercise (plan 7.3): CAP status Exercise, and every
	// text says so, so it is never taken for a real warning.
	Drill bool `json:"drill"`
}

// Issuing authorities by level, plan 3.2.2.
const (
	AuthorityOffice = "乌鲁木齐县生产安全事故应急指挥部办公室"
	AuthorityHQ     = "乌鲁木齐县生产安全事故应急指挥部"
)

// DefaultAuthority is the body that issues level l under plan 3.2.2: the HQ
// office for blue and yellow, the HQ for orange and red.
func DefaultAuthority(l Level) string {
	if l >= Orange {
		return AuthorityHQ
	}
	return AuthorityOffice
}

// Ref is the CAP reference to this version.
func (w Warning) Ref() Reference {
	return Reference{Sender: w.Sender, Identifier: w.Identifier, Sent: w.IssuedAt}
}

// Root is the identifier of the first version, which names the warning
// across all its versions.
func (w Warning) Root() string {
	if len(w.References) > 0 {
		return w.References[0].Identifier
	}
	return w.Identifier
}

// Text limits. Warnings go out by SMS and radio as well as CAP (3.2.2), so
// texts are short; the limits stop runaway input, not normal use.
const (
	maxShortText = 100  // authority, category, event
	maxAreaDesc  = 300  // area in words
	maxItemText  = 500  // one warning item
	maxItems     = 30   // warning items
	maxLongText  = 4000 // description
)

// Validate checks every rule a version must meet before it is published and
// returns a validation.Errors listing all broken ones, or nil. Identity fields
// (Identifier, Sender, IssuedAt) are minted by the server, so a failure there
// is the server's bug, but they are checked all the same: CAP needs them.
func (w Warning) Validate() error {
	var errs validation.Errors
	add := func(field, format string, args ...any) {
		errs = append(errs, validation.FieldError{Field: field, Detail: fmt.Sprintf(format, args...)})
	}

	if !ValidIdentifier(w.Identifier) {
		add("/identifier", "应为 GB/T 35965.1 格式 ZZZZZZDDDUUUXX_YYYYMMDDhhmmss_N，收到 %q", w.Identifier)
	}
	if msg := capToken(w.Sender); msg != "" {
		add("/sender", "%s", msg)
	}
	if w.IssuedAt.IsZero() {
		add("/issued_at", "须有发布时间（预案 3.2.2）")
	}
	switch w.MsgType {
	case MsgAlert:
		if len(w.References) > 0 {
			add("/references", "首次发布（Alert）不引用任何版本")
		}
	case MsgUpdate, MsgCancel:
		if len(w.References) == 0 {
			add("/references", "%s 须引用其之前的版本", w.MsgType)
		}
	default:
		add("/msg_type", "应为 Alert、Update 或 Cancel，收到 %q", w.MsgType)
	}
	switch w.Status {
	case StatusActive, StatusAdjusted:
		if w.MsgType == MsgCancel {
			add("/status", "Cancel 的状态只能是已解除")
		}
	case StatusLifted:
	default:
		add("/status", "应为 active、adjusted 或 lifted，收到 %q", w.Status)
	}
	for i, r := range w.References {
		at := "/references/" + strconv.Itoa(i)
		if msg := capToken(r.Sender); msg != "" {
			add(at+"/sender", "%s", msg)
		}
		if !ValidIdentifier(r.Identifier) {
			add(at+"/identifier", "不是 GB/T 35965.1 标识：%q", r.Identifier)
		} else if r.Identifier == w.Identifier {
			add(at+"/identifier", "版本不能引用自身")
		}
		switch {
		case r.Sent.IsZero():
			add(at+"/sent", validation.Required)
		case !w.IssuedAt.IsZero() && r.Sent.After(w.IssuedAt):
			add(at+"/sent", "之前的版本不能晚于本版本发出")
		case i > 0 && r.Sent.Before(w.References[i-1].Sent):
			add(at+"/sent", "引用须按时间从早到晚排列")
		}
	}

	if !w.Level.Valid() {
		add("/level", "%s", levelChoices)
	}
	checkText(&errs, "/category", w.Category, true, maxShortText)
	checkText(&errs, "/event", w.Event, false, maxShortText)
	checkText(&errs, "/description", w.Description, false, maxLongText)
	checkText(&errs, "/authority", w.Authority, true, maxShortText)
	checkText(&errs, "/area_desc", w.AreaDesc, true, maxAreaDesc)
	w.Area.validate(&errs)

	switch {
	case w.Onset.IsZero():
		add("/onset", "须填写起始时间（预案 3.2.2）")
	case !capRepresentable(w.Onset):
		add("/onset", "%s", capRangeDetail)
	}
	if !w.Expires.IsZero() {
		switch {
		case !capRepresentable(w.Expires):
			add("/expires", "%s", capRangeDetail)
		case !w.Onset.IsZero() && !w.Expires.After(w.Onset):
			add("/expires", "须晚于起始时间")
		case !w.IssuedAt.IsZero() && !w.Expires.After(w.IssuedAt):
			add("/expires", "须晚于发布时间，否则预警尚未发布就已结束")
		}
	}

	switch {
	case len(w.Items) == 0:
		add("/items", "至少须有一条警示事项（预案 3.2.2）")
	case len(w.Items) > maxItems:
		add("/items", "最多 %d 条，收到 %d 条", maxItems, len(w.Items))
	default:
		for i, it := range w.Items {
			checkText(&errs, "/items/"+strconv.Itoa(i), it, true, maxItemText)
		}
	}

	if len(errs) == 0 {
		return nil
	}
	return errs
}

// checkText: required text must not be blank; no text may be over max
// characters, be invalid UTF-8 or hold control characters (which XML 1.0
// cannot carry) other than line breaks and tabs.
func checkText(errs *validation.Errors, field, s string, required bool, max int) {
	switch {
	case strings.TrimSpace(s) == "":
		if required {
			*errs = append(*errs, validation.RequiredError(field))
		}
	case !utf8.ValidString(s):
		*errs = append(*errs, validation.FieldError{Field: field, Detail: "不是有效的 UTF-8 文本"})
	case utf8.RuneCountInString(s) > max:
		*errs = append(*errs, validation.FieldError{Field: field, Detail: fmt.Sprintf("最多 %d 个字符", max)})
	case strings.ContainsFunc(s, func(r rune) bool {
		return unicode.IsControl(r) && r != '\n' && r != '\r' && r != '\t'
	}):
		*errs = append(*errs, validation.FieldError{Field: field, Detail: "不能包含控制字符"})
	}
}

// capToken checks a CAP sender: required, and free of the characters CAP
// forbids in it (whitespace, comma, "<", "&"), because references are built
// from "sender,identifier,sent" triples separated by spaces.
func capToken(s string) string {
	switch {
	case s == "":
		return validation.Required
	case strings.ContainsFunc(s, func(r rune) bool {
		return unicode.IsSpace(r) || r == ',' || r == '<' || r == '&'
	}):
		return "不能包含空格、逗号、< 或 &"
	}
	return ""
}
