package api_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"sitrep/internal/api"
	"sitrep/internal/inputtest"
)

// FuzzDecodeJSON: no body makes DecodeJSONBytes panic; JSON that fits an
// any is taken exactly when none of its strings (member names included)
// holds U+0000;
// a NUL is refused with a 422 whose pointer leads to a string holding it;
// every other refusal is a client problem.
func FuzzDecodeJSON(f *testing.F) {
	for _, s := range []string{
		`{"name":"ok"}`, `{"name":"a\u0000b"}`, `{"properties":{"equipment":[{"item":"x"},{"item":"\u0000"}]}}`,
		`{"a":[1,[2,3],{"b":null}],"c":"\u0000"}`, `{"a/b~c":{"x":"\u0000"}}`, `{"bad\u0000key":1}`, `["x","\u0000"]`,
		`"\u0000"`, `{"text":"\\u0000 is written, not a NUL"}`, `{"a":"x","a":"\u0000"}`, `{"a":"\u0000","a":"x"}`,
		`{"n":1e400}`, `{"n":-99999999999999999999}`, `{"name":'x'}`, `{"name":"x"} {}`, ``, `   `, `{`,
		"{\"name\":\"\xff\xfe\"}", "{\"name\":\"a\x00b\"}", `{"s":"\ud800\udc00\ud800"}`,
		strings.Repeat("[", 10000) + strings.Repeat("]", 10000), strings.Repeat("[", 10001) + strings.Repeat("]", 10001),
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		var v any
		err := api.DecodeJSONBytes(body, &v)
		root, valid := parseTree(body)
		// Valid JSON that does not fit Go's values (a number beyond
		// float64) is refused like any body that does not fit its type.
		valid = valid && json.Unmarshal(body, new(any)) == nil
		switch {
		case valid && !root.hasNUL():
			if err != nil {
				t.Fatalf("%q: valid JSON without a NUL refused: %v", body, err)
			}
		case valid:
			fields := inputtest.RefusedBody(t, body, err)
			var p *api.Problem
			if !errors.As(err, &p) || p.Status != http.StatusUnprocessableEntity || len(fields) != 1 {
				t.Fatalf("%q: a NUL refused as %v", body, err)
			}
			if !root.leadsToNUL(fields[0].Field) {
				t.Fatalf("%q: pointer %q does not lead to a NUL", body, fields[0].Field)
			}
		default:
			inputtest.RefusedBody(t, body, err)
		}

		// The same body into a struct, as the handlers decode: wrong types
		// and unknown members are client problems too.
		var s struct {
			Name  string            `json:"name"`
			N     *int32            `json:"n"`
			Items []struct{ X int } `json:"items"`
			Extra json.RawMessage   `json:"extra"`
		}
		if err := api.DecodeJSONBytes(body, &s); err != nil {
			inputtest.RefusedBody(t, body, err)
		}
	})
}

// tree is a JSON value that keeps what encoding/json's own values drop:
// the order of members and every one of a repeated name.
type tree struct {
	str   *string
	items []*tree
	keys  []string
	vals  []*tree
}

// parseTree reads body as exactly one JSON value.
func parseTree(body []byte) (*tree, bool) {
	if !json.Valid(body) {
		return nil, false
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var read func() (*tree, error)
	read = func() (*tree, error) {
		tok, err := dec.Token()
		if err != nil {
			return nil, err
		}
		n := &tree{}
		switch x := tok.(type) {
		case string:
			n.str = &x
		case json.Delim:
			for dec.More() {
				if x == '{' {
					k, err := dec.Token()
					if err != nil {
						return nil, err
					}
					n.keys = append(n.keys, k.(string))
				}
				c, err := read()
				if err != nil {
					return nil, err
				}
				if x == '{' {
					n.vals = append(n.vals, c)
				} else {
					n.items = append(n.items, c)
				}
			}
			if _, err := dec.Token(); err != nil {
				return nil, err
			}
		}
		return n, nil
	}
	root, err := read()
	if err != nil {
		return nil, false
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, false
	}
	return root, true
}

func (n *tree) hasNUL() bool {
	if n.str != nil && strings.ContainsRune(*n.str, 0) {
		return true
	}
	for _, k := range n.keys {
		if strings.ContainsRune(k, 0) {
			return true
		}
	}
	for _, c := range append(n.items, n.vals...) {
		if c.hasNUL() {
			return true
		}
	}
	return false
}

// leadsToNUL reports whether the JSON Pointer ptr leads to a string that
// holds U+0000, or names a member whose name does (any of the members, if
// a name is repeated).
func (n *tree) leadsToNUL(ptr string) bool {
	if ptr == "" {
		return n.str != nil && strings.ContainsRune(*n.str, 0)
	}
	if !strings.HasPrefix(ptr, "/") {
		return false
	}
	token, rest, deeper := strings.Cut(ptr[1:], "/")
	if deeper {
		rest = "/" + rest
	}
	token = strings.NewReplacer("~1", "/", "~0", "~").Replace(token)
	if n.keys != nil {
		for i, k := range n.keys {
			if k == token && ((rest == "" && strings.ContainsRune(k, 0)) || n.vals[i].leadsToNUL(rest)) {
				return true
			}
		}
		return false
	}
	i, err := strconv.Atoi(token)
	return err == nil && i >= 0 && i < len(n.items) && n.items[i].leadsToNUL(rest)
}
