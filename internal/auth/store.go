package auth

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"sitrep/internal/db"
	"sitrep/internal/journal"
)

// User is an account as the rest of Sitrep sees it.
type User struct {
	ID          int64      `json:"id"`
	Name        string     `json:"name"`
	DisplayName string     `json:"display_name"`
	Role        Role       `json:"role"`
	HasPassword bool       `json:"has_password"`
	DisabledAt  *time.Time `json:"disabled_at,omitempty"`
	CreatedAt   time.Time  `json:"created_at"`
}

// Token describes an API token; the secret itself is shown once, at creation.
type Token struct {
	ID        int64      `json:"id"`
	UserID    int64      `json:"user_id"`
	Label     string     `json:"label"`
	CreatedAt time.Time  `json:"created_at"`
	RevokedAt *time.Time `json:"revoked_at,omitempty"`
}

// SessionLifetime is one duty shift, after which the wall asks for a login again.
const SessionLifetime = 12 * time.Hour

// Errors the API turns into client responses.
var (
	ErrBadCredentials = errors.New("用户名或密码错误")
	ErrUserExists     = errors.New("已有同名用户")
	ErrNotFound       = errors.New("不存在")
	ErrInvalidName    = errors.New("用户名须为 2–64 个字符，只用 a–z、0–9、“_”“.”“-”，以字母或数字开头")
)

var validName = regexp.MustCompile(`^[a-z0-9][a-z0-9_.-]{1,63}$`)

// Store keeps users, tokens and sessions.
type Store struct {
	pool *pgxpool.Pool
	// Origins decides which browser pages may write with a session cookie;
	// the zero value is the request's own scheme and host.
	Origins Origins
	// IdentityTTL is how long a resolved credential is answered from
	// memory (see identitycache.go); 0 asks the database every time.
	IdentityTTL time.Duration
	// Now is the cache's clock (tests move it).
	Now        func() time.Time
	identities identityCache
}

// NewStore returns a store on pool.
func NewStore(pool *pgxpool.Pool) *Store {
	return &Store{pool: pool, IdentityTTL: DefaultIdentityTTL, Now: time.Now}
}

// cachedUser answers from the identity cache, else from lookup (whose
// answer it keeps for IdentityTTL).
func (s *Store) cachedUser(key string, lookup func() (User, error)) (User, error) {
	if s.IdentityTTL <= 0 {
		return lookup()
	}
	now := s.Now()
	if u, ok := s.identities.get(key, now); ok {
		return u, nil
	}
	gen := credentialsGen.Load()
	u, err := lookup()
	if err == nil {
		s.identities.put(key, u, now.Add(s.IdentityTTL), gen)
	}
	return u, err
}

// write is journal.Write for credentials: when it returns, no identity
// cached in this process predates it.
func (s *Store) write(ctx context.Context, actor journal.Actor, fn func(tx pgx.Tx) ([]journal.Change, error)) ([]int64, error) {
	seqs, err := journal.Write(ctx, s.pool, actor, fn)
	credentialsGen.Add(1)
	return seqs, err
}

const userColumns = `id, name, display_name, role, password_hash IS NOT NULL, disabled_at, created_at`

func scanUser(row pgx.Row) (User, error) {
	var u User
	err := row.Scan(&u.ID, &u.Name, &u.DisplayName, &u.Role, &u.HasPassword, &u.DisabledAt, &u.CreatedAt)
	return u, err
}

// NewUser is what creating an account takes. An empty Password makes a
// token-only account (a device or a script).
type NewUser struct {
	Name        string
	DisplayName string
	Role        Role
	Password    string
}

// CreateUser adds an account and its first API token, and returns the token's
// secret (shown once).
func (s *Store) CreateUser(ctx context.Context, actor journal.Actor, nu NewUser) (User, string, error) {
	nu.Name = strings.TrimSpace(nu.Name)
	if !validName.MatchString(nu.Name) {
		return User{}, "", ErrInvalidName
	}
	if _, err := ParseRole(string(nu.Role)); err != nil {
		return User{}, "", err
	}
	var hash *string
	if nu.Password != "" {
		h, err := hashPassword(nu.Password)
		if err != nil {
			return User{}, "", err
		}
		hash = &h
	}
	secret := tokenPrefix + newSecret()
	var u User
	_, err := s.write(ctx, actor, func(tx pgx.Tx) ([]journal.Change, error) {
		var err error
		u, err = scanUser(tx.QueryRow(ctx, `INSERT INTO users (name, display_name, role, password_hash)
			VALUES ($1, $2, $3, $4) RETURNING `+userColumns, nu.Name, nu.DisplayName, nu.Role, hash))
		if err != nil {
			if db.UniqueViolation(err) != "" {
				return nil, ErrUserExists
			}
			return nil, err
		}
		tok, err := insertToken(ctx, tx, u.ID, "first token", secret)
		if err != nil {
			return nil, err
		}
		return []journal.Change{
			{Entity: "users", EntityID: strconv.FormatInt(u.ID, 10), Action: "create", After: u},
			{Entity: "api_tokens", EntityID: strconv.FormatInt(tok.ID, 10), Action: "create", After: tok},
		}, nil
	})
	if err != nil {
		return User{}, "", err
	}
	return u, secret, nil
}

