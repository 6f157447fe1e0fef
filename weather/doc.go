// Package weather is the weather the zone models run on: an observation
// from a weather station checked (Check), whether it is fresh enough for a
// run at a given time (Fresh), and what a model takes from it (Derive):
// the wind, the cloud cover and the Pasquill–Gifford stability class that
// wind, cloud and the sun's elevation at the place and time give (Turner's
// method, package geo/plume).
//
// A station that does not observe cloud (most automatic stations do not)
// leaves the cover unknown; then the cover that makes the atmosphere most
// stable at that place and time is taken — the one that makes the longest
// zones — and the result says it was assumed. geo/plume does the same for
// an unknown ceiling.
//
// No database and no clock: the caller picks the station (the nearest with
// a fresh observation, within MaxStationDistanceM) and gives the time.
package weather
