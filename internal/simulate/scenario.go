package simulate

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/planar"
)

// team is a dispatched team as the scenario moves it.
type team struct {
	id       int64
	name     string
	at, home orb.Point
	arrived  bool
}

// Scenario plays one incident from report to close. Each step is what a
// person at the console (or a device in a truck) would send.
func (s *Simulator) Scenario(ctx context.Context) (Report, error) {
	var rep Report
	site, name, unit, err := s.pickHazardSource(ctx)
	if err != nil {
		return rep, err
	}
	if rep.IncidentID, err = s.reportIncident(ctx, site, name, unit); err != nil {
		return rep, err
	}
	incPath := "/api/v1/incidents/" + rep.IncidentID
	zones, err := s.computeZone(ctx, incPath)
	if err != nil {
		return rep, err
	}
	rep.ZoneRun = zones.Run
	teams, err := s.dispatchNearest(ctx, rep.IncidentID)
	if err != nil {
		return rep, err
	}
	for _, t := range teams {
		rep.TeamIDs = append(rep.TeamIDs, t.id)
	}
	// Warn the public around the largest zone (blue/yellow: the HQ office).
	if rep.WarningID, err = s.warnPublic(ctx, name, zones.Features[len(zones.Features)-1].Geometry); err != nil {
		return rep, err
	}
	if _, err := s.api.call(ctx, http.MethodPost, incPath+"/response", map[string]any{
		"level": "IV", "reason": "启动Ⅳ级应急响应（演练）"}, nil); err != nil {
		return rep, err
	}

	// Drive in; halfway, the scene report changes the figures.
	evolve := func(step int) error {
		if step != 3 {
			return nil
		}
		// The wind has turned since the first zone: zone again from the
		// station's newest wind, and switch the old zones off.
		if next, err := s.computeZone(ctx, incPath); err == nil {
			for _, f := range zones.Features {
				path := fmt.Sprint("/api/v1/zones/", f.ID)
				if etag, err := s.api.etag(ctx, path); err == nil {
					_, _ = s.api.call(ctx, http.MethodPatch, path, map[string]any{"active": false}, nil, "If-Match", etag)
				}
			}
			zones = next
		}
		return s.patchIncident(ctx, incPath, map[string]any{"casualties": map[string]any{
			"endangered": 12 + s.rnd.IntN(20), "serious_injuries": 1 + s.rnd.IntN(3), "evacuated": 100 + s.rnd.IntN(300)}})
	}
	n, err := s.drive(ctx, teams, func(t *team) orb.Point { return site }, "on_scene", evolve)
	rep.Fixes += n
	if err != nil {
		return rep, err
	}
	if err := sleep(ctx, s.cfg.OnScene); err != nil {
		return rep, err
	}
	n, err = s.standDown(ctx, incPath, rep.WarningID, teams)
	rep.Fixes += n
	return rep, err
}

// reportIncident records a drill accident at the site, as reported three
// minutes after it happened, with its first report, and verifies it.
func (s *Simulator) reportIncident(ctx context.Context, site orb.Point, name, unit string) (string, error) {
	now := time.Now()
	casualties := map[string]any{"endangered": 5 + s.rnd.IntN(20), "serious_injuries": s.rnd.IntN(3)}
	var inc geojson.Feature
	if _, err := s.api.call(ctx, http.MethodPost, "/api/v1/incidents", map[string]any{
		"kind": "hazardous_chemicals", "place": name + "（模拟演练）", "unit": unit, "drill": true,
		"location":    geojson.NewGeometry(site),
		"occurred_at": rfc3339(now.Add(-3 * time.Minute)), "reported_at": rfc3339(now),
		"casualties": casualties,
	}, &inc); err != nil {
		return "", err
	}
	id := fmt.Sprint(inc.ID)
	incPath := "/api/v1/incidents/" + id
	if _, err := s.api.call(ctx, http.MethodPost, incPath+"/reports", map[string]any{
		"kind": "first", "tier": "county", "received_at": rfc3339(time.Now()), "reporter": "模拟：企业值班员",
		"content": map[string]any{"unit": unit, "time_place_scene": name + "储罐区阀门泄漏（演练）",
			"course": "企业已启动现场处置方案（演练）"},
	}, nil); err != nil {
		return id, err
	}
	return id, s.transition(ctx, incPath, map[string]any{"state": "verified", "reason": "值班室电话核实（演练）"})
}

// zoneRun is a zone computation's answer: the run and its zones, innermost
// first.
type zoneRun struct {
	Run      int               `json:"run"`
	Features []geojson.Feature `json:"features"`
}

