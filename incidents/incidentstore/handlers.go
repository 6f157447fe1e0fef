package incidentstore

import (
	"encoding/json"
	"net/http"
	"strconv"

	"github.com/go-chi/chi/v5"

	"sitrep/incidents"
	"sitrep/incidents/orgplan"
	"sitrep/internal/api"
	"sitrep/internal/auth"
	"sitrep/internal/validation"
)

// Handlers serve /api/v1/incidents.
type Handlers struct{ store *Store }

// NewHandlers returns the HTTP handlers on store.
func NewHandlers(store *Store) *Handlers { return &Handlers{store: store} }

// Routes mounts the routes on r, which must authenticate. Reads need
// auth.ReadMap; writes check their own permission.
func (h *Handlers) Routes(r chi.Router) {
	read := r.With(auth.Require(auth.ReadMap))
	read.Method(http.MethodGet, "/incidents", api.HandlerFunc(h.list))
	read.Method(http.MethodGet, "/incidents/stats", api.HandlerFunc(h.stats))
	read.Method(http.MethodGet, "/incidents/{id}", api.HandlerFunc(h.get))
	read.Method(http.MethodGet, "/incidents/{id}/timeline", api.HandlerFunc(h.timeline))
	read.Method(http.MethodGet, "/incidents/{id}/reports", api.HandlerFunc(h.reports))
	r.Method(http.MethodPost, "/incidents", api.HandlerFunc(h.create))
	r.Method(http.MethodPatch, "/incidents/{id}", api.HandlerFunc(h.update))
	r.Method(http.MethodPost, "/incidents/{id}/reports", api.HandlerFunc(h.addReport))
	r.Method(http.MethodPost, "/incidents/{id}/transitions", api.HandlerFunc(h.transition))
	r.Method(http.MethodPost, "/incidents/{id}/response", api.HandlerFunc(h.respond))
	r.Method(http.MethodPatch, "/incidents/{id}/checklist/{item}", api.HandlerFunc(h.checklist))
}

// etag is the incident's version as an HTTP entity tag.

func (h *Handlers) list(w http.ResponseWriter, r *http.Request) error {
	open := false
	if v := r.URL.Query().Get("open"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return api.BadRequest("open", validation.NotBool)
		}
		open = b
	}
	fc, err := h.store.List(r.Context(), open)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/geo+json")
	return json.NewEncoder(w).Encode(fc)
}

func (h *Handlers) stats(w http.ResponseWriter, r *http.Request) error {
	var errs fieldErrors
	q := r.URL.Query()
	from := errs.parseTime("from", q.Get("from"))
	to := errs.parseTime("to", q.Get("to"))
	if err := errs.err(); err != nil {
		return err
	}
	st, err := h.store.Stats(r.Context(), from, to)
	if err != nil {
		return err
	}
	return api.WriteJSON(w, http.StatusOK, st)
}

func (h *Handlers) get(w http.ResponseWriter, r *http.Request) error {
	id, err := api.PathID(r)
	if err != nil {
		return err
	}
	f, err := h.store.Get(r.Context(), id)
	if err != nil {
		return err
	}
	return api.WriteGeoJSON(w, http.StatusOK, f, api.ETag(f.Properties.Version))
}

func (h *Handlers) timeline(w http.ResponseWriter, r *http.Request) error {
	id, err := api.PathID(r)
	if err != nil {
		return err
	}
	tl, err := h.store.Timeline(r.Context(), id)
	if err != nil {
		return err
	}
	return api.WriteJSON(w, http.StatusOK, tl)
}

func (h *Handlers) reports(w http.ResponseWriter, r *http.Request) error {
	id, err := api.PathID(r)
	if err != nil {
		return err
	}
	rs, err := h.store.Reports(r.Context(), id)
	if err != nil {
		return err
	}
	return api.WriteJSON(w, http.StatusOK, rs)
}

type createBody struct {
	Kind            string          `json:"kind"`
	Place           string          `json:"place"`
	Township        string          `json:"township"`
	Unit            string          `json:"unit"`
	Location        json.RawMessage `json:"location"`
	Area            json.RawMessage `json:"area"`
	OccurredAt      string          `json:"occurred_at"`
	ReportedAt      string          `json:"reported_at"`
	Drill           bool            `json:"drill"`
	Casualties      CasualtiesPatch `json:"casualties"`
	OtherRiskReason string          `json:"other_risk_reason"`
}

