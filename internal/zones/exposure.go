package zones

import (
	"context"

	"github.com/jackc/pgx/v5"

	"sitrep/hazards"
	"sitrep/incidents"
	"sitrep/internal/journal"
)

// endangeredBy maps a sensitive-site kind to the important site of plan
// 1.5.2(5) it is, when it is one. Residential areas and shelters are not
// "important sites and facilities"; their people are counted as people.
var endangeredBy = map[hazards.SiteKind]incidents.ImportantSite{
	hazards.SitePowerStation:        incidents.SitePowerStation,
	hazards.SiteReservoir:           incidents.SiteWaterWorks,
	hazards.SiteDrinkingWaterSource: incidents.SiteWaterWorks,
	hazards.SiteStation:             incidents.SiteStation,
	hazards.SiteCrowdedPlace:        incidents.SiteCrowdedPlace,
	hazards.SiteSchool:              incidents.SiteCrowdedPlace,
	hazards.SiteHospital:            incidents.SiteCrowdedPlace,
	hazards.SiteOtherImportant:      incidents.SiteOther,
}

// pollutedBy maps a sensitive-site kind to the pollution target of plan
// 1.5.2(4). Only zones of a toxic release (plume, protective-action table)
// pollute; a blast or fireball ring endangers but does not pollute.
var pollutedBy = map[hazards.SiteKind]incidents.PollutionTarget{
	hazards.SiteDrinkingWaterSource: incidents.PollutionDrinkingWater,
	hazards.SiteReservoir:           incidents.PollutionReservoir,
	hazards.SiteCrowdedPlace:        incidents.PollutionCrowdedPlace,
	hazards.SiteSchool:              incidents.PollutionCrowdedPlace,
	hazards.SiteHospital:            incidents.PollutionCrowdedPlace,
}

// exposureOf counts what lies inside the incident's active zones. Each site
// counts once however many zones cover it.
func exposureOf(ctx context.Context, tx pgx.Tx, incidentID int64) (incidents.Exposure, error) {
	e := incidents.Exposure{Polluted: map[incidents.PollutionTarget]int{}, Endangered: map[incidents.ImportantSite]int{}}
	rows, err := tx.Query(ctx, `SELECT s.kind, bool_or(r.model IN ('plume', 'protective'))
		FROM zones z JOIN zone_runs r ON r.id = z.run_id
		JOIN sensitive_sites s ON ST_Intersects(z.geom, s.geom)
		WHERE z.incident_id = $1 AND z.active
		GROUP BY s.id, s.kind`, incidentID)
	if err != nil {
		return e, err
	}
	for rows.Next() {
		var (
			kind  string
			toxic bool
		)
		if err := rows.Scan(&kind, &toxic); err != nil {
			rows.Close()
			return e, err
		}
		if k, ok := endangeredBy[hazards.SiteKind(kind)]; ok {
			e.Endangered[k]++
		}
		if k, ok := pollutedBy[hazards.SiteKind(kind)]; ok && toxic {
			e.Polluted[k]++
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return e, err
	}
	// Another hazard source inside the zone is a 危化品库 endangered: the
	// secondary accident the plan fears. The source the incident happens at
	// (within SourceToleranceM of its location) is the origin, not a second one.
	var n int
	if err := tx.QueryRow(ctx, `SELECT count(DISTINCT h.id) FROM zones z JOIN hazard_sources h ON ST_Intersects(z.geom, h.geom)
		JOIN incidents i ON i.id = z.incident_id
		WHERE z.incident_id = $1 AND z.active
		  AND (i.location IS NULL OR NOT ST_DWithin(h.geom::geography, i.location::geography, $2))`,
		incidentID, SourceToleranceM).Scan(&n); err != nil {
		return e, err
	}
	if n > 0 {
		e.Endangered[incidents.SiteHazchemStore] = n
	}
	for k, v := range e.Endangered {
		if v == 0 {
			delete(e.Endangered, k)
		}
	}
	return e, nil
}

// SourceToleranceM is how near an incident's location a hazard source must
// be to be the incident's own source rather than a secondary one.
const SourceToleranceM = 50.0

// updateExposure writes the incident's exposure through its store, in tx.
func (s *Store) updateExposure(ctx context.Context, tx pgx.Tx, incidentID int64) (journal.Change, error) {
	e, err := exposureOf(ctx, tx, incidentID)
	if err != nil {
		return journal.Change{}, err
	}
	return s.incidents.SetExposure(ctx, tx, incidentID, e)
}
