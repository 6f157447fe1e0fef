package incidents

import (
	"fmt"
	"slices"

	"sitrep/internal/validation"
)

// ParseError reports a code that names none of the valid values. The API
// layer can show Valid to the user as the list of accepted codes.
type ParseError struct {
	What   string   // in Chinese, e.g. "事故类别"
	Got    string   // the rejected input
	Valid  []string // every accepted code, in canonical order
	Labels []string // the Chinese label of each of Valid
}

func (e *ParseError) Error() string {
	return fmt.Sprintf("未知的%s %q；%s", e.What, e.Got, validation.OneOf(e.Valid, func(code string) string {
		if i := slices.Index(e.Valid, code); i >= 0 && i < len(e.Labels) {
			return e.Labels[i]
		}
		return ""
	}))
}

// enumText is the code and Chinese label of one enum value. Codes are
// stable: they are stored and sent over the API, so they never change.
type enumText struct {
	code  string
	label string
}

// lookup returns the text of v from a table indexed by value; the zero
// value and anything out of range get an empty code, which every enum
// treats as invalid.
func lookup[T ~uint8](table []enumText, v T) enumText {
	if int(v) <= 0 || int(v) >= len(table) {
		return enumText{}
	}
	return table[v]
}

func parseEnum[T ~uint8](what string, table []enumText, s string) (T, error) {
	valid := make([]string, 0, len(table)-1)
	labels := make([]string, 0, len(table)-1)
	for i := 1; i < len(table); i++ {
		if table[i].code == s {
			return T(i), nil
		}
		valid = append(valid, table[i].code)
		labels = append(labels, table[i].label)
	}
	return 0, &ParseError{What: what, Got: s, Valid: valid, Labels: labels}
}

func allOf[T ~uint8](table []enumText) []T {
	out := make([]T, 0, len(table)-1)
	for i := 1; i < len(table); i++ {
		out = append(out, T(i))
	}
	return out
}

func marshalEnum[T ~uint8](what string, table []enumText, v T) ([]byte, error) {
	t := lookup(table, v)
	if t.code == "" {
		return nil, fmt.Errorf("invalid %s value %d", what, v)
	}
	return []byte(t.code), nil
}

func stringOf[T ~uint8](what string, table []enumText, v T) string {
	if t := lookup(table, v); t.code != "" {
		return t.code
	}
	return fmt.Sprintf("invalid %s(%d)", what, v)
}
