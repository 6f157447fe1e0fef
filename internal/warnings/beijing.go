package warnings

import "time"

// Beijing is official time (UTC+8), also in Xinjiang (RULES "Time and
// place"). China has kept no daylight saving since 1991, so a fixed zone is
// exact and needs no tzdata on the server.
var Beijing = time.FixedZone("CST", 8*60*60)

// capTimeLayout is CAP 1.2's dateTime: no fractional seconds, and a numeric
// offset even for UTC ("Z" is not allowed by the schema's pattern).
const capTimeLayout = "2006-01-02T15:04:05-07:00"

// CAPTime formats t as CAP 1.2 requires, in Beijing time:
// 2025-06-01T10:00:00+08:00.
func CAPTime(t time.Time) string { return t.In(Beijing).Format(capTimeLayout) }

// beijingText is a time for people to read, labelled as Beijing time because
// many in Xinjiang also keep Xinjiang time (UTC+6) in daily life.
func beijingText(t time.Time) string {
	return t.In(Beijing).Format("2006年01月02日 15:04") + "（北京时间）"
}
