package auth

import (
	"sync"
	"sync/atomic"
	"time"
)

// CredentialsTopic is the event-stream topic of ended credentials.
const CredentialsTopic = "credentials"

// credentialsGen moves on at every credential write in this process; a
// cached identity from an earlier generation is not used.
var credentialsGen atomic.Uint64

// CredentialsEnded drops every identity cached in this process: the live
// stream calls it for a CredentialsTopic event (a credential ended on any
// server).
func CredentialsEnded() { credentialsGen.Add(1) }

// Who is calling is answered from memory for a short while: a request with
// a bearer token or a session cookie would otherwise cost a database round
// trip before any work, which on the hot paths (nearest, positions, the
// viewport) is as much as the work. The cache is cut short so a credential
// that ends stops working:
//
//   - at once in this process, when it ends here (a token revoked, a
//     logout, a password set: every credential write of any Store in the
//     process moves credentialsGen on, which every cached answer is
//     checked against, and a lookup that raced the write is not kept);
//   - on other servers when the revocation or logout reaches them on the
//     event stream (topic CredentialsTopic, which carries ids only and is
//     never sent to map clients): milliseconds after the commit, at worst
//     the stream's safety read;
//   - and in every case within IdentityTTL, when the cached answer runs
//     out: what changes only in the database (a user disabled there, a
//     session past its expiry) and a stream that is down.
//
// Long-lived connections (the live stream) recheck without the cache
// (Recheck), so they end on their own schedule as before.

// DefaultIdentityTTL bounds how long another server's revocation takes to
// reach this one.
const DefaultIdentityTTL = 5 * time.Second

// identityCache maps a credential's hash to the user it resolved to.
type identityCache struct {
	mu    sync.Mutex
	users map[string]cachedIdentity
}

type cachedIdentity struct {
	user  User
	until time.Time
	gen   uint64 // credentialsGen when looked up
}

// maxCachedIdentities bounds the memory a flood of distinct valid
// credentials could take (each needs a real credential, so this is many).
const maxCachedIdentities = 100_000

func (c *identityCache) get(key string, now time.Time) (User, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.users[key]
	if !ok || !now.Before(e.until) || e.gen != credentialsGen.Load() {
		return User{}, false
	}
	return e.user, true
}

// put keeps u, looked up in generation gen, unless a credential was
// written since.
func (c *identityCache) put(key string, u User, until time.Time, gen uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen != credentialsGen.Load() {
		return
	}
	if c.users == nil || len(c.users) >= maxCachedIdentities {
		c.users = map[string]cachedIdentity{}
	}
	c.users[key] = cachedIdentity{user: u, until: until, gen: gen}
}
