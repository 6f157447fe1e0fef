package api

import (
	"net/http"
	"strconv"

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
