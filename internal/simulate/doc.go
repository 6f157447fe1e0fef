// Package simulate brings the demo to life through the public API, as a duty
// officer's console and the teams' devices would: a (drill) hazardous-chemicals
// incident is reported, verified, zoned and warned about; the nearest teams are
// dispatched and drive to it, posting positions; the response is activated,
// the warning lifted, the incident terminated and closed, and the teams drive
// home. Then the next one.
//
// Every incident it creates is a drill (plan 7.3), so the map marks it 演练
// and no statistic counts it. It talks HTTP only — nothing here touches the
// database — so what the wall shows is exactly what a real client would cause.
package simulate
