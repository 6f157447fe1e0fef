package tiles_test

import (
	"net/http"
	"strconv"

	"sitrep/internal/auth"
)

func itoa(i int) string { return strconv.Itoa(i) }

// withUser runs h as an admin (benchmarks have no login).
func withUser(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.ServeHTTP(w, r.WithContext(auth.WithUser(r.Context(), auth.User{Name: "bench", Role: auth.Admin})))
	})
}
