package layers

import (
	"net/http"

	"github.com/go-chi/chi/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"sitrep/hazards"
	"sitrep/internal/api"
	"sitrep/internal/auth"
	"sitrep/internal/registry"
)

// All lists the registry layers in display order.
var All = []*registry.Layer{
	HazardSources, SensitiveSites, Shelters, RescueTeams,
	SupplyDepots, MedicalFacilities, Experts, PopulationCells,
	Sensors, WeatherStations, RoadClosures,
}

// ByName returns the named layer.
func ByName(name string) (*registry.Layer, bool) {
	for _, l := range All {
		if l.Name == name {
			return l, true
		}
	}
	return nil, false
}

// Mount serves every layer at /{layer} and the safe-distance check on r
// (the /api/v1 router, behind authentication). rules nil means the shipped
// defaults.
func Mount(r chi.Router, pool *pgxpool.Pool, rules *hazards.DistanceRules) {
	if rules == nil {
		rules = hazards.DefaultDistanceRules()
	}
	for _, l := range All {
		r.Route("/"+l.Name, l.Routes(pool))
	}
	sd := &SafeDistanceHandlers{Pool: pool, Rules: rules}
	r.With(auth.Require(auth.ReadMap)).Method(http.MethodGet, "/safe-distance-violations", api.HandlerFunc(sd.List))
	r.With(auth.Require(auth.ReadMap)).Method(http.MethodGet, "/safe-distance-violations/map", api.HandlerFunc(sd.Map))
	r.With(auth.Require(auth.ReadMap)).Method(http.MethodGet, "/chemicals", api.HandlerFunc(Chemicals))
}
