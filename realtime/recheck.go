package realtime

import (
	"context"
	"net/http"
	"time"
)

// recheckTimeout bounds one recheck query.
const recheckTimeout = 10 * time.Second

// credentialHeaders are the request headers that carry a credential: what
// Config.Recheck needs to resolve it again, and nothing else of the request.
var credentialHeaders = []string{"Authorization", "Cookie"}

// credentials copies the credential headers of the upgrade request.
func credentials(h http.Header) http.Header {
	out := http.Header{}
	for _, k := range credentialHeaders {
		if v := h.Values(k); len(v) > 0 {
			out[k] = append([]string(nil), v...)
		}
	}
	return out
}

// recheckLoop closes the connection once its credential no longer holds:
// a wall must not keep showing the map to a revoked token or an ended
// session. It asks Config.Recheck every RecheckEvery until the connection
// ends.
func (c *client) recheckLoop() {
	every := c.h.cfg.RecheckEvery
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-c.ctx.Done():
			return
		case <-t.C:
		}
		// Bounded on its own, not by the interval: a short interval (a
		// test's) on a busy database must not turn a slow answer into an
		// error.
		ctx, cancel := context.WithTimeout(c.ctx, recheckTimeout)
		ok, err := c.h.cfg.Recheck(ctx, c.cred)
		cancel()
		switch {
		case c.ctx.Err() != nil:
			return
		case err != nil:
			// Not a "no": a database hiccup must not log every wall out.
			c.h.m.recheckErrors.Inc()
			c.h.log.Warn("live stream: could not recheck a connection's credential; keeping it", "err", err)
		case !ok:
			c.closeWith(CloseRevoked, "登录凭据已失效", "revoked")
			return
		}
	}
}
