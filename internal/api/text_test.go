package api

import (
	"strings"
	"testing"
)

func TestTextPointer(t *testing.T) {
	long := strings.Repeat("中", MaxTextRunes+1)
	longEscaped := strings.Repeat(`\u4e2d`, MaxTextRunes) // 10,000 runes in 60,000 bytes: allowed
	for _, c := range []struct {
		body, want string
		found      bool
	}{
		{`{"name":"ok"}`, "", false},
		{`{"name":"a\u0000b"}`, "/name", true},
		{`{"properties":{"equipment":[{"item":"x"},{"item":"\u0000"}]}}`, "/properties/equipment/1/item", true},
		{`{"a":[1,[2,3],{"b":null}],"c":"\u0000"}`, "/c", true},
		{`{"a/b~c":{"x":"\u0000"}}`, "/a~1b~0c/x", true},
		{`{"bad\u0000key":1}`, "/bad\x00key", true},
		{`["x","\u0000"]`, "/1", true},
		{`"\u0000"`, "", true},
		{`{"text":"\\u0000 is written, not a NUL"}`, "", false},
		{`{"a":"short","reports":[{"course":"` + long + `"}]}`, "/reports/0/course", true},
		{`{"` + long + `":1}`, "/" + long, true},
		{`{"text":"` + longEscaped + `"}`, "", false},
		{`{"text":"` + strings.Repeat(`\"`, MaxTextRunes) + `"}`, "", false},
		{`{"n":[` + strings.Repeat("1,", MaxTextRunes) + `1]}`, "", false},
	} {
		got, detail, found := TextPointer([]byte(c.body))
		if found != c.found || got != c.want {
			t.Errorf("%.60s: got %.40q %v, want %.40q %v", c.body, got, found, c.want, c.found)
		}
		if found && detail == "" {
			t.Errorf("%.60s: no detail", c.body)
		}
	}
}

func TestLongestLiteral(t *testing.T) {
	for body, want := range map[string]int{
		`{}`:                 0,
		`{"ab":"cdef"}`:      4,
		`{"a":"x\"yz"}`:      5,
		`{"a":"\\","b":"c"}`: 2,
		`"unterminated`:      12,
	} {
		if got := longestLiteral([]byte(body)); got != want {
			t.Errorf("%s: got %d, want %d", body, got, want)
		}
	}
}
