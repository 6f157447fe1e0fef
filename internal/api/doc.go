// Package api holds what every HTTP handler in Sitrep shares: handlers that
// return errors, RFC 9457 problem details as the only error format, and strict
// JSON decoding that names the offending field.
//
// Feature packages (hazards, incidents, ...) write handlers as HandlerFunc and
// return *Problem for anything the client should see; any other error becomes a
// 500 whose details stay in the log.
package api
