package weatherstore

import (
	"net/http"

	"github.com/go-chi/chi/v5"

	"sitrep/internal/api"
	"sitrep/internal/auth"
)

// Handlers serve the observations.
type Handlers struct{ store *Store }

// NewHandlers returns the handlers of store.
func NewHandlers(store *Store) *Handlers { return &Handlers{store: store} }

// Routes mounts the routes on the /api/v1 router; a station sends with a
// token of a role that keeps the registry, as sensor gateways do.
func (h *Handlers) Routes(r chi.Router) {
	r.With(auth.Require(auth.EditRegistry)).Method(http.MethodPost, "/weather-observations", api.HandlerFunc(h.ingest))
}

type batchBody struct {
	Observations []Observation `json:"observations"`
}

func (h *Handlers) ingest(w http.ResponseWriter, r *http.Request) error {
	var b batchBody
	if err := api.DecodeJSON(r, &b); err != nil {
		return err
	}
	res, err := h.store.Ingest(r.Context(), auth.Actor(r.Context()), b.Observations)
	if err != nil {
		return err
	}
	return api.WriteJSON(w, http.StatusOK, res)
}
