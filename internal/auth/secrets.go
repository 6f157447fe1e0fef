package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"

	"golang.org/x/crypto/bcrypt"
)

// tokenPrefix marks Sitrep API tokens, so a leaked one is easy to recognise
// (and to scan for in repositories).
const tokenPrefix = "sitrep_"

// bcryptCost is a variable so tests can make hashing cheap.
var bcryptCost = bcrypt.DefaultCost

// newSecret returns 256 random bits, URL-safe encoded.
func newSecret() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // never fails (crypto/rand panics on a broken system)
	return base64.RawURLEncoding.EncodeToString(b)
}

// hashSecret is how tokens and session ids are stored: high-entropy secrets
// need no slow hash, and a fixed hash lets the database index them.
func hashSecret(secret string) []byte {
	h := sha256.Sum256([]byte(secret))
	return h[:]
}

// MinPasswordLength is the shortest password accepted.
const MinPasswordLength = 10

// ErrWeakPassword is returned for passwords shorter than MinPasswordLength.
var ErrWeakPassword = errors.New("密码至少 10 个字符")

// MaxPasswordBytes is the longest password accepted: bcrypt reads only the
// first 72 bytes, so a longer one would silently stop mattering after them.
const MaxPasswordBytes = 72

// ErrLongPassword is returned for passwords longer than MaxPasswordBytes.
var ErrLongPassword = errors.New("密码最多 72 字节（约 24 个汉字）")

func hashPassword(pw string) (string, error) {
	if len(pw) < MinPasswordLength {
		return "", ErrWeakPassword
	}
	if len(pw) > MaxPasswordBytes {
		return "", ErrLongPassword
	}
	h, err := bcrypt.GenerateFromPassword([]byte(pw), bcryptCost)
	return string(h), err
}

// dummyHash is compared against when the user does not exist, so a login for
// an unknown name takes as long as one with a wrong password.
var dummyHash, _ = bcrypt.GenerateFromPassword([]byte("not-a-real-password"), bcrypt.DefaultCost)

func checkPassword(hash *string, pw string) bool {
	if hash == nil {
		_ = bcrypt.CompareHashAndPassword(dummyHash, []byte(pw))
		return false
	}
	return bcrypt.CompareHashAndPassword([]byte(*hash), []byte(pw)) == nil
}
