package registry

import (
	"encoding/json"
	"reflect"
	"slices"
	"time"

	"sitrep/internal/api"
)

// checkCreateOnly refuses an edit that changes a CreateOnly field: each such
// field of in must equal its value in stored (the Feature as the row holds
// it now, read under the row lock). An equal value — a client echoing a GET
// back, or a merge patch that leaves the field out — passes and rewrites
// what is already there. Every changed field is named (422).
func (l *Layer) checkCreateOnly(stored json.RawMessage, in *Input) error {
	var probe struct {
		Properties map[string]json.RawMessage `json:"properties"`
	}
	if err := json.Unmarshal(stored, &probe); err != nil {
		return err
	}
	var errs []api.FieldError
	for _, f := range l.Fields {
		if !f.CreateOnly {
			continue
		}
		p := "/properties/" + f.Name
		now := zeroOf(f)
		if raw, ok := probe.Properties[f.Name]; ok && string(raw) != "null" {
			v, fe, err := decodeValue(f, raw, p)
			if err != nil {
				return err
			}
			if fe == nil {
				now = v
			}
		}
		if !sameValue(f.Kind, now, in.Values[f.Name]) {
			d := "不能通过编辑修改（只在新建时设置）"
			if f.Doc != "" {
				d += "：" + f.Doc
			}
			errs = append(errs, api.FieldError{Field: p, Detail: d})
		}
	}
	if len(errs) > 0 {
		return api.Invalid(errs...)
	}
	return nil
}

// sameValue compares two decoded values of a kind: times as instants,
// points by their coordinates (a client's JSON may spell the same number
// differently from PostGIS), the rest as Go values.
func sameValue(k Kind, a, b any) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	switch k {
	case Timestamp:
		ta, oka := a.(time.Time)
		tb, okb := b.(time.Time)
		return oka && okb && ta.Equal(tb)
	case Point:
		ca, errA := pointCoords(a)
		cb, errB := pointCoords(b)
		return errA == nil && errB == nil && slices.Equal(ca, cb)
	}
	return reflect.DeepEqual(a, b)
}

func pointCoords(v any) ([]float64, error) {
	s, _ := v.(string)
	var g struct {
		Coordinates []float64 `json:"coordinates"`
	}
	err := json.Unmarshal([]byte(s), &g)
	return g.Coordinates, err
}
