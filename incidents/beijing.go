package incidents

import "time"

// Beijing is China's official time, UTC+8, which is also the official time
// in Xinjiang.
//
// It is a fixed zone rather than time.LoadLocation("Asia/Shanghai"): China
// has kept UTC+8 without daylight saving since 1991, so the fixed zone is
// exact for every incident this system will hold, and it cannot fail on a
// host or container without tzdata. Importing time/tzdata would also work
// but adds ~450 KB to every binary for no gain.
var Beijing = time.FixedZone("CST", 8*60*60)

// BeijingLabel marks a time shown in Beijing time, so nobody reads it as
// Xinjiang time (UTC+6), which many people in the county keep in daily life.
const BeijingLabel = "北京时间"

// BeijingTime returns t in Beijing time.
func BeijingTime(t time.Time) time.Time { return t.In(Beijing) }

// FormatBeijing formats t for people, e.g. "2024-05-01 14:05 北京时间".
func FormatBeijing(t time.Time) string {
	return t.In(Beijing).Format("2006-01-02 15:04") + " " + BeijingLabel
}
