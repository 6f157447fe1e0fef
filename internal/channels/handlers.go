package channels

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"

	"sitrep/internal/api"
	"sitrep/internal/auth"
)

// Routes mounts the channel administration on r, which must authenticate;
// every route needs auth.ManageChannels.
func (s *Store) Routes(r chi.Router) {
	r = r.With(auth.Require(auth.ManageChannels))
	r.Method(http.MethodGet, "/warning-channels", api.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		cs, err := s.List(r.Context())
		if err != nil {
			return err
		}
		return api.WriteJSON(w, http.StatusOK, map[string]any{"channels": cs})
	}))
	r.Method(http.MethodPost, "/warning-channels", api.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		var in Input
		if err := api.DecodeJSON(r, &in); err != nil {
			return err
		}
		c, err := s.Create(r.Context(), auth.Actor(r.Context()), in)
		if err != nil {
			return err
		}
		w.Header().Set("ETag", `"`+strconv.Itoa(c.Version)+`"`)
		return api.WriteJSON(w, http.StatusCreated, c)
	}))
	r.Method(http.MethodPut, "/warning-channels/{id}", api.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		id, err := api.PathID(r)
		if err != nil {
			return err
		}
		v := strings.TrimSpace(r.Header.Get("If-Match"))
		if v == "" {
			return api.PreconditionRequired()
		}
		var in Input
		if err := api.DecodeJSON(r, &in); err != nil {
			return err
		}
		c, err := s.Update(r.Context(), auth.Actor(r.Context()), id, strings.Trim(strings.TrimPrefix(v, "W/"), `"`), in)
		if err != nil {
			return err
		}
		w.Header().Set("ETag", `"`+strconv.Itoa(c.Version)+`"`)
		return api.WriteJSON(w, http.StatusOK, c)
	}))
}
