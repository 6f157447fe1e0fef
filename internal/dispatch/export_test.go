package dispatch

// NearestSQLForTest exposes the rescue-teams query to the EXPLAIN test.
func NearestSQLForTest(conds []string) string { return nearestSQL(layerSpecs["rescue_teams"], conds) }
