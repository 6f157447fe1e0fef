package warnings

import (
	"errors"
	"math"
	"strings"
	"testing"
	"time"

	"sitrep/internal/beijing"
	"sitrep/internal/validation"
)

// t0 is 2025-06-01 10:00 Beijing time.
var t0 = time.Date(2025, 6, 1, 2, 0, 0, 0, time.UTC)

func stamp(t testing.TB, at time.Time, seq int) Stamp {
	t.Helper()
	id, err := NewIdentifier(CountyIssuer, at, seq)
	if err != nil {
		t.Fatal(err)
	}
	return Stamp{Identifier: id, IssuedAt: at}
}

// ring around 87.4E 43.5N, in GeoJSON [lon, lat] order.
func sampleRing() [][2]float64 {
	return [][2]float64{{87.4, 43.5}, {87.5, 43.5}, {87.5, 43.6}, {87.4, 43.6}, {87.4, 43.5}}
}

// draft is a complete yellow warning before New stamps it.
func draft(t testing.TB) Warning {
	s := stamp(t, t0, 0)
	return Warning{
		Identifier: s.Identifier,
		Sender:     CountyIssuer.Code(),
		IssuedAt:   s.IssuedAt,
		Level:      Yellow,
		Category:   "hazardous_chemicals",
		Event:      "液氨储罐泄漏风险",
		Area:       Area{sampleRing()},
		AreaDesc:   "板房沟镇某化工企业及周边1公里",
		Onset:      t0,
		Expires:    t0.Add(24 * time.Hour),
		Items:      []string{"周边1公里内人员做好疏散准备", "禁止无关车辆进入"},
		Authority:  DefaultAuthority(Yellow),
	}
}

func fields(err error) map[string]bool {
	var ve validation.Errors
	if !errors.As(err, &ve) {
		return nil
	}
	m := map[string]bool{}
	for _, e := range ve {
		m[e.Field] = true
	}
	return m
}

func TestValidateGood(t *testing.T) {
	w, err := New("duty_officer", draft(t))
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Validate(); err != nil {
		t.Fatal(err)
	}
}

func TestValidateNamesFields(t *testing.T) {
	cases := []struct {
		name  string
		edit  func(*Warning)
		field string
	}{
		{"no level", func(w *Warning) { w.Level = 0 }, "/level"},
		{"no category", func(w *Warning) { w.Category = "  " }, "/category"},
		{"no area", func(w *Warning) { w.Area = nil }, "/area"},
		{"open ring", func(w *Warning) { w.Area[0][4] = [2]float64{87.41, 43.5} }, "/area/0"},
		{"three points", func(w *Warning) { w.Area[0] = [][2]float64{{87.4, 43.5}, {87.5, 43.5}, {87.4, 43.5}} }, "/area/0"},
		{"degenerate", func(w *Warning) {
			w.Area[0] = [][2]float64{{87.4, 43.5}, {87.5, 43.5}, {87.4, 43.5}, {87.4, 43.5}}
		}, "/area/0"},
		{"lon out of range", func(w *Warning) { w.Area[0][2] = [2]float64{187.5, 43.6} }, "/area/0/2"},
		{"lat out of range (swapped)", func(w *Warning) {
			w.Area = Area{sampleRing(), {{43.5, 87.4}, {43.5, 97.5}, {43.6, 87.5}, {43.5, 87.4}}}
		}, "/area/1/1"},
		{"NaN", func(w *Warning) { w.Area[0][1] = [2]float64{math.NaN(), 43.5} }, "/area/0/1"},
		{"no area desc", func(w *Warning) { w.AreaDesc = "" }, "/area_desc"},
		{"no onset", func(w *Warning) { w.Onset = time.Time{} }, "/onset"},
		{"expires before onset", func(w *Warning) { w.Expires = w.Onset.Add(-time.Hour) }, "/expires"},
		{"expires at onset", func(w *Warning) { w.Expires = w.Onset }, "/expires"},
		{"expired before issue", func(w *Warning) {
			w.Onset = t0.Add(-2 * time.Hour)
			w.Expires = t0.Add(-time.Hour)
		}, "/expires"},
		{"no items", func(w *Warning) { w.Items = nil }, "/items"},
		{"blank item", func(w *Warning) { w.Items = []string{"ok", " "} }, "/items/1"},
		{"control char", func(w *Warning) { w.Items = []string{"a\x00b"} }, "/items/0"},
		{"long item", func(w *Warning) { w.Items = []string{strings.Repeat("警", 501)} }, "/items/0"},
		{"no authority", func(w *Warning) { w.Authority = "" }, "/authority"},
		{"no issue time", func(w *Warning) { w.IssuedAt = time.Time{} }, "/issued_at"},
		{"bad identifier", func(w *Warning) { w.Identifier = "abc" }, "/identifier"},
		{"sender with comma", func(w *Warning) { w.Sender = "a,b" }, "/sender"},
		{"alert with refs", func(w *Warning) {
			w.References = []Reference{{CountyIssuer.Code(), "65012100000000_20250601095900_0", t0.Add(-time.Minute)}}
		}, "/references"},
		{"update without refs", func(w *Warning) { w.MsgType = MsgUpdate }, "/references"},
		{"bad status", func(w *Warning) { w.Status = "done" }, "/status"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			w, err := New("admin", draft(t))
			if err != nil {
				t.Fatal(err)
			}
			c.edit(&w)
			got := fields(w.Validate())
			if !got[c.field] {
				t.Errorf("Validate() fields = %v, want %s", got, c.field)
			}
		})
	}
}

