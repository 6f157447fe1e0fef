package cql2

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// MaxDepth bounds nesting, so a hostile filter cannot exhaust the stack.
const MaxDepth = 64

// MaxLength bounds the filter text.
const MaxLength = 16 << 10

// Parse reads a CQL2 text filter.
func Parse(src string) (Node, error) {
	if len(src) > MaxLength {
		return nil, fmt.Errorf("筛选条件超过 %d 字节", MaxLength)
	}
	toks, err := lex(src)
	if err != nil {
		return nil, err
	}
	p := &parser{toks: toks}
	n, err := p.or(0)
	if err != nil {
		return nil, err
	}
	if t := p.peek(); t.kind != tEOF {
		return nil, fmt.Errorf("第 %d 字节处出现意外的 %q", t.pos, t.text)
	}
	return n, nil
}

type parser struct {
	toks []token
	i    int
}

func (p *parser) peek() token { return p.toks[p.i] }
func (p *parser) next() token {
	t := p.toks[p.i]
	if t.kind != tEOF {
		p.i++
	}
	return t
}

// keyword reports whether the next token is the keyword kw (any case) and
// consumes it if so.
func (p *parser) keyword(kw string) bool {
	t := p.peek()
	if t.kind == tIdent && strings.EqualFold(t.text, kw) {
		p.i++
		return true
	}
	return false
}

func (p *parser) expect(k tokKind, what string) error {
	t := p.next()
	if t.kind != k {
		return fmt.Errorf("第 %d 字节处应为%s，实为 %q", t.pos, what, t.text)
	}
	return nil
}

func (p *parser) or(depth int) (Node, error) {
	if depth > MaxDepth {
		return nil, fmt.Errorf("筛选条件嵌套超过 %d 层", MaxDepth)
	}
	first, err := p.and(depth)
	if err != nil {
		return nil, err
	}
	args := []Node{first}
	for p.keyword("OR") {
		n, err := p.and(depth)
		if err != nil {
			return nil, err
		}
		args = append(args, n)
	}
	if len(args) == 1 {
		return first, nil
	}
	return Or{args}, nil
}

func (p *parser) and(depth int) (Node, error) {
	first, err := p.not(depth)
	if err != nil {
		return nil, err
	}
	args := []Node{first}
	for p.keyword("AND") {
		n, err := p.not(depth)
		if err != nil {
			return nil, err
		}
		args = append(args, n)
	}
	if len(args) == 1 {
		return first, nil
	}
	return And{args}, nil
}

func (p *parser) not(depth int) (Node, error) {
	if p.keyword("NOT") {
		if depth > MaxDepth {
			return nil, fmt.Errorf("筛选条件嵌套超过 %d 层", MaxDepth)
		}
		n, err := p.not(depth + 1)
		if err != nil {
			return nil, err
		}
		return Not{n}, nil
	}
	return p.primary(depth)
}

func (p *parser) primary(depth int) (Node, error) {
	t := p.peek()
	if t.kind == tLParen {
		p.next()
		n, err := p.or(depth + 1)
		if err != nil {
			return nil, err
		}
		return n, p.expect(tRParen, " ')'")
	}
	if t.kind == tIdent && (strings.EqualFold(t.text, "TRUE") || strings.EqualFold(t.text, "FALSE")) {
		// A boolean literal is a predicate only when no operator follows.
		if k := p.toks[p.i+1]; k.kind == tEOF || k.kind == tRParen ||
			(k.kind == tIdent && (strings.EqualFold(k.text, "AND") || strings.EqualFold(k.text, "OR"))) {
			p.next()
			return Bool{strings.EqualFold(t.text, "TRUE")}, nil
		}
	}
	return p.predicate()
}

