package weather

import (
	"errors"
	"fmt"
	"math"
	"time"

	"sitrep/geo/plume"
	"sitrep/internal/validation"
)

// Observation is what a station reports at one instant; a value it did
// not measure is nil. Wind is the 10-minute mean at 10 m, the direction it
// blows FROM (meteorological, as CMA stations report it).
type Observation struct {
	At           time.Time `json:"observed_at"`
	WindFromDeg  *float64  `json:"wind_from_deg"`
	WindSpeedMS  *float64  `json:"wind_speed_ms"`
	TemperatureC *float64  `json:"temperature_c"`
	// CloudOktas is total cloud cover in oktas (0–8); a station reporting
	// in tenths (成, 0–10) sends tenths × 0.8.
	CloudOktas  *float64 `json:"cloud_oktas"`
	PressureHPa *float64 `json:"pressure_hpa"`
}

// The ranges an observed value may take. Pressure is the station's own
// (not reduced to sea level): 400 hPa is above 7,000 m.
var ranges = []struct {
	field  string
	value  func(o *Observation) *float64
	lo, hi float64
	unit   string
}{
	{"wind_from_deg", func(o *Observation) *float64 { return o.WindFromDeg }, 0, 360, "°（风的来向，0 或 360 为北风）"},
	{"wind_speed_ms", func(o *Observation) *float64 { return o.WindSpeedMS }, 0, 75, " m/s"},
	{"temperature_c", func(o *Observation) *float64 { return o.TemperatureC }, -60, 60, " °C"},
	{"cloud_oktas", func(o *Observation) *float64 { return o.CloudOktas }, 0, 8, " 八分量（以成计时乘 0.8）"},
	{"pressure_hpa", func(o *Observation) *float64 { return o.PressureHPa }, 400, 1100, " hPa（本站气压）"},
}

// Check reports each value out of its range, named by its field, and an
// observation that holds no value at all.
func (o *Observation) Check() validation.Errors {
	var errs validation.Errors
	some := false
	for _, r := range ranges {
		v := r.value(o)
		if v == nil {
			continue
		}
		some = true
		if math.IsNaN(*v) || !(*v >= r.lo && *v <= r.hi) {
			errs = append(errs, validation.FieldError{Field: r.field, Detail: fmt.Sprintf("须在 %g–%g%s 之间", r.lo, r.hi, r.unit)})
		}
	}
	if !some {
		errs = append(errs, validation.FieldError{Field: "wind_from_deg", Code: "required", Detail: "观测中没有任何要素（风向、风速、气温、云量、气压至少一项）"})
	}
	return errs
}

// DefaultMaxAge is how old an observation may be for a zone run when the
// station says nothing: wind half an hour old is what the duty officer
// would still call "now"; older, a person should confirm it.
const DefaultMaxAge = 30 * time.Minute

// MaxStationDistanceM is how far a station may be from the release to lend
// it its wind. The county's valleys channel the wind; a station in the
// next valley says little about this one.
const MaxStationDistanceM = 30000

// clockSkew is how far ahead of the run an observation may be stamped and
// still count as its weather (a station's clock, the run's "now").
const clockSkew = 2 * time.Minute

// Fresh reports whether an observation made at observedAt is the weather
// of a run at "at": no older than maxAge (0: DefaultMaxAge), and not from
// the run's future.
func Fresh(observedAt, at time.Time, maxAge time.Duration) bool {
	if maxAge <= 0 {
		maxAge = DefaultMaxAge
	}
	return !observedAt.Before(at.Add(-maxAge)) && !observedAt.After(at.Add(clockSkew))
}

// ForModel is what a zone model takes from an observation.
type ForModel struct {
	WindFromDeg float64 `json:"windFromDeg"`
	WindSpeedMS float64 `json:"windSpeedMS"`
	CloudOktas  float64 `json:"cloudOktas"`
	// CloudAssumed says the station did not observe cloud: CloudOktas is
	// then the cover that gives the most stable class here and now.
	CloudAssumed bool `json:"cloudAssumed"`
	// Stability is the class wind, cloud and the sun give at the place and
	// time (what the plume model will use unless a person overrides it).
	Stability plume.StabilityResult `json:"stability"`
}

// ErrNoWind is an observation without wind direction or speed.
var ErrNoWind = errors.New("该观测没有风向或风速")

// Derive is what a model run at lon/lat and at takes from o.
func Derive(o Observation, lon, lat float64, at time.Time) (ForModel, error) {
	if o.WindFromDeg == nil || o.WindSpeedMS == nil {
		return ForModel{}, ErrNoWind
	}
	out := ForModel{WindFromDeg: *o.WindFromDeg, WindSpeedMS: *o.WindSpeedMS}
	if o.CloudOktas != nil {
		out.CloudOktas = *o.CloudOktas
		st, err := plume.Stability(lon, lat, at, plume.StabilityInputs{WindSpeedMS: out.WindSpeedMS, CloudOktas: out.CloudOktas})
		out.Stability = st
		return out, err
	}
	out.CloudAssumed = true
	for oktas := 0.0; oktas <= 8; oktas++ {
		st, err := plume.Stability(lon, lat, at, plume.StabilityInputs{WindSpeedMS: out.WindSpeedMS, CloudOktas: oktas})
		if err != nil {
			return ForModel{}, err
		}
		// A–F sort as letters: a later letter is more stable.
		if oktas == 0 || st.Class > out.Stability.Class {
			out.CloudOktas, out.Stability = oktas, st
		}
	}
	return out, nil
}
