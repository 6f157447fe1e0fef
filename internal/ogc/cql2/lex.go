package cql2

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

type tokKind int

const (
	tEOF tokKind = iota
	tIdent
	tQuoted // "double-quoted" property name
	tString
	tNumber
	tOp // = <> < <= > >=
	tLParen
	tRParen
	tComma
)

type token struct {
	kind tokKind
	text string // identifiers as written; strings unescaped
	pos  int    // byte offset, for messages
}

// lex splits src into tokens.
func lex(src string) ([]token, error) {
	var out []token
	i := 0
	for i < len(src) {
		r, w := utf8.DecodeRuneInString(src[i:])
		switch {
		case r == utf8.RuneError && w == 1:
			return nil, fmt.Errorf("第 %d 字节处不是有效的 UTF-8", i)
		case unicode.IsSpace(r):
			i += w
		case r == '(':
			out = append(out, token{tLParen, "(", i})
			i++
		case r == ')':
			out = append(out, token{tRParen, ")", i})
			i++
		case r == ',':
			out = append(out, token{tComma, ",", i})
			i++
		case r == '=':
			out = append(out, token{tOp, "=", i})
			i++
		case r == '<' || r == '>':
			op := string(r)
			if i+1 < len(src) && (src[i+1] == '=' || (r == '<' && src[i+1] == '>')) {
				op += string(src[i+1])
			}
			out = append(out, token{tOp, op, i})
			i += len(op)
		case r == '\'':
			s, n, err := lexQuoted(src[i:], '\'')
			if err != nil {
				return nil, fmt.Errorf("第 %d 字节处%v", i, err)
			}
			out = append(out, token{tString, s, i})
			i += n
		case r == '"':
			s, n, err := lexQuoted(src[i:], '"')
			if err != nil {
				return nil, fmt.Errorf("第 %d 字节处%v", i, err)
			}
			if s == "" {
				return nil, fmt.Errorf("第 %d 字节处属性名为空", i)
			}
			out = append(out, token{tQuoted, s, i})
			i += n
		case r == '-' || r == '+' || r == '.' || (r >= '0' && r <= '9'):
			n := lexNumber(src[i:])
			if n == 0 {
				return nil, fmt.Errorf("第 %d 字节处出现意外的 %q", i, r)
			}
			out = append(out, token{tNumber, src[i : i+n], i})
			i += n
		case r == '_' || unicode.IsLetter(r):
			j := i
			for j < len(src) {
				r2, w2 := utf8.DecodeRuneInString(src[j:])
				if r2 != '_' && r2 != ':' && r2 != '.' && !unicode.IsLetter(r2) && !unicode.IsDigit(r2) {
					break
				}
				j += w2
			}
			out = append(out, token{tIdent, src[i:j], i})
			i = j
		default:
			return nil, fmt.Errorf("第 %d 字节处出现意外的 %q", i, r)
		}
	}
	return append(out, token{tEOF, "", len(src)}), nil
}

// lexQuoted reads a quoted run starting at s[0] == q, where a doubled quote
// stands for one; it returns the content and the bytes consumed.
func lexQuoted(s string, q byte) (string, int, error) {
	var b strings.Builder
	for i := 1; i < len(s); i++ {
		if s[i] != q {
			b.WriteByte(s[i])
			continue
		}
		if i+1 < len(s) && s[i+1] == q {
			b.WriteByte(q)
			i++
			continue
		}
		return b.String(), i + 1, nil
	}
	return "", 0, fmt.Errorf("的 %c 没有闭合", q)
}

// lexNumber returns the length of the number at the start of s, 0 if none:
// [+-]digits[.digits][(e|E)[+-]digits] or [+-].digits….
func lexNumber(s string) int {
	i := 0
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		i++
	}
	digits := func() int {
		j := i
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		return i - j
	}
	n := digits()
	if i < len(s) && s[i] == '.' {
		i++
		n += digits()
	}
	if n == 0 {
		return 0
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		k := i
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		if digits() == 0 {
			i = k
		}
	}
	return i
}
