// The live stream client (GET /ws; protocol in realtime/doc.go). It keeps the
// last seq it applied and, after any disconnect — a server restart (1001), a
// slow-client cut (4008), a dropped network — reconnects by itself with
// backoff and subscribes with "since", so it gets exactly what it missed.
// "resync" (since too old) and "reload" (a big import) bring a fresh
// snapshot. The page never needs a reload.
//
// Browsers do not expose websocket pings, so a half-open connection is found
// with the protocol itself: every HEARTBEAT_MS the client subscribes again
// with since = its last seq, which the server answers with "resumed"; no
// answer within HEARTBEAT_TIMEOUT_MS → reconnect.

const HEARTBEAT_MS = 20000;
const HEARTBEAT_TIMEOUT_MS = 10000;
const BACKOFF_MIN_MS = 500;
const BACKOFF_MAX_MS = 10000;

export class LiveStream {
  constructor({ layers, onSnapshot, onEvent, onStatus }) {
    this.layers = layers;
    this.onSnapshot = onSnapshot;
    this.onEvent = onEvent;
    this.onStatus = onStatus;
    this.seq = null;          // last seq applied; null = hold nothing yet
    this.backoff = BACKOFF_MIN_MS;
    this.held = false;        // test hook: stay offline until released
    this.stats = { snapshots: 0, events: 0, resumed: 0, resyncs: 0, reconnects: 0, duplicates: 0 };
    this.ws = null;
    this.timer = null;
    this.heartbeat = null;
    this.awaiting = null;
  }

  start() { this.connect(); }

  status(state, detail) { this.state = state; this.onStatus?.(state, detail); }

  connect() {
    clearTimeout(this.timer);
    if (this.held) return;
    const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`;
    const ws = new WebSocket(url);
    this.ws = ws;
    this.status(this.seq == null ? 'connecting' : 'reconnecting');
    ws.onopen = () => { this.subscribe(this.seq); };
    ws.onmessage = (m) => { if (ws === this.ws) this.receive(m.data); };
    ws.onclose = (e) => { if (ws === this.ws) this.closed(e); };
  }

  subscribe(since) {
    const msg = { type: 'subscribe', layers: this.layers };
    if (since != null) msg.since = since;
    this.ws.send(JSON.stringify(msg));
  }

  receive(text) {
    let m;
    try { m = JSON.parse(text); } catch { return; }
    switch (m.type) {
      case 'snapshot':
        this.stats.snapshots++;
        this.seq = m.seq;
        this.onSnapshot(m.layers, m.seq);
        this.live();
        break;
      case 'event':
        // After a heartbeat resubscribe the server may send again what was in
        // flight; seq is gap-free and ordered, so anything not newer is seen.
        if (this.seq != null && m.seq <= this.seq) { this.stats.duplicates++; return; }
        this.seq = m.seq;
        this.stats.events++;
        if (m.action === 'reload') { this.resnapshot(); return; }
        this.onEvent(m);
        break;
      case 'resumed':
        this.stats.resumed++;
        this.live();
        break;
      case 'resync':
        // A snapshot follows on this connection.
        this.stats.resyncs++;
        this.status('resync', m.detail);
        break;
      case 'error':
        console.warn('live stream:', m.field, m.detail);
        break;
    }
  }

  live() {
    this.backoff = BACKOFF_MIN_MS;
    clearTimeout(this.awaiting);
    this.awaiting = null;
    this.status('live');
    clearInterval(this.heartbeat);
    this.heartbeat = setInterval(() => this.beat(), HEARTBEAT_MS);
  }

  beat() {
    if (!this.ws || this.ws.readyState !== WebSocket.OPEN || this.awaiting) return;
    this.subscribe(this.seq);
    this.awaiting = setTimeout(() => { this.awaiting = null; this.ws?.close(4000, 'no answer'); }, HEARTBEAT_TIMEOUT_MS);
  }

  // Drop what we hold and take a fresh snapshot on the same connection.
  resnapshot() {
    this.seq = null;
    if (this.ws?.readyState === WebSocket.OPEN) this.subscribe(null);
  }

  closed(e) {
    clearInterval(this.heartbeat);
    clearTimeout(this.awaiting);
    this.awaiting = null;
    this.ws = null;
    this.stats.reconnects++;
    const why = e.code === 1001 ? '服务器重启' : e.code === 4008 ? '网络过慢' : '连接中断';
    this.status('offline', why);
    // Jitter spreads a room of walls reconnecting after a server restart.
    const wait = this.backoff * (0.75 + Math.random() * 0.5);
    this.backoff = Math.min(this.backoff * 2, BACKOFF_MAX_MS);
    this.timer = setTimeout(() => this.connect(), wait);
  }

  // Test hooks: drop the socket as a network failure would; hold it down.
  drop() { this.ws?.close(4000, 'dropped'); }
  hold(on) { this.held = on; if (!on && !this.ws) this.connect(); }
}
