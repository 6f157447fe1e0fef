package channels_test

import (
	"maps"
	"slices"
	"testing"

	"sitrep/internal/channels"
)

// The ordered code lists the form and the errors use hold exactly the codes
// the checks accept, each once: a code added to one and not the other
// would be offered and refused, or accepted and never offered.
func TestCodeListsMatchLabels(t *testing.T) {
	for name, c := range map[string]struct {
		codes  []string
		labels map[string]string
	}{
		"kinds":      {channels.KindCodes, channels.Kinds},
		"formats":    {channels.FormatCodes, channels.Formats},
		"auth types": {channels.AuthTypeCodes, channels.AuthTypes},
	} {
		got := slices.Sorted(slices.Values(c.codes))
		want := slices.Sorted(maps.Keys(c.labels))
		if !slices.Equal(got, want) {
			t.Errorf("%s: ordered codes %v, labelled codes %v", name, c.codes, want)
		}
	}
}
