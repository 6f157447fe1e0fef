package zones

import (
	"context"
	"encoding/json"

	"github.com/paulmach/orb"

	"sitrep/internal/api"
	"sitrep/internal/weatherstore"
	"sitrep/weather"
)

// The weather a run may ask for (ComputeRequest.Weather).
const (
	// WeatherManual: the inputs as given (the default).
	WeatherManual = "manual"
	// WeatherStation: the wind, speed and cloud from the nearest station
	// with a fresh observation, each unless the inputs give it (a person's
	// value overrides the station's).
	WeatherStation = "station"
)

// StationWeather is the weather a run took from a station: which station,
// which observation, what was derived and which inputs it filled.
type StationWeather struct {
	weatherstore.Used
	Filled []string `json:"filled"`
}

// windInputs are, per model that takes weather, the inputs a station fills
// and the value each takes.
var windInputs = map[string]map[string]func(weather.ForModel) float64{
	"plume": {
		"windFromDeg": func(f weather.ForModel) float64 { return f.WindFromDeg },
		"windSpeedMS": func(f weather.ForModel) float64 { return f.WindSpeedMS },
		"cloudOktas":  func(f weather.ForModel) float64 { return f.CloudOktas },
	},
	"protective": {
		"windFromDeg": func(f weather.ForModel) float64 { return f.WindFromDeg },
	},
}

// stationWeather fills the inputs of req from the nearest station when
// req.Weather asks for it; it returns the inputs to run and what was taken
// (nil for manual weather).
func (s *Store) stationWeather(ctx context.Context, req ComputeRequest, source *orb.Point) (json.RawMessage, *StationWeather, error) {
	switch req.Weather {
	case "", WeatherManual:
		return req.Inputs, nil, nil
	case WeatherStation:
	default:
		return nil, nil, api.InvalidField("/weather", "须为 manual（手工输入）或 station（取最近气象站的观测）")
	}
	fill, ok := windInputs[req.Model]
	if !ok {
		return nil, nil, api.InvalidField("/weather", "“"+ModelLabel(req.Model)+"”模型不用风向风速，不能取气象站观测")
	}
	var in map[string]json.RawMessage
	if err := json.Unmarshal(req.Inputs, &in); err != nil || in == nil {
		return req.Inputs, nil, nil // the model's strict decoding names the fault
	}
	at := s.Now()
	if raw, ok := in["time"]; ok {
		if err := json.Unmarshal(raw, &at); err != nil {
			return req.Inputs, nil, nil
		}
	}
	if raw, ok := in["source"]; ok {
		var p orb.Point
		if err := json.Unmarshal(raw, &p); err != nil {
			return req.Inputs, nil, nil
		}
		source = &p
	}
	if source == nil {
		return nil, nil, api.Invalid(api.FieldError{Field: "/inputs/source", Code: "required", Detail: "必填：泄漏点 [经度, 纬度]（取气象站观测须知道位置）"})
	}
	used, found, err := weatherstore.Nearest(ctx, s.pool, source[0], source[1], at)
	if err != nil {
		return nil, nil, err
	}
	if !found {
		return nil, nil, api.InvalidField("/weather", "泄漏点 30 km 内没有 30 分钟内有风向风速的气象站观测；请手工输入风向、风速和云量（weather 设为 manual）")
	}
	sw := &StationWeather{Used: used}
	for _, name := range []string{"windFromDeg", "windSpeedMS", "cloudOktas"} {
		value, ok := fill[name]
		if _, given := in[name]; !ok || given {
			continue
		}
		b, err := json.Marshal(value(used.Derived))
		if err != nil {
			return nil, nil, err
		}
		in[name] = b
		sw.Filled = append(sw.Filled, name)
	}
	if _, given := in["time"]; !given {
		b, _ := json.Marshal(at.UTC())
		in["time"] = b
	}
	out, err := json.Marshal(in)
	return out, sw, err
}
