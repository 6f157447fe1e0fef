package geo

import "github.com/paulmach/orb"

// Zone is one hazard area produced by a model, ready to store and draw.
// Zones from one model run are returned most severe first (Level 1).
type Zone struct {
	// Level is 1 for the most severe zone of a run, 2 for the next, ...
	Level int `json:"level"`
	// Name says what the zone means, e.g. "AEGL-3", "24.1 kPa (3.5 psi)".
	Name string `json:"name"`
	// Threshold and ThresholdUnit give the level of concern that bounds the
	// zone, e.g. 58.0 "mg/m3", 24.1 "kPa", 5 "kW/m2".
	Threshold     float64 `json:"threshold"`
	ThresholdUnit string  `json:"thresholdUnit"`
	// ExtentM is the farthest reach of the zone from the source, metres.
	ExtentM float64 `json:"extentM"`
	// Polygon is the zone in WGS 84; nil when the threshold is not reached
	// anywhere (then ExtentM is 0 and Note says so).
	Polygon orb.Polygon `json:"polygon,omitempty"`
	// Note carries caveats for the duty officer, e.g. a truncated plume.
	Note string `json:"note,omitempty"`
}
