package api

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
)

// GeoJSONType is the media type of every GeoJSON response (RFC 7946).
const GeoJSONType = "application/geo+json"

// ETag is a version as a strong entity tag: "3".
func ETag(version int) string { return `"` + strconv.Itoa(version) + `"` }

// IfMatchVersion reads the version a write was made from (If-Match: "3"): 428
// without one, 400 naming If-Match when it is not a version. Every versioned
// write uses it, so a stale edit is refused (412) the same way everywhere.
func IfMatchVersion(r *http.Request) (int, error) {
	h := strings.TrimSpace(r.Header.Get("If-Match"))
	if h == "" {
		return 0, PreconditionRequired()
	}
	v, err := strconv.Atoi(strings.Trim(strings.TrimPrefix(h, "W/"), `"`))
	if err != nil || v < 1 {
		return 0, BadRequest("If-Match", `If-Match 须为读取时得到的 ETag，例如 "3"`)
	}
	return v, nil
}

// WriteGeoJSON sends v — raw JSON bytes, or anything JSON-encodable — as
// application/geo+json, with the ETag when etag is not empty.
func WriteGeoJSON(w http.ResponseWriter, status int, v any, etag string) error {
	h := w.Header()
	h.Set("Content-Type", GeoJSONType)
	if etag != "" {
		h.Set("ETag", etag)
	}
	w.WriteHeader(status)
	if raw, ok := v.(json.RawMessage); ok {
		_, err := w.Write(raw)
		return err
	}
	return json.NewEncoder(w).Encode(v)
}
