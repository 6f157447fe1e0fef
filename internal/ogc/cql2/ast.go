package cql2

// Node is a boolean expression.
type Node interface{ isNode() }

// Scalar is a property or a literal.
type Scalar interface{ isScalar() }

type (
	// And holds when every argument holds.
	And struct{ Args []Node }
	// Or holds when any argument holds.
	Or struct{ Args []Node }
	// Not negates its argument.
	Not struct{ Arg Node }
	// Bool is TRUE or FALSE used as a predicate.
	Bool struct{ Value bool }
	// Compare is L Op R with Op one of = <> < <= > >=.
	Compare struct {
		Op   string
		L, R Scalar
	}
	// Like is L [NOT] LIKE Pattern.
	Like struct {
		Not        bool
		L, Pattern Scalar
	}
	// In is L [NOT] IN (List…).
	In struct {
		Not  bool
		L    Scalar
		List []Scalar
	}
	// Between is L [NOT] BETWEEN Lo AND Hi.
	Between struct {
		Not       bool
		L, Lo, Hi Scalar
	}
	// IsNull is L IS [NOT] NULL.
	IsNull struct {
		Not bool
		L   Scalar
	}
)

func (And) isNode()     {}
func (Or) isNode()      {}
func (Not) isNode()     {}
func (Bool) isNode()    {}
func (Compare) isNode() {}
func (Like) isNode()    {}
func (In) isNode()      {}
func (Between) isNode() {}
func (IsNull) isNode()  {}

// Prop names a property.
type Prop struct{ Name string }

// Literal is a typed constant: Value is a string, float64, bool or
// time.Time (Date and Timestamp).
type Literal struct {
	Type  Type
	Value any
}

func (Prop) isScalar()    {}
func (Literal) isScalar() {}

// Type is the type of a property or literal.
type Type int

// The types a filter compares.
const (
	String Type = iota + 1
	Number
	Boolean
	Date
	Timestamp
)

// Label is the type's Chinese name, for messages.
func (t Type) Label() string {
	switch t {
	case String:
		return "字符串"
	case Number:
		return "数字"
	case Boolean:
		return "布尔值"
	case Date:
		return "日期"
	case Timestamp:
		return "时间"
	}
	return "未知类型"
}

func (t Type) String() string {
	switch t {
	case String:
		return "string"
	case Number:
		return "number"
	case Boolean:
		return "boolean"
	case Date:
		return "date"
	case Timestamp:
		return "timestamp"
	}
	return "unknown"
}