func TestValidateListsAll(t *testing.T) {
	w := draft(t)
	w.Level, w.Items, w.AreaDesc = 0, nil, ""
	got := fields(w.Validate())
	for _, f := range []string{"/level", "/items", "/area_desc"} {
		if !got[f] {
			t.Errorf("missing %s in %v", f, got)
		}
	}
}

func TestRingOrientationNotRequired(t *testing.T) {
	w := draft(t)
	r := sampleRing()
	for i, j := 0, len(r)-1; i < j; i, j = i+1, j-1 {
		r[i], r[j] = r[j], r[i]
	}
	w.Area = Area{r}
	if _, err := New("duty_officer", w); err != nil {
		t.Fatalf("clockwise ring rejected: %v", err)
	}
}

func TestNewChecksRoleBeforeContent(t *testing.T) {
	w := draft(t)
	w.Level = Red
	w.Items = nil
	if _, err := New("duty_officer", w); !errors.Is(err, ErrForbidden) {
		t.Fatalf("duty_officer issued red: %v", err)
	}
	if _, err := New("commander", w); fields(err) == nil || !fields(err)["/items"] {
		t.Fatalf("commander: want /items error, got %v", err)
	}
	w.Items = []string{"立即撤离"}
	got, err := New("commander", w)
	if err != nil {
		t.Fatal(err)
	}
	if got.MsgType != MsgAlert || got.Status != StatusActive || got.References != nil {
		t.Errorf("New = %s/%s/%v", got.MsgType, got.Status, got.References)
	}
	if _, err := New("viewer", draft(t)); !errors.Is(err, ErrForbidden) {
		t.Errorf("viewer issued: %v", err)
	}
}

func TestNewNormalisesTimes(t *testing.T) {
	w := draft(t)
	w.Onset = t0.In(beijing.Zone).Add(300 * time.Millisecond)
	got, err := New("duty_officer", w)
	if err != nil {
		t.Fatal(err)
	}
	if got.Onset.Location() != time.UTC || got.Onset.Nanosecond() != 0 || !got.Onset.Equal(t0) {
		t.Errorf("onset = %v", got.Onset)
	}
}

