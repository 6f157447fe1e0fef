package hazards

import (
	"errors"
	"fmt"
)

// Sentinel errors; test with errors.Is. Handlers map all of them to a
// 422 problem+json: each is a fault in what the caller sent.
var (
	ErrUnknownChemical   = errors.New("unknown chemical")
	ErrAmbiguousChemical = errors.New("ambiguous chemical")
	ErrUnknownClass      = errors.New("unknown hazard class")
	ErrBetaNeedsClass    = errors.New("correction factor β depends on the hazard class, which must be declared")
	ErrBadQuantity       = errors.New("bad quantity")
	ErrBadPeople         = errors.New("bad number of people")
	ErrBadGrade          = errors.New("bad grade")
	ErrInvalidCatalogue  = errors.New("invalid chemical catalogue")
	ErrInvalidRules      = errors.New("invalid safe-distance rules")
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
	return fmt.Sprintf("inventory[%d] (%q): %v", e.Line, e.Chemical, e.Err)
}

func (e *LineError) Unwrap() error { return e.Err }
