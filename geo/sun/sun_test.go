package sun

import (
	"math"
	"testing"
	"time"
)

const lon, lat = 87.4, 43.5 // Ürümqi County

var beijing = time.FixedZone("CST", 8*3600)

// Meeus, Astronomical Algorithms, Example 25.a (1992 October 13, 0h TD):
// low-accuracy apparent declination δ = −7.78507°; Example 28.a: equation of
// time on the same date E = +13m42.7s = 13.712 min. TD−UT was ~59 s in 1992,
// which moves δ by < 0.0003°, so UT is used here.
func TestMeeusExamples(t *testing.T) {
	p := At(0, 0, time.Date(1992, 10, 13, 0, 0, 0, 0, time.UTC))
	if d := p.DeclinationDeg - (-7.78507); math.Abs(d) > 0.001 {
		t.Errorf("declination %.5f°, Meeus 25.a gives −7.78507°", p.DeclinationDeg)
	}
	if d := p.EquationOfTimeMin - 13.712; math.Abs(d) > 0.05 {
		t.Errorf("equation of time %.3f min, Meeus 28.a gives 13.712 min", p.EquationOfTimeMin)
	}
}

// Noon elevation at the solstices and an equinox: 90° − lat + δ, with δ the
// published solar declination (±23.44° at the solstices, 0 at the equinox),
// plus refraction (< 0.03° at these elevations). The NOAA calculator gives
// the same values to 0.01°; the test allows 0.5° as the brief asks.
func TestNoonElevation(t *testing.T) {
	cases := []struct {
		name string
		day  time.Time
		want float64
	}{
		{"June solstice 2025", time.Date(2025, 6, 21, 0, 0, 0, 0, beijing), 90 - lat + 23.44},
		{"December solstice 2025", time.Date(2025, 12, 21, 0, 0, 0, 0, beijing), 90 - lat - 23.44},
		{"March equinox 2025", time.Date(2025, 3, 20, 0, 0, 0, 0, beijing), 90 - lat},
	}
	for _, c := range cases {
		best, when := -90.0, time.Time{}
		for m := 0; m < 24*60; m++ {
			tt := c.day.Add(time.Duration(m) * time.Minute)
			if e := Elevation(lon, lat, tt); e > best {
				best, when = e, tt
			}
		}
		if math.Abs(best-c.want) > 0.5 {
			t.Errorf("%s: max elevation %.2f°, want %.2f°", c.name, best, c.want)
		}
		// the county's solar noon is ~14:10 Beijing time ± equation of time (±17 min)
		hm := when.Hour()*60 + when.Minute()
		if hm < 13*60+50 || hm > 14*60+30 {
			t.Errorf("%s: solar noon at %s Beijing, expected ~14:10", c.name, when.Format("15:04"))
		}
	}
}

// Solar noon on a day when the equation of time is ~0 (mid-April, mid-June,
// 1 September, 25 December): 12:00 − 87.4°/15 h in UTC = 06:10.4 UTC =
// 14:10.4 Beijing time.
func TestSolarNoonNearEoTZero(t *testing.T) {
	for _, d := range []time.Time{
		time.Date(2025, 4, 15, 0, 0, 0, 0, beijing),
		time.Date(2025, 6, 13, 0, 0, 0, 0, beijing),
		time.Date(2025, 9, 1, 0, 0, 0, 0, beijing),
		time.Date(2025, 12, 25, 0, 0, 0, 0, beijing),
	} {
		best, when := -90.0, 0
		for s := 13 * 3600; s < 15*3600; s += 10 {
			if e := Elevation(lon, lat, d.Add(time.Duration(s)*time.Second)); e > best {
				best, when = e, s
			}
		}
		noon := float64(when) / 60 // minutes after midnight Beijing
		if math.Abs(noon-(14*60+10.4)) > 2.5 {
			t.Errorf("%s: solar noon %02d:%02d Beijing", d.Format("01-02"), when/3600, when/60%60)
		}
	}
}

// The reason this package exists: at 09:00 Beijing time on a December
// morning the clock says "day" but the sun is still ~7° below the horizon
// in the county; at 20:30 in June it is still up.
func TestDayNightBySunNotClock(t *testing.T) {
	dec := time.Date(2025, 12, 21, 9, 0, 0, 0, beijing)
	if e := Elevation(lon, lat, dec); e > -5 || e < -9 {
		t.Errorf("Dec 21 09:00 Beijing elevation %.2f°, expected about −7°", e)
	}
	if IsDay(lon, lat, dec) {
		t.Error("Dec 21 09:00 Beijing is night at 87.4E")
	}
	jun := time.Date(2025, 6, 21, 20, 30, 0, 0, beijing)
	if !IsDay(lon, lat, jun) {
		t.Errorf("Jun 21 20:30 Beijing should be day, elevation %.2f", Elevation(lon, lat, jun))
	}
	// the same instant in any time zone gives the same answer
	if Elevation(lon, lat, dec) != Elevation(lon, lat, dec.UTC()) {
		t.Error("time zone changed the result")
	}
}

// Azimuth: the sun is due south (180°) at solar noon and in the east in the
// morning, west in the afternoon.
func TestAzimuth(t *testing.T) {
	d := time.Date(2025, 6, 13, 14, 10, 24, 0, beijing) // ~solar noon, EoT≈0
	if az := At(lon, lat, d).AzimuthDeg; math.Abs(az-180) > 1.5 {
		t.Errorf("noon azimuth %.2f°", az)
	}
	if az := At(lon, lat, d.Add(-4*time.Hour)).AzimuthDeg; az < 60 || az > 120 {
		t.Errorf("morning azimuth %.2f°", az)
	}
	if az := At(lon, lat, d.Add(4*time.Hour)).AzimuthDeg; az < 240 || az > 300 {
		t.Errorf("afternoon azimuth %.2f°", az)
	}
}
