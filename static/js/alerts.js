// Alerts that someone must acknowledge: a new incident, and a reporting
// deadline that has passed unmet (plan 4.1). Each shows in a red box over
// the map with what it is and a 确认 button, and sounds (a tone the page
// makes, nothing to download) until acknowledged, every few seconds. An
// acknowledged alert stays quiet in this browser (localStorage), also after a
// reload; what is kept is pruned to the incidents still open.
import { esc } from './labels.js';
import { onTick } from './time.js';
import { now } from './api.js';
import { activeIncidents, deadlineName } from './wall.js';

const KEY = 'sitrep.acknowledged';
const REPEAT_S = 8;

export class Alerts {
  constructor(box, store, me) {
    this.box = box;
    this.store = store;
    this.acked = new Set(JSON.parse(localStorage.getItem(KEY) || '[]'));
    this.known = null;     // incident ids present at the first snapshot: not "new"
    this.open = new Map(); // key → {text, kind}
    this.sounded = 0;      // tones played (for the tests)
    this.me = me;
    this.shown = '';
    box.addEventListener('click', (e) => {
      const k = e.target.closest('[data-ack]')?.dataset.ack;
      if (k === '*') for (const key of this.open.keys()) this.ack(key);
      else if (k) this.ack(k);
      this.draw();
    });
    store.on('incidents', () => this.check());
    let n = 0;
    onTick(() => { this.check(); if (this.open.size && ++n % REPEAT_S === 0) this.tone(); });
  }

  ack(key) {
    this.acked.add(key);
    this.open.delete(key);
    localStorage.setItem(KEY, JSON.stringify([...this.acked]));
  }

  check() {
    const incs = activeIncidents(this.store);
    if (this.known == null) {
      if (!this.store.count('boundaries')) return; // no snapshot yet
      this.known = new Set(incs.map((f) => String(f.id)));
    }
    const at = now();
    const want = new Map();
    for (const f of incs) {
      const p = f.properties, name = `${p.drill ? '【演练】' : ''}${p.place || p.kind_label || ''}（#${f.id}）`;
      if (!this.known.has(String(f.id))) want.set(`new:${f.id}`, { kind: 'new', text: `${p.kind_label || ''} · ${name}` });
      for (const d of p.deadlines || []) {
        if (!d.met && (d.overdue || Date.parse(d.due) <= at)) {
          want.set(`late:${f.id}:${d.key}`, { kind: 'late', text: `${name} ${deadlineName(d)}，截止 ${String(d.due_beijing || '').replace(' 北京时间', '').slice(11)}` });
        }
      }
    }
    let added = false;
    for (const [k, v] of want) if (!this.acked.has(k) && !this.open.has(k)) { this.open.set(k, v); added = true; }
    for (const k of this.open.keys()) if (!want.has(k)) this.open.delete(k);
    // Keep only acknowledgements that still mean something.
    if (this.acked.size > 200) { this.acked = new Set([...this.acked].filter((k) => want.has(k))); localStorage.setItem(KEY, JSON.stringify([...this.acked])); }
    this.draw();
    if (added) this.tone();
  }

  draw() {
    const html = this.open.size ? `<div class="alert-box" role="alertdialog" aria-label="需要确认的提醒">
      <ul>${[...this.open].map(([k, a]) => `<li class="${a.kind}"><span>${esc(a.text)}</span><button type="button" data-ack="${esc(k)}">确认</button></li>`).join('')}</ul>
      ${this.open.size > 1 ? '<button type="button" class="ack-all" data-ack="*">全部确认</button>' : ''}</div>` : '';
    if (html !== this.shown) { this.box.innerHTML = html; this.shown = html; }
  }

  // Two short beeps from an oscillator: no sound file to ship.
  tone() {
    this.sounded++;
    try {
      this.ctx ||= new AudioContext();
      if (this.ctx.state === 'suspended') this.ctx.resume();
      for (const [i, f] of [[0, 880], [1, 660]]) {
        const o = this.ctx.createOscillator(), g = this.ctx.createGain();
        o.frequency.value = f;
        g.gain.value = 0.25;
        o.connect(g).connect(this.ctx.destination);
        const t = this.ctx.currentTime + i * 0.3;
        o.start(t);
        o.stop(t + 0.22);
      }
    } catch { /* no audio device: the red box still shows */ }
  }
}
