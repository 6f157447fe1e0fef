package auth

import (
	"testing"
	"time"
)

// The limiter runs on the clock it is given, so its refill is tested without
// waiting and without depending on how fast the machine is.
func TestLoginLimiterBurstAndRefill(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	l := newLoginLimiter(LoginLimit{Now: func() time.Time { return now }})
	for i := range DefaultLoginBurst {
		if ok, _ := l.allow("ip:a", "name:x"); !ok {
			t.Fatalf("try %d refused within the burst", i+1)
		}
	}
	ok, wait := l.allow("ip:a", "name:x")
	if ok || wait <= 0 || wait > DefaultLoginEvery {
		t.Fatalf("after the burst: ok=%v wait=%v", ok, wait)
	}
	// A refused try used up nothing: another address for another name is free.
	if ok, _ := l.allow("ip:b", "name:y"); !ok {
		t.Fatal("an unrelated address and name were refused")
	}
	// The same name from another address is still limited (per-name bucket).
	if ok, _ := l.allow("ip:b", "name:x"); ok {
		t.Fatal("the name's bucket did not limit another address")
	}
	now = now.Add(DefaultLoginEvery)
	if ok, _ := l.allow("ip:a", "name:x"); !ok {
		t.Fatal("no try allowed after one refill interval")
	}
	if ok, _ := l.allow("ip:a", "name:x"); ok {
		t.Fatal("two tries allowed after one refill interval")
	}
	// Idle entries are forgotten, so the map cannot grow without bound.
	now = now.Add(time.Hour)
	l.allow("ip:c", "name:z")
	if _, kept := l.byKey["ip:a"]; kept {
		t.Fatal("an idle entry was kept")
	}
}
