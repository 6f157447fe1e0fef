package warnings

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"time"

	"sitrep/internal/areas"
	"sitrep/internal/beijing"
)

// The warning identifier follows GB/T 35965.1-2018 (应急信息交互协议 第1部分：
// 预警信息), normative Annex A.1.1–A.1.3, as reproduced in the public copy
// "突发事件预警信息取值规则及说明" (附录A 取值规则及说明); the official text was not
// at hand, so check it against the standard before the first real release:
//
//	ZZZZZZDDDUUUXX_YYYYMMDDhhmmss_N        31 characters
//
//	ZZZZZZ          6-digit administrative division code (GB/T 2260); 650121
//	                for 乌鲁木齐县
//	DDD             3-digit organisation code (GB/T 4657)
//	UUU             3-digit internal sub-unit code of the issuer, default 000
//	XX              2-digit extension, default 00
//	YYYYMMDDhhmmss  time the warning was entered, Beijing time (GB/T 7408 basic
//	                format)
//	N               sequence 0–9 of warnings the same unit enters in the same
//	                second, counting from 0
//
// The first 14 digits (ZZZZZZDDDUUUXX) are the issuing unit's code; CAP
// <sender> uses them too (see Issuer.Code).

// identifierPattern is the whole identifier; the groups are the unit code,
// the entry time and the sequence.
var identifierPattern = regexp.MustCompile(`^([0-9]{6}[0-9]{3}[0-9]{3}[0-9]{2})_([0-9]{14})_([0-9])$`)

// OrgUnassigned stands in for the GB/T 4657 organisation code (DDD) until
// the county emergency management bureau's code in the national warning
// release system is confirmed. It is all digits, so identifiers built with
// it have the right shape; replace it in configuration, not here.
const OrgUnassigned = "000"

// Issuer is the issuing unit as coded in the identifier.
type Issuer struct {
	Region string // ZZZZZZ, GB/T 2260
	Org    string // DDD, GB/T 4657
	Unit   string // UUU, default "000"
	Ext    string // XX, default "00"
}

// CountyIssuer is the county HQ and its office (3.2.2). Both publish through
// the office in the emergency management bureau (2.1.1), so they share one
// unit code.
var CountyIssuer = Issuer{Region: areas.CountyCode, Org: OrgUnassigned, Unit: "000", Ext: "00"}

var (
	digits2 = regexp.MustCompile(`^[0-9]{2}$`)
	digits3 = regexp.MustCompile(`^[0-9]{3}$`)
	digits6 = regexp.MustCompile(`^[0-9]{6}$`)
)

// Validate checks each part's length and that it is all digits.
func (i Issuer) Validate() error {
	switch {
	case !digits6.MatchString(i.Region):
		return fmt.Errorf("issuer region %q: want 6 digits (GB/T 2260)", i.Region)
	case !digits3.MatchString(i.Org):
		return fmt.Errorf("issuer organisation %q: want 3 digits (GB/T 4657)", i.Org)
	case !digits3.MatchString(i.Unit):
		return fmt.Errorf("issuer unit %q: want 3 digits", i.Unit)
	case !digits2.MatchString(i.Ext):
		return fmt.Errorf("issuer extension %q: want 2 digits", i.Ext)
	}
	return nil
}

// Code is the 14-digit issuing unit code ZZZZZZDDDUUUXX.
func (i Issuer) Code() string { return i.Region + i.Org + i.Unit + i.Ext }

// MaxSequence is the last sequence number one unit can use in one second.
const MaxSequence = 9

// ErrSequenceExhausted means ten warnings were already entered by the same
// unit in the same second; the caller waits for the next second.
var ErrSequenceExhausted = errors.New("identifier sequence exhausted for this second (0-9)")

// NewIdentifier builds the identifier for a warning entered at t (any zone;
// it is written in Beijing time, to the second) with sequence seq. The store
// picks seq as the lowest number not yet used by the same unit in that
// second.
func NewIdentifier(i Issuer, t time.Time, seq int) (string, error) {
	if err := i.Validate(); err != nil {
		return "", err
	}
	if seq < 0 || seq > MaxSequence {
		return "", fmt.Errorf("%w: got %d", ErrSequenceExhausted, seq)
	}
	if t.IsZero() {
		return "", errors.New("identifier needs the entry time")
	}
	return i.Code() + "_" + t.In(beijing.Zone).Format("20060102150405") + "_" + strconv.Itoa(seq), nil
}

// ValidIdentifier reports whether s has the GB/T 35965.1 shape.
func ValidIdentifier(s string) bool {
	_, _, _, err := ParseIdentifier(s)
	return err == nil
}

// ParseIdentifier splits an identifier into its issuer, entry time (in
// Beijing time) and sequence. It rejects a wrong shape and impossible dates.
func ParseIdentifier(s string) (Issuer, time.Time, int, error) {
	m := identifierPattern.FindStringSubmatch(s)
	if m == nil {
		return Issuer{}, time.Time{}, 0, fmt.Errorf("identifier %q: want ZZZZZZDDDUUUXX_YYYYMMDDhhmmss_N (GB/T 35965.1)", s)
	}
	code := m[1]
	iss := Issuer{Region: code[0:6], Org: code[6:9], Unit: code[9:12], Ext: code[12:14]}
	t, err := time.ParseInLocation("20060102150405", m[2], beijing.Zone)
	if err != nil {
		return Issuer{}, time.Time{}, 0, fmt.Errorf("identifier %q: entry time: %w", s, err)
	}
	if t.Year() < 2000 {
		// No warning in this form predates the standard (2018).
		return Issuer{}, time.Time{}, 0, fmt.Errorf("identifier %q: entry time before 2000", s)
	}
	seq := int(m[3][0] - '0')
	return iss, t, seq, nil
}
