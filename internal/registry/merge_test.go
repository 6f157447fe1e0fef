package registry

import (
	"encoding/json"
	"testing"
)

// The examples of RFC 7396 appendix A: target, patch, result.
func TestMergePatchRFC7396Examples(t *testing.T) {
	for _, c := range [][3]string{
		{`{"a":"b"}`, `{"a":"c"}`, `{"a":"c"}`},
		{`{"a":"b"}`, `{"b":"c"}`, `{"a":"b","b":"c"}`},
		{`{"a":"b"}`, `{"a":null}`, `{}`},
		{`{"a":"b","b":"c"}`, `{"a":null}`, `{"b":"c"}`},
		{`{"a":["b"]}`, `{"a":"c"}`, `{"a":"c"}`},
		{`{"a":"c"}`, `{"a":["b"]}`, `{"a":["b"]}`},
		{`{"a":{"b":"c"}}`, `{"a":{"b":"d","c":null}}`, `{"a":{"b":"d"}}`},
		{`{"a":[{"b":"c"}]}`, `{"a":[1]}`, `{"a":[1]}`},
		{`["a","b"]`, `["c","d"]`, `["c","d"]`},
		{`{"a":"b"}`, `["c"]`, `["c"]`},
		{`{"a":"foo"}`, `null`, `null`},
		{`{"a":"foo"}`, `"bar"`, `"bar"`},
		{`{"e":null}`, `{"a":1}`, `{"a":1,"e":null}`},
		{`[1,2]`, `{"a":"b","c":null}`, `{"a":"b"}`},
		{`{}`, `{"a":{"bb":{"ccc":null}}}`, `{"a":{"bb":{}}}`},
	} {
		var target, patch any
		if err := json.Unmarshal([]byte(c[0]), &target); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal([]byte(c[1]), &patch); err != nil {
			t.Fatal(err)
		}
		got, err := json.Marshal(mergePatch(target, patch))
		if err != nil {
			t.Fatal(err)
		}
		if !sameJSON(t, got, []byte(c[2])) {
			t.Errorf("merge %s into %s = %s, want %s", c[1], c[0], got, c[2])
		}
	}
}

const storedSite = `{"type":"Feature","id":"7","geometry":{"type":"Point","coordinates":[87.41,43.47]},
	"properties":{"version":3,"updated_at":"2024-05-01T00:00:00Z","name":"一中","kind":"school","people":1200,
	"facilities":["water","power"],"grade":null}}`

func TestPatchFeature(t *testing.T) {
	for _, c := range []struct{ name, patch, want string }{
		{"one property changes, the rest stays",
			`{"properties":{"people":900}}`,
			`{"type":"Feature","id":"7","geometry":{"type":"Point","coordinates":[87.41,43.47]},
			"properties":{"version":3,"updated_at":"2024-05-01T00:00:00Z","name":"一中","kind":"school","people":900,
			"facilities":["water","power"],"grade":null}}`},
		{"null removes a property, an array is replaced whole",
			`{"properties":{"people":null,"facilities":["toilets"]}}`,
			`{"type":"Feature","id":"7","geometry":{"type":"Point","coordinates":[87.41,43.47]},
			"properties":{"version":3,"updated_at":"2024-05-01T00:00:00Z","name":"一中","kind":"school",
			"facilities":["toilets"],"grade":null}}`},
		{"a new geometry merges member by member",
			`{"geometry":{"coordinates":[87.5,43.5]}}`,
			`{"type":"Feature","id":"7","geometry":{"type":"Point","coordinates":[87.5,43.5]},
			"properties":{"version":3,"updated_at":"2024-05-01T00:00:00Z","name":"一中","kind":"school","people":1200,
			"facilities":["water","power"],"grade":null}}`},
		{"an empty patch changes nothing", `{}`, storedSite},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := patchFeature([]byte(storedSite), []byte(c.patch))
			if err != nil {
				t.Fatal(err)
			}
			if !sameJSON(t, got, []byte(c.want)) {
				t.Fatalf("got %s\nwant %s", got, c.want)
			}
			if _, err := testSites.Decode(got); err != nil {
				t.Fatalf("the patched feature does not decode: %v", err)
			}
		})
	}
}

// A merge patch must be an object: anything else would replace the whole
// Feature, which is what PUT is for.
func TestPatchFeatureRefusesWhatIsNotAnObject(t *testing.T) {
	for _, patch := range []string{`[]`, `null`, `"x"`, `3`, `{"properties":`} {
		_, err := patchFeature([]byte(storedSite), []byte(patch))
		problemOf(t, err, 400)
	}
}

func sameJSON(t *testing.T, a, b []byte) bool {
	t.Helper()
	var x, y any
	if err := json.Unmarshal(a, &x); err != nil {
		t.Fatalf("%s: %v", a, err)
	}
	if err := json.Unmarshal(b, &y); err != nil {
		t.Fatalf("%s: %v", b, err)
	}
	xs, _ := json.Marshal(x)
	ys, _ := json.Marshal(y)
	return string(xs) == string(ys)
}
