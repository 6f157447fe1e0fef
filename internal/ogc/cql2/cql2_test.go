package cql2

import (
	"strings"
	"testing"
)

var testProps = map[string]Type{"name": String, "capacity": Number, "open": Boolean,
	"since": Date, "at": Timestamp, "date": String}

func resolve(name string) (string, Type, bool) {
	t, ok := testProps[name]
	return `t."` + name + `"`, t, ok
}

func TestTranslate(t *testing.T) {
	for _, c := range []struct {
		in, sql string
		args    int
	}{
		{"name = 'a'", `(t."name" = $1::text)`, 1},
		{"'a' = name", `($1::text = t."name")`, 1},
		{"capacity >= 10 AND capacity < 2.5e3", `((t."capacity" >= $1::double precision) AND (t."capacity" < $2::double precision))`, 2},
		{"name <> 'x' OR NOT (open = true)", `((t."name" <> $1::text) OR (NOT (t."open" = $2::boolean)))`, 2},
		{"name IS NULL", `(t."name" IS NULL)`, 0},
		{"name is not null", `(t."name" IS NOT NULL)`, 0},
		{"name LIKE 'A%'", `(t."name" LIKE $1::text)`, 1},
		{"name NOT LIKE 'A_'", `(t."name" NOT LIKE $1::text)`, 1},
		{"capacity IN (1, 2, 3)", `(t."capacity" IN ($1::double precision, $2::double precision, $3::double precision))`, 3},
		{"name NOT IN ('a')", `(t."name" NOT IN ($1::text))`, 1},
		{"capacity BETWEEN 1 AND 5", `(t."capacity" BETWEEN $1::double precision AND $2::double precision)`, 2},
		{`"name" = 'it''s'`, `(t."name" = $1::text)`, 1},
		{"since > DATE('2024-01-02')", `(t."since" > $1::date)`, 1},
		{"at < TIMESTAMP('2024-01-02T03:04:05Z')", `(t."at" < $1::timestamptz)`, 1},
		{"at < '2024-01-02'", `(t."at" < $1::timestamptz)`, 1},
		{"date = 'x'", `(t."date" = $1::text)`, 1},
		{"TRUE", `TRUE`, 0},
		{"((name = 'a'))", `(t."name" = $1::text)`, 1},
	} {
		n, err := Parse(c.in)
		if err != nil {
			t.Errorf("%s: %v", c.in, err)
			continue
		}
		var args []any
		sql, err := ToSQL(n, resolve, &args)
		if err != nil {
			t.Errorf("%s: %v", c.in, err)
			continue
		}
		if sql != c.sql || len(args) != c.args {
			t.Errorf("%s:\n got %s (%d args)\nwant %s (%d)", c.in, sql, len(args), c.sql, c.args)
		}
	}
}

func TestRefused(t *testing.T) {
	for in, want := range map[string]string{
		"":                           "结束",
		"name =":                     "结束",
		"name = 'a' AND":             "结束",
		"name = 'unterminated":       "没有闭合",
		"(name = 'a'":                "')'",
		"name = 'a')":                "意外",
		"S_INTERSECTS(geom, x)":      "不受支持",
		"name = 1":                   "比较运算",
		"capacity LIKE 'a'":          "LIKE 只比较字符串",
		"nope = 1":                   `未知属性 "nope"`,
		"name BETWEEN 'a' AND 'b'":   "BETWEEN",
		"at > 'yesterday'":           "既不是",
		"name ; DROP TABLE x":        "意外",
		"DATE('2024-13-01') = since": "YYYY-MM-DD",
		strings.Repeat("(", 200) + "name='a'" + strings.Repeat(")", 200): "嵌套",
	} {
		n, err := Parse(in)
		if err == nil {
			var args []any
			_, err = ToSQL(n, resolve, &args)
		}
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: got %v, want an error containing %q", in, err, want)
		}
	}
}

// FuzzParse: no input panics, and whatever parses translates to SQL whose
// only text from the input is allowlisted property SQL (no quote of the
// input reaches it), with one bound value per placeholder.
func FuzzParse(f *testing.F) {
	for _, s := range []string{"name = 'a'", "capacity > 1 AND (open = true OR name LIKE '%x')",
		"name IN ('a','b')", "NOT name IS NULL", `"name" <> 'x'`, "capacity BETWEEN -1 AND 2e3",
		"at >= TIMESTAMP('2024-01-01T00:00:00Z')"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := Parse(s)
		if err != nil {
			return
		}
		var args []any
		sql, err := ToSQL(n, resolve, &args)
		if err != nil {
			return
		}
		if strings.Contains(sql, "'") || strings.Contains(sql, ";") {
			t.Fatalf("%q produced SQL with input text: %s", s, sql)
		}
		if c := strings.Count(sql, "$"); c != len(args) {
			t.Fatalf("%q: %d placeholders, %d args: %s", s, c, len(args), sql)
		}
	})
}
