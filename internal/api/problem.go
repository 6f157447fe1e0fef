package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"sitrep/internal/validation"
)

// ProblemContentType is the media type of every error response (RFC 9457).
const ProblemContentType = "application/problem+json"

// problemTypeBase prefixes every problem type. The URN is stable and never
// dereferenced; clients switch on it, not on the title text.
const problemTypeBase = "urn:sitrep:problem:"

// ContentLanguage is the language of every text a person reads in a
// response: titles, details and each field's detail are Chinese whatever
// Accept-Language says. Programs switch on the stable parts instead: the
// type URN, each error's field (a JSON Pointer) and code.
const ContentLanguage = "zh-CN"

// FieldError names one bad field as a JSON Pointer (RFC 6901) into the request
// body, or a query parameter / header name. It is validation's type, so the
// rules packages' errors pass through unchanged.
type FieldError = validation.FieldError

// Problem is an RFC 9457 problem details object.
type Problem struct {
	Type     string `json:"type"`
	Title    string `json:"title"`
	Status   int    `json:"status"`
	Detail   string `json:"detail,omitempty"`
	Instance string `json:"instance,omitempty"`
	// Errors lists every bad field, so a form can mark them all at once.
	Errors []FieldError `json:"errors,omitempty"`
	// RetryAfter, when set, is sent as the Retry-After header (seconds).
	RetryAfter int `json:"-"`
}

func (p *Problem) Error() string {
	if p.Detail != "" {
		return fmt.Sprintf("%d %s: %s", p.Status, p.Title, p.Detail)
	}
	return fmt.Sprintf("%d %s", p.Status, p.Title)
}

// NewProblem makes a problem of a stable kind (the last part of its type URN).
func NewProblem(status int, kind, title, detail string) *Problem {
	return &Problem{Type: problemTypeBase + kind, Title: title, Status: status, Detail: detail}
}

// Invalid is a 422 for well-formed input that breaks a rule; it names every
// field that does.
func Invalid(errs ...FieldError) *Problem {
	p := NewProblem(http.StatusUnprocessableEntity, "invalid-field", "字段无效", "")
	p.Errors = errs
	if len(errs) == 1 {
		p.Detail = errs[0].Field + "：" + errs[0].Detail
	} else if len(errs) > 1 {
		p.Detail = strconv.Itoa(len(errs)) + " 个字段无效，见 errors"
	}
	return p
}

// InvalidField is Invalid for one field.
func InvalidField(field, detail string) *Problem {
	return Invalid(FieldError{Field: field, Detail: detail})
}

// BadRequest is a 400 for input that cannot be read at all (bad JSON, wrong types).
func BadRequest(field, detail string) *Problem {
	p := NewProblem(http.StatusBadRequest, "malformed-request", "请求无法读取", detail)
	if field != "" {
		p.Errors = []FieldError{{Field: field, Detail: detail}}
	}
	return p
}

// NotFound is a 404 naming what was looked for, in Chinese ("事件 12").
func NotFound(what string) *Problem {
	return NewProblem(http.StatusNotFound, "not-found", "未找到", what+" 不存在")
}

// Conflict is a 409: the request clashes with what is stored (a duplicate, a
// forbidden state change).
func Conflict(field, detail string) *Problem {
	p := NewProblem(http.StatusConflict, "conflict", "与现有数据冲突", detail)
	if field != "" {
		p.Errors = []FieldError{{Field: field, Detail: detail}}
	}
	return p
}

// Unauthorized is a 401: no valid credentials.
func Unauthorized(detail string) *Problem {
	return NewProblem(http.StatusUnauthorized, "unauthenticated", "需要登录", detail)
}

// Forbidden is a 403: the caller's role may not do this. field names what
// made it forbidden (e.g. a warning's level), when one thing did.
func Forbidden(field, detail string) *Problem {
	p := NewProblem(http.StatusForbidden, "forbidden", "无权操作", detail)
	if field != "" {
		p.Errors = []FieldError{{Field: field, Detail: detail}}
	}
	return p
}

// PreconditionFailed is a 412 for a stale If-Match.
func PreconditionFailed(detail string) *Problem {
	return NewProblem(http.StatusPreconditionFailed, "stale-version", "版本已过期", detail)
}

// PreconditionRequired is a 428 for a write that lacks If-Match.
func PreconditionRequired() *Problem {
	p := NewProblem(http.StatusPreconditionRequired, "version-required", "缺少版本号",
		"请在 If-Match 中带上读取时的版本（ETag），以免覆盖他人的修改")
	p.Errors = []FieldError{{Field: "If-Match", Code: "required", Detail: Required}}
	return p
}

// TooManyRequests is a 429 asking the client to wait.
func TooManyRequests(detail string, retryAfterSeconds int) *Problem {
	p := NewProblem(http.StatusTooManyRequests, "rate-limited", "请求过于频繁", detail)
	p.RetryAfter = retryAfterSeconds
	return p
}

// ErrBodyTimeout is what reading a request body returns when the client
// sends it too slowly (the server bounds the time a body may take).
var ErrBodyTimeout = errors.New("请求体未能按时收到")

// BodyTimeout is the 408 for a body that did not arrive in time.
func BodyTimeout() *Problem {
	return NewProblem(http.StatusRequestTimeout, "body-timeout", "请求超时",
		"请求体未能按时收到，请重新发送")
}

// Internal is the 500 a client sees; what went wrong stays in the server log.
func Internal() *Problem {
	return NewProblem(http.StatusInternalServerError, "internal", "服务器内部错误",
		"错误已记入日志；请报告发生时间和请求编号（X-Request-Id）")
}

// Unavailable is a 503 for a dependency that is down or too slow.
func Unavailable(detail string) *Problem {
	return NewProblem(http.StatusServiceUnavailable, "unavailable", "服务暂不可用", detail)
}

// WriteProblem sends p as application/problem+json.
func WriteProblem(w http.ResponseWriter, r *http.Request, p *Problem) {
	if p.Instance == "" && r != nil {
		p.Instance = r.URL.Path
	}
	h := w.Header()
	h.Set("Content-Type", ProblemContentType)
	h.Set("Content-Language", ContentLanguage)
	h.Set("Cache-Control", "no-store")
	if p.RetryAfter > 0 {
		h.Set("Retry-After", strconv.Itoa(p.RetryAfter))
	}
	w.WriteHeader(p.Status)
	_ = json.NewEncoder(w).Encode(p)
}

// Required is the detail of a missing required field (validation.Required).
const Required = validation.Required

// RequiredError is a missing required field with its stable code.
func RequiredError(field string) FieldError { return validation.RequiredError(field) }
