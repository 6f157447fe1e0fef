// Package inputtest says, for tests, what a parser of outside input must
// do: refuse bad input as a client problem naming the fields (Refusal),
// and keep what it accepts as it was sent (SameGeometry). The fuzz targets
// of every such parser check each result against it, so a parser that
// fails any other way (a plain error that would become a 500, a 422 naming
// nothing, a coordinate made up) is a finding.
package inputtest

import (
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"sitrep/internal/api"
	"sitrep/internal/validation"
)

// Refusal fails t unless err refuses input the way a client must be told:
// an *api.Problem with a 4xx status, or validation.Errors (which handlers
// turn into a 422), that says what is wrong, each field it lists with a
// detail, and a 422 listing at least one. It returns the listed fields.
// input is shown on failure.
func Refusal(t testing.TB, input []byte, err error) []api.FieldError {
	t.Helper()
	var (
		p    *api.Problem
		verr validation.Errors
	)
	switch {
	case err == nil:
		t.Fatalf("input %q: want a refusal, got none", input)
	case errors.As(err, &verr):
		p = api.Invalid(verr...)
	case !errors.As(err, &p):
		t.Fatalf("input %q: %T is not a problem (a client would get a 500): %v", input, err, err)
	}
	if p.Status < 400 || p.Status > 499 {
		t.Fatalf("input %q: status %d, want a client error: %v", input, p.Status, p)
	}
	if p.Status == http.StatusUnprocessableEntity && len(p.Errors) == 0 {
		t.Fatalf("input %q: a 422 that names no field: %v", input, p)
	}
	if p.Detail == "" && len(p.Errors) == 0 {
		t.Fatalf("input %q: a refusal that says nothing: %+v", input, p)
	}
	for _, f := range p.Errors {
		if f.Detail == "" {
			t.Fatalf("input %q: field %q without a detail", input, f.Field)
		}
	}
	return p.Errors
}

// RefusedBody is Refusal for a JSON body: every listed field is a JSON
// Pointer into it (RFC 6901; "" is the whole body).
func RefusedBody(t testing.TB, input []byte, err error) []api.FieldError {
	t.Helper()
	fields := Refusal(t, input, err)
	for _, f := range fields {
		if f.Field != "" && !strings.HasPrefix(f.Field, "/") {
			t.Fatalf("input %q: field %q is not a JSON Pointer (%s)", input, f.Field, f.Detail)
		}
	}
	return fields
}

// RefusedQuery is Refusal for a query string: every listed field names
// one of the parameters sent.
func RefusedQuery(t testing.TB, query string, sent url.Values, err error) []api.FieldError {
	t.Helper()
	fields := Refusal(t, []byte(query), err)
	for _, f := range fields {
		if _, ok := sent[f.Field]; !ok {
			t.Fatalf("query %q: field %q is not a parameter sent (%s)", query, f.Field, f.Detail)
		}
	}
	return fields
}
