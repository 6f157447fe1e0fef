package hazards

import (
	"math"
	"math/big"
	"strconv"
)

// exact turns a float64 into the rational number of its shortest decimal
// representation: 0.3 becomes 3/10, not 5404319552844595/18014398509481984.
// Quantities, critical quantities and factors are decimal numbers typed by
// people (or copied from the standard), so that decimal is the value they
// meant. Computing S and R from these rationals makes the boundaries of
// 表5 and 表6 exact: 1.2 × 20 × 3.125/0.75 is 100 (grade I), whereas the
// same product in float64 is 99.99999999999999 (grade II). An epsilon
// would only move the misclassified band somewhere else.
func exact(f float64) *big.Rat {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		panic("hazards: exact called with a non-finite number") // callers validate first
	}
	r, ok := new(big.Rat).SetString(strconv.FormatFloat(f, 'g', -1, 64))
	if !ok {
		panic("hazards: cannot parse formatted float")
	}
	return r
}

func finite(f float64) bool { return !math.IsNaN(f) && !math.IsInf(f, 0) }

// toFloat is the float64 nearest to r, for reporting.
func toFloat(r *big.Rat) float64 {
	f, _ := r.Float64()
	return f
}
