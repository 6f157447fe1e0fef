// Package hazards is the database-free core of the major-hazard-source
// registry (重大危险源, plan 3.1.2): identification and grading under
// GB 18218-2018 《危险化学品重大危险源辨识》, the chemical catalogue those
// rules need, and the safe-distance check against sensitive sites and
// shelters.
//
// Identification (GB 18218-2018 4.2): S = Σ qᵢ/Qᵢ over one unit's
// inventory; the unit is a major hazard source when S ≥ 1. Grading
// (4.3): R = α·Σ βᵢ·qᵢ/Qᵢ, with Q from 表1 (named chemicals) or 表2
// (hazard classes), β from 表3 (named toxic gases) or 表4 (hazard
// classes), α from 表5 (people within 500 m), and the grade from 表6.
//
// The arithmetic is exact (math/big.Rat over the decimal value of every
// input), so an R or S that lands exactly on a boundary of 表5/表6 is
// graded the way the standard reads, not the way binary rounding falls.
//
// Nothing here touches the database: the caller supplies the inventory,
// the people count within 500 m (from PostGIS) and the site distances
// (from PostGIS); this package computes, compares and explains.
package hazards
