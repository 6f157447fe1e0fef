package channels

import (
	"context"

	"github.com/jackc/pgx/v5"

	"sitrep/internal/warnings"
)

// Outbox queues deliveries; it is the warnings store's Outbox.
type Outbox struct{}

var _ warnings.Outbox = Outbox{}

// Enqueue queues one delivery of version versionID (w) per enabled channel
// inside tx, the transaction that publishes it; drills only to channels
// that take them. The idempotency key names the version and the channel,
// so it is the same on every attempt and different for every message.
func (Outbox) Enqueue(ctx context.Context, tx pgx.Tx, warningID, versionID int64, w warnings.Warning) error {
	_, err := tx.Exec(ctx, `INSERT INTO warning_deliveries (channel_id, warning_id, version_id, idempotency_key, next_attempt_at, created_at)
		SELECT c.id, $1, $2, 'sitrep-' || $3::text || '-' || c.id, now(), now()
		FROM warning_channels c WHERE c.enabled AND (NOT $4 OR c.drills) ORDER BY c.id`,
		warningID, versionID, w.Identifier, w.Drill)
	return err
}
