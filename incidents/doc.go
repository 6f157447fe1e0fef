// Package incidents holds the rules of the county production-safety
// emergency plan (乌鲁木齐县生产安全事故应急预案) that apply to one incident,
// as pure functions over plain values: no database, no HTTP, no clock.
//
// What it computes, and from which part of the plan:
//
//   - the accident grade 特别重大/重大/较大/一般 from deaths, serious injuries
//     and direct loss (1.5.1), saying which input decided it;
//   - the 较大涉险 criteria (1.5.2) that fire, with a reason for each;
//   - the response lifecycle reported → verified → active (level Ⅰ–Ⅳ) ↔
//     suspended → terminated → closed, and which changes are allowed
//     (4.3, 4.4, 4.7);
//   - the reporting clock: 30 minutes unit → county, 2 hours up the chain,
//     daily or twice-daily follow-ups, and which deadlines are overdue (4.1);
//   - drill marking, so that drills never count as real incidents (7.3).
//
// The grading thresholds are national (生产安全事故报告和调查处理条例) and
// therefore live in code. Everything that is one county's organisation —
// units, working groups, who leads which kind of accident — is data, loaded
// by package sitrep/orgplan.
//
// Every function that depends on the current time takes it as an argument,
// so callers and tests decide what "now" is. Times are UTC; BeijingTime and
// FormatBeijing are for display only.
package incidents
