package incidentstore

import (
	"context"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"sitrep/incidents"
	"sitrep/incidents/orgplan"
	"sitrep/internal/api"
	"sitrep/internal/journal"
	"sitrep/internal/validation"
)

// Transition moves the incident through its lifecycle with
// incidents.Transition: a forbidden change is a *incidents.StateError
// (409), a malformed one an validation.Errors (422), and either
// leaves nothing behind. Activating a response, changing its level or
// resuming at another level (re)builds the activation from the plan,
// keeping what the checklist already records. Closing runs the OnClose
// hooks in the same write: what was drawn only for the incident leaves
// the map with it.
func (s *Store) Transition(ctx context.Context, actor journal.Actor, id int64, to incidents.Status, req incidents.Request) (Feature, error) {
	var closedAt *time.Time
	return s.writeThen(ctx, actor, id, "state", func(tx pgx.Tx, rec *record, now time.Time) error {
		closedAt = nil
		if req.At.IsZero() {
			req.At = now
		}
		if req.At.After(now.Add(time.Minute)) {
			return validation.Errors{{Field: "at", Code: "future", Detail: inFuture}}
		}
		req.Actor = actor.Name
		change, err := rec.Inc.Apply(to, req)
		if err != nil {
			return err
		}
		if change.To.State == incidents.Active && (rec.Response == nil || rec.Response.Level != change.To.Level) {
			if err := s.activate(rec, change.To.Level, actor.Name, change.At); err != nil {
				return err
			}
		}
		if (change.To.State == incidents.Terminated || change.To.State == incidents.Closed) && rec.FollowUpsEnd == nil {
			at := change.At
			rec.FollowUpsEnd = &at
		}
		if change.To.State == incidents.Closed {
			closedAt = &change.At
		}
		return AddTimeline(ctx, tx, id, change.At, actor.Name, "state", change.Reason, change)
	}, func(tx pgx.Tx) ([]journal.Change, error) {
		if closedAt == nil {
			return nil, nil
		}
		return s.closed(ctx, tx, id, *closedAt)
	})
}

// activate builds the response for level from the plan: lead unit by kind,
// working groups and the 4.4.1 checklist. Placeholders for the township and
// the unit are named from the incident when it knows them.
func (s *Store) activate(rec *record, level incidents.ResponseLevel, by string, at time.Time) error {
	a, err := s.plan.Activate(level, rec.Inc.Kind)
	if err != nil {
		return err
	}
	name := func(us []orgplan.Unit) {
		for i, u := range us {
			switch u.Placeholder {
			case orgplan.IncidentTownship:
				if rec.Inc.Township != "" {
					us[i].Name = rec.Inc.Township + "（事发地政府）"
				}
			case orgplan.IncidentUnit:
				if rec.Inc.Unit != "" {
					us[i].Name = rec.Inc.Unit + "（事发单位）"
				}
			}
		}
	}
	for i := range a.Groups {
		name(a.Groups[i].Leads)
		name(a.Groups[i].Members)
	}
	for i := range a.Checklist {
		name(a.Checklist[i].Responsible)
	}
	if rec.Response != nil {
		// A level change keeps what was already done.
		done := map[string]orgplan.ChecklistItem{}
		for _, it := range rec.Response.Checklist {
			done[it.ID] = it
		}
		for i, it := range a.Checklist {
			if old, ok := done[it.ID]; ok {
				a.Checklist[i].Status, a.Checklist[i].By, a.Checklist[i].At, a.Checklist[i].Note = old.Status, old.By, old.At, old.Note
			}
		}
	}
	rec.Response = &Response{Activation: *a, ActivatedAt: at.UTC(), ActivatedBy: by}
	return nil
}

// MarkChecklist records a checklist item's status, who and when.
func (s *Store) MarkChecklist(ctx context.Context, actor journal.Actor, id int64, item string, status orgplan.ItemStatus, note string) (Feature, error) {
	return s.write(ctx, actor, id, "checklist", func(tx pgx.Tx, rec *record, now time.Time) error {
		if rec.Response == nil {
			return api.Conflict("", "此事件尚未启动响应，没有处置清单")
		}
		for i := range rec.Response.Checklist {
			it := &rec.Response.Checklist[i]
			if it.ID != item {
				continue
			}
			if err := it.Mark(status, actor.Name, now, strings.TrimSpace(note)); err != nil {
				return err
			}
			return AddTimeline(ctx, tx, id, now, actor.Name, "checklist", it.Note, map[string]any{
				"item": it.ID, "text": it.Text, "status": it.Status})
		}
		return api.NotFound("清单项 " + item)
	})
}