// computeZone runs the plan's first-ten-minutes model (how far to clear)
// and publishes its zones: a computation is a draft until someone switches
// it on, and the drill's zones belong on the wall.
func (s *Simulator) computeZone(ctx context.Context, incPath string) (zoneRun, error) {
	var run zoneRun
	substance := []string{"chlorine", "ammonia"}[s.rnd.IntN(2)]
	// The wind of the nearest weather station; a random one where no
	// station has reported.
	if _, err := s.api.call(ctx, http.MethodPost, incPath+"/zones", map[string]any{
		"model": "protective", "weather": "station",
		"inputs": map[string]any{"key": substance, "case": "small", "time": rfc3339(time.Now())},
	}, &run); err != nil {
		if _, err := s.api.call(ctx, http.MethodPost, incPath+"/zones", map[string]any{
			"model":  "protective",
			"inputs": map[string]any{"key": substance, "case": "small", "windFromDeg": float64(s.rnd.IntN(360)), "time": rfc3339(time.Now())},
		}, &run); err != nil {
			return run, err
		}
	}
	if len(run.Features) == 0 {
		return run, fmt.Errorf("zone computation returned no zones")
	}
	for _, f := range run.Features {
		version := fmt.Sprint(f.Properties["version"])
		if _, err := s.api.call(ctx, http.MethodPatch, fmt.Sprint("/api/v1/zones/", f.ID), map[string]any{"active": true}, nil,
			"If-Match", `"`+version+`"`); err != nil {
			return run, err
		}
	}
	return run, nil
}

// warnPublic issues a yellow drill warning over area and returns its id.
func (s *Simulator) warnPublic(ctx context.Context, name string, area orb.Geometry) (string, error) {
	var warning geojson.Feature
	if _, err := s.api.call(ctx, http.MethodPost, "/api/v1/warnings", map[string]any{
		"level": "yellow", "category": "hazardous_chemicals", "event": "危险化学品泄漏（演练）", "drill": true,
		"area": geojson.NewGeometry(area), "area_desc": name + "周边（演练）", "onset": rfc3339(time.Now()),
		"items": []string{"关闭门窗，减少外出（演练）", "听从现场指挥疏散（演练）"},
	}, &warning); err != nil {
		return "", err
	}
	return fmt.Sprint(warning.ID), nil
}

// standDown ends it all once the danger is over: the warning lifted, the
// response terminated, the teams driven home, the incident closed. It
// returns the position fixes sent.
func (s *Simulator) standDown(ctx context.Context, incPath, warningID string, teams []*team) (int, error) {
	etag, err := s.api.etag(ctx, "/api/v1/warnings/"+warningID)
	if err != nil {
		return 0, err
	}
	if _, err := s.api.call(ctx, http.MethodPost, "/api/v1/warnings/"+warningID+"/lift",
		map[string]any{"reason": "泄漏已控制（演练）"}, nil, "If-Match", etag); err != nil {
		return 0, err
	}
	if err := s.transition(ctx, incPath, map[string]any{"state": "terminated", "reason": "险情消除（演练）",
		"termination": map[string]any{"people_rescued": true, "scene_controlled": true,
			"environment_within_standards": true, "secondary_hazards_removed": true, "proposed_by": "现场指挥部（演练）"}}); err != nil {
		return 0, err
	}
	for _, t := range teams {
		if err := s.setStatus(ctx, t.id, "returning"); err != nil {
			return 0, err
		}
		t.arrived = false
	}
	n, err := s.drive(ctx, teams, func(t *team) orb.Point { return t.home }, "available", nil)
	if err != nil {
		return n, err
	}
	return n, s.transition(ctx, incPath, map[string]any{"state": "closed", "reason": "善后处置完毕（演练）"})
}

// pickHazardSource chooses where the next accident happens.
func (s *Simulator) pickHazardSource(ctx context.Context) (orb.Point, string, string, error) {
	var fc geojson.FeatureCollection
	if _, err := s.api.call(ctx, http.MethodGet, "/api/v1/hazard_sources?limit=500", nil, &fc); err != nil {
		return orb.Point{}, "", "", err
	}
	if len(fc.Features) == 0 {
		return orb.Point{}, "", "", ErrNoData
	}
	f := fc.Features[s.rnd.IntN(len(fc.Features))]
	var at orb.Point
	switch g := f.Geometry.(type) {
	case orb.Point:
		at = g
	default:
		at, _ = planar.CentroidArea(g)
	}
	return at, f.Properties.MustString("name", "危险源"), f.Properties.MustString("enterprise", ""), nil
}

