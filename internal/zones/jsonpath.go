package zones

import (
	"strconv"
	"strings"
)

// jsonPath turns encoding/json's dotted field path ("levels.0.value") into
// a JSON Pointer tail ("levels/0/value").
func jsonPath(dotted string) string { return strings.ReplaceAll(dotted, ".", "/") }

// unknownField extracts the name from encoding/json's `json: unknown field "x"`.
func unknownField(msg string) (string, bool) {
	const prefix = "json: unknown field "
	if !strings.HasPrefix(msg, prefix) {
		return "", false
	}
	name, err := strconv.Unquote(strings.TrimPrefix(msg, prefix))
	return name, err == nil
}
