package sensorstore

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"

	"sitrep/hazards"
	"sitrep/internal/api"
	"sitrep/sensors"
)

// Draft is what the console prefills from an alarm: an incident at the
// hazard source (the body POST /api/v1/incidents takes) and a zone run for
// its substance. A person checks and sends them; nothing is recorded here.
type Draft struct {
	Alarm    int64         `json:"alarm"`
	Incident IncidentDraft `json:"incident"`
	Zone     ZoneDraft     `json:"zone"`
}

// IncidentDraft is the prefilled incident.
type IncidentDraft struct {
	Kind       string          `json:"kind"`
	Place      string          `json:"place"`
	Unit       string          `json:"unit"`
	Township   string          `json:"township,omitempty"`
	Location   json.RawMessage `json:"location"`
	OccurredAt time.Time       `json:"occurred_at"`
}

// ZoneDraft is the prefilled zone run: the hazard source and, where its
// inventory names one, the substance; the model follows the sensor's kind
// (a toxic gas spreads as a plume, a flammable one may explode).
type ZoneDraft struct {
	HazardSourceID int64   `json:"hazard_source_id"`
	Chemical       *string `json:"chemical"`
	// CatalogueID is the hazard catalogue's id of Chemical (hazards,
	// "chlorine", "lpg", …), by its name or else its CAS number: the console
	// picks the model's substance by it. Null when the catalogue does not
	// know the chemical.
	CatalogueID *string `json:"catalogue_id"`
	Model       string  `json:"model"`
	Lon         float64 `json:"lon"`
	Lat         float64 `json:"lat"`
}

// Draft builds the prefilled incident and zone run of alarm id.
func (s *Store) Draft(ctx context.Context, id int64) (Draft, error) {
	d := Draft{Alarm: id, Incident: IncidentDraft{Kind: "hazardous_chemicals"}}
	var township, cas *string
	var kind string
	err := s.pool.QueryRow(ctx, `SELECT a.raised_at, a.message, h.id, h.enterprise, h.enterprise || ' ' || h.name, h.township_code,
			ST_AsGeoJSON(s.geom, 7), ST_X(s.geom), ST_Y(s.geom), s.kind, h.inventory -> 0 ->> 'chemical', h.inventory -> 0 ->> 'cas'
		FROM alarms a JOIN sensors s ON s.id = a.sensor_id JOIN hazard_sources h ON h.id = a.hazard_source_id
		WHERE a.id = $1`, id).Scan(&d.Incident.OccurredAt, new(string), &d.Zone.HazardSourceID, &d.Incident.Unit, &d.Incident.Place,
		&township, &d.Incident.Location, &d.Zone.Lon, &d.Zone.Lat, &kind, &d.Zone.Chemical, &cas)
	if errors.Is(err, pgx.ErrNoRows) {
		return Draft{}, api.NotFound("报警（或其传感器、重大危险源已删除）")
	}
	if err != nil {
		return Draft{}, err
	}
	if township != nil {
		d.Incident.Township = *township
	}
	d.Zone.CatalogueID = catalogueID(d.Zone.Chemical, cas)
	d.Zone.Model = "protective"
	switch sensors.Kind(kind) {
	case sensors.ToxicGas:
		d.Zone.Model = "plume"
	case sensors.FlammableGas:
		d.Zone.Model = "explosion"
	}
	return d, nil
}

// catalogueID is the catalogue's id of an inventory line's chemical, known
// by its name or else by its CAS number; nil when neither identifies it.
func catalogueID(keys ...*string) *string {
	cat := hazards.DefaultCatalogue()
	for _, k := range keys {
		if k == nil {
			continue
		}
		if e, err := cat.Lookup(*k); err == nil {
			return &e.ID
		}
	}
	return nil
}
