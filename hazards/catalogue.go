package hazards

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"slices"
	"strings"
	"sync"
)

//go:embed catalogue.json
var catalogueJSON []byte

// Where a β comes from (GB 18218-2018 4.3): 表3 names the toxic gases
// whose β is fixed; every other chemical takes its β from 表4 by hazard
// class.
const (
	BetaTable3 = 3
	BetaTable4 = 4
)

// HazardClass is one row of GB 18218-2018 表2 (critical quantity of a
// chemical not named in 表1) joined with the same row of 表4 (its β).
// Codes are the standard's own symbols: J1–J5 (health), W1.1–W11
// (physical).
type HazardClass struct {
	Code        string  `json:"code"`
	Group       string  `json:"group_zh"`
	Description string  `json:"description_zh"`
	QTonnes     float64 `json:"q_tonnes"`
	Beta        float64 `json:"beta"`
	Source      string  `json:"source"`
}

// Entry is one named chemical: a row of GB 18218-2018 表1, or a local
// addition.
//
// Beta is fixed when BetaTable is 3 (表3), and then nothing overrides it.
// When BetaTable is 4, Beta is the 表4 value for the chemical's usual
// classification; a holding may declare hazard classes that raise it
// (a flammable liquid kept above its boiling point is W5.1), never lower
// it. Beta 0 with BetaTable 4 means the classification of the product
// varies (gasoline: 易燃液体类别1 or 2) and each holding must declare its
// class; BetaClasses then lists the classes that make sense.
type Entry struct {
	ID            string   `json:"id"`
	NameZH        string   `json:"name_zh"`
	NameEN        string   `json:"name_en"`
	Aliases       []string `json:"aliases,omitempty"`
	Variant       string   `json:"variant,omitempty"`
	CAS           []string `json:"cas,omitempty"`
	UN            []string `json:"un,omitempty"`
	QTonnes       float64  `json:"q_tonnes"`
	Beta          float64  `json:"beta,omitempty"`
	BetaTable     int      `json:"beta_table"`
	BetaClasses   []string `json:"beta_classes,omitempty"`
	HazardClasses []string `json:"hazard_classes,omitempty"`
	Source        string   `json:"source"`
	BetaSource    string   `json:"beta_source,omitempty"`
	Note          string   `json:"note,omitempty"`
}

func (e Entry) clone() Entry {
	e.Aliases = slices.Clone(e.Aliases)
	e.CAS = slices.Clone(e.CAS)
	e.UN = slices.Clone(e.UN)
	e.BetaClasses = slices.Clone(e.BetaClasses)
	e.HazardClasses = slices.Clone(e.HazardClasses)
	return e
}

// catalogueFile is the JSON layout of catalogue.json and of extension
// files (which carry entries only).
type catalogueFile struct {
	Standard string        `json:"standard,omitempty"`
	Note     string        `json:"note,omitempty"`
	Classes  []HazardClass `json:"hazard_classes,omitempty"`
	Entries  []Entry       `json:"entries"`
}

// Catalogue holds the hazard classes and named chemicals. It is immutable
// once built, so one value can be shared by every request; Extend returns
// a new one.
type Catalogue struct {
	standard string
	classes  []HazardClass
	byCode   map[string]int
	entries  []Entry
	byID     map[string]int
	byName   map[string]int
	byCAS    map[string][]int
}

var defaultCatalogue = sync.OnceValues(func() (*Catalogue, error) {
	return ParseCatalogue(catalogueJSON)
})

// DefaultCatalogue is the catalogue shipped with the project (embedded
// catalogue.json). It panics if that file is invalid, which the package
// tests rule out.
func DefaultCatalogue() *Catalogue {
	c, err := defaultCatalogue()
	if err != nil {
		panic(err)
	}
	return c
}

// ParseCatalogue reads a complete catalogue (hazard classes and entries)
// and validates it.
func ParseCatalogue(data []byte) (*Catalogue, error) {
	var f catalogueFile
	if err := decodeStrict(data, &f); err != nil {
		return nil, fmt.Errorf("%w：%v", ErrInvalidCatalogue, err)
	}
	c := &Catalogue{standard: f.Standard}
	if err := c.setClasses(f.Classes); err != nil {
		return nil, err
	}
	if err := c.addEntries(f.Entries); err != nil {
		return nil, err
	}
	return c, nil
}

// LoadCatalogue reads a complete catalogue from r.
func LoadCatalogue(r io.Reader) (*Catalogue, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	return ParseCatalogue(data)
}

// LoadCatalogueFile reads a complete catalogue from a file, to replace the
// shipped one.
func LoadCatalogueFile(path string) (*Catalogue, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return ParseCatalogue(data)
}

// Extend returns a new catalogue with the entries added. The receiver is
// unchanged. An entry may not reuse an id, name or alias already present:
// changing a value of the standard is a deliberate edit of the file, not
// a run-time addition.
func (c *Catalogue) Extend(entries ...Entry) (*Catalogue, error) {
	n := &Catalogue{standard: c.standard}
	if err := n.setClasses(c.classes); err != nil {
		return nil, err
	}
	all := make([]Entry, 0, len(c.entries)+len(entries))
	all = append(all, c.entries...)
	all = append(all, entries...)
	if err := n.addEntries(all); err != nil {
		return nil, err
	}
	return n, nil
}

