package beijing

import (
	"testing"
	"time"
)

func TestFormat(t *testing.T) {
	u := time.Date(2024, 12, 31, 16, 30, 0, 0, time.UTC)
	if got := Format(u); got != "2025-01-01 00:30 北京时间" {
		t.Errorf("Format = %q", got)
	}
	if _, off := u.In(Zone).Zone(); off != 8*3600 {
		t.Errorf("offset = %d", off)
	}
}

// The fixed zone must agree with the tz database wherever the database is
// available, for the years this system handles (no DST in China since 1991).
func TestBeijingMatchesTZDatabase(t *testing.T) {
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Skip("no tzdata on this host, which is why the fixed zone exists:", err)
	}
	for y := 1992; y <= 2040; y++ {
		for _, m := range []time.Month{time.January, time.July} {
			u := time.Date(y, m, 15, 12, 0, 0, 0, time.UTC)
			if a, b := u.In(loc).Format(time.DateTime), u.In(Zone).Format(time.DateTime); a != b {
				t.Fatalf("%v: tz %s, fixed %s", u, a, b)
			}
		}
	}
}