// dispatchNearest sends the nearest available teams in one action and sets
// them en route.
func (s *Simulator) dispatchNearest(ctx context.Context, incidentID string) ([]*team, error) {
	var near struct {
		Results []struct {
			ID       int64            `json:"id"`
			Name     string           `json:"name"`
			Geometry geojson.Geometry `json:"geometry"`
		} `json:"results"`
	}
	q := url.Values{"layer": {"rescue_teams"}, "incident": {incidentID}, "k": {strconv.Itoa(s.cfg.Teams)}, "status": {"available"}}
	if _, err := s.api.call(ctx, http.MethodGet, "/api/v1/nearest?"+q.Encode(), nil, &near); err != nil {
		return nil, err
	}
	if len(near.Results) == 0 {
		return nil, ErrNoData
	}
	var teams []*team
	var ids []int64
	for _, r := range near.Results {
		at, ok := r.Geometry.Coordinates.(orb.Point)
		if !ok {
			continue
		}
		var home geojson.Feature
		if _, err := s.api.call(ctx, http.MethodGet, idPath("/api/v1/rescue_teams/%d", r.ID), nil, &home); err != nil {
			return nil, err
		}
		homeAt, _ := home.Geometry.(orb.Point)
		if homeAt == (orb.Point{}) {
			homeAt = at
		}
		teams = append(teams, &team{id: r.ID, name: r.Name, at: at, home: homeAt})
		ids = append(ids, r.ID)
	}
	if _, err := s.api.call(ctx, http.MethodPost, "/api/v1/incidents/"+incidentID+"/dispatch", map[string]any{"team_ids": ids}, nil); err != nil {
		return nil, err
	}
	for _, t := range teams {
		if err := s.setStatus(ctx, t.id, "en_route"); err != nil {
			return nil, err
		}
	}
	return teams, nil
}

// drive moves every team toward its target, one batch of fixes per tick,
// and gives each the status done when it arrives. between runs after each
// tick's batch with the tick number.
func (s *Simulator) drive(ctx context.Context, teams []*team, target func(*team) orb.Point, done string, between func(step int) error) (int, error) {
	fixes := 0
	for step := 1; ; step++ {
		var batch []map[string]any
		now := time.Now().UTC()
		moving := 0
		for _, t := range teams {
			if t.arrived {
				continue
			}
			moving++
			var arrived bool
			t.at, arrived = stepToward(t.at, target(t), s.cfg.SpeedMS*s.cfg.Tick.Seconds())
			batch = append(batch, map[string]any{"team_id": t.id, "lon": t.at[0], "lat": t.at[1],
				"observed_at": now.Format(time.RFC3339Nano), "speed": s.cfg.SpeedMS})
			if arrived {
				t.arrived = true
			}
		}
		if moving == 0 {
			return fixes, nil
		}
		if _, err := s.api.call(ctx, http.MethodPost, "/api/v1/positions", batch, nil); err != nil {
			return fixes, err
		}
		fixes += len(batch)
		for _, t := range teams {
			if t.arrived && batchHas(batch, t.id) {
				if err := s.setStatus(ctx, t.id, done); err != nil {
					return fixes, err
				}
			}
		}
		if between != nil {
			if err := between(step); err != nil {
				return fixes, err
			}
		}
		if err := sleep(ctx, s.cfg.Tick); err != nil {
			return fixes, err
		}
	}
}

func batchHas(batch []map[string]any, id int64) bool {
	for _, f := range batch {
		if f["team_id"] == id {
			return true
		}
	}
	return false
}

func (s *Simulator) setStatus(ctx context.Context, teamID int64, status string) error {
	_, err := s.api.call(ctx, http.MethodPost, idPath("/api/v1/dispatch/teams/%d/status", teamID), map[string]any{"status": status}, nil)
	return err
}

func (s *Simulator) transition(ctx context.Context, incPath string, body map[string]any) error {
	_, err := s.api.call(ctx, http.MethodPost, incPath+"/transitions", body, nil)
	return err
}

// patchIncident edits the incident's facts with the version just read.
func (s *Simulator) patchIncident(ctx context.Context, incPath string, patch map[string]any) error {
	etag, err := s.api.etag(ctx, incPath)
	if err != nil {
		return err
	}
	_, err = s.api.call(ctx, http.MethodPatch, incPath, patch, nil, "If-Match", etag)
	return err
}