// SetPassword replaces a user's password.
func (s *Store) SetPassword(ctx context.Context, actor journal.Actor, name, password string) error {
	h, err := hashPassword(password)
	if err != nil {
		return err
	}
	_, err = s.write(ctx, actor, func(tx pgx.Tx) ([]journal.Change, error) {
		u, err := scanUser(tx.QueryRow(ctx, `UPDATE users SET password_hash = $2 WHERE name = $1 RETURNING `+userColumns, name, h))
		if db.IsNotFound(err) {
			return nil, ErrNotFound
		} else if err != nil {
			return nil, err
		}
		// Never put the hash in the audit trail; say that it changed.
		return []journal.Change{{Entity: "users", EntityID: strconv.FormatInt(u.ID, 10), Action: "set-password", After: u}}, nil
	})
	return err
}

// ListUsers returns every account, oldest first.
func (s *Store) ListUsers(ctx context.Context) ([]User, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+userColumns+` FROM users ORDER BY id`)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (User, error) { return scanUser(r) })
}

// UserByName finds an account.
func (s *Store) UserByName(ctx context.Context, name string) (User, error) {
	u, err := scanUser(s.pool.QueryRow(ctx, `SELECT `+userColumns+` FROM users WHERE name = $1`, name))
	if db.IsNotFound(err) {
		return User{}, ErrNotFound
	}
	return u, err
}

func insertToken(ctx context.Context, tx pgx.Tx, userID int64, label, secret string) (Token, error) {
	var t Token
	err := tx.QueryRow(ctx, `INSERT INTO api_tokens (user_id, label, token_hash) VALUES ($1, $2, $3)
		RETURNING id, user_id, label, created_at, revoked_at`, userID, label, hashSecret(secret)).
		Scan(&t.ID, &t.UserID, &t.Label, &t.CreatedAt, &t.RevokedAt)
	return t, err
}

// CreateToken issues a new API token for a user and returns its secret.
func (s *Store) CreateToken(ctx context.Context, actor journal.Actor, userID int64, label string) (Token, string, error) {
	secret := tokenPrefix + newSecret()
	var t Token
	_, err := s.write(ctx, actor, func(tx pgx.Tx) ([]journal.Change, error) {
		var err error
		t, err = insertToken(ctx, tx, userID, label, secret)
		if db.ForeignKeyViolation(err) != "" {
			return nil, ErrNotFound
		} else if err != nil {
			return nil, err
		}
		return []journal.Change{{Entity: "api_tokens", EntityID: strconv.FormatInt(t.ID, 10), Action: "create", After: t}}, nil
	})
	return t, secret, err
}

// ListTokens returns a user's tokens, or everyone's when userID is 0.
func (s *Store) ListTokens(ctx context.Context, userID int64) ([]Token, error) {
	rows, err := s.pool.Query(ctx, `SELECT id, user_id, label, created_at, revoked_at FROM api_tokens
		WHERE $1 = 0 OR user_id = $1 ORDER BY id`, userID)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (Token, error) {
		var t Token
		err := r.Scan(&t.ID, &t.UserID, &t.Label, &t.CreatedAt, &t.RevokedAt)
		return t, err
	})
}

