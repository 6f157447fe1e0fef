package api

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
	"unicode/utf8"
)

// NUL (U+0000) is valid in JSON and in Go strings but PostgreSQL text cannot
// hold it: a stored NUL would fail deep inside a write as a database error.
// So it is refused where input enters, naming where it was.

// NULDetail is what a person is told about a NUL character.
const NULDetail = "不能包含空字符（U+0000）"

// nulEscape is the only way a JSON text can carry U+0000: a raw 0x00 byte is
// not valid JSON, so a body without this escape has no NUL in any string.
var nulEscape = []byte(`\u0000`)

// NULPointer returns the JSON Pointer (RFC 6901) of the first string (a
// member name or a value) in the JSON text raw that holds U+0000, and
// whether there is one. raw must be valid JSON for the pointer to be exact.
func NULPointer(raw []byte) (string, bool) {
	if !bytes.Contains(raw, nulEscape) {
		return "", false
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	// path holds, per open container, the pointer token of the value being
	// read: the member name in an object, the index in an array.
	type level struct {
		array    bool
		index    int
		key      string
		afterKey bool // an object's member name was read; its value is next
	}
	var stack []level
	pointer := func(extra ...string) string {
		var b strings.Builder
		for _, l := range stack {
			b.WriteByte('/')
			if l.array {
				b.WriteString(strconv.Itoa(l.index))
			} else {
				b.WriteString(escapePointerToken(l.key))
			}
		}
		for _, e := range extra {
			b.WriteByte('/')
			b.WriteString(escapePointerToken(e))
		}
		return b.String()
	}
	// valueDone moves the innermost container past the value just read.
	valueDone := func() {
		if n := len(stack); n > 0 {
			if stack[n-1].array {
				stack[n-1].index++
			} else {
				stack[n-1].afterKey = false
			}
		}
	}
	for {
		tok, err := dec.Token()
		if err != nil {
			// The end (the escape was a written-out "\\u0000"), or not
			// JSON, which the decoder reports on its own.
			return "", false
		}
		switch t := tok.(type) {
		case json.Delim:
			switch t {
			case '{':
				stack = append(stack, level{})
			case '[':
				stack = append(stack, level{array: true})
			default:
				stack = stack[:len(stack)-1]
				valueDone()
			}
			continue
		case string:
			n := len(stack)
			if n > 0 && !stack[n-1].array && !stack[n-1].afterKey {
				// a member name
				stack[n-1].key, stack[n-1].afterKey = t, true
				if strings.ContainsRune(t, 0) {
					return pointer(), true
				}
				continue
			}
			if strings.ContainsRune(t, 0) {
				return pointer(), true
			}
		}
		valueDone()
	}
}

func escapePointerToken(s string) string {
	return strings.NewReplacer("~", "~0", "/", "~1").Replace(s)
}

// HasNUL reports whether s holds U+0000.
func HasNUL(s string) bool { return strings.IndexByte(s, 0) >= 0 }

// Unstorable says why PostgreSQL text cannot hold s — bytes that are not
// UTF-8, or a NUL — or "" when it can.
func Unstorable(s string) string {
	switch {
	case !utf8.ValidString(s):
		return "不是有效的 UTF-8 文本"
	case HasNUL(s):
		return NULDetail
	}
	return ""
}
