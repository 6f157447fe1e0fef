-- The live stream keeps events only as long as clients may need them to
-- resume (realtime/retention.go prunes the old ones). The audit trail keeps
-- the event's sequence number as history, so its foreign key to events must
-- go, or no event could ever be deleted.

-- +goose Up
ALTER TABLE audit_log DROP CONSTRAINT audit_log_event_seq_fkey;
-- Pruning finds old events by time.
CREATE INDEX events_recorded_at_idx ON events (recorded_at);

-- +goose Down
DROP INDEX events_recorded_at_idx;
-- Audit rows whose event was pruned cannot point at it any more.
UPDATE audit_log SET event_seq = NULL WHERE event_seq IS NOT NULL AND NOT EXISTS (SELECT 1 FROM events WHERE seq = audit_log.event_seq);
ALTER TABLE audit_log ADD CONSTRAINT audit_log_event_seq_fkey FOREIGN KEY (event_seq) REFERENCES events (seq);