func TestAdjustAndLiftHistory(t *testing.T) {
	first, err := New("duty_officer", draft(t))
	if err != nil {
		t.Fatal(err)
	}

	// The office may not raise to orange; the HQ may.
	next := draft(t)
	s := stamp(t, t0.Add(time.Hour), 0)
	next.Identifier, next.IssuedAt, next.Sender = s.Identifier, s.IssuedAt, ""
	next.Level, next.Authority = Orange, DefaultAuthority(Orange)
	if _, _, err := first.Adjust("duty_officer", next); !errors.Is(err, ErrForbidden) {
		t.Fatalf("duty_officer raised to orange: %v", err)
	}
	second, replaced, err := first.Adjust("commander", next)
	if err != nil {
		t.Fatal(err)
	}
	if replaced.Status != StatusAdjusted || replaced.Identifier != first.Identifier {
		t.Errorf("replaced = %s %s", replaced.Identifier, replaced.Status)
	}
	if second.MsgType != MsgUpdate || second.Status != StatusActive || second.Sender != first.Sender {
		t.Errorf("second = %s %s sender %q", second.MsgType, second.Status, second.Sender)
	}
	if len(second.References) != 1 || second.References[0] != first.Ref() {
		t.Errorf("second refs = %v", second.References)
	}
	if second.Root() != first.Identifier {
		t.Errorf("root = %s", second.Root())
	}

	// The replaced version cannot be adjusted or lifted again.
	if _, _, err := replaced.Adjust("admin", next); !errors.Is(err, ErrNotActive) {
		t.Errorf("adjusted a replaced version: %v", err)
	}

	// Lowering from orange is the HQ's too; lifting orange likewise.
	ls := stamp(t, t0.Add(3*time.Hour), 0)
	if _, _, err := second.Lift("duty_officer", ls, "", ""); !errors.Is(err, ErrForbidden) {
		t.Errorf("duty_officer lifted orange: %v", err)
	}
	cancel, lifted, err := second.Lift("commander", ls, "", "")
	if err != nil {
		t.Fatal(err)
	}
	if cancel.MsgType != MsgCancel || cancel.Status != StatusLifted || lifted.Status != StatusLifted {
		t.Errorf("cancel %s/%s, lifted %s", cancel.MsgType, cancel.Status, lifted.Status)
	}
	if len(cancel.References) != 2 || cancel.References[0] != first.Ref() || cancel.References[1] != second.Ref() {
		t.Errorf("cancel refs = %v", cancel.References)
	}
	if cancel.Level != Orange || len(cancel.Items) != 1 || cancel.Items[0] != LiftItem || !cancel.Expires.IsZero() {
		t.Errorf("cancel content = %v %v %v", cancel.Level, cancel.Items, cancel.Expires)
	}
	if cancel.Authority != second.Authority {
		t.Errorf("cancel authority = %q", cancel.Authority)
	}
	if _, _, err := cancel.Lift("admin", stamp(t, t0.Add(4*time.Hour), 0), "", ""); !errors.Is(err, ErrNotActive) {
		t.Errorf("lifted a Cancel: %v", err)
	}
	if _, _, err := lifted.Lift("admin", stamp(t, t0.Add(4*time.Hour), 0), "", ""); !errors.Is(err, ErrNotActive) {
		t.Errorf("lifted a lifted warning: %v", err)
	}
}

func TestAdjustKeepsDrill(t *testing.T) {
	d := draft(t)
	d.Drill = true
	first, err := New("duty_officer", d)
	if err != nil {
		t.Fatal(err)
	}
	next := draft(t) // Drill false
	s := stamp(t, t0.Add(time.Hour), 0)
	next.Identifier, next.IssuedAt = s.Identifier, s.IssuedAt
	if _, _, err := first.Adjust("admin", next); !fields(err)["/drill"] {
		t.Fatalf("drill became real: %v", err)
	}
}

func TestAdjustRejectsEarlierIssueTime(t *testing.T) {
	first, err := New("duty_officer", draft(t))
	if err != nil {
		t.Fatal(err)
	}
	next := draft(t)
	s := stamp(t, t0.Add(-time.Hour), 0)
	next.Identifier, next.IssuedAt = s.Identifier, s.IssuedAt
	if _, _, err := first.Adjust("duty_officer", next); !fields(err)["/references/0/sent"] {
		t.Fatalf("adjustment issued before the original: %v", err)
	}
}

func TestCategoryLookup(t *testing.T) {
	c, ok := LookupCategory("Hazardous_Chemicals")
	if !ok || c.Name != "危险化学品" || c.CAP[0] != "CBRNE" {
		t.Errorf("got %+v %v", c, ok)
	}
	c, ok = LookupCategory("火灾")
	if !ok || c.Code != "fire" {
		t.Errorf("got %+v %v", c, ok)
	}
	c, ok = LookupCategory("粉尘爆炸")
	if ok || c.Name != "粉尘爆炸" || c.CAP[0] != "Safety" {
		t.Errorf("free text: %+v %v", c, ok)
	}
	all := EventCategories()
	all[0].CAP[0] = "mutated"
	if EventCategories()[0].CAP[0] == "mutated" {
		t.Error("EventCategories shares its slices")
	}
}

func TestAreaGeoJSON(t *testing.T) {
	b, err := Area{sampleRing()}.GeoJSON()
	if err != nil {
		t.Fatal(err)
	}
	want := `{"type":"MultiPolygon","coordinates":[[[[87.4,43.5],[87.5,43.5],[87.5,43.6],[87.4,43.6],[87.4,43.5]]]]}`
	if string(b) != want {
		t.Errorf("got %s", b)
	}
}
