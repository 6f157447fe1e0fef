package db

import "strings"

// validityReasons are GEOS's reasons for an invalid geometry (what
// ST_IsValidReason says before the location in brackets), in Chinese.
var validityReasons = map[string]string{
	"Self-intersection":                             "自相交",
	"Ring Self-intersection":                        "环自相交",
	"Hole lies outside shell":                       "内环在外环之外",
	"Holes are nested":                              "内环相互嵌套",
	"Interior is disconnected":                      "多边形内部不连通",
	"Nested shells":                                 "外环相互嵌套",
	"Duplicate Rings":                               "环重复",
	"Too few distinct points in geometry component": "几何部分的不同点太少",
	"Too few points in geometry component":          "几何部分的点太少（如线的各点重合）",
	"Invalid Coordinate":                            "坐标无效",
	"Ring is not closed":                            "环未闭合",
	"Repeated Point":                                "重复点",
}

// ValidityReason translates ST_IsValidReason ("Self-intersection[87.4
// 43.5]") and keeps the location; an unknown reason is passed on as it is.
func ValidityReason(reason string) string {
	what, where, _ := strings.Cut(reason, "[")
	zh, ok := validityReasons[strings.TrimSpace(what)]
	if !ok {
		return reason
	}
	if where != "" {
		return zh + "，位置 [" + where
	}
	return zh
}
