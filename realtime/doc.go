// Package realtime is the live stream: every committed change, in commit
// order, to every map, with nothing lost.
//
// # From commit to client
//
// journal.Write records each map change as a row of the events table with a
// gap-free seq in commit order and NOTIFYs journal.NotifyChannel. Each server
// process runs one listener (a dedicated connection doing LISTEN, reconnecting
// with backoff) that, on every wake-up, reads the events after the last one it
// saw, in batches, encodes each event once (websocket.PreparedMessage) and
// hands the batch to every connection and then to in-process subscribers
// (Hub.OnEvents: the tile cache invalidates with it). A wake-up is a notification, a
// reconnect, or a safety read every few seconds; a lost notification delays,
// never loses. The listener runs for the hub's whole life, from New to
// Close or Shutdown.
// Several servers on one database each read the same table, so their clients
// get the same events in the same order.
//
// # Protocol (GET /ws, JSON text frames)
//
// Client → server, at any time (again to change the subscription):
//
//	{"type":"subscribe","layers":["teams","incidents"],"bbox":[minLon,minLat,maxLon,maxLat],"since":1234}
//
// bbox and since are optional. Server → client:
//
//	{"type":"snapshot","seq":N,"layers":{"teams":{"type":"FeatureCollection","features":[…]}}}
//	{"type":"event","seq":N+1,"topic":"teams","id":"7","action":"update","drill":false,"at":"…","data":{Feature}}
//	{"type":"resumed","from":1234}   // since accepted: the missed events follow
//	{"type":"resync","detail":"…"}   // since too old (pruned) or unknown: a snapshot follows
//	{"type":"error","field":"/bbox/2","detail":"…"}  // bad message; the connection stays
//
// The snapshot and the event counter are read in one REPEATABLE READ
// transaction, so the deltas from seq+1 on line up exactly with it. A client
// keeps the last seq it received and, after any disconnect, subscribes with
// "since" set to it: it gets every event it missed, in order, then live ones.
// since means "I hold this same subscription's state as of seq"; a client that
// changes its layers or box omits it and takes a snapshot.
//
// With a bbox a client gets the events whose feature's bounding box meets the
// box (the snapshot uses PostGIS && likewise). A feature without geometry (an
// incident reported by place name only, not located yet) is in every box:
// snapshots include it (geom IS NULL OR geom && box) and its events go to
// every subscriber of the topic. The connection remembers which ids it has
// sent, located or not; when a held feature moves out of the box (or is first
// located outside it) the client gets the event once with action "leave" and
// data {"id":…}, and deletes only of features it may hold.
//
// Close codes: 1001 the server is shutting down; 1009 a client message over
// 64 KiB; 1011 a server error; 4008 too slow: the client's outgoing queue
// passed its bound (8 MiB), its unsent messages were dropped. In every case:
// reconnect and resume with the last seq. 4001 credentials revoked: the
// token was revoked, the session ended or expired, or the user was disabled
// or may no longer read the map; the server checks every 30 s. Log in (or get
// a new token) first, then reconnect and resume.
//
// # Back-pressure
//
// Each connection has one writer goroutine, the only one writing its socket,
// and a queue bounded in bytes. The hub's fan-out only appends to queues; it
// never waits for a client. Snapshots and table reads run in the connection's
// own syncer goroutine. Pings every 25 s, a 60 s pong deadline, a 64 KiB read
// limit. While the syncer works, the hub's batches wait in the connection's
// pending list; the bound counts only what the client would be sent from
// them (its layers, its box), so a busy layer it does not follow never makes
// it "too slow". One read of the events table holds at most 500 events and
// stops at the one that reaches 1 MiB of data.
//
// # Credentials
//
// Authentication happens at the upgrade. Then, every RecheckEvery (30 s), the
// server resolves the same credential again (Config.Recheck; server.New wires
// auth.Store.StillAllowed) from the upgrade's Authorization and Cookie
// headers, which the connection keeps for that alone and never logs. A
// credential that no longer holds closes the connection with 4001; a check
// that cannot be made (the database) keeps it, and is counted.
//
// # Layers
//
// A layer is streamable once a Snapshotter for it is registered with
// Hub.Register (in server.New): QuerySnapshotter turns one SQL query into one.
// Its events must be recorded with Topic = the layer name and entity_id = the
// Feature's id.
//
// # Retention
//
// A pruner goroutine of its own (never the listener: a slow delete must not
// hold up the live stream) deletes, every 10 minutes, the events before the
// first one recorded within the last 7 days, keeping at least the newest
// 100,000, in short batches under an advisory lock (so two servers do not
// both prune). It deletes a prefix only, so the table is one unbroken run of
// seqs. A resume from before the oldest kept event gets "resync" and a
// snapshot; so does a connection whose read of the table finds any event
// missing.
package realtime
