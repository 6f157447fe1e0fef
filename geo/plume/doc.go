// Package plume computes toxic-release threat zones with a steady-state
// Gaussian plume: for a continuous point release it returns, for each level
// of concern (e.g. AEGL-3, -2, -1), the WGS 84 polygon on the ground where
// the concentration reaches that level.
//
// Model chain and sources:
//
//  1. Stability class (Pasquill–Gifford A–F) by Turner's objective method:
//     D. B. Turner (1964), "A diffusion model for an urban area", J. Appl.
//     Meteor. 3:83–91, as tabulated in US EPA, Meteorological Monitoring
//     Guidance for Regulatory Modeling Applications, EPA-454/R-99-005
//     (2000), §6.4.1, Tables 6-4 to 6-6. Inputs: 10 m wind speed, solar
//     elevation (from package sun, never the clock hour), total cloud
//     cover and ceiling. Turner's "night" runs from one hour before sunset
//     to one hour after sunrise; we implement that literally with the sun's
//     elevation one hour before and after the instant. Class G (7) is
//     merged into F as EPA does. If the ceiling is unknown, both a low and
//     a high ceiling are tried and the MORE STABLE class is kept, because a
//     more stable atmosphere gives longer ground-level zones.
//  2. Dispersion coefficients σy(x), σz(x): Briggs (1973) "Diffusion
//     estimation for small emissions", ATDL-106, open-country (rural) and
//     urban formulas, as tabulated in Seinfeld & Pandis, Atmospheric
//     Chemistry and Physics, and in CCPS (1999) Guidelines for Consequence
//     Analysis of Chemical Releases. Intended range 100 m – 10 km;
//     values outside are extrapolations (the zone Note says so).
//  3. Ground-level concentration with total ground reflection
//     (Turner 1970, Workbook of Atmospheric Dispersion Estimates, eq. 3.2
//     with z = 0):  C(x,y) = Q / (π σy σz u) · exp(−y²/2σy²) · exp(−H²/2σz²).
//  4. Threat zone for a level of concern L: the set where C(x,y) ≥ L, i.e.
//     |y| ≤ σy·sqrt(2 ln(Ccl(x)/L)) for every x where the centreline value
//     Ccl(x) ≥ L. Built in metres in a wind-aligned frame, rotated to the
//     downwind bearing (wind FROM + 180°) and placed on the WGS 84
//     ellipsoid with package geo.
//
// Assumptions and limits, to be shown to users:
//   - Neutrally buoyant gas, continuous steady release, flat terrain,
//     uniform wind. Dense gases (chlorine, cold ammonia, large LPG releases)
//     slump and spread upwind and are NOT modelled correctly; a Gaussian
//     plume is then only a first estimate.
//   - Concentrations are ~10-minute averages (the averaging time of the
//     Pasquill–Gifford/Briggs curves). AEGL values are for 10 min – 8 h
//     exposures; using 60-min AEGLs with 10-min averages is conservative.
//   - Wind below 1 m/s: the Gaussian plume is not valid (no defined
//     direction, the plume meanders); Run returns ErrCalm and the caller
//     must fall back to a circle (package protective).
//   - The plume is truncated at MaxDistanceM (default 10 km, as ALOHA does);
//     the zone's Note says when a level of concern is exceeded beyond it.
//   - H is the effective release height (stack height plus any plume rise,
//     computed by the caller); 0 for a leak at ground level.
package plume

// Model and Version identify this model in stored zones. Bump Version when
// a change could alter any zone computed from the same Inputs.
const (
	Model   = "gaussian-plume/turner-stability/briggs-sigmas"
	Version = "1.0.0"
)
