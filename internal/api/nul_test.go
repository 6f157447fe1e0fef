package api

import "testing"

func TestNULPointer(t *testing.T) {
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
	} {
		got, found := NULPointer([]byte(c.body))
		if found != c.found || got != c.want {
			t.Errorf("%s: got %q %v, want %q %v", c.body, got, found, c.want, c.found)
		}
	}
}
