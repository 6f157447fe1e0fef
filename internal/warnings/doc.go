// Package warnings holds public accident warnings
// (预警, plan 3.2): the four levels, who may issue, adjust and lift them, the
// rules a warning must meet before it is published, its GB/T 35965.1
// identifier, and its CAP 1.2 XML export for the warning release channels.
//
// A warning is never edited in place. Each publication is one immutable
// version: the first is a CAP Alert, an adjustment (3.2.4 调整) is an Update
// and the lifting (3.2.4 解除) is a Cancel, each referencing every earlier
// version, so the history of a warning is its chain of versions. The rules are
// pure functions; the store (store.go) keeps the versions in PostGIS and marks
// the replaced one as adjusted or lifted in the same transaction that inserts
// the next, and handlers.go serves /api/v1/warnings.
//
// Times are stored in UTC and shown in Beijing time (UTC+8), the official
// time also in Xinjiang. Areas are WGS 84 lon/lat rings as in GeoJSON
// (RFC 7946); the CAP writer turns them into CAP's lat,lon order.
package warnings
