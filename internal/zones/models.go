package zones

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"time"

	"github.com/paulmach/orb"

	"sitrep/geo"
	"sitrep/geo/blast"
	"sitrep/geo/plume"
	"sitrep/geo/protective"
	"sitrep/geo/sun"
	"sitrep/internal/api"
)

// Models are the model keys a request may name.
var Models = []string{"protective", "plume", "explosion", "fireball"}

// run is one model run reduced to what the store needs: provenance, the
// inputs exactly as run (defaults filled in), the whole result and the zones.
type run struct {
	Model   string
	Name    string
	Version string
	Inputs  json.RawMessage
	Result  json.RawMessage
	Zones   []geo.Zone
	Source  orb.Point
	At      time.Time
}

// Day says whether the sun is up at the source at the run's time; the
// impact counts day or night people by it (the protective table uses the
// same rule for its day and night distances).
func (r *run) Day() bool { return sun.IsDay(r.Source[0], r.Source[1], r.At) }

// modelInputs decodes the model's own Inputs strictly (an unknown member is a
// 400 naming it), so a typo in "windFromDeg" is never silently a calm north
// wind. source and at fill the source and time when the request left them out.
func runModel(model string, raw json.RawMessage, table *protective.Table, source *orb.Point, at time.Time) (*run, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return nil, api.InvalidField("/inputs", "required: the model's inputs")
	}
	switch model {
	case "protective":
		var in protective.Request
		if err := strict(raw, &in); err != nil {
			return nil, err
		}
		fill(&in.Source, &in.Time, source, at)
		res, err := table.Zones(in)
		if err != nil {
			return nil, modelProblem(err)
		}
		return pack(model, res.Model, res.Version, res.Inputs, res, res.Zones, in.Source, in.Time)
	case "plume":
		var in plume.Inputs
		if err := strict(raw, &in); err != nil {
			return nil, err
		}
		fill(&in.Source, &in.Time, source, at)
		res, err := plume.Run(in)
		if errors.Is(err, plume.ErrCalm) {
			return nil, api.InvalidField("/inputs/windSpeedMS", err.Error()+"; use the protective model with variableWind for calm air")
		}
		if err != nil {
			return nil, modelProblem(err)
		}
		return pack(model, res.Model, res.Version, res.Inputs, res, res.Zones, in.Source, in.Time)
	case "explosion":
		var in blast.ExplosionInputs
		if err := strict(raw, &in); err != nil {
			return nil, err
		}
		fill(&in.Source, &in.Time, source, at)
		res, err := blast.RunExplosion(in)
		if err != nil {
			return nil, modelProblem(err)
		}
		return pack(model, res.Model, res.Version, res.Inputs, res, res.Zones, in.Source, in.Time)
	case "fireball":
		var in blast.FireballInputs
		if err := strict(raw, &in); err != nil {
			return nil, err
		}
		fill(&in.Source, &in.Time, source, at)
		res, err := blast.RunFireball(in)
		if err != nil {
			return nil, modelProblem(err)
		}
		return pack(model, res.Model, res.Version, res.Inputs, res, res.Zones, in.Source, in.Time)
	}
	return nil, api.InvalidField("/model", "must be one of protective, plume, explosion, fireball")
}

// fill puts the incident's (or hazard source's) location and the request
// time into inputs that did not give them. A zero source is "not given":
// 0°E 0°N is in the Gulf of Guinea, never in the county.
func fill(src *orb.Point, t *time.Time, source *orb.Point, at time.Time) {
	if *src == (orb.Point{}) && source != nil {
		*src = *source
	}
	if t.IsZero() {
		*t = at
	}
	*t = t.UTC()
}

func pack(model, name, version string, inputs, result any, zs []geo.Zone, src orb.Point, at time.Time) (*run, error) {
	in, err := json.Marshal(inputs)
	if err != nil {
		return nil, err
	}
	res, err := json.Marshal(result)
	if err != nil {
		return nil, err
	}
	return &run{Model: model, Name: name, Version: version, Inputs: in, Result: res, Zones: zs, Source: src, At: at}, nil
}

func strict(raw json.RawMessage, dst any) error {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		var ute *json.UnmarshalTypeError
		if errors.As(err, &ute) && ute.Field != "" {
			return api.BadRequest("/inputs/"+jsonPath(ute.Field), "wrong type: want "+ute.Type.String())
		}
		if msg := err.Error(); len(msg) > 0 {
			if f, ok := unknownField(msg); ok {
				return api.BadRequest("/inputs/"+f, "unknown field "+f)
			}
		}
		return api.BadRequest("/inputs", "not valid model inputs: "+err.Error())
	}
	if _, err := dec.Token(); err != io.EOF {
		return api.BadRequest("/inputs", "holds more than one JSON value")
	}
	return nil
}

// modelProblem turns a model's refusal (its message names the quantity)
// into a 422 on the inputs; models validate before computing.
func modelProblem(err error) error {
	return api.InvalidField("/inputs", err.Error())
}
