package api

import (
	"net/http"
	"net/url"
	"strconv"
	"unicode/utf8"

	"github.com/go-chi/chi/v5"
)

// PathID reads the {id} path parameter, a positive whole number; anything
// else is a 400 naming "id", the same answer on every route.
func PathID(r *http.Request) (int64, error) {
	s := chi.URLParam(r, "id")
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id < 1 {
		return 0, BadRequest("id", "the id in the URL must be a positive whole number, not "+strconv.Quote(s))
	}
	return id, nil
}

// QueryProblem is the 400 for a query parameter whose name or value
// PostgreSQL text cannot hold — a NUL (%00), or bytes that are not UTF-8
// (%FF) — naming the parameter; nil when there is none. The server asks it
// of every request, so no handler has to.
func QueryProblem(q url.Values) *Problem {
	for k, vs := range q {
		if p := queryTextProblem(k, k, "参数名"); p != nil {
			return p
		}
		for _, v := range vs {
			if p := queryTextProblem(k, v, "参数值"); p != nil {
				return p
			}
		}
	}
	return nil
}

func queryTextProblem(param, s, what string) *Problem {
	switch {
	case HasNUL(s):
		return BadRequest(param, what+NULDetail)
	case !utf8.ValidString(s):
		return BadRequest(param, what+"不是有效的 UTF-8 文本")
	}
	return nil
}
