package hazards

import (
	"errors"
	"fmt"
)

// Sentinel errors; test with errors.Is. Handlers map all of them to a
// 422 problem+json: each is a fault in what the caller sent.
var (
	ErrUnknownChemical   = errors.New("未知的危险化学品")
	ErrAmbiguousChemical = errors.New("危险化学品不明确")
	ErrUnknownClass      = errors.New("未知的危险性类别")
	ErrBetaNeedsClass    = errors.New("校正系数 β 取决于危险性类别，须填写危险性类别")
	ErrBadQuantity       = errors.New("数量无效")
	ErrBadPeople         = errors.New("人数无效")
	ErrBadGrade          = errors.New("级别无效")
	ErrInvalidCatalogue  = errors.New("危险化学品目录有误")
	ErrInvalidRules      = errors.New("安全距离规则有误")
)

// LineError reports a fault in one line of an inventory. Line is the index
// into the inventory slice, counted from 0, so a client can point at the
// offending row (/inventory/3).
type LineError struct {
	Line     int
	Chemical string
	Err      error
}

func (e *LineError) Error() string {
	return fmt.Sprintf("第 %d 行（%q）：%v", e.Line+1, e.Chemical, e.Err)
}

func (e *LineError) Unwrap() error { return e.Err }