// input is what the body asks Store.Create for, every bad field named. An
// omitted occurred_at stays zero: it happened just now, by the server's clock.
func (b createBody) input() (NewIncident, error) {
	var errs fieldErrors
	in := NewIncident{Kind: errs.kind("/kind", b.Kind), Place: b.Place, Township: b.Township, Unit: b.Unit,
		Drill: b.Drill, Casualties: b.Casualties.Apply(incidents.Casualties{}), OtherRiskReason: b.OtherRiskReason}
	in.OccurredAt = errs.parseTime("/occurred_at", b.OccurredAt)
	in.ReportedAt = errs.parseTime("/reported_at", b.ReportedAt)
	in.Location = errs.point("/location", b.Location)
	in.Area = errs.polygonal("/area", b.Area)
	return in, errs.err()
}

func (h *Handlers) create(w http.ResponseWriter, r *http.Request) error {
	if err := auth.Check(r.Context(), auth.ManageIncidents); err != nil {
		return err
	}
	var b createBody
	if err := api.DecodeJSON(r, &b); err != nil {
		return err
	}
	in, err := b.input()
	if err != nil {
		return err
	}
	f, err := h.store.Create(r.Context(), auth.Actor(r.Context()), in)
	if err != nil {
		return problemOf(err)
	}
	w.Header().Set("Location", "/api/v1/incidents/"+f.ID)
	return api.WriteGeoJSON(w, http.StatusCreated, f, api.ETag(f.Properties.Version))
}

type patchBody struct {
	Kind            *string          `json:"kind"`
	Place           *string          `json:"place"`
	Township        *string          `json:"township"`
	Unit            *string          `json:"unit"`
	Location        json.RawMessage  `json:"location"`
	Area            json.RawMessage  `json:"area"`
	OccurredAt      *string          `json:"occurred_at"`
	Casualties      *CasualtiesPatch `json:"casualties"`
	OtherRiskReason *string          `json:"other_risk_reason"`
}

// patch is the change the body asks Store.Update for, every bad field named.
func (b patchBody) patch() (Patch, error) {
	var errs fieldErrors
	p := Patch{Place: b.Place, Township: b.Township, Unit: b.Unit, Casualties: b.Casualties, OtherRiskReason: b.OtherRiskReason}
	if b.Kind != nil {
		k := errs.kind("/kind", *b.Kind)
		p.Kind = &k
	}
	if b.OccurredAt != nil {
		t := errs.parseTime("/occurred_at", *b.OccurredAt)
		if t.IsZero() {
			errs.add("/occurred_at", "不能清空")
		}
		p.OccurredAt = &t
	}
	if string(b.Location) == "null" {
		errs.add("/location", "已知的位置不能清空，只能更正")
	}
	p.Location = errs.point("/location", b.Location)
	p.Area = errs.polygonal("/area", b.Area)
	p.ClearArea = string(b.Area) == "null"
	return p, errs.err()
}

func (h *Handlers) update(w http.ResponseWriter, r *http.Request) error {
	if err := auth.Check(r.Context(), auth.ManageIncidents); err != nil {
		return err
	}
	id, err := api.PathID(r)
	if err != nil {
		return err
	}
	version, err := api.IfMatchVersion(r)
	if err != nil {
		return err
	}
	var b patchBody
	if err := api.DecodeJSON(r, &b); err != nil {
		return err
	}
	p, err := b.patch()
	if err != nil {
		return err
	}
	f, err := h.store.Update(r.Context(), auth.Actor(r.Context()), id, version, p)
	if err != nil {
		return problemOf(err)
	}
	return api.WriteGeoJSON(w, http.StatusOK, f, api.ETag(f.Properties.Version))
}

type reportBody struct {
	Kind       string           `json:"kind"`
	Tier       string           `json:"tier"`
	ReceivedAt string           `json:"received_at"`
	Reporter   string           `json:"reporter"`
	Content    ReportContent    `json:"content"`
	Counts     *CasualtiesPatch `json:"counts"`
}

func (h *Handlers) addReport(w http.ResponseWriter, r *http.Request) error {
	if err := auth.Check(r.Context(), auth.ManageIncidents); err != nil {
		return err
	}
	id, err := api.PathID(r)
	if err != nil {
		return err
	}
	var b reportBody
	if err := api.DecodeJSON(r, &b); err != nil {
		return err
	}
	var errs fieldErrors
	if b.Kind != reportFirst && b.Kind != reportFollowUp {
		errs.add("/kind", "%s，收到 %q", validation.OneOf(ReportKinds, ReportKindLabel), b.Kind)
	}
	tier, err := incidents.ParseTier(b.Tier)
	if err != nil || tier == incidents.TierTownship {
		errs.add("/tier", "接收报告的层级%s，收到 %q", validation.OneOf(tierCodes(ReportTiers()), tierLabel), b.Tier)
	}
	at := errs.parseTime("/received_at", b.ReceivedAt)
	if err := errs.err(); err != nil {
		return err
	}
	rep, f, err := h.store.AddReport(r.Context(), auth.Actor(r.Context()), id,
		NewReport{Kind: b.Kind, Tier: tier, ReceivedAt: at, Reporter: b.Reporter, Content: b.Content, Counts: b.Counts})
	if err != nil {
		return problemOf(err)
	}
	return api.WriteJSON(w, http.StatusCreated, map[string]any{"report": rep, "incident": f})
}

