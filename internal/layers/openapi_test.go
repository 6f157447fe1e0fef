package layers_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"slices"
	"strings"
	"testing"
	"unicode"

	"sitrep/internal/layers"
)

var update = flag.Bool("update", false, "rewrite server/openapi/registry.json")

// The registry's OpenAPI fragment is generated from the layer definitions.
func TestOpenAPIFragment(t *testing.T) {
	want, err := layers.OpenAPI()
	if err != nil {
		t.Fatal(err)
	}
	want = append(want, '\n')
	const path = "../server/openapi/registry.json"
	if *update {
		if err := os.WriteFile(path, want, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatal("server/openapi/registry.json is out of date with the layer definitions: run go test ./layers -update")
	}
}

// Every layer and every property of it has a title in the OpenAPI
// document (Chinese, or the standard's symbol: S, R, α), and x-order lists the properties in the order the layer
// defines them (a form follows it; JSON objects have no order).
func TestOpenAPITitlesAndOrder(t *testing.T) {
	raw, err := layers.OpenAPI()
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Components struct {
			Schemas map[string]struct {
				Title      string                    `json:"title"`
				Order      []string                  `json:"x-order"`
				Properties map[string]map[string]any `json:"properties"`
			} `json:"schemas"`
		} `json:"components"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	han := func(s string) bool {
		return strings.IndexFunc(s, func(r rune) bool { return unicode.Is(unicode.Han, r) }) >= 0
	}
	for _, l := range layers.All {
		name := ""
		for _, w := range strings.Split(l.Name, "_") {
			name += strings.ToUpper(w[:1]) + w[1:]
		}
		feature, props := doc.Components.Schemas[name], doc.Components.Schemas[name+"Properties"]
		if !han(feature.Title) {
			t.Errorf("%s: title %q", l.Name, feature.Title)
		}
		var want []string
		for _, f := range l.Fields {
			want = append(want, f.Name)
		}
		want = append(want, "version", "updated_at")
		if !slices.Equal(props.Order, want) {
			t.Errorf("%s: x-order %v, want %v", l.Name, props.Order, want)
		}
		for n, p := range props.Properties {
			if title, _ := p["title"].(string); title == "" || title == n {
				t.Errorf("%s.%s: title %q", l.Name, n, title)
			}
		}
	}
}
