package auth

import (
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// loginLimiter slows password guessing: a few quick tries per client address
// and per account name, then one every LoginLimit.Every. Both must allow a try.
type loginLimiter struct {
	burst int
	every time.Duration
	now   func() time.Time // a test's own clock; time.Now otherwise

	mu       sync.Mutex
	byKey    map[string]*limiterEntry
	lastScan time.Time
}

type limiterEntry struct {
	lim  *rate.Limiter
	seen time.Time
}

// The login limit's defaults: five quick tries, then one every ten seconds.
const (
	DefaultLoginBurst = 5
	DefaultLoginEvery = 10 * time.Second
)

// LoginLimit tunes the login limiter; zero values take the defaults.
type LoginLimit struct {
	Burst int
	Every time.Duration
	// Now is the limiter's clock (tests drive it); nil is time.Now.
	Now func() time.Time
}

func newLoginLimiter(c LoginLimit) *loginLimiter {
	l := &loginLimiter{burst: c.Burst, every: c.Every, now: c.Now, byKey: map[string]*limiterEntry{}}
	if l.burst <= 0 {
		l.burst = DefaultLoginBurst
	}
	if l.every <= 0 {
		l.every = DefaultLoginEvery
	}
	if l.now == nil {
		l.now = time.Now
	}
	return l
}

// allow reports whether a login try for these keys may go ahead now, and if
// not, how long to wait.
func (l *loginLimiter) allow(keys ...string) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	l.forgetIdle(now)
	var reservations []*rate.Reservation
	var wait time.Duration
	for _, k := range keys {
		e, ok := l.byKey[k]
		if !ok {
			e = &limiterEntry{lim: rate.NewLimiter(rate.Every(l.every), l.burst)}
			l.byKey[k] = e
		}
		e.seen = now
		r := e.lim.ReserveN(now, 1)
		reservations = append(reservations, r)
		wait = max(wait, r.DelayFrom(now))
	}
	if wait > 0 {
		// A refused try must not use up the other key's allowance.
		for _, r := range reservations {
			r.CancelAt(now)
		}
		return false, wait
	}
	return true, 0
}

// forgetIdle drops entries that have refilled, so the map cannot grow with
// every address that ever tried.
func (l *loginLimiter) forgetIdle(now time.Time) {
	if now.Sub(l.lastScan) < time.Minute {
		return
	}
	l.lastScan = now
	for k, e := range l.byKey {
		if now.Sub(e.seen) > l.every*time.Duration(l.burst) {
			delete(l.byKey, k)
		}
	}
}
