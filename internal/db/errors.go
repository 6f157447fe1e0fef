package db

import (
	"errors"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// PostgreSQL error codes that feature packages turn into client errors.
const (
	codeUniqueViolation     = "23505"
	codeForeignKeyViolation = "23503"
	codeCheckViolation      = "23514"
	codeQueryCanceled       = "57014"
)

// IsNotFound reports whether err is a query that returned no row.
func IsNotFound(err error) bool { return errors.Is(err, pgx.ErrNoRows) }

// UniqueViolation returns the violated constraint's name, or "".
func UniqueViolation(err error) string { return constraintOf(err, codeUniqueViolation) }

// ForeignKeyViolation returns the violated constraint's name, or "".
func ForeignKeyViolation(err error) string { return constraintOf(err, codeForeignKeyViolation) }

// CheckViolation returns the violated constraint's name, or "".
func CheckViolation(err error) string { return constraintOf(err, codeCheckViolation) }

// IsTimeout reports whether the statement timeout or a cancelled context stopped the query.
func IsTimeout(err error) bool {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == codeQueryCanceled {
		return true
	}
	return pgconn.Timeout(err)
}

func constraintOf(err error, code string) string {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == code {
		if pgErr.ConstraintName != "" {
			return pgErr.ConstraintName
		}
		return "?"
	}
	return ""
}
