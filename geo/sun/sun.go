// Package sun computes the sun's position for a place and time, so that
// anything that depends on day or night (atmospheric stability, ERG day/night
// protective distances) uses the sun's real elevation and not the clock
// hour. This matters in Ürümqi County: clocks run on Beijing time (UTC+8)
// but at 87.4°E the sun culminates around 14:10 Beijing time, and sunrise
// can be after 09:30 in winter.
//
// Algorithm: NOAA Global Monitoring Laboratory "Solar Calculator"
// (spreadsheet NOAA_Solar_Calculations_day.xls), which implements Jean
// Meeus, Astronomical Algorithms (1991), ch. 25, low-precision solar
// coordinates, plus NOAA's approximate atmospheric refraction correction.
// NOAA states its accuracy as about ±1 minute of time for sunrise/sunset
// and better than 0.01° in elevation for dates 1800–2100 at latitudes
// within ±72°. Times are handled as time.Time, so the caller's time zone
// does not matter (internally UTC).
package sun

import (
	"math"
	"time"
)

const (
	deg2rad = math.Pi / 180
	rad2deg = 180 / math.Pi
)

// Position is the sun's apparent position seen from a place on the ground.
type Position struct {
	// ElevationDeg is the apparent elevation above the horizon in degrees,
	// corrected for atmospheric refraction (what an observer sees).
	ElevationDeg float64 `json:"elevationDeg"`
	// GeometricElevationDeg is the elevation without refraction.
	GeometricElevationDeg float64 `json:"geometricElevationDeg"`
	// AzimuthDeg is degrees clockwise from true north.
	AzimuthDeg float64 `json:"azimuthDeg"`
	// DeclinationDeg is the sun's declination.
	DeclinationDeg float64 `json:"declinationDeg"`
	// EquationOfTimeMin is apparent minus mean solar time, minutes.
	EquationOfTimeMin float64 `json:"equationOfTimeMin"`
}

// IsDay reports whether the sun's apparent centre is above the horizon.
// This is the project rule (day = elevation > 0). It is a few minutes
// shorter than the almanac "sunrise to sunset" (upper limb, −0.833°), which
// errs towards night, i.e. towards the larger ERG night-time distances.
func (p Position) IsDay() bool { return p.ElevationDeg > 0 }

// At returns the sun's position at longitude lonDeg (east positive),
// latitude latDeg (north positive) and instant t.
func At(lonDeg, latDeg float64, t time.Time) Position {
	t = t.UTC()
	// Julian day from Unix time: JD 2440587.5 is 1970-01-01T00:00Z.
	jd := 2440587.5 + float64(t.UnixNano())/86400e9
	jc := (jd - 2451545) / 36525 // Julian centuries since J2000.0

	l0 := math.Mod(280.46646+jc*(36000.76983+jc*0.0003032), 360) // mean longitude, deg
	m := 357.52911 + jc*(35999.05029-0.0001537*jc)               // mean anomaly, deg
	e := 0.016708634 - jc*(0.000042037+0.0000001267*jc)          // orbit eccentricity
	mr := m * deg2rad
	c := math.Sin(mr)*(1.914602-jc*(0.004817+0.000014*jc)) +
		math.Sin(2*mr)*(0.019993-0.000101*jc) +
		math.Sin(3*mr)*0.000289 // equation of centre, deg
	trueLong := l0 + c
	omega := (125.04 - 1934.136*jc) * deg2rad
	appLong := trueLong - 0.00569 - 0.00478*math.Sin(omega)
	meanObliq := 23 + (26+(21.448-jc*(46.815+jc*(0.00059-jc*0.001813)))/60)/60
	obliq := (meanObliq + 0.00256*math.Cos(omega)) * deg2rad
	decl := math.Asin(math.Sin(obliq) * math.Sin(appLong*deg2rad))

	y := math.Tan(obliq / 2)
	y *= y
	l0r := l0 * deg2rad
	eot := 4 * rad2deg * (y*math.Sin(2*l0r) - 2*e*math.Sin(mr) +
		4*e*y*math.Sin(mr)*math.Cos(2*l0r) -
		0.5*y*y*math.Sin(4*l0r) - 1.25*e*e*math.Sin(2*mr)) // minutes

	minutesUTC := float64(t.Hour()*60+t.Minute()) + (float64(t.Second())+float64(t.Nanosecond())/1e9)/60
	tst := math.Mod(minutesUTC+eot+4*lonDeg, 1440) // true solar time, minutes
	if tst < 0 {
		tst += 1440
	}
	ha := tst/4 - 180 // hour angle, deg; tst is in [0, 1440) so ha in [-180, 180)

	lat := latDeg * deg2rad
	cosZen := math.Sin(lat)*math.Sin(decl) + math.Cos(lat)*math.Cos(decl)*math.Cos(ha*deg2rad)
	cosZen = math.Max(-1, math.Min(1, cosZen))
	zen := math.Acos(cosZen)
	elev := 90 - zen*rad2deg

	// Azimuth as in the NOAA spreadsheet (degrees clockwise from north).
	var az float64
	den := math.Cos(lat) * math.Sin(zen)
	if math.Abs(den) > 1e-12 {
		a := (math.Sin(lat)*math.Cos(zen) - math.Sin(decl)) / den
		a = math.Max(-1, math.Min(1, a))
		if ha > 0 {
			az = math.Mod(math.Acos(a)*rad2deg+180, 360)
		} else {
			az = math.Mod(540-math.Acos(a)*rad2deg, 360)
		}
	}

	return Position{
		ElevationDeg:          elev + refraction(elev),
		GeometricElevationDeg: elev,
		AzimuthDeg:            az,
		DeclinationDeg:        decl * rad2deg,
		EquationOfTimeMin:     eot,
	}
}

// refraction is NOAA's approximate atmospheric refraction in degrees for a
// geometric elevation in degrees (standard atmosphere).
func refraction(elev float64) float64 {
	var arcsec float64
	switch {
	case elev > 85:
		return 0
	case elev > 5:
		te := math.Tan(elev * deg2rad)
		arcsec = 58.1/te - 0.07/(te*te*te) + 0.000086/math.Pow(te, 5)
	case elev > -0.575:
		arcsec = 1735 + elev*(-518.2+elev*(103.4+elev*(-12.79+elev*0.711)))
	default:
		arcsec = -20.772 / math.Tan(elev*deg2rad)
	}
	return arcsec / 3600
}

// Elevation is a shortcut for At(lon, lat, t).ElevationDeg.
func Elevation(lonDeg, latDeg float64, t time.Time) float64 {
	return At(lonDeg, latDeg, t).ElevationDeg
}

// IsDay reports whether the sun is above the horizon (apparent elevation >
// 0°) at the place and instant.
func IsDay(lonDeg, latDeg float64, t time.Time) bool {
	return At(lonDeg, latDeg, t).IsDay()
}
