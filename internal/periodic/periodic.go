// Package periodic runs a server's background checks (the reporting clock,
// the sensor watch): once at start, then every interval, until stopped.
package periodic

import (
	"context"
	"log/slog"
	"sync"
	"time"
)

// Start calls tick in a goroutine, once at once and then every interval,
// until ctx ends or stop is called; stop waits for the goroutine, so the
// caller may close the pool after it. An error is logged under name (not
// when it comes from the stop), and a tick that did something says how
// many, with done.
func Start(ctx context.Context, interval time.Duration, logger *slog.Logger, name, done string,
	tick func(context.Context) (int, error)) (stop func()) {
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		tk := time.NewTicker(interval)
		defer tk.Stop()
		for {
			n, err := tick(ctx)
			switch {
			case err != nil && ctx.Err() == nil:
				logger.Error(name, "err", err)
			case n > 0:
				logger.Info(name+": "+done, "count", n)
			}
			select {
			case <-ctx.Done():
				return
			case <-tk.C:
			}
		}
	}()
	return func() {
		cancel()
		wg.Wait()
	}
}
