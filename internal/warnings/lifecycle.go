package warnings

import (
	"time"

	"sitrep/internal/validation"
)

// A warning's life (plan 3.2.2 and 3.2.4): issued once, adjusted as things
// develop, lifted when the danger is over. Each step yields a new immutable
// version (a CAP Alert, Update or Cancel) and, for adjust and lift, the
// replaced version with its new status; the store writes both in one
// transaction. The functions check roles first, so a caller who may not
// publish at that level learns nothing about the rest of the input.

// Stamp is the identity the server mints for a new version: its GB/T 35965.1
// identifier (see NewIdentifier) and issue time.
type Stamp struct {
	Identifier string
	IssuedAt   time.Time
}

// New checks that role may issue w's level and that w is complete, and
// returns it as the first version of a warning: msgType Alert, status active,
// no references. Times are normalised to UTC whole seconds, as CAP publishes
// them.
func New(role string, w Warning) (Warning, error) {
	if w.Level.Valid() {
		if err := CheckIssue(role, w.Level); err != nil {
			return Warning{}, err
		}
	}
	w.MsgType, w.Status, w.References = MsgAlert, StatusActive, nil
	w = normalise(w)
	if err := w.Validate(); err != nil {
		return Warning{}, err
	}
	return w, nil
}

// Adjust publishes next as the new version of the active warning w (3.2.4
// 调整): next carries the whole new content (level, area, items …) and its
// Stamp fields. role needs CanAdjust from w's level to next's. next becomes a
// CAP Update referencing every earlier version; w comes back as adjusted.
// A drill stays a drill and a real warning stays real (plan 7.3). Sender is
// carried over when next leaves it empty, so the chain keeps one sender.
func (w Warning) Adjust(role string, next Warning) (updated, replaced Warning, err error) {
	if !w.active() {
		return Warning{}, Warning{}, ErrNotActive
	}
	if next.Level.Valid() {
		if err := CheckAdjust(role, w.Level, next.Level); err != nil {
			return Warning{}, Warning{}, err
		}
	}
	if next.Drill != w.Drill {
		return Warning{}, Warning{}, validation.Errors{{Field: "/drill", Detail: "调整不能把演练预警变为真实预警，反之亦然（预案 7.3）"}}
	}
	if next.Sender == "" {
		next.Sender = w.Sender
	}
	next.ID = 0
	next.MsgType, next.Status = MsgUpdate, StatusActive
	next.References = w.chain()
	next = normalise(next)
	if err := next.Validate(); err != nil {
		return Warning{}, Warning{}, err
	}
	w.Status = StatusAdjusted
	return next, w, nil
}

// LiftItem is the warning item every lifting carries: 3.2.4 says lifting the
// warning also lifts the measures taken under it.
const LiftItem = "解除已经采取的有关措施"

// Lift ends the active warning w (3.2.4 解除). role needs CanLift at w's
// level. The Cancel repeats w's level, category and area so receivers know
// what ended; its description is reason (or a default), its only item
// LiftItem, and it has no expiry. authority names who lifts it; empty keeps
// w's. w comes back as lifted.
func (w Warning) Lift(role string, s Stamp, authority, reason string) (cancel, lifted Warning, err error) {
	if !w.active() {
		return Warning{}, Warning{}, ErrNotActive
	}
	if err := CheckLift(role, w.Level); err != nil {
		return Warning{}, Warning{}, err
	}
	c := w
	c.ID = 0
	c.Identifier, c.IssuedAt = s.Identifier, s.IssuedAt
	c.MsgType, c.Status = MsgCancel, StatusLifted
	c.References = w.chain()
	if authority != "" {
		c.Authority = authority
	}
	c.Description = reason
	if c.Description == "" {
		c.Description = "危险已经解除，预警终止。"
	}
	c.Items = []string{LiftItem}
	c.Expires = time.Time{}
	c = normalise(c)
	if err := c.Validate(); err != nil {
		return Warning{}, Warning{}, err
	}
	w.Status = StatusLifted
	return c, w, nil
}

func (w Warning) active() bool { return w.Status == StatusActive && w.MsgType != MsgCancel }

// chain is the references of the version after w: w's own, then w.
func (w Warning) chain() []Reference {
	refs := make([]Reference, 0, len(w.References)+1)
	refs = append(refs, w.References...)
	return append(refs, w.Ref())
}

// normalise stores times as UTC whole seconds: CAP and the identifier have
// no fractions, and the stored version must equal the published one.
func normalise(w Warning) Warning {
	norm := func(t time.Time) time.Time {
		if t.IsZero() {
			return t
		}
		return t.UTC().Truncate(time.Second)
	}
	w.Onset, w.Expires, w.IssuedAt = norm(w.Onset), norm(w.Expires), norm(w.IssuedAt)
	refs := make([]Reference, len(w.References))
	for i, r := range w.References {
		r.Sent = norm(r.Sent)
		refs[i] = r
	}
	if len(refs) == 0 {
		refs = nil
	}
	w.References = refs
	return w
}
