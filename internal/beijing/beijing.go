// Package beijing is the one place that knows Beijing time: the zone every
// time is shown in and the one format people read it in.
package beijing

import "time"

// Zone is China's official time, UTC+8, which is also the official time in
// Xinjiang (RULES "Time and place").
//
// It is a fixed zone rather than time.LoadLocation("Asia/Shanghai"): China
// has kept UTC+8 without daylight saving since 1991, so the fixed zone is
// exact for every time this system holds, and it cannot fail on a host or
// container without tzdata (importing time/tzdata would add ~450 KB for no
// gain).
var Zone = time.FixedZone("CST", 8*60*60)

// Label marks a time shown in Beijing time, so nobody reads it as Xinjiang
// time (UTC+6), which many people in the county keep in daily life.
const Label = "北京时间"

// Format is how people read a time, on the page, in reports and in public
// warning texts: "2024-05-01 14:05 北京时间".
func Format(t time.Time) string {
	return t.In(Zone).Format("2006-01-02 15:04") + " " + Label
}
