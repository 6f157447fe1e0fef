package layers_test

import (
	"bytes"
	"flag"
	"os"
	"testing"

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
