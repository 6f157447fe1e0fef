package api

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"
)

// PathID reads the {id} path parameter, a positive whole number; anything
// else is a 400 naming "id", the same answer on every route.
func PathID(r *http.Request) (int64, error) {
	s := chi.URLParam(r, "id")
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id < 1 {
		return 0, BadRequest("id", "网址中的编号须为正整数，收到 "+strconv.Quote(s))
	}
	return id, nil
}

// QueryProblem is the 400 for a query parameter whose name or value
// PostgreSQL text cannot hold (see Unstorable), naming the parameter; nil
// when there is none. The server asks it of every request, so no handler
// has to, and the parsers' fuzz targets skip what it refuses.
func QueryProblem(q url.Values) *Problem {
	for k, vs := range q {
		if why := Unstorable(k); why != "" {
			return BadRequest(strings.ToValidUTF8(k, "\ufffd"), "参数名"+why)
		}
		for _, v := range vs {
			if why := Unstorable(v); why != "" {
				return BadRequest(k, "参数值"+why)
			}
		}
	}
	return nil
}
