package db

import (
	"errors"
	"io"
	"net"
	"strings"
	"syscall"

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

// Unavailable returns why the database could not be used — it refused or
// dropped the connection, is shutting down or starting up, or has no
// connection slot left — in a few words (Chinese, for people) safe to show (no host, user or
// password), or "" when err is something else (a bad query, a rule).
func Unavailable(err error) string {
	var (
		connectErr *pgconn.ConnectError
		pgErr      *pgconn.PgError
		netErr     net.Error
	)
	if errors.As(err, &pgErr) {
		switch {
		case strings.HasPrefix(pgErr.Code, "08"):
			return "与数据库的连接出错"
		case pgErr.Code == "57P01" || pgErr.Code == "57P02":
			return "数据库正在关闭"
		case pgErr.Code == "57P03":
			return "数据库正在启动"
		case pgErr.Code == "53300":
			return "数据库连接数已满"
		case errors.As(err, &connectErr):
			return "数据库拒绝连接（" + pgErr.Code + "）"
		}
		return ""
	}
	switch {
	case errors.Is(err, syscall.ECONNREFUSED):
		return "数据库拒绝连接"
	case errors.As(err, &connectErr):
		return "无法连接数据库"
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, syscall.ECONNRESET), errors.Is(err, net.ErrClosed):
		return "与数据库的连接中断"
	case errors.As(err, &netErr):
		return "无法访问数据库"
	}
	return ""
}

// IsIntegrityViolation reports whether err is any integrity constraint
// violation (SQLSTATE class 23: unique, check, foreign key, not null,
// exclusion), whichever constraint it was.
func IsIntegrityViolation(err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && strings.HasPrefix(pgErr.Code, "23")
}
