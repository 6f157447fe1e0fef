package areas

// CountyCode is 乌鲁木齐县's administrative division code (GB/T 2260).
const CountyCode = "650121"

// Township is one township-level division of the county.
type Township struct {
	Code string // NBS 2023 division code, 9 digits, starting with CountyCode
	Name string
}

// Townships are the county's township-level divisions, in code order (NBS
// 2023 division codes, ../shared/data/urumqi_city_townships_nbs2023.csv).
var Townships = []Township{
	{"650121001", "清水泉片区管委会街道"},
	{"650121002", "谢家沟片区管委会街道"},
	{"650121100", "水西沟镇"},
	{"650121102", "板房沟镇"},
	{"650121103", "永丰镇"},
	{"650121207", "萨尔达坂乡"},
	{"650121208", "甘沟乡"},
	{"650121213", "托里乡"},
}

// TownshipCodes lists the Townships' codes in order, for a field's allowed
// values.
var TownshipCodes = func() []string {
	out := make([]string, len(Townships))
	for i, t := range Townships {
		out[i] = t.Code
	}
	return out
}()

// TownshipName returns the name of the township with code, or "" when the
// code is not one of the county's.
func TownshipName(code string) string {
	for _, t := range Townships {
		if t.Code == code {
			return t.Name
		}
	}
	return ""
}

// TownshipOfSQL is SQL for the division code of the township that the
// geometry geom (an SQL expression, EPSG:4326) lies in: the township
// boundary, loaded with the basemap (sitrep basemap import) and matched to
// one of Townships, that holds the geometry's point on its surface. NULL
// when no such boundary is loaded there.
func TownshipOfSQL(geom string) string {
	return `(SELECT b.code FROM basemap_boundaries b WHERE b.admin_level = 8 AND b.code IS NOT NULL
		AND ST_Intersects(b.geom, ST_PointOnSurface(` + geom + `)) ORDER BY b.id LIMIT 1)`
}
