package warnings

import (
	"fmt"
	"strings"

	"sitrep/internal/validation"
)

// Level is a warning level (预警级别, plan 3.2.1). The numeric order follows
// severity: a higher Level is more severe, so levels compare with < and >.
// The zero value is not a level; it marks "not set".
type Level int

// The four levels of plan 3.2.1, from least to most severe.
const (
	Blue   Level = iota + 1 // Ⅳ级 一般
	Yellow                  // Ⅲ级 较重
	Orange                  // Ⅱ级 严重
	Red                     // Ⅰ级 特别严重
)

type levelInfo struct {
	code   string // stable code for JSON, the database and URLs
	roman  string // grade as written in the plan
	grade  string // 一般 … 特别严重
	colour string // 蓝色 … 红色
	hex    string // map fill
	// aliases ParseLevel also accepts: the ASCII numeral and the digit.
	aliases [2]string
}

// The colours are the plain ones named in 3.2.1; the web map may shade them.
var levels = [...]levelInfo{
	Blue:   {"blue", "Ⅳ", "一般", "蓝色", "#0000FF", [2]string{"iv", "4"}},
	Yellow: {"yellow", "Ⅲ", "较重", "黄色", "#FFFF00", [2]string{"iii", "3"}},
	Orange: {"orange", "Ⅱ", "严重", "橙色", "#FF7F00", [2]string{"ii", "2"}},
	Red:    {"red", "Ⅰ", "特别严重", "红色", "#FF0000", [2]string{"i", "1"}},
}

// Levels returns the four levels from least to most severe.
func Levels() []Level { return []Level{Blue, Yellow, Orange, Red} }

// Valid reports whether l is one of the four levels.
func (l Level) Valid() bool { return l >= Blue && l <= Red }

// Code is the stable lower-case code: blue, yellow, orange or red.
func (l Level) Code() string {
	if !l.Valid() {
		return ""
	}
	return levels[l].code
}

// String is the code, or "Level(n)" for an invalid value.
func (l Level) String() string {
	if !l.Valid() {
		return fmt.Sprintf("Level(%d)", int(l))
	}
	return levels[l].code
}

// Roman is the grade numeral as the plan writes it: Ⅰ … Ⅳ.
func (l Level) Roman() string {
	if !l.Valid() {
		return ""
	}
	return levels[l].roman
}

// Grade is the Chinese grade word: 一般, 较重, 严重, 特别严重.
func (l Level) Grade() string {
	if !l.Valid() {
		return ""
	}
	return levels[l].grade
}

// Colour is the Chinese colour word: 蓝色, 黄色, 橙色, 红色.
func (l Level) Colour() string {
	if !l.Valid() {
		return ""
	}
	return levels[l].colour
}

// Label is the full Chinese label, e.g. "黄色预警（Ⅲ级，较重）".
func (l Level) Label() string {
	if !l.Valid() {
		return ""
	}
	i := levels[l]
	return i.colour + "预警（" + i.roman + "级，" + i.grade + "）"
}

// Hex is the map colour as #RRGGBB.
func (l Level) Hex() string {
	if !l.Valid() {
		return ""
	}
	return levels[l].hex
}

// ParseLevel reads a level from its code (any case), its colour word
// (蓝色, 蓝, 蓝色预警) or its grade numeral (Ⅳ, Ⅳ级, IV or 4 for blue). The error lists the
// valid codes so an API can return it as is.
func ParseLevel(s string) (Level, error) {
	// "黄色预警" and "Ⅲ级" are how people write it; the suffixes add nothing.
	lower := strings.ToLower(strings.TrimSpace(s))
	lower = strings.TrimSuffix(strings.TrimSuffix(lower, "预警"), "级")
	for _, l := range Levels() {
		i := levels[l]
		switch lower {
		// ToLower maps Ⅰ (U+2160) to ⅰ (U+2170), so the numeral is lowered too.
		case i.code, i.aliases[0], i.aliases[1], strings.ToLower(i.roman), i.colour, strings.TrimSuffix(i.colour, "色"):
			return l, nil
		}
	}
	return 0, fmt.Errorf("未知预警级别 %q；%s", s, levelChoices)
}

// levelChoices lists the levels with their labels, for error messages.
var levelChoices = levelChoiceText()

func levelChoiceText() string {
	codes := make([]string, 0, 4)
	for _, l := range Levels() {
		codes = append(codes, l.Code())
	}
	return validation.OneOf(codes, func(c string) string {
		for _, l := range Levels() {
			if l.Code() == c {
				return l.Label()
			}
		}
		return ""
	})
}

// MarshalText writes the code, so JSON carries "yellow", not 2.
func (l Level) MarshalText() ([]byte, error) {
	if !l.Valid() {
		return nil, fmt.Errorf("warnings: cannot marshal invalid %v", l)
	}
	return []byte(levels[l].code), nil
}

// UnmarshalText accepts everything ParseLevel does.
func (l *Level) UnmarshalText(b []byte) error {
	v, err := ParseLevel(string(b))
	if err != nil {
		return err
	}
	*l = v
	return nil
}
