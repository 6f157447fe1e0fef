package channels

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"sitrep/internal/journal"
	"sitrep/internal/warnings"
)

// Backoff after a failed attempt n (1, 2, …): BaseDelay·2^(n-1), capped at
// MaxDelay, of which a random half is taken off (jitter), so receivers
// coming back are not met by every server at once.
const (
	BaseDelay = 10 * time.Second
	MaxDelay  = 10 * time.Minute
	// Lease is how long a claimed delivery is the claimer's: a server that
	// dies while sending leaves it to be claimed again after this, with the
	// same idempotency key.
	Lease = 3 * time.Minute
)

// Backoff is the wait after failed attempt n, given r in [0, 1).
func Backoff(n int, r float64) time.Duration {
	d := MaxDelay
	if n < 20 {
		d = min(MaxDelay, BaseDelay<<(n-1))
	}
	return d/2 + time.Duration(r*float64(d/2))
}

// Worker delivers the outbox. Now and Rand are its clock and its jitter;
// tests replace them and drive it with Drain instead of Run.
type Worker struct {
	pool   *pgxpool.Pool
	client *http.Client
	logger *slog.Logger
	Now    func() time.Time
	Rand   func() float64
	actor  journal.Actor
}

// NewWorker returns a worker on pool.
func NewWorker(pool *pgxpool.Pool, logger *slog.Logger) *Worker {
	return &Worker{pool: pool, logger: logger, Now: time.Now, Rand: rand.Float64,
		client: &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }},
		actor:  journal.Actor{Name: "系统·预警发布渠道"}}
}

// claimed is a delivery this worker holds the lease of.
type claimed struct {
	id, warningID, versionID int64
	key                      string
	attempt                  int
	ch                       Channel
	secret                   *string
	w                        warnings.Warning
}

// claim takes the next due delivery: pending or retrying and due, or
// sending with its lease run out (its server died). A later version waits
// for an earlier one to the same channel. SKIP LOCKED lets every server
// claim at once without waiting on each other.
func (wk *Worker) claim(ctx context.Context) (*claimed, error) {
	var c *claimed
	now := wk.Now()
	_, err := journal.Write(ctx, wk.pool, wk.actor, func(tx pgx.Tx) ([]journal.Change, error) {
		var d claimed
		var body []byte
		err := tx.QueryRow(ctx, `WITH next AS (
				SELECT d.id FROM warning_deliveries d JOIN warning_channels ch ON ch.id = d.channel_id AND ch.enabled
				WHERE ((d.state IN ('pending', 'retrying') AND d.next_attempt_at <= $1) OR (d.state = 'sending' AND d.lease_until <= $1))
				  AND NOT EXISTS (SELECT 1 FROM warning_deliveries e WHERE e.channel_id = d.channel_id AND e.warning_id = d.warning_id
				                  AND e.id < d.id AND e.state <> 'delivered')
				ORDER BY d.next_attempt_at, d.id LIMIT 1 FOR UPDATE OF d SKIP LOCKED)
			UPDATE warning_deliveries d SET state = 'sending', attempts = d.attempts + 1, lease_until = $2
			FROM next, warning_versions v WHERE d.id = next.id AND v.id = d.version_id
			RETURNING d.id, d.warning_id, d.version_id, d.idempotency_key, d.attempts, d.channel_id, v.body`,
			now, now.Add(Lease)).Scan(&d.id, &d.warningID, &d.versionID, &d.key, &d.attempt, &d.ch.ID, &body)
		if errors.Is(err, pgx.ErrNoRows) {
			return nil, errNothingDue
		}
		if err != nil {
			return nil, err
		}
		if err := json.Unmarshal(body, &d.w); err != nil {
			return nil, err
		}
		if d.ch, err = get(ctx, tx, d.ch.ID, false); err != nil {
			return nil, err
		}
		if err := tx.QueryRow(ctx, `SELECT secret FROM warning_channels WHERE id = $1`, d.ch.ID).Scan(&d.secret); err != nil {
			return nil, err
		}
		c = &d
		return []journal.Change{{Entity: "warning_deliveries", EntityID: strconv.FormatInt(d.warningID, 10), Action: "send",
			After: map[string]any{"delivery_id": d.id, "warning_id": d.warningID, "version_id": d.versionID, "channel_id": d.ch.ID, "channel": d.ch.Name,
				"attempt": d.attempt, "state": "sending"}}}, nil
	})
	if errors.Is(err, errNothingDue) {
		return nil, nil
	}
	return c, err
}

var errNothingDue = errors.New("no delivery due")

