package realtime

import (
	"bytes"
	"encoding/json"
	"math"
	"slices"
	"strings"
	"testing"
)

// FuzzParseSubscribe: no websocket message makes parseSubscribe panic; an
// error names the field at fault by JSON Pointer (only a message that is
// not one JSON object of the protocol's members has none); an accepted
// subscription holds only registered layers the caller may read, and a box
// in range.
func FuzzParseSubscribe(f *testing.F) {
	for _, s := range []string{
		`{"type":"subscribe","layers":["things"]}`,
		`{"type":"subscribe","layers":["things","boundaries","things"],"bbox":[87.3,43.4,87.5,43.6],"since":42}`,
		`{"type":"subscribe","layers":[],"bbox":null,"since":0}`,
		`{"type":"subscribe","layers":["nope"]}`, `{"type":"subscribe","layers":["secret"]}`,
		`{"type":"subscribe","layers":["things"],"bbox":[88,43,87,44]}`,
		`{"type":"subscribe","layers":["things"],"bbox":[87,43,88]}`,
		`{"type":"subscribe","layers":["things"],"bbox":[87,null,88,44]}`,
		`{"type":"subscribe","layers":["things"],"bbox":[1e400,43,88,44]}`,
		`{"type":"subscribe","layers":["things"],"since":-1}`,
		`{"type":"subscribe","layers":["things"],"since":99999999999999999999}`,
		`{"type":"hello"}`, `{"type":"subscribe"}`, `{"type":"subscribe","layers":"things"}`,
		`{"type":"subscribe","layers":["thi\u0000ngs"]}`, "{\"type\":\"subscribe\",\"layers\":[\"\xff\"]}",
		`{"type":'subscribe'}`, `{"type":"subscribe","colour":1}`, `{"type":"subscribe"} {}`, ``, `null`, `[]`,
		strings.Repeat(`{"type":`, 10001) + strings.Repeat(`}`, 10001),
	} {
		f.Add([]byte(s))
	}
	h := &Hub{layers: map[string]Snapshotter{}}
	h.Register(QuerySnapshotter("things", "SELECT 1"), Boundaries(), QuerySnapshotter("secret", "SELECT 1"))
	readable := map[string]bool{"things": true, "boundaries": true, "secret": false}
	f.Fuzz(func(t *testing.T, data []byte) {
		req, ferr := h.parseSubscribe(data, readable)
		if ferr != nil {
			checkFieldError(t, data, ferr)
			return
		}
		var m subscribeMsg
		if !json.Valid(data) || json.Unmarshal(data, &m) != nil {
			t.Fatalf("%q accepted: it is not one JSON value", data)
		}
		sub := req.sub
		if m.Layers == nil || !slices.IsSorted(sub.layerList) || len(sub.layerList) != len(sub.layers) {
			t.Fatalf("%q: layers %v", data, sub.layerList)
		}
		for _, l := range m.Layers {
			if !sub.layers[l] || !readable[l] || !slices.Contains(sub.layerList, l) {
				t.Fatalf("%q: layer %q in %v", data, l, sub.layerList)
			}
		}
		if b := sub.bbox; b != nil {
			for _, x := range []float64{b.Min[0], b.Min[1], b.Max[0], b.Max[1]} {
				if math.IsNaN(x) || math.IsInf(x, 0) {
					t.Fatalf("%q: bbox %v", data, *b)
				}
			}
			if b.Min[0] < -180 || b.Max[0] > 180 || b.Min[1] < -90 || b.Max[1] > 90 || b.Min[0] > b.Max[0] || b.Min[1] > b.Max[1] {
				t.Fatalf("%q: bbox %v", data, *b)
			}
		}
		if req.since != nil && *req.since < 0 {
			t.Fatalf("%q: since %d", data, *req.since)
		}
	})
}

// checkFieldError fails t unless ferr names a field of data, or data is not
// one JSON object of the protocol's members (then there is none to name).
func checkFieldError(t *testing.T, data []byte, ferr *fieldError) {
	t.Helper()
	if ferr.Detail == "" {
		t.Fatalf("%q: error without a detail on %q", data, ferr.Field)
	}
	if ferr.Field == "" {
		var m subscribeMsg
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.DisallowUnknownFields()
		if json.Valid(data) && dec.Decode(&m) == nil {
			t.Fatalf("%q: a well-formed message refused without naming a field: %s", data, ferr.Detail)
		}
		return
	}
	if !strings.HasPrefix(ferr.Field, "/") {
		t.Fatalf("%q: field %q is not a JSON Pointer", data, ferr.Field)
	}
}
