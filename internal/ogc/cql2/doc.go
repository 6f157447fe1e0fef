// Package cql2 parses the text encoding of OGC CQL2 (OGC 21-065) filters on
// feature properties and translates them to a PostgreSQL boolean expression
// with every value bound as a parameter and every property name resolved
// through the caller's allowlist.
//
// Supported (conformance classes Basic CQL2 and Advanced Comparison
// Operators): =, <>, <, <=, >, >=, AND, OR, NOT, parentheses, IS [NOT]
// NULL, [NOT] LIKE (% and _ wildcards, \ escapes), [NOT] IN (…),
// [NOT] BETWEEN … AND …, numbers, 'strings' (” inside for a quote), TRUE,
// FALSE, DATE('YYYY-MM-DD') and TIMESTAMP('RFC 3339'). Property names are
// identifiers or "double-quoted". Spatial and temporal operators and
// functions are not supported and are refused with a message saying so.
//
// No well-kept Go CQL2 library existed when this was written, hence this
// small recursive-descent parser; FuzzParse keeps it honest.
package cql2
