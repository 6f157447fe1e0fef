package warnings

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestLevelOrderAndLabels(t *testing.T) {
	ls := Levels()
	for i := 1; i < len(ls); i++ {
		if !(ls[i-1] < ls[i]) {
			t.Fatalf("Levels not ascending: %v", ls)
		}
	}
	want := map[Level][4]string{ // code, label, roman, hex
		Blue:   {"blue", "蓝色预警（Ⅳ级，一般）", "Ⅳ", "#0000FF"},
		Yellow: {"yellow", "黄色预警（Ⅲ级，较重）", "Ⅲ", "#FFFF00"},
		Orange: {"orange", "橙色预警（Ⅱ级，严重）", "Ⅱ", "#FF7F00"},
		Red:    {"red", "红色预警（Ⅰ级，特别严重）", "Ⅰ", "#FF0000"},
	}
	for l, w := range want {
		if got := [4]string{l.Code(), l.Label(), l.Roman(), l.Hex()}; got != w {
			t.Errorf("%d: got %v, want %v", l, got, w)
		}
	}
	var zero Level
	if zero.Valid() || zero.Code() != "" || zero.Label() != "" || zero.String() != "Level(0)" {
		t.Errorf("zero level looks valid: %q %q", zero.Code(), zero.String())
	}
}

func TestParseLevel(t *testing.T) {
	cases := map[string]Level{
		"blue": Blue, "BLUE": Blue, " yellow ": Yellow, "orange": Orange, "red": Red,
		"IV": Blue, "iii": Yellow, "2": Orange, "Ⅰ": Red, "Ⅰ级": Red,
		"蓝色": Blue, "黄": Yellow, "橙色预警": Orange, "红色": Red,
	}
	for in, want := range cases {
		got, err := ParseLevel(in)
		if err != nil || got != want {
			t.Errorf("ParseLevel(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"", "green", "V", "0", "5", "purple"} {
		_, err := ParseLevel(in)
		if err == nil {
			t.Errorf("ParseLevel(%q) accepted", in)
			continue
		}
		for _, code := range []string{"blue（", "yellow（", "orange（", "red（"} {
			if !strings.Contains(err.Error(), code) {
				t.Errorf("error does not list valid value %s: %v", code, err)
			}
		}
	}
}

func TestLevelJSON(t *testing.T) {
	b, err := json.Marshal(struct{ L Level }{Orange})
	if err != nil || string(b) != `{"L":"orange"}` {
		t.Fatalf("marshal: %s %v", b, err)
	}
	var v struct{ L Level }
	if err := json.Unmarshal([]byte(`{"L":"红色"}`), &v); err != nil || v.L != Red {
		t.Fatalf("unmarshal: %v %v", v.L, err)
	}
	if err := json.Unmarshal([]byte(`{"L":"pink"}`), &v); err == nil {
		t.Fatal("unmarshal accepted pink")
	}
	if _, err := json.Marshal(struct{ L Level }{}); err == nil {
		t.Fatal("marshalled the zero level")
	}
}

func FuzzParseLevel(f *testing.F) {
	for _, s := range []string{"blue", "Ⅳ级", "黄色预警", "x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		l, err := ParseLevel(s)
		if err == nil && !l.Valid() {
			t.Fatalf("ParseLevel(%q) = invalid %v without error", s, l)
		}
		if err == nil {
			if back, err := ParseLevel(l.Code()); err != nil || back != l {
				t.Fatalf("code %q does not round-trip", l.Code())
			}
		}
	})
}