type transitionBody struct {
	State       string                       `json:"state"`
	Level       string                       `json:"level"`
	Reason      string                       `json:"reason"`
	At          string                       `json:"at"`
	Termination *incidents.TerminationChecks `json:"termination"`
}

// permissionFor is who may move an incident into a state: the record-keeping
// steps are the HQ office's; activating, suspending and ending a response
// are the HQ's decision (2.2.1, 4.7).
func permissionFor(s incidents.State) auth.Permission {
	switch s {
	case incidents.Active, incidents.Suspended, incidents.Terminated:
		return auth.ActivateResponse
	}
	return auth.ManageIncidents
}

func (h *Handlers) transition(w http.ResponseWriter, r *http.Request) error {
	id, err := api.PathID(r)
	if err != nil {
		return err
	}
	var b transitionBody
	if err := api.DecodeJSON(r, &b); err != nil {
		return err
	}
	var errs fieldErrors
	state, err := incidents.ParseState(b.State)
	if err != nil {
		errs.add("/state", "%v", err)
	}
	var level incidents.ResponseLevel
	if b.Level != "" {
		if level, err = incidents.ParseResponseLevel(b.Level); err != nil {
			errs.add("/level", "%v", err)
		}
	}
	at := errs.parseTime("/at", b.At)
	if err := errs.err(); err != nil {
		return err
	}
	if err := auth.Check(r.Context(), permissionFor(state)); err != nil {
		return err
	}
	return h.doTransition(w, r, id, incidents.Status{State: state, Level: level},
		incidents.Request{At: at, Reason: b.Reason, Termination: b.Termination})
}

func (h *Handlers) doTransition(w http.ResponseWriter, r *http.Request, id int64, to incidents.Status, req incidents.Request) error {
	f, err := h.store.Transition(r.Context(), auth.Actor(r.Context()), id, to, req)
	if err != nil {
		return problemOf(err)
	}
	return api.WriteGeoJSON(w, http.StatusOK, f, api.ETag(f.Properties.Version))
}

type responseBody struct {
	Level  string `json:"level"`
	Reason string `json:"reason"`
	At     string `json:"at"`
}

// respond activates the response at a level (or changes its level, or
// resumes a suspended one at a level): the lead unit, groups and checklist
// come from the plan.
func (h *Handlers) respond(w http.ResponseWriter, r *http.Request) error {
	if err := auth.Check(r.Context(), auth.ActivateResponse); err != nil {
		return err
	}
	id, err := api.PathID(r)
	if err != nil {
		return err
	}
	var b responseBody
	if err := api.DecodeJSON(r, &b); err != nil {
		return err
	}
	var errs fieldErrors
	level, err := incidents.ParseResponseLevel(b.Level)
	if err != nil {
		errs.add("/level", "%v", err)
	}
	at := errs.parseTime("/at", b.At)
	if err := errs.err(); err != nil {
		return err
	}
	return h.doTransition(w, r, id, incidents.Status{State: incidents.Active, Level: level},
		incidents.Request{At: at, Reason: b.Reason})
}

type checklistBody struct {
	Status string `json:"status"`
	Note   string `json:"note"`
}

func (h *Handlers) checklist(w http.ResponseWriter, r *http.Request) error {
	if err := auth.Check(r.Context(), auth.ManageIncidents); err != nil {
		return err
	}
	id, err := api.PathID(r)
	if err != nil {
		return err
	}
	var b checklistBody
	if err := api.DecodeJSON(r, &b); err != nil {
		return err
	}
	f, err := h.store.MarkChecklist(r.Context(), auth.Actor(r.Context()), id, chi.URLParam(r, "item"), orgplan.ItemStatus(b.Status), b.Note)
	if err != nil {
		return problemOf(err)
	}
	return api.WriteGeoJSON(w, http.StatusOK, f, api.ETag(f.Properties.Version))
}
