// Package orgplan holds one county's emergency organisation as data: the
// headquarters and its office, the member units and their duties (plan
// Annex 2), the on-site working groups with lead and member units (Annex
// 3), who receives the first report and who leads for each kind of
// accident (Annex 4, Annex 2), the reporting chain (Annex 4), the activation
// checklist (4.4.1–4.4.2) and the 24-hour duty line (3.2).
//
// The national rules — grades, 较大涉险 criteria, reporting limits — are in
// package sitrep/incidents and the same everywhere; what differs between
// counties is here, so another county loads its own file with Load and
// changes no code. Default returns 乌鲁木齐县's plan, embedded in the binary.
//
// Every file is validated on load: unknown fields, unknown unit references,
// unrouted kinds and gaps in the chain are errors naming the exact place
// in the file. A *Plan is read-only after loading.
package orgplan
