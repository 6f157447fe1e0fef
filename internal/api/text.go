package api

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
	"unicode/utf8"

	"sitrep/internal/validation"
)

// Text in a JSON body is checked where input enters, naming where it was:
//
// NUL (U+0000) is valid in JSON and in Go strings but PostgreSQL text cannot
// hold it: a stored NUL would fail deep inside a write as a database error.
//
// No string may be longer than MaxTextRunes: without a bound, a megabyte in
// a free-text field would be stored, copied into the audit trail, sent to
// every wall on the live stream and printed in reports. Fields that need
// less (names, places, codes) have tighter limits of their own.

// NULDetail is what a person is told about a NUL character.
const NULDetail = "不能包含空字符（U+0000）"

// nulEscape is the only way a JSON text can carry U+0000: a raw 0x00 byte is
// not valid JSON, so a body without this escape has no NUL in any string.
var nulEscape = []byte(`\u0000`)

// MaxTextRunes bounds every string in a JSON body: a report section or a
// warning's description is far shorter.
const MaxTextRunes = 10000

// TextPointer returns the JSON Pointer (RFC 6901) of the first string (a
// member name or a value) in the JSON text raw that holds U+0000 or is
// longer than MaxTextRunes, with what is wrong with it, and whether there is
// one. raw must be valid JSON for the pointer to be exact.
func TextPointer(raw []byte) (pointer, detail string, found bool) {
	if !bytes.Contains(raw, nulEscape) && longestLiteral(raw) <= MaxTextRunes {
		// A string's runes are never more than the bytes of its literal.
		return "", "", false
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
	pointerHere := func() string {
		var b strings.Builder
		for _, l := range stack {
			b.WriteByte('/')
			if l.array {
				b.WriteString(strconv.Itoa(l.index))
			} else {
				b.WriteString(escapePointerToken(l.key))
			}
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
			// The end (the escape was a written-out "\\u0000", the long
			// literal full of escapes), or not JSON, which the decoder
			// reports on its own.
			return "", "", false
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
				if d := textFault(t); d != "" {
					return pointerHere(), d, true
				}
				continue
			}
			if d := textFault(t); d != "" {
				return pointerHere(), d, true
			}
		}
		valueDone()
	}
}

// textFault says what keeps s out of a body, or "".
func textFault(s string) string {
	switch n := utf8.RuneCountInString(s); {
	case HasNUL(s):
		return NULDetail
	case n > MaxTextRunes:
		return validation.TooLong(MaxTextRunes, n)
	}
	return ""
}

// longestLiteral is the length in bytes of the longest string literal in
// the JSON text raw (quotes excluded): one pass over the bytes, so a body
// with no long text costs no tokenising.
func longestLiteral(raw []byte) int {
	longest, start, in := 0, 0, false
	for i := 0; i < len(raw); i++ {
		switch c := raw[i]; {
		case in && c == '\\':
			i++ // the escaped byte cannot end the literal
		case c == '"':
			if in && i-start > longest {
				longest = i - start
			}
			in, start = !in, i+1
		}
	}
	if in && len(raw)-start > longest { // an unterminated literal
		longest = len(raw) - start
	}
	return longest
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
