package auth

import (
	"regexp"
	"slices"
	"testing"

	"sitrep/static"
)

// The page's static/js/roles.js mirrors grants so it offers only what the
// API accepts (a tab the role cannot use, or a missing one, is a mismatch
// here): the same roles with the same permissions.
func TestPageRolesMirrorGrants(t *testing.T) {
	src, err := static.FS.ReadFile("js/roles.js")
	if err != nil {
		t.Fatal(err)
	}
	block := regexp.MustCompile(`(?s)const grants = \{(.*?)\n\};`).FindSubmatch(src)
	if block == nil {
		t.Fatal("roles.js has no grants object")
	}
	page := map[Role][]string{}
	for _, m := range regexp.MustCompile(`(\w+): \[([^\]]*)\]`).FindAllSubmatch(block[1], -1) {
		var ps []string
		for _, p := range regexp.MustCompile(`'([^']+)'`).FindAllSubmatch(m[2], -1) {
			ps = append(ps, string(p[1]))
		}
		page[Role(m[1])] = ps
	}
	for _, r := range Roles {
		var want []string
		for _, p := range grants[r] {
			want = append(want, string(p))
		}
		slices.Sort(want)
		got := slices.Sorted(slices.Values(page[r]))
		if !slices.Equal(got, want) {
			t.Errorf("%s: the page grants %v, the server %v", r, got, want)
		}
		delete(page, r)
	}
	for r := range page {
		t.Errorf("the page has a role %q the server does not", r)
	}
}
