package zones

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"time"

	"github.com/paulmach/orb"

	"sitrep/geo"
	"sitrep/geo/blast"
	"sitrep/geo/plume"
	"sitrep/geo/protective"
	"sitrep/geo/sun"
	"sitrep/internal/api"
	"sitrep/internal/validation"
)

// Models are the model keys a request may name.
var Models = []string{"protective", "plume", "explosion", "fireball"}

// ModelLabel is a model's Chinese name.
func ModelLabel(model string) string {
	switch model {
	case "protective":
		return "初始隔离与防护行动距离"
	case "plume":
		return "高斯烟羽（有毒气体扩散）"
	case "explosion":
		return "蒸气云爆炸（TNT 当量）"
	case "fireball":
		return "沸腾液体扩展蒸气爆炸火球（BLEVE）"
	}
	return ""
}

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
		return nil, api.Invalid(api.FieldError{Field: "/inputs", Code: "required", Detail: "必填：模型的输入参数"})
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
			return nil, api.InvalidField("/inputs/windSpeedMS", err.Error()+"；静风时请改用“"+ModelLabel("protective")+"”模型，并选择风向不定（variableWind）")
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
	return nil, api.InvalidField("/model", validation.OneOf(Models, ModelLabel))
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
			return api.BadRequest("/inputs/"+jsonPath(ute.Field), api.TypeDetail(ute))
		}
		if msg := err.Error(); len(msg) > 0 {
			if f, ok := unknownField(msg); ok {
				return api.BadRequest("/inputs/"+f, api.UnknownField(f))
			}
		}
		var te *time.ParseError
		if errors.As(err, &te) {
			return api.BadRequest("/inputs/time", validation.NotRFC3339)
		}
		return api.BadRequest("/inputs", "模型输入参数无效")
	}
	if _, err := dec.Token(); err != io.EOF {
		return api.BadRequest("/inputs", "只能包含一个 JSON 值")
	}
	return nil
}

// modelProblem turns a model's refusal into a 422 on the input it names
// (geo.InputError); models validate before computing. Any other failure
// still came from these inputs, so it is a 422 too, in words a person can
// read; the model's own message goes to the log.
func modelProblem(err error) error {
	var ie *geo.InputError
	if errors.As(err, &ie) {
		field := "/inputs"
		if ie.Input != "" {
			field += "/" + ie.Input
		}
		return api.InvalidField(field, ie.Msg)
	}
	slog.Warn("zones: a model failed on its inputs", "err", err)
	return api.InvalidField("/inputs", "模型无法用这些输入参数计算，请检查输入")
}
