package orgplan

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"unicode/utf8"

	"sitrep/internal/validation"
)

//go:embed wulumuqi.json
var defaultPlan []byte

// Default returns 乌鲁木齐县's plan, embedded in the binary. Tests pin that
// it loads; an error here means the binary was built from a broken file.
func Default() (*Plan, error) { return parse("wulumuqi.json (embedded)", defaultPlan) }

// Load reads and validates a plan file.
func Load(path string) (*Plan, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("orgplan: %w", err)
	}
	return parse(path, data)
}

// Parse validates a plan given as JSON.
func Parse(data []byte) (*Plan, error) { return parse("plan", data) }

// Problem is one thing wrong with a plan file, located by a JSON path such
// as `groups[2].members[1]` or, for syntax errors, by line and column.
type Problem struct {
	Path    string
	Message string
}

func (p Problem) String() string { return p.Path + "：" + p.Message }

// LoadError lists every problem found in a plan file.
type LoadError struct {
	File     string
	Problems []Problem
}

func (e *LoadError) Error() string {
	parts := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		parts[i] = p.String()
	}
	return fmt.Sprintf("orgplan: %s：%s", e.File, strings.Join(parts, "；"))
}

// The file's shape. Codes stay strings here so that a bad one is reported
// with its path instead of as a bare decoding error.
type fileHQ struct {
	Name            string `json:"name"`
	Commander       string `json:"commander"`
	DeputyCommander string `json:"deputy_commander"`
	Office          string `json:"office"`
}

type fileGroup struct {
	ID      string   `json:"id"`
	Name    string   `json:"name"`
	Leads   []string `json:"leads"`
	Members []string `json:"members"`
	Duty    string   `json:"duty"`
	Note    string   `json:"note"`
	Levels  []string `json:"levels"`
}

type fileRoute struct {
	Kind           string `json:"kind"`
	FirstRecipient string `json:"first_recipient"`
	Lead           string `json:"lead"`
	Sector         string `json:"sector"`
	Basis          string `json:"basis"`
}

type fileStep struct {
	Tier   string   `json:"tier"`
	Bodies []string `json:"bodies"`
}

type fileItem struct {
	ID          string   `json:"id"`
	Text        string   `json:"text"`
	Responsible []string `json:"responsible"`
	Levels      []string `json:"levels"`
	Basis       string   `json:"basis"`
}

type file struct {
	Name       string      `json:"name"`
	County     string      `json:"county"`
	Source     string      `json:"source"`
	DutyPhone  string      `json:"duty_phone"`
	HQ         fileHQ      `json:"hq"`
	Units      []Unit      `json:"units"`
	Groups     []fileGroup `json:"groups"`
	Routing    []fileRoute `json:"routing"`
	Escalation []fileStep  `json:"escalation"`
	Checklist  []fileItem  `json:"checklist"`
}

func parse(name string, data []byte) (*Plan, error) {
	var f file
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields() // a misspelt field must not silently drop data
	if err := dec.Decode(&f); err != nil {
		return nil, &LoadError{File: name, Problems: []Problem{decodeProblem(data, dec.InputOffset(), err)}}
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, &LoadError{File: name, Problems: []Problem{{Path: at(data, dec.InputOffset()), Message: "预案对象之后还有多余内容"}}}
	}
	v := &validator{}
	p := v.build(&f)
	if len(v.problems) > 0 {
		return nil, &LoadError{File: name, Problems: v.problems}
	}
	return p, nil
}

// decodeProblem turns a decoding error into a located problem.
func decodeProblem(data []byte, stopped int64, err error) Problem {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		// Offset counts the bytes read, including the offending one.
		return Problem{Path: at(data, syn.Offset-1), Message: "JSON 语法错误"}
	case errors.As(err, &typ):
		return Problem{Path: typ.Field, Message: fmt.Sprintf("应为%s，收到%s（%s）", validation.JSONKind(typ.Type), validation.JSONValueKind(typ.Value), at(data, typ.Offset))}
	default:
		// An unknown field is reported only after the whole value is read,
		// so the decoder's offset is useless; point at the first place the
		// field name appears as a key instead.
		if name, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
			if i := keyOffset(data, name); i >= 0 {
				return Problem{Path: at(data, int64(i)), Message: "未知字段 " + name}
			}
		}
		return Problem{Path: at(data, stopped), Message: err.Error()}
	}
}

// keyOffset finds quotedName used as an object key.
func keyOffset(data []byte, quotedName string) int {
	for off := 0; ; {
		i := bytes.Index(data[off:], []byte(quotedName))
		if i < 0 {
			return -1
		}
		i += off
		rest := bytes.TrimLeft(data[i+len(quotedName):], " \t\r\n")
		if len(rest) > 0 && rest[0] == ':' {
			return i
		}
		off = i + len(quotedName)
	}
}

// at formats a byte offset as line and column, 1-based, the column
// counted in characters as an editor shows it (the file is mostly Chinese).
func at(data []byte, off int64) string {
	off = max(0, min(off, int64(len(data))))
	before := data[:off]
	line := bytes.Count(before, []byte("\n")) + 1
	col := utf8.RuneCount(before[bytes.LastIndexByte(before, '\n')+1:]) + 1
	return fmt.Sprintf("第 %d 行第 %d 列", line, col)
}
