// Package layers is the registry's content: one file per layer, each a
// registry.Layer definition (its fields, rules and hooks), and the one list
// of them (All) that the router, the OpenAPI document, the demo and the
// importers share.
//
//   - hazard_sources.go: major hazard sources (重大危险源, plan 3.1.2);
//     hazard_grading.go keeps their GB 18218-2018 grade current (people
//     within 500 m from population_cells.go, re-graded when a site, its
//     inventory or the population around it changes); safe_distance.go
//     checks them against sensitive sites and shelters.
//   - sensitive_sites.go, population_cells.go: what danger can reach.
//   - shelters.go, rescue_teams.go, supply_depots.go, medical_facilities.go,
//     experts.go: what can be sent to meet it (plan 6.2–6.6).
//
// The standard's arithmetic and the distance rules live in package hazards;
// the engine that serves, validates and records every layer is package
// registry.
package layers
