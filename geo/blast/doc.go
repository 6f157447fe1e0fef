// Package blast computes explosion and fire zones around a source:
// vapour-cloud explosion (VCE) overpressure rings by the TNT-equivalence
// method, and the thermal-radiation radii of a BLEVE fireball. Results are
// WGS 84 circles (package geo) with the model name, version and every input
// so they can be reproduced.
//
// TNT equivalence (CCPS 1994, Guidelines for Evaluating the
// Characteristics of Vapor Cloud Explosions, Flash Fires and BLEVEs, §5.2;
// Lees' Loss Prevention, ch. 17):
//
//	W_TNT = η · M · ΔHc / E_TNT
//
// M the flammable mass in the cloud (kg), ΔHc its lower heat of combustion
// (J/kg), η the explosion yield (CCPS: 0.01–0.10; DefaultYieldFactor = 0.10,
// the conservative end, used when none is given), E_TNT = 4.68 MJ/kg (the
// blast energy of TNT used by CCPS; Crowl & Louvar use 4.686 MJ/kg, a
// 0.1 % difference). Overpressure then follows from the scaled distance
// Z = R / W_TNT^(1/3) (m/kg^⅓, Hopkinson–Cranz scaling).
//
// Overpressure vs Z: Kingery & Bulmash (1984) hemispherical TNT surface
// burst, in the polynomial form of M. M. Swisdak (1994), "Simplified
// Kingery Airblast Calculations", NSWC Indian Head (DTIC ADA526744),
// metric coefficients, valid 0.2 ≤ Z ≤ 198.5 m/kg^⅓. A surface burst is
// the right reference for a cloud lying on the ground; it is the curve used
// by the US DoD explosives-safety K-factors, which the tests check. (The
// Kinney & Graham 1985 closed form is a free-air burst; doubling it for
// ground reflection, as some textbooks do, overstates far-field
// overpressure by ~40 % compared with Kingery–Bulmash.)
//
// TNT equivalence is a screening method: it ignores the cloud's
// congestion and confinement (use TNO multi-energy or Baker–Strehlow–Tang
// for design) and is poor in the near field (inside the cloud).
//
// BLEVE fireball (CCPS 1994 ch. 6; TNO Yellow Book CPR 14E ch. 6):
//
//	D = 5.8 · M^(1/3) m                (Roberts 1981/82; M fuel mass, kg)
//	t = 0.45 · M^(1/3) s, M < 30 000 kg (Roberts)
//	t = 2.6 · M^(1/6) s,  M ≥ 30 000 kg (CCPS)
//	H = 0.75 · D                        height of the fireball centre
//
// Thermal radiation by the solid-flame model q = E · F · τ with E the
// surface emissive power (default 350 kW/m², the CCPS value for large
// hydrocarbon fireballs), F the view factor of a sphere seen by a target
// facing it, F = (D/2)² / L² with L the distance from the centre
// (conservative: the maximum over target orientations), τ the atmospheric
// transmissivity τ = 2.02 (Pw · x)^−0.09 (Bagster & Pitblado 1989, as given
// by CCPS), Pw the partial pressure of water vapour (Pa) and x the path
// length from the fireball surface (m); with no humidity given τ = 1
// (conservative). The fireball is taken at full size and full height for
// its whole duration (static model; CCPS).
//
// Thermal levels of concern default to ALOHA's: 10 kW/m² (potentially
// lethal within 60 s), 5 kW/m² (second-degree burns within 60 s), 2 kW/m²
// (pain within 60 s). For a fireball lasting only ~10–20 s these flux
// levels are conservative; a dose level (TDU = (kW/m²)^(4/3)·s, e.g. HSE's
// "dangerous dose" 1000 TDU) may be given instead, and is converted to the
// equivalent steady flux over the fireball duration.
package blast

// Model and Version identify these models in stored zones.
const (
	ExplosionModel   = "vce/tnt-equivalence/kingery-bulmash-swisdak-1994"
	ExplosionVersion = "1.0.0"
	FireballModel    = "bleve-fireball/roberts-ccps/solid-flame"
	FireballVersion  = "1.0.0"
)