// RevokeToken stops a token from working from the next request on. ownerID,
// when not 0, restricts the revocation to that user's own tokens.
func (s *Store) RevokeToken(ctx context.Context, actor journal.Actor, tokenID, ownerID int64) error {
	_, err := s.write(ctx, actor, func(tx pgx.Tx) ([]journal.Change, error) {
		var t Token
		err := tx.QueryRow(ctx, `UPDATE api_tokens SET revoked_at = coalesce(revoked_at, now())
			WHERE id = $1 AND ($2 = 0 OR user_id = $2)
			RETURNING id, user_id, label, created_at, revoked_at`, tokenID, ownerID).
			Scan(&t.ID, &t.UserID, &t.Label, &t.CreatedAt, &t.RevokedAt)
		if db.IsNotFound(err) {
			return nil, ErrNotFound
		} else if err != nil {
			return nil, err
		}
		id := strconv.FormatInt(t.ID, 10)
		return []journal.Change{{Entity: "api_tokens", EntityID: id, Action: "revoke", After: t,
			Topic: CredentialsTopic, Event: map[string]string{"entity": "api_tokens", "id": id}}}, nil
	})
	return err
}

// UserByToken resolves a bearer token to its active user.
func (s *Store) UserByToken(ctx context.Context, secret string) (User, error) {
	u, err := scanUser(s.pool.QueryRow(ctx, `SELECT u.id, u.name, u.display_name, u.role, u.password_hash IS NOT NULL,
			u.disabled_at, u.created_at
		FROM api_tokens t JOIN users u ON u.id = t.user_id
		WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND u.disabled_at IS NULL`, hashSecret(secret)))
	if db.IsNotFound(err) {
		return User{}, ErrNotFound
	}
	return u, err
}

// Login checks a password and opens a session, returning its secret.
func (s *Store) Login(ctx context.Context, name, password string) (User, string, error) {
	var hash *string
	u, err := scanUser(s.pool.QueryRow(ctx, `SELECT `+userColumns+` FROM users WHERE name = $1 AND disabled_at IS NULL`, name))
	if err == nil {
		if err := s.pool.QueryRow(ctx, `SELECT password_hash FROM users WHERE id = $1`, u.ID).Scan(&hash); err != nil {
			return User{}, "", err
		}
	} else if !db.IsNotFound(err) {
		return User{}, "", err
	}
	if !checkPassword(hash, password) {
		return User{}, "", ErrBadCredentials
	}
	secret := newSecret()
	actor := journal.Actor{UserID: u.ID, Name: u.Name}
	_, err = s.write(ctx, actor, func(tx pgx.Tx) ([]journal.Change, error) {
		// Sweep expired sessions while we are here, so the table stays small
		// without a background job.
		if _, err := tx.Exec(ctx, `DELETE FROM sessions WHERE expires_at < now()`); err != nil {
			return nil, err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO sessions (token_hash, user_id, expires_at) VALUES ($1, $2, $3)`,
			hashSecret(secret), u.ID, time.Now().Add(SessionLifetime)); err != nil {
			return nil, err
		}
		return []journal.Change{{Entity: "sessions", EntityID: strconv.FormatInt(u.ID, 10), Action: "login"}}, nil
	})
	if err != nil {
		return User{}, "", err
	}
	return u, secret, nil
}

// UserBySession resolves a session cookie to its active user.
func (s *Store) UserBySession(ctx context.Context, secret string) (User, error) {
	u, err := scanUser(s.pool.QueryRow(ctx, `SELECT u.id, u.name, u.display_name, u.role, u.password_hash IS NOT NULL,
			u.disabled_at, u.created_at
		FROM sessions s JOIN users u ON u.id = s.user_id
		WHERE s.token_hash = $1 AND s.expires_at > now() AND u.disabled_at IS NULL`, hashSecret(secret)))
	if db.IsNotFound(err) {
		return User{}, ErrNotFound
	}
	return u, err
}

// Logout ends a session.
func (s *Store) Logout(ctx context.Context, u User, secret string) error {
	_, err := s.write(ctx, journal.Actor{UserID: u.ID, Name: u.Name}, func(tx pgx.Tx) ([]journal.Change, error) {
		if _, err := tx.Exec(ctx, `DELETE FROM sessions WHERE token_hash = $1`, hashSecret(secret)); err != nil {
			return nil, err
		}
		id := strconv.FormatInt(u.ID, 10)
		return []journal.Change{{Entity: "sessions", EntityID: id, Action: "logout",
			Topic: CredentialsTopic, Event: map[string]string{"entity": "sessions", "user_id": id}}}, nil
	})
	return err
}

// ParseID reads a positive integer id from a path segment.
func ParseID(s string) (int64, error) {
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id <= 0 {
		return 0, fmt.Errorf("%q 不是编号（应为正整数）", s)
	}
	return id, nil
}
