package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"sitrep/internal/validation"
)

// DecodeJSON reads exactly one JSON value from the body into dst. Unknown
// fields, trailing data, wrong types and oversized bodies are client errors
// that name the field, so that a typo is never silently dropped.
func DecodeJSON(r *http.Request, dst any) error {
	if ct := r.Header.Get("Content-Type"); ct != "" && !isJSON(ct) {
		p := NewProblem(http.StatusUnsupportedMediaType, "unsupported-media-type", "不支持的内容类型",
			"请以 application/json 发送请求体")
		p.Errors = []FieldError{{Field: "Content-Type", Detail: "须为 application/json"}}
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
		return BadRequest("", MoreThanOneValue)
	}
	if ptr, detail, bad := TextPointer(body); bad {
		return InvalidField(ptr, detail)
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
		return TooLarge(tooBig.Limit)
	case errors.As(err, &syntaxErr):
		return BadRequest("", SyntaxDetail(syntaxErr))
	case errors.As(err, &typeErr):
		field := "/" + strings.ReplaceAll(typeErr.Field, ".", "/")
		return BadRequest(field, TypeDetail(typeErr))
	case errors.Is(err, io.EOF):
		return BadRequest("", "请求体为空；请发送一个 JSON 对象")
	case errors.Is(err, io.ErrUnexpectedEOF):
		return BadRequest("", "JSON 不完整（提前结束）")
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		name := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return BadRequest("/"+name, UnknownField(name))
	default:
		return BadRequest("", "JSON 无效")
	}
}

// The texts of JSON that cannot be read, shared by every decoder of the
// server (the API's, the registry's, the models' inputs), in Chinese;
// Go's own English messages never reach a client.

// MoreThanOneValue is the detail of a body that holds a second JSON value.
const MoreThanOneValue = "请求体只能包含一个 JSON 值"

// UnknownField is the detail of a member the request may not have.
func UnknownField(name string) string { return "未知字段 " + name }

// SyntaxDetail says where JSON breaks.
func SyntaxDetail(e *json.SyntaxError) string {
	return fmt.Sprintf("JSON 语法错误（第 %d 字节附近）", e.Offset)
}

// TypeDetail says what a member should have been and what it was.
func TypeDetail(e *json.UnmarshalTypeError) string {
	return "应为" + validation.JSONKind(e.Type) + "，收到" + validation.JSONValueKind(e.Value)
}

// TooLarge is the 413 for a body over limit bytes.
func TooLarge(limit int64) *Problem {
	return NewProblem(http.StatusRequestEntityTooLarge, "too-large", "请求体过大",
		fmt.Sprintf("请求体最多 %d 字节", limit))
}

// WriteJSON sends v as JSON with the given status.
func WriteJSON(w http.ResponseWriter, status int, v any) error {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	return json.NewEncoder(w).Encode(v)
}
