package incidentstore

import (
	"context"
	"encoding/json"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"sitrep/incidents"
	"sitrep/internal/api"
	"sitrep/internal/beijing"
	"sitrep/internal/db"
	"sitrep/internal/journal"
)

// Report kinds: the first report to a tier (首报) and follow-ups (续报).
const (
	reportFirst    = "first"
	reportFollowUp = "follow_up"
)

// ReportKinds are the codes a report's kind takes.
var ReportKinds = []string{reportFirst, reportFollowUp}

// ReportKindLabel is a report kind's Chinese name.
func ReportKindLabel(code string) string {
	switch code {
	case reportFirst:
		return "首报"
	case reportFollowUp:
		return "续报"
	}
	return ""
}

// ReportTiers are the tiers a report can be received by: the county and
// every tier above it (a township reports, it is not reported to).
func ReportTiers() []incidents.Tier {
	var out []incidents.Tier
	for _, t := range incidents.Tiers() {
		if t != incidents.TierTownship {
			out = append(out, t)
		}
	}
	return out
}

func tierCodes(ts []incidents.Tier) []string {
	out := make([]string, len(ts))
	for i, t := range ts {
		out[i] = t.Code()
	}
	return out
}

func tierLabel(code string) string {
	t, err := incidents.ParseTier(code)
	if err != nil {
		return ""
	}
	return t.Label()
}

// Texts of times a person got wrong.
const (
	inFuture         = "不能晚于当前时间"
	beforeOccurrence = "不能早于事故发生时间"
)

// ReportContent is what a report holds (plan 4.1.2). Every part may be
// empty in a first report, to be completed later (4.1.3); Missing lists
// what is.
type ReportContent struct {
	Unit           string `json:"unit"`             // 事故发生单位概况
	TimePlaceScene string `json:"time_place_scene"` // 事故发生的时间、地点以及事故现场情况
	Course         string `json:"course"`           // 事故的简要经过（包括应急救援情况）
	Casualties     string `json:"casualties"`       // 已经或者可能造成的伤亡人数（包括下落不明、涉险的人数）和初步估计的直接经济损失
	Measures       string `json:"measures"`         // 已经采取的措施
	Other          string `json:"other"`            // 其他应当报告的情况
}

// missing lists the 4.1.2 items left empty; counts given with the report
// stand in for the casualties text.
func (c ReportContent) missing(hasCounts bool) []string {
	out := []string{}
	for _, f := range []struct{ name, v string }{
		{"unit", c.Unit}, {"time_place_scene", c.TimePlaceScene}, {"course", c.Course},
		{"casualties", c.Casualties}, {"measures", c.Measures},
	} {
		if strings.TrimSpace(f.v) == "" && !(f.name == "casualties" && hasCounts) {
			out = append(out, f.name)
		}
	}
	return out
}

// NewReport is one report received at a tier.
type NewReport struct {
	Kind       string // "first" or "follow_up"
	Tier       incidents.Tier
	ReceivedAt time.Time // zero: now
	Reporter   string
	Content    ReportContent
	// Counts, when given, update the incident's counts, so the grade and
	// flags follow the latest report.
	Counts *CasualtiesPatch
}

// StoredReport is a report as the API returns it.
type StoredReport struct {
	ID           int64            `json:"id"`
	IncidentID   int64            `json:"incident_id"`
	Kind         string           `json:"kind"`
	Tier         incidents.Tier   `json:"tier"`
	TierLabel    string           `json:"tier_label"`
	ReceivedAt   time.Time        `json:"received_at"`
	ReceivedAtBJ string           `json:"received_at_beijing"`
	Reporter     string           `json:"reporter"`
	Content      ReportContent    `json:"content"`
	Counts       *CasualtiesPatch `json:"counts"`
	Missing      []string         `json:"missing"`
	Partial      bool             `json:"partial"`
	RecordedBy   string           `json:"recorded_by"`
	Drill        bool             `json:"drill"`
}

type storedContent struct {
	ReportContent
	Counts *CasualtiesPatch `json:"counts,omitempty"`
}

