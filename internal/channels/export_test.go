package channels

import "context"

// CrashAfterSending claims a due delivery and sends it, then stops as a
// server killed before recording the outcome would: the delivery stays
// "sending" under its lease.
func (wk *Worker) CrashAfterSending(ctx context.Context) bool {
	d, err := wk.claim(ctx)
	if err != nil || d == nil {
		return false
	}
	wk.send(ctx, d)
	return true
}
