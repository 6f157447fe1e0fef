// Package validation is the one shape of "this input breaks a rule": a
// field named by where it is in the request and what is wrong with it. The
// pure rules (incidents, warnings, hazards) return these without knowing
// about HTTP; package api turns them into a 422 problem.
package validation

import "strings"

// FieldError is one broken rule. Field names the field: a JSON Pointer
// (RFC 6901) into the request body ("/properties/name"), a query parameter
// or a header, or a rules package's own path that its handler maps onto the
// body.
type FieldError struct {
	Field string `json:"field"`
	// Code is a stable machine-readable name of the rule ("required",
	// "future"), where the rule has one.
	Code string `json:"code,omitempty"`
	// Detail says what is wrong, for the person who filled in the form.
	Detail string `json:"detail"`
}

func (e FieldError) Error() string { return e.Field + "：" + e.Detail }

// Errors lists every broken rule at once, so a form can mark them all.
type Errors []FieldError

func (v Errors) Error() string {
	parts := make([]string, len(v))
	for i, e := range v {
		parts[i] = e.Error()
	}
	return "输入无效：" + strings.Join(parts, "；")
}

// Add appends one broken rule.
func (v *Errors) Add(field, detail string) { *v = append(*v, FieldError{Field: field, Detail: detail}) }

// OrNil returns nil when nothing is wrong, so that an empty list never
// becomes a non-nil error.
func (v Errors) OrNil() error {
	if len(v) == 0 {
		return nil
	}
	return v
}
