package validation

import (
	"fmt"
	"reflect"
	"strings"
	"time"
)

// The details that recur across packages, so that one rule reads the same
// wherever a person meets it. People read Chinese; codes and units stay.
const (
	// Required is the detail of a field that must be given.
	Required = "必填"
	// NotNegative is the detail of a number below zero where none may be.
	NotNegative = "不能为负数"
	// ListedTwice is the detail of a list element that repeats another.
	ListedTwice = "重复列出"
	// NotBool is the detail of a flag that is neither true nor false.
	NotBool = "应为 true 或 false"
	// NotRFC3339 is the detail of a time that is not RFC 3339 with a zone.
	NotRFC3339 = "应为带时区的 RFC 3339 时间，例如 2025-06-01T10:00:00+08:00"
	// BBoxForm, BBoxRange and BBoxOrder are the faults of a bbox parameter.
	BBoxForm  = "bbox 为 minLon,minLat,maxLon,maxLat（四个数，WGS 84 经纬度）"
	BBoxRange = "bbox 超出范围（经度 ±180，纬度 ±90，顺序为 minLon,minLat,maxLon,maxLat）"
	BBoxOrder = "bbox 的最小值大于最大值（顺序为 minLon,minLat,maxLon,maxLat）"
)

// Dates and times Sitrep holds lie within these years: outside them a value
// is a typing slip (0024 for 2024), and year 0 is not even a date to
// PostgreSQL.
const MinYear, MaxYear = 1900, 2199

// YearsDetail is the detail of a date or time outside MinYear..MaxYear.
var YearsDetail = fmt.Sprintf("须在 %d 年至 %d 年之间", MinYear, MaxYear)

// InYears reports whether t lies within MinYear..MaxYear (UTC).
func InYears(t time.Time) bool { return t.UTC().Year() >= MinYear && t.UTC().Year() <= MaxYear }

// TooLong is the detail of a text of got characters where max is the most.
func TooLong(max, got int) string {
	return fmt.Sprintf("最多 %d 个字符（收到 %d 个）", max, got)
}

// RequiredError is a missing required field, with the stable code
// "required" a form can switch on.
func RequiredError(field string) FieldError {
	return FieldError{Field: field, Code: "required", Detail: Required}
}

// OneOf says which values a field takes: each code followed by its
// Chinese label when there is one ("school（学校）、hospital（医院）"), so a
// person can read the list and a program can copy the code.
func OneOf(codes []string, label func(string) string) string {
	parts := make([]string, len(codes))
	for i, c := range codes {
		parts[i] = c
		if label != nil {
			if l := label(c); l != "" && l != c {
				parts[i] = c + "（" + l + "）"
			}
		}
	}
	return "须为以下之一：" + strings.Join(parts, "、")
}

// JSONKind names, in Chinese, the kind of JSON value a Go type takes, for
// "应为数字，收到字符串"-style messages about a wrong JSON type.
func JSONKind(t reflect.Type) string {
	if t == nil {
		return "值"
	}
	if t.String() == "time.Time" {
		return "RFC 3339 时间字符串"
	}
	switch t.Kind() {
	case reflect.Pointer:
		return JSONKind(t.Elem())
	case reflect.String:
		return "字符串"
	case reflect.Bool:
		return "true 或 false"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "整数"
	case reflect.Float32, reflect.Float64:
		return "数字"
	case reflect.Slice, reflect.Array:
		return "数组"
	case reflect.Map, reflect.Struct:
		return "对象"
	}
	return "其他类型的值"
}

// JSONValueKind names, in Chinese, a JSON value kind as encoding/json
// reports it in an UnmarshalTypeError ("string", "number 1.5", "object").
func JSONValueKind(v string) string {
	kind, _, _ := strings.Cut(v, " ")
	switch kind {
	case "string":
		return "字符串"
	case "number":
		return "数字"
	case "bool":
		return "布尔值"
	case "array":
		return "数组"
	case "object":
		return "对象"
	case "null":
		return "null"
	}
	return v
}

// The faults of a hand-written GeoJSON geometry, worded once for every
// package that checks one (incidents, warnings).
const (
	NotGeoJSON       = "不是有效的 GeoJSON 几何"
	NeedsOuterRing   = "多边形须有外环"
	RingNotClosed    = "环未闭合：最后一个坐标点须与第一个相同"
	NotFiniteCoords  = "坐标须为有限的数字"
	WantPolygonal    = "应为 GeoJSON Polygon 或 MultiPolygon"
	WantPoint        = "应为 GeoJSON Point"
	RingTooShortForm = "闭合环至少需要 4 个坐标点（收到 %d 个）"
)

// LonOutOfRange and LatOutOfRange name a coordinate outside WGS 84.
func LonOutOfRange(lon float64) string {
	return fmt.Sprintf("经度 %g 超出 [-180, 180]（坐标顺序为 [经度, 纬度]，WGS 84）", lon)
}

// LatOutOfRange is LonOutOfRange for latitude.
func LatOutOfRange(lat float64) string {
	return fmt.Sprintf("纬度 %g 超出 [-90, 90]（坐标顺序为 [经度, 纬度]，WGS 84）", lat)
}
