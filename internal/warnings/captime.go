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
