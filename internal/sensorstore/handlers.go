package sensorstore

import (
	"net/http"

	"github.com/go-chi/chi/v5"

	"sitrep/internal/api"
	"sitrep/internal/auth"
)

// Handlers serve the readings and alarms.
type Handlers struct{ store *Store }

// NewHandlers returns the handlers of store.
func NewHandlers(store *Store) *Handlers { return &Handlers{store: store} }

// Routes mounts the routes on the /api/v1 router. A gateway sends readings
// with a token of a role that keeps the registry (the sensors are its
// features); acknowledging an alarm is the duty of whoever records
// incidents.
func (h *Handlers) Routes(r chi.Router) {
	r.With(auth.Require(auth.EditRegistry)).Method(http.MethodPost, "/sensor-readings", api.HandlerFunc(h.ingest))
	r.With(auth.Require(auth.ReadMap)).Method(http.MethodGet, "/alarms", api.HandlerFunc(h.list))
	r.With(auth.Require(auth.ReadMap)).Method(http.MethodGet, "/alarms/{id}/draft", api.HandlerFunc(h.draft))
	r.With(auth.Require(auth.ManageIncidents)).Method(http.MethodPost, "/alarms/{id}/acknowledge", api.HandlerFunc(h.acknowledge))
}

type batchBody struct {
	Readings []Reading `json:"readings"`
}

func (h *Handlers) ingest(w http.ResponseWriter, r *http.Request) error {
	var b batchBody
	if err := api.DecodeJSON(r, &b); err != nil {
		return err
	}
	res, err := h.store.Ingest(r.Context(), auth.Actor(r.Context()), b.Readings)
	if err != nil {
		return err
	}
	return api.WriteJSON(w, http.StatusOK, res)
}

func (h *Handlers) list(w http.ResponseWriter, r *http.Request) error {
	all := false
	switch v := r.URL.Query().Get("all"); v {
	case "", "false":
	case "true":
		all = true
	default:
		return api.BadRequest("all", "须为 true 或 false")
	}
	fc, err := h.store.List(r.Context(), all)
	if err != nil {
		return err
	}
	return api.WriteJSON(w, http.StatusOK, fc)
}

func (h *Handlers) draft(w http.ResponseWriter, r *http.Request) error {
	id, err := api.PathID(r)
	if err != nil {
		return err
	}
	d, err := h.store.Draft(r.Context(), id)
	if err != nil {
		return err
	}
	return api.WriteJSON(w, http.StatusOK, d)
}

func (h *Handlers) acknowledge(w http.ResponseWriter, r *http.Request) error {
	id, err := api.PathID(r)
	if err != nil {
		return err
	}
	// The box on the wall names who acknowledged: the person's name.
	u, _ := auth.FromContext(r.Context())
	person := u.DisplayName
	if person == "" {
		person = u.Name
	}
	f, err := h.store.Acknowledge(r.Context(), auth.Actor(r.Context()), person, id)
	if err != nil {
		return err
	}
	return api.WriteJSON(w, http.StatusOK, f)
}