// AddReport records a report and updates the reporting clock (the tier is
// reached; a follow-up resets the follow-up deadline).
func (s *Store) AddReport(ctx context.Context, actor journal.Actor, id int64, r NewReport) (StoredReport, Feature, error) {
	var out StoredReport
	f, err := s.write(ctx, actor, id, "report", func(tx pgx.Tx, rec *record, now time.Time) error {
		at := r.ReceivedAt
		if at.IsZero() {
			at = now
		}
		at = at.UTC()
		var errs []api.FieldError
		if at.After(now.Add(time.Minute)) {
			errs = append(errs, api.FieldError{Field: "/received_at", Code: "future", Detail: inFuture})
		}
		if at.Before(rec.Inc.OccurredAt) {
			errs = append(errs, api.FieldError{Field: "/received_at", Code: "before_occurrence", Detail: beforeOccurrence})
		}
		if len(errs) > 0 {
			return api.Invalid(errs...)
		}
		if r.Counts != nil {
			if err := rec.Inc.Revise(r.Counts.Apply(rec.Inc.Casualties), rec.Inc.Exposure, rec.Inc.OtherRiskReason, at); err != nil {
				return err
			}
		}
		content, err := json.Marshal(storedContent{r.Content, r.Counts})
		if err != nil {
			return err
		}
		if err := tx.QueryRow(ctx, `INSERT INTO incident_reports (incident_id, kind, tier, received_at, reporter, content, recorded_by)
			VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
			id, r.Kind, r.Tier.Code(), at, strings.TrimSpace(r.Reporter), content, actor.Name).Scan(&out.ID); err != nil {
			return err
		}
		out = StoredReport{ID: out.ID, IncidentID: id, Kind: r.Kind, Tier: r.Tier, TierLabel: r.Tier.Label(),
			ReceivedAt: at, ReceivedAtBJ: beijing.Format(at), Reporter: strings.TrimSpace(r.Reporter),
			Content: r.Content, Counts: r.Counts, Missing: r.Content.missing(r.Counts != nil), RecordedBy: actor.Name,
			Drill: rec.Inc.Drill}
		out.Partial = len(out.Missing) > 0
		return AddTimeline(ctx, tx, id, now, actor.Name, "report", "", map[string]any{
			"report_id": out.ID, "kind": r.Kind, "tier": r.Tier, "received_at": at, "partial": out.Partial})
	})
	return out, f, err
}

// Reports returns the incident's reports, in the order received.
func (s *Store) Reports(ctx context.Context, id int64) ([]StoredReport, error) {
	var drill bool
	if err := s.pool.QueryRow(ctx, `SELECT drill FROM incidents WHERE id = $1`, id).Scan(&drill); db.IsNotFound(err) {
		return nil, notFound(id)
	} else if err != nil {
		return nil, err
	}
	rows, err := s.pool.Query(ctx, `SELECT id, kind, tier, received_at, reporter, content, recorded_by
		FROM incident_reports WHERE incident_id = $1 ORDER BY received_at, id`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []StoredReport{}
	for rows.Next() {
		var (
			r       = StoredReport{IncidentID: id, Drill: drill}
			tier    string
			content []byte
		)
		if err := rows.Scan(&r.ID, &r.Kind, &tier, &r.ReceivedAt, &r.Reporter, &content, &r.RecordedBy); err != nil {
			return nil, err
		}
		if r.Tier, err = incidents.ParseTier(tier); err != nil {
			return nil, err
		}
		var c storedContent
		if err := json.Unmarshal(content, &c); err != nil {
			return nil, err
		}
		r.Content, r.Counts = c.ReportContent, c.Counts
		r.TierLabel = r.Tier.Label()
		r.ReceivedAt = r.ReceivedAt.UTC()
		r.ReceivedAtBJ = beijing.Format(r.ReceivedAt)
		r.Missing = r.Content.missing(r.Counts != nil)
		r.Partial = len(r.Missing) > 0
		out = append(out, r)
	}
	return out, rows.Err()
}
