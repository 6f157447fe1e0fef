// Package hazardsources is the registry layer of major hazard sources
// (重大危险源, plan 3.1.2) and what it needs PostGIS for: the people within
// 500 m of a site (from the population layer) that GB 18218-2018 grading
// needs, re-grading when a site, its inventory or the population around it
// changes, and the safe-distance check against sensitive sites and shelters.
// The standard's arithmetic and the distance rules live in package hazards.
package layers