func (p *parser) predicate() (Node, error) {
	l, err := p.scalar()
	if err != nil {
		return nil, err
	}
	t := p.peek()
	if t.kind == tOp {
		p.next()
		r, err := p.scalar()
		if err != nil {
			return nil, err
		}
		return Compare{Op: t.text, L: l, R: r}, nil
	}
	if p.keyword("IS") {
		not := p.keyword("NOT")
		if !p.keyword("NULL") {
			return nil, fmt.Errorf("第 %d 字节处应为 NULL", p.peek().pos)
		}
		return IsNull{Not: not, L: l}, nil
	}
	not := p.keyword("NOT")
	switch {
	case p.keyword("LIKE"):
		r, err := p.scalar()
		if err != nil {
			return nil, err
		}
		return Like{Not: not, L: l, Pattern: r}, nil
	case p.keyword("IN"):
		if err := p.expect(tLParen, " IN 之后的 '('"); err != nil {
			return nil, err
		}
		var list []Scalar
		for {
			s, err := p.scalar()
			if err != nil {
				return nil, err
			}
			list = append(list, s)
			if p.peek().kind != tComma {
				break
			}
			p.next()
		}
		return In{Not: not, L: l, List: list}, p.expect(tRParen, "结束 IN 列表的 ')'")
	case p.keyword("BETWEEN"):
		lo, err := p.scalar()
		if err != nil {
			return nil, err
		}
		if !p.keyword("AND") {
			return nil, fmt.Errorf("第 %d 字节处应为 BETWEEN 中的 AND", p.peek().pos)
		}
		hi, err := p.scalar()
		if err != nil {
			return nil, err
		}
		return Between{Not: not, L: l, Lo: lo, Hi: hi}, nil
	}
	t = p.peek()
	if t.kind == tEOF {
		return nil, errors.New("筛选条件在应为运算符处结束")
	}
	return nil, fmt.Errorf("第 %d 字节处应为比较运算、LIKE、IN、BETWEEN 或 IS NULL，实为 %q", t.pos, t.text)
}

func (p *parser) scalar() (Scalar, error) {
	t := p.next()
	switch t.kind {
	case tString:
		return Literal{String, t.text}, nil
	case tNumber:
		f, err := strconv.ParseFloat(t.text, 64)
		if err != nil {
			return nil, fmt.Errorf("第 %d 字节处的数字 %q 无效", t.pos, t.text)
		}
		return Literal{Number, f}, nil
	case tQuoted:
		return Prop{t.text}, nil
	case tIdent:
		switch u := strings.ToUpper(t.text); u {
		case "TRUE", "FALSE":
			return Literal{Boolean, u == "TRUE"}, nil
		case "DATE", "TIMESTAMP":
			if p.peek().kind != tLParen {
				break // a property that happens to be called date
			}
			p.next()
			s := p.next()
			if s.kind != tString {
				return nil, fmt.Errorf("第 %d 字节处 %s( 须接带引号的字符串", s.pos, u)
			}
			if err := p.expect(tRParen, " ')'"); err != nil {
				return nil, err
			}
			if u == "DATE" {
				d, err := time.Parse(time.DateOnly, s.text)
				if err != nil || d.Year() < 1 { // year 0 does not exist in PostgreSQL's calendar
					return nil, fmt.Errorf("DATE('%s') 不是 YYYY-MM-DD 日期", s.text)
				}
				return Literal{Date, d}, nil
			}
			ts, err := time.Parse(time.RFC3339Nano, s.text)
			if err != nil || ts.UTC().Year() < 1 {
				return nil, fmt.Errorf("TIMESTAMP('%s') 不是带时区的 RFC 3339 时间", s.text)
			}
			return Literal{Timestamp, ts}, nil
		case "AND", "OR", "NOT", "LIKE", "IN", "BETWEEN", "IS", "NULL":
			return nil, fmt.Errorf("第 %d 字节处应为属性或值，实为 %s", t.pos, u)
		}
		if p.peek().kind == tLParen {
			return nil, fmt.Errorf("第 %d 字节处的函数 %s 不受支持（未实现空间、时间等函数）", t.pos, t.text)
		}
		return Prop{t.text}, nil
	case tEOF:
		return nil, errors.New("筛选条件在应为属性或值处结束")
	}
	return nil, fmt.Errorf("第 %d 字节处应为属性或值，实为 %q", t.pos, t.text)
}
