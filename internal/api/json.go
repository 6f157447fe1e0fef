package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
)

// DecodeJSON reads exactly one JSON value from the body into dst. Unknown
// fields, trailing data, wrong types and oversized bodies are client errors
// that name the field, so that a typo is never silently dropped.
func DecodeJSON(r *http.Request, dst any) error {
	if ct := r.Header.Get("Content-Type"); ct != "" && !isJSON(ct) {
		p := NewProblem(http.StatusUnsupportedMediaType, "unsupported-media-type", "Unsupported media type",
			"send the body as application/json")
		p.Errors = []FieldError{{Field: "Content-Type", Detail: "must be application/json"}}
		return p
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return decodeProblem(err)
	}
	return DecodeJSONBytes(body, dst)
}

// DecodeJSONBytes is DecodeJSON for a body already read.
func DecodeJSONBytes(body []byte, dst any) error {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return decodeProblem(err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return BadRequest("", "the body holds more than one JSON value")
	}
	if ptr, ok := NULPointer(body); ok {
		return InvalidField(ptr, NULDetail)
	}
	return nil
}

func isJSON(ct string) bool {
	ct = strings.ToLower(strings.TrimSpace(strings.Split(ct, ";")[0]))
	return ct == "application/json" || strings.HasSuffix(ct, "+json")
}

func decodeProblem(err error) *Problem {
	var (
		syntaxErr *json.SyntaxError
		typeErr   *json.UnmarshalTypeError
		tooBig    *http.MaxBytesError
	)
	switch {
	case errors.Is(err, ErrBodyTimeout):
		return BodyTimeout()
	case errors.As(err, &tooBig):
		return NewProblem(http.StatusRequestEntityTooLarge, "too-large", "Request body too large",
			fmt.Sprintf("the body may hold at most %d bytes", tooBig.Limit))
	case errors.As(err, &syntaxErr):
		return BadRequest("", fmt.Sprintf("invalid JSON at byte %d: %v", syntaxErr.Offset, syntaxErr))
	case errors.As(err, &typeErr):
		field := "/" + strings.ReplaceAll(typeErr.Field, ".", "/")
		return BadRequest(field, fmt.Sprintf("expected %s, got JSON %s", typeErr.Type, typeErr.Value))
	case errors.Is(err, io.EOF):
		return BadRequest("", "the body is empty; send a JSON object")
	case errors.Is(err, io.ErrUnexpectedEOF):
		return BadRequest("", "the JSON ends too early")
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		name := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return BadRequest("/"+name, "unknown field "+name)
	default:
		return BadRequest("", "invalid JSON: "+err.Error())
	}
}

// WriteJSON sends v as JSON with the given status.
func WriteJSON(w http.ResponseWriter, status int, v any) error {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	return json.NewEncoder(w).Encode(v)
}
