package geo

import "testing"

func TestShortPosition(t *testing.T) {
	for _, c := range []struct {
		geometry, want string
		short          bool
	}{
		{`{"type":"Point","coordinates":[87.4,43.5]}`, "", false},
		{`{"type":"Point","coordinates":[87.4,43.5,900]}`, "", false},
		{`{"type":"Point","coordinates":[87.4]}`, "/coordinates", true},
		{`{"type":"Point","coordinates":null}`, "/coordinates", true},
		{`{"type":"Point"}`, "/coordinates", true},
		{`{"type":"Point","coordinates":[87.4,null]}`, "/coordinates/1", true},
		{`{"type":"Polygon","coordinates":[[[87,43],[88,43],[88,44],[87,43]]]}`, "", false},
		{`{"type":"Polygon","coordinates":[[[87,43],[88,43],[88],[87,43]]]}`, "/coordinates/0/2", true},
		{`{"type":"MultiPolygon","coordinates":[[[[87,43],[88,43],[88,44],[87,43]]],[[[87,43],[]]]]}`, "/coordinates/1/0/1", true},
		{`{"type":"Polygon","coordinates":[]}`, "", false}, // no position to be short: the polygon's own check
		{`{"type":"Circle","coordinates":[1]}`, "", false},
		{`not JSON`, "", false},
	} {
		got, short := ShortPosition([]byte(c.geometry))
		if got != c.want || short != c.short {
			t.Errorf("%s: got %q %v, want %q %v", c.geometry, got, short, c.want, c.short)
		}
	}
}