// ExtendFrom reads {"entries": [...]} from r and returns the extended
// catalogue. Hazard classes cannot be redefined this way.
func (c *Catalogue) ExtendFrom(r io.Reader) (*Catalogue, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	var f catalogueFile
	if err := decodeStrict(data, &f); err != nil {
		return nil, fmt.Errorf("%w：%v", ErrInvalidCatalogue, err)
	}
	if len(f.Classes) > 0 {
		return nil, fmt.Errorf("%w：扩展文件只能增加条目，不能增加危险性类别", ErrInvalidCatalogue)
	}
	return c.Extend(f.Entries...)
}

// ExtendFromFile is ExtendFrom on a file.
func (c *Catalogue) ExtendFromFile(path string) (*Catalogue, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return c.ExtendFrom(f)
}

func decodeStrict(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields() // a misspelt "q_tonne" must fail, not become Q = 0
	if err := dec.Decode(v); err != nil {
		return err
	}
	if dec.More() {
		return errors.New("JSON 对象之后还有多余内容")
	}
	return nil
}

var classCode = regexp.MustCompile(`^(J[1-9]|W[1-9][0-9]?(\.[1-9])?)$`)

func (c *Catalogue) setClasses(classes []HazardClass) error {
	if len(classes) == 0 {
		return fmt.Errorf("%w：没有危险性类别（GB 18218-2018 表2/表4）", ErrInvalidCatalogue)
	}
	c.classes = slices.Clone(classes)
	c.byCode = make(map[string]int, len(classes))
	for i, hc := range c.classes {
		bad := func(why string) error {
			return fmt.Errorf("%w：危险性类别 %q：%s", ErrInvalidCatalogue, hc.Code, why)
		}
		switch {
		case !classCode.MatchString(hc.Code):
			return bad("代码应形如 J1 或 W5.3")
		case !finite(hc.QTonnes) || hc.QTonnes <= 0:
			return bad("q_tonnes 须为正数")
		case !finite(hc.Beta) || hc.Beta < 1:
			return bad("beta 至少为 1")
		case hc.Source == "":
			return bad("source 必填")
		}
		if _, dup := c.byCode[hc.Code]; dup {
			return bad("重复定义")
		}
		c.byCode[hc.Code] = i
	}
	return nil
}

var entryID = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
var unNumber = regexp.MustCompile(`^[0-9]{4}$`)

func (c *Catalogue) addEntries(entries []Entry) error {
	c.entries = make([]Entry, 0, len(entries))
	c.byID = make(map[string]int, len(entries))
	c.byName = make(map[string]int, 2*len(entries))
	c.byCAS = make(map[string][]int, len(entries))
	for _, e := range entries {
		e = e.clone()
		if err := c.validEntry(&e); err != nil {
			return err
		}
		i := len(c.entries)
		if _, dup := c.byID[e.ID]; dup {
			return fmt.Errorf("%w：条目编号 %q 重复", ErrInvalidCatalogue, e.ID)
		}
		c.byID[e.ID] = i
		for _, n := range append([]string{e.NameZH}, e.Aliases...) {
			k := nameKey(n)
			if j, dup := c.byName[k]; dup {
				return fmt.Errorf("%w：%q 的名称 %q 已是 %q 的名称", ErrInvalidCatalogue, e.ID, n, c.entries[j].ID)
			}
			c.byName[k] = i
		}
		for _, cas := range e.CAS {
			c.byCAS[cas] = append(c.byCAS[cas], i)
		}
		c.entries = append(c.entries, e)
	}
	// 表1 lists several forms of one substance under one CAS number
	// (硝化纤维素, 硝酸铵) with different Q. Sharing a CAS is allowed only
	// when every entry says which form it is, so a CAS lookup can name the
	// choices instead of picking one.
	for cas, idx := range c.byCAS {
		if len(idx) < 2 {
			continue
		}
		for _, i := range idx {
			if c.entries[i].Variant == "" {
				return fmt.Errorf("%w：CAS %s 由 %d 个条目共用，但 %q 没有写明形态（variant）", ErrInvalidCatalogue, cas, len(idx), c.entries[i].ID)
			}
		}
	}
	return nil
}

