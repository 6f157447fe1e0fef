// The features the page holds, per layer, keyed by id: replaced whole by a
// snapshot, changed one by one by events. Listeners hear about a layer at
// most once per animation frame however many events arrive, so a burst of
// position fixes costs one redraw, and nothing here grows with time: a
// layer holds exactly its current features.

// Features that have left the map though they still exist: a closed
// incident (已结案). The server's snapshot leaves them out; an event that
// says one closed must take it away here too, or it stays until a reload.
const LEFT_MAP = { incidents: (f) => f.properties?.state === 'closed' };

export class FeatureStore {
  constructor() {
    this.layers = new Map();     // name → Map(id → Feature)
    this.listeners = new Map();  // name → Set(fn)
    this.dirty = new Set();
    this.frame = 0;
  }

  layer(name) {
    let l = this.layers.get(name);
    if (!l) { l = new Map(); this.layers.set(name, l); }
    return l;
  }

  get(name, id) { return this.layer(name).get(String(id)); }
  features(name) { return [...this.layer(name).values()]; }
  count(name) { return this.layer(name).size; }

  replace(name, fc) {
    const l = this.layer(name);
    l.clear();
    for (const f of fc?.features || []) l.set(String(f.id), f);
    this.touch(name);
  }

  upsert(name, f) {
    if (LEFT_MAP[name]?.(f)) { this.remove(name, f.id); return; }
    this.layer(name).set(String(f.id), f);
    this.touch(name);
  }
  remove(name, id) { if (this.layer(name).delete(String(id))) this.touch(name); }

  // One live-stream event: a whole Feature on create/update (and on an
  // incident's "overdue"), {id} on delete or when it leaves our box. A
  // Feature that has left the map (LEFT_MAP) is removed, not kept.
  apply(m) {
    if (m.action === 'delete' || m.action === 'leave') this.remove(m.topic, m.id);
    else if (m.data && m.data.type === 'Feature') this.upsert(m.topic, m.data);
  }

  on(name, fn) {
    if (!this.listeners.has(name)) this.listeners.set(name, new Set());
    this.listeners.get(name).add(fn);
    return () => this.listeners.get(name).delete(fn);
  }

  touch(name) {
    this.dirty.add(name);
    if (!this.frame) this.frame = requestAnimationFrame(() => this.flush());
  }

  // Also called by a timer: a wall in a hidden tab gets no animation frames,
  // and must not let changes wait there.
  flush() {
    if (this.frame) cancelAnimationFrame(this.frame);
    this.frame = 0;
    const names = [...this.dirty];
    this.dirty.clear();
    for (const n of names) for (const fn of this.listeners.get(n) || []) fn(this.layer(n));
  }
}
