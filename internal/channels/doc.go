// Package channels sends warnings out through the release channels of plan
// 3.2.2 (the SMS platform, the broadcaster, a TV or radio newsroom, a CAP
// hub): each an HTTP endpoint an administrator sets up, taking the CAP 1.2
// document or JSON with the text the channel needs.
//
// Issuing, adjusting or lifting a warning queues one delivery per enabled
// channel in the transaction that publishes the version (Outbox, the
// warnings store's hook), so neither exists without the other. A Worker in
// every server process delivers them at least once: it claims a due
// delivery with FOR UPDATE SKIP LOCKED and a lease, posts it with the
// delivery's Idempotency-Key (the same on every attempt, so a receiver that
// honours it acts once), and on failure retries with exponential backoff,
// jitter and a cap. A channel that is down holds up neither the warning nor
// the other channels; a later version waits for the earlier one on the
// same channel, so a receiver never gets a Cancel before its Alert. Every
// attempt's outcome goes through journal.Write: the audit trail, and the
// warning on the live stream with its deliveries.
package channels
