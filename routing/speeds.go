package routing

// ClassSpeedKMH is the speed a vehicle keeps on a road of each OSM class
// when the way has no maxspeed: a planning speed for a laden emergency
// vehicle on the county's roads, not the legal limit. The classes are the
// network's: a road of a class not listed here is not driven.
var ClassSpeedKMH = map[string]float64{
	"motorway": 100, "motorway_link": 60,
	"trunk": 80, "trunk_link": 50,
	"primary": 60, "primary_link": 40,
	"secondary": 50, "secondary_link": 35,
	"tertiary": 40, "tertiary_link": 30,
	"unclassified": 30, "road": 30,
	"residential": 25, "living_street": 10,
	"service": 15, "track": 15,
}

// classSpeeds is ClassSpeedKMH as two arrays, bound into the build.
func classSpeeds() (classes []string, kmh []float64) {
	for c, v := range ClassSpeedKMH {
		classes = append(classes, c)
		kmh = append(kmh, v)
	}
	return classes, kmh
}
