package warnings

import (
	"time"

	"sitrep/internal/beijing"
)

// capTimeLayout is CAP 1.2's dateTime: no fractional seconds, and a numeric
// offset even for UTC ("Z" is not allowed by the schema's pattern).
const capTimeLayout = "2006-01-02T15:04:05-07:00"

// CAPTime formats t as CAP 1.2 requires, in Beijing time:
// 2025-06-01T10:00:00+08:00.
func CAPTime(t time.Time) string { return t.In(beijing.Zone).Format(capTimeLayout) }

// capRangeDetail says why a time that CAPTime cannot write is refused.
const capRangeDetail = "CAP 无法表示该时间：须在公元 0001 至 9999 年之间（北京时间）"

// capRepresentable reports whether CAPTime writes t as a dateTime the CAP
// schema takes: four-digit years, and XML Schema has no year 0.
func capRepresentable(t time.Time) bool {
	y := t.In(beijing.Zone).Year()
	return y >= 1 && y <= 9999
}