// send posts the delivery and returns the receiver's status (0 when there
// was no answer) and what went wrong, in Chinese, or "".
func (wk *Worker) send(ctx context.Context, d *claimed) (int, string) {
	b, contentType, err := body(d.ch, d.w)
	if err != nil {
		return 0, "无法生成消息"
	}
	ctx, cancel := context.WithTimeout(ctx, time.Duration(d.ch.TimeoutS)*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, d.ch.URL, bytes.NewReader(b))
	if err != nil {
		return 0, "地址无效"
	}
	req.Header.Set("Content-Type", contentType)
	req.Header.Set("Idempotency-Key", d.key)
	req.Header.Set("User-Agent", "sitrep")
	if d.secret != nil {
		switch d.ch.AuthType {
		case "bearer":
			req.Header.Set("Authorization", "Bearer "+*d.secret)
		case "basic":
			user := ""
			if d.ch.AuthUsername != nil {
				user = *d.ch.AuthUsername
			}
			req.Header.Set("Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte(user+":"+*d.secret)))
		case "header":
			if d.ch.AuthHeader != nil {
				req.Header.Set(*d.ch.AuthHeader, *d.secret)
			}
		}
	}
	resp, err := wk.client.Do(req)
	if err != nil {
		// The error names the URL, never the credentials (not allowed in it).
		if errors.Is(err, context.DeadlineExceeded) {
			return 0, "接收方在 " + strconv.Itoa(d.ch.TimeoutS) + " 秒内未应答"
		}
		return 0, "无法连接接收方"
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return resp.StatusCode, "接收方返回状态码 " + strconv.Itoa(resp.StatusCode)
	}
	return resp.StatusCode, ""
}

// record stores the attempt's outcome. Only the lease holder may: a
// delivery whose lease ran out and was claimed again is the new holder's.
func (wk *Worker) record(ctx context.Context, d *claimed, status int, failure string) error {
	now := wk.Now()
	_, err := journal.Write(ctx, wk.pool, wk.actor, func(tx pgx.Tx) ([]journal.Change, error) {
		var statusArg *int
		if status != 0 {
			statusArg = &status
		}
		state, next := "delivered", now
		var errArg *string
		if failure != "" {
			state, next, errArg = "retrying", now.Add(Backoff(d.attempt, wk.Rand())), &failure
		}
		tag, err := tx.Exec(ctx, `UPDATE warning_deliveries SET state = $2, last_status = $3, last_error = $4, next_attempt_at = $5,
			lease_until = NULL, delivered_at = CASE WHEN $2 = 'delivered' THEN $6::timestamptz END
			WHERE id = $1 AND state = 'sending' AND attempts = $7`,
			d.id, state, statusArg, errArg, next, now, d.attempt)
		if err != nil {
			return nil, err
		}
		if tag.RowsAffected() == 0 {
			return nil, errLeaseLost
		}
		after := map[string]any{"delivery_id": d.id, "warning_id": d.warningID, "version_id": d.versionID, "channel_id": d.ch.ID,
			"channel": d.ch.Name, "attempt": d.attempt, "state": state, "last_status": statusArg, "last_error": errArg}
		if state == "retrying" {
			after["next_attempt_at"] = next
		}
		// The warning goes out again on the live stream with its deliveries,
		// so the console shows each channel's state as it changes.
		f, err := warnings.FeatureIn(ctx, tx, d.warningID)
		if err != nil {
			return nil, err
		}
		return []journal.Change{{Entity: "warning_deliveries", EntityID: strconv.FormatInt(d.warningID, 10), Action: "deliver",
			After: after, Topic: warnings.Topic, Event: f, Drill: d.w.Drill}}, nil
	})
	return err
}

var errLeaseLost = errors.New("delivery lease lost")

// Deliver claims and sends one due delivery; false when none was due.
func (wk *Worker) Deliver(ctx context.Context) (bool, error) {
	d, err := wk.claim(ctx)
	if err != nil || d == nil {
		return false, err
	}
	status, failure := wk.send(ctx, d)
	if failure != "" {
		wk.logger.Warn("warning delivery failed", "delivery", d.id, "channel", d.ch.Name, "attempt", d.attempt, "status", status, "why", failure)
	}
	if err := wk.record(ctx, d, status, failure); err != nil && !errors.Is(err, errLeaseLost) {
		return true, fmt.Errorf("delivery %d: %w", d.id, err)
	}
	return true, nil
}

// Drain delivers until nothing is due (by Now) and returns how many
// attempts it made.
func (wk *Worker) Drain(ctx context.Context) (int, error) {
	n := 0
	for {
		did, err := wk.Deliver(ctx)
		if err != nil || !did {
			return n, err
		}
		n++
	}
}

// Run delivers with parallel senders until ctx ends, polling every second,
// so a channel that does not answer holds up only its own sender.
func (wk *Worker) Run(ctx context.Context, senders int) {
	var wg sync.WaitGroup
	for range senders {
		wg.Go(func() {
			tick := time.NewTicker(time.Second)
			defer tick.Stop()
			for {
				if _, err := wk.Drain(ctx); err != nil && ctx.Err() == nil {
					wk.logger.Error("warning delivery", "err", err)
				}
				select {
				case <-ctx.Done():
					return
				case <-tick.C:
				}
			}
		})
	}
	wg.Wait()
}