func (c *Catalogue) validEntry(e *Entry) error {
	bad := func(format string, a ...any) error {
		return fmt.Errorf("%w：条目 %q：%s", ErrInvalidCatalogue, e.ID, fmt.Sprintf(format, a...))
	}
	if !entryID.MatchString(e.ID) {
		return bad("id 只能由小写字母、数字和连字符组成")
	}
	if strings.TrimSpace(e.NameZH) == "" {
		return bad("name_zh 必填")
	}
	if e.Source == "" {
		return bad("source 必填")
	}
	if !finite(e.QTonnes) || e.QTonnes <= 0 {
		return bad("q_tonnes 须为正数，收到 %v", e.QTonnes)
	}
	for i, raw := range e.CAS {
		n, ok := normaliseCAS(raw)
		if !ok {
			return bad("CAS %q 格式错误或校验位不符", raw)
		}
		e.CAS[i] = n
	}
	if len(e.CAS) != len(uniq(e.CAS)) {
		return bad("CAS 重复列出")
	}
	for _, un := range e.UN {
		if !unNumber.MatchString(un) {
			return bad("UN 编号 %q 须为四位数字", un)
		}
	}
	for _, code := range append(slices.Clone(e.HazardClasses), e.BetaClasses...) {
		if _, ok := c.byCode[code]; !ok {
			return bad("%v %q", ErrUnknownClass, code)
		}
	}
	switch e.BetaTable {
	case BetaTable3:
		if !finite(e.Beta) || e.Beta < 1 {
			return bad("表3 的 β 至少为 1，收到 %v", e.Beta)
		}
		if len(e.BetaClasses) > 0 {
			return bad("表3 的 β 是固定值，不能再写 beta_classes")
		}
	case BetaTable4:
		if !finite(e.Beta) || (e.Beta != 0 && e.Beta < 1) {
			return bad("β 至少为 1，或为 0 表示须填写危险性类别；收到 %v", e.Beta)
		}
	default:
		return bad("beta_table 须为 3 或 4")
	}
	return nil
}

func uniq(s []string) []string {
	t := slices.Clone(s)
	slices.Sort(t)
	return slices.Compact(t)
}

func nameKey(s string) string { return strings.ToLower(foldWidth(strings.TrimSpace(s))) }

// Standard names the edition the catalogue follows.
func (c *Catalogue) Standard() string { return c.standard }

// Entries returns a copy of all entries, in file order.
func (c *Catalogue) Entries() []Entry {
	out := make([]Entry, len(c.entries))
	for i, e := range c.entries {
		out[i] = e.clone()
	}
	return out
}

// Classes returns a copy of the hazard classes (表2 with 表4), in file order.
func (c *Catalogue) Classes() []HazardClass { return slices.Clone(c.classes) }

// Class returns the hazard class with the given code (J1, W5.3 …).
func (c *Catalogue) Class(code string) (HazardClass, error) {
	i, ok := c.byCode[strings.ToUpper(strings.TrimSpace(foldWidth(code)))]
	if !ok {
		return HazardClass{}, fmt.Errorf("%w %q", ErrUnknownClass, code)
	}
	return c.classes[i], nil
}

// ByID returns the entry with the given id (slug).
func (c *Catalogue) ByID(id string) (Entry, error) {
	i, ok := c.byID[strings.ToLower(strings.TrimSpace(id))]
	if !ok {
		return Entry{}, fmt.Errorf("%w：目录中没有编号 %q", ErrUnknownChemical, id)
	}
	return c.entries[i].clone(), nil
}

// ByName returns the entry whose Chinese name or alias is name.
// Full-width brackets and spaces are ignored.
func (c *Catalogue) ByName(name string) (Entry, error) {
	i, ok := c.byName[nameKey(name)]
	if !ok {
		return Entry{}, fmt.Errorf("%w：目录中没有名为 %q 的条目", ErrUnknownChemical, name)
	}
	return c.entries[i].clone(), nil
}

// ByCAS returns the entry with the given CAS number. A number shared by
// several forms of one substance (硝酸铵, 硝化纤维素) is
// ErrAmbiguousChemical naming the candidate ids.
func (c *Catalogue) ByCAS(cas string) (Entry, error) {
	n, ok := normaliseCAS(cas)
	if !ok {
		return Entry{}, fmt.Errorf("%w：%q 不是有效的 CAS 号（格式或校验位不符）", ErrUnknownChemical, cas)
	}
	idx := c.byCAS[n]
	switch len(idx) {
	case 0:
		return Entry{}, fmt.Errorf("%w：目录中没有 CAS 号为 %s 的条目", ErrUnknownChemical, n)
	case 1:
		return c.entries[idx[0]].clone(), nil
	}
	ids := make([]string, len(idx))
	for k, i := range idx {
		ids[k] = c.entries[i].ID + "（" + c.entries[i].Variant + "）"
	}
	return Entry{}, fmt.Errorf("%w：CAS %s 对应多种形态，请改填其中一个编号：%s", ErrAmbiguousChemical, n, strings.Join(ids, "、"))
}

// Lookup resolves a key that may be an id, a CAS number or a Chinese name
// or alias, in that order.
func (c *Catalogue) Lookup(key string) (Entry, error) {
	if e, err := c.ByID(key); err == nil {
		return e, nil
	}
	if looksLikeCAS(key) {
		return c.ByCAS(key)
	}
	if e, err := c.ByName(key); err == nil {
		return e, nil
	}
	return Entry{}, fmt.Errorf("%w %q：不是目录中的编号、CAS 号或名称", ErrUnknownChemical, key)
}
