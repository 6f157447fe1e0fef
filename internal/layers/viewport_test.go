package layers_test

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"maps"
	"slices"
	"testing"

	"sitrep/internal/apitest"
	"sitrep/internal/auth"
)

// A viewport costs no more bytes than the client asked for: ?properties=
// keeps only the named properties (the next link keeps asking for them),
// an unknown name is refused by name, and the answer is gzip-compressed
// when the request accepts it, identical once decompressed.
func TestListPropertiesAndCompression(t *testing.T) {
	e := apitest.Start(t)
	if r := importFile(e, "sensitive_sites", "application/geo+json", collection(siteFeatures(60)), "", auth.Editor); r.StatusCode != 200 {
		t.Fatalf("import: %d %s", r.StatusCode, r.Body)
	}
	path := "/api/v1/sensitive_sites?limit=50&properties=name,kind"
	plain := e.Do("GET", path, auth.Viewer, nil, "Accept-Encoding", "identity")
	if plain.StatusCode != 200 || plain.Header.Get("Content-Encoding") != "" {
		t.Fatalf("identity: %d %q", plain.StatusCode, plain.Header.Get("Content-Encoding"))
	}
	var fc struct {
		Features []struct {
			Properties map[string]any `json:"properties"`
		} `json:"features"`
		Links []struct{ Rel, Href string } `json:"links"`
	}
	plain.JSON(t, &fc)
	if len(fc.Features) != 50 {
		t.Fatalf("%d features, want 50", len(fc.Features))
	}
	for _, f := range fc.Features {
		if keys := slices.Sorted(maps.Keys(f.Properties)); !slices.Equal(keys, []string{"kind", "name"}) {
			t.Fatalf("properties %v, want only kind and name", keys)
		}
	}
	if i := slices.IndexFunc(fc.Links, func(l struct{ Rel, Href string }) bool { return l.Rel == "next" }); i < 0 ||
		!bytes.Contains([]byte(fc.Links[i].Href), []byte("properties=name%2Ckind")) {
		t.Fatalf("the next link does not keep the selection: %+v", fc.Links)
	}

	zipped := e.Do("GET", path, auth.Viewer, nil, "Accept-Encoding", "gzip")
	if zipped.Header.Get("Content-Encoding") != "gzip" || len(zipped.Body) >= len(plain.Body) {
		t.Fatalf("gzip: %q, %d bytes against %d", zipped.Header.Get("Content-Encoding"), len(zipped.Body), len(plain.Body))
	}
	zr, err := gzip.NewReader(bytes.NewReader(zipped.Body))
	if err != nil {
		t.Fatal(err)
	}
	unzipped, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	var a, b any
	if json.Unmarshal(unzipped, &a) != nil || json.Unmarshal(plain.Body, &b) != nil {
		t.Fatal("bodies are not JSON")
	}
	// Equal but for nothing: both came from the same rows.
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	if !bytes.Equal(ja, jb) {
		t.Fatal("the gzip answer differs from the plain one")
	}
	if e.Do("GET", path, auth.Viewer, nil, "Accept-Encoding", "gzip;q=0").Header.Get("Content-Encoding") != "" {
		t.Fatal("gzip;q=0 was answered with gzip")
	}

	p := apitest.ExpectProblem(t, e.Do("GET", "/api/v1/sensitive_sites?properties=name,colour", auth.Viewer, nil), 400)
	if f := apitest.FieldsOf(p); !slices.Contains(f, "properties") {
		t.Fatalf("fields %v", f)
	}
}
