package auth

import (
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// loginLimiter slows password guessing: a few quick tries per client address
// and per account name, then one every loginEvery. Both must allow a try.
type loginLimiter struct {
	mu       sync.Mutex
	byKey    map[string]*limiterEntry
	lastScan time.Time
}

type limiterEntry struct {
	lim  *rate.Limiter
	seen time.Time
}

const (
	loginBurst = 5
	loginEvery = 10 * time.Second
)

func newLoginLimiter() *loginLimiter {
	return &loginLimiter{byKey: map[string]*limiterEntry{}}
}

// allow reports whether a login try for these keys may go ahead now, and if
// not, how long to wait.
func (l *loginLimiter) allow(keys ...string) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := time.Now()
	l.forgetIdle(now)
	var reservations []*rate.Reservation
	var wait time.Duration
	for _, k := range keys {
		e, ok := l.byKey[k]
		if !ok {
			e = &limiterEntry{lim: rate.NewLimiter(rate.Every(loginEvery), loginBurst)}
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
		if now.Sub(e.seen) > loginEvery*loginBurst {
			delete(l.byKey, k)
		}
	}
}
