package cql2

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Resolver maps a property name to its SQL expression and type; ok false
// refuses the name. The SQL comes from the caller's allowlist, never from
// the filter.
type Resolver func(name string) (sql string, t Type, ok bool)

// UnknownPropertyError names a property the collection does not have.
type UnknownPropertyError struct{ Name string }

func (e *UnknownPropertyError) Error() string {
	return fmt.Sprintf("未知属性 %q", e.Name)
}

// ToSQL translates n to a boolean SQL expression. Values are appended to
// *args and referenced as $n with n counting on from len(*args).
func ToSQL(n Node, resolve Resolver, args *[]any) (string, error) {
	t := &translator{resolve: resolve, args: args}
	return t.node(n)
}

type translator struct {
	resolve Resolver
	args    *[]any
}

func (t *translator) node(n Node) (string, error) {
	switch n := n.(type) {
	case And:
		return t.join(n.Args, " AND ")
	case Or:
		return t.join(n.Args, " OR ")
	case Not:
		s, err := t.node(n.Arg)
		return "(NOT " + s + ")", err
	case Bool:
		if n.Value {
			return "TRUE", nil
		}
		return "FALSE", nil
	case Compare:
		l, r, err := t.pair(n.L, n.R, "比较运算")
		if err != nil {
			return "", err
		}
		return "(" + l + " " + n.Op + " " + r + ")", nil
	case Like:
		if ty, ok := t.typeOf(n.L); ok && ty != String {
			return "", fmt.Errorf("LIKE 只比较字符串，%s 是%s", describe(n.L), ty.Label())
		}
		if lit, ok := n.Pattern.(Literal); ok && lit.Type == String && endsInEscape(lit.Value.(string)) {
			return "", errors.New("LIKE 的模式不能以转义符 \\ 结尾（反斜杠本身写作 \\\\）")
		}
		l, r, err := t.pair(n.L, n.Pattern, "LIKE ")
		if err != nil {
			return "", err
		}
		return "(" + l + not(n.Not) + " LIKE " + r + ")", nil
	case In:
		l, err := t.scalar(n.L, 0)
		if err != nil {
			return "", err
		}
		items := make([]string, len(n.List))
		for i, s := range n.List {
			if items[i], err = t.compatible(n.L, s, "IN 列表"); err != nil {
				return "", err
			}
		}
		return "(" + l + not(n.Not) + " IN (" + strings.Join(items, ", ") + "))", nil
	case Between:
		l, err := t.scalar(n.L, 0)
		if err != nil {
			return "", err
		}
		if ty, _ := t.typeOf(n.L); ty == String || ty == Boolean {
			return "", fmt.Errorf("BETWEEN 只比较数字、日期或时间，%s 是%s", describe(n.L), ty.Label())
		}
		lo, err := t.compatible(n.L, n.Lo, "BETWEEN ")
		if err != nil {
			return "", err
		}
		hi, err := t.compatible(n.L, n.Hi, "BETWEEN ")
		if err != nil {
			return "", err
		}
		return "(" + l + not(n.Not) + " BETWEEN " + lo + " AND " + hi + ")", nil
	case IsNull:
		l, err := t.scalar(n.L, 0)
		if err != nil {
			return "", err
		}
		return "(" + l + " IS" + not(n.Not) + " NULL)", nil
	}
	return "", fmt.Errorf("unsupported expression %T", n)
}

func not(b bool) string {
	if b {
		return " NOT"
	}
	return ""
}

func (t *translator) join(ns []Node, sep string) (string, error) {
	parts := make([]string, len(ns))
	for i, n := range ns {
		s, err := t.node(n)
		if err != nil {
			return "", err
		}
		parts[i] = s
	}
	return "(" + strings.Join(parts, sep) + ")", nil
}

// typeOf is a scalar's type; ok false for an unknown property.
func (t *translator) typeOf(s Scalar) (Type, bool) {
	switch s := s.(type) {
	case Prop:
		_, ty, ok := t.resolve(s.Name)
		return ty, ok
	case Literal:
		return s.Type, true
	}
	return 0, false
}

// pair translates two scalars that are compared with each other.
func (t *translator) pair(a, b Scalar, what string) (string, string, error) {
	if _, isLit := a.(Literal); isLit {
		if _, isProp := b.(Prop); isProp {
			// Type the literal by the property, whichever side it is on.
			r, err := t.scalar(b, 0)
			if err != nil {
				return "", "", err
			}
			l, err := t.compatible(b, a, what)
			return l, r, err
		}
	}
	l, err := t.scalar(a, 0)
	if err != nil {
		return "", "", err
	}
	r, err := t.compatible(a, b, what)
	return l, r, err
}

// compatible translates other, which is compared with ref, checking types.
func (t *translator) compatible(ref, other Scalar, what string) (string, error) {
	rt, ok := t.typeOf(ref)
	if !ok {
		return "", &UnknownPropertyError{ref.(Prop).Name}
	}
	ot, ok := t.typeOf(other)
	if !ok {
		return "", &UnknownPropertyError{other.(Prop).Name}
	}
	_, lit := other.(Literal)
	switch {
	case rt == ot:
	case lit && ot == String && (rt == Date || rt == Timestamp):
		// '2024-05-01' against a date or time column, checked here so
		// PostgreSQL never sees a value it cannot parse.
		v := other.(Literal).Value.(string)
		tm, err := time.Parse(time.RFC3339Nano, v)
		if err != nil {
			if tm, err = time.Parse(time.DateOnly, v); err != nil {
				return "", fmt.Errorf("%q 既不是 YYYY-MM-DD 日期，也不是 RFC 3339 时间", v)
			}
		}
		other = Literal{Timestamp, tm}
		if rt == Date {
			other = Literal{Date, tm}
		}
	case lit && ot == Date && rt == Timestamp:
	default:
		return "", fmt.Errorf("%s不能比较%s（%s）与%s（%s）", what, describe(ref), rt.Label(), describe(other), ot.Label())
	}
	return t.scalar(other, rt)
}

// scalar translates s; as is the type a literal is bound as (0: its own).
func (t *translator) scalar(s Scalar, as Type) (string, error) {
	switch s := s.(type) {
	case Prop:
		sql, _, ok := t.resolve(s.Name)
		if !ok {
			return "", &UnknownPropertyError{s.Name}
		}
		return sql, nil
	case Literal:
		if as == 0 {
			as = s.Type
		}
		v := s.Value
		if tm, ok := v.(time.Time); ok {
			if s.Type == Date {
				v = tm.Format(time.DateOnly)
			} else {
				v = tm.Format(time.RFC3339Nano)
			}
		}
		*t.args = append(*t.args, v)
		return "$" + strconv.Itoa(len(*t.args)) + "::" + sqlType(as), nil
	}
	return "", fmt.Errorf("unsupported value %T", s)
}

func sqlType(t Type) string {
	switch t {
	case Number:
		return "double precision"
	case Boolean:
		return "boolean"
	case Date:
		return "date"
	case Timestamp:
		return "timestamptz"
	}
	return "text"
}

func describe(s Scalar) string {
	switch s := s.(type) {
	case Prop:
		return "属性 " + s.Name
	case Literal:
		return fmt.Sprintf("%v", s.Value)
	}
	return "?"
}

// endsInEscape reports whether a LIKE pattern ends with an unescaped
// backslash, which PostgreSQL refuses (it escapes nothing).
func endsInEscape(p string) bool {
	n := 0
	for i := len(p) - 1; i >= 0 && p[i] == '\\'; i-- {
		n++
	}
	return n%2 == 1
}
