// Alarms from the instruments at the hazard sources, and the wind at each
// weather station, on the wall. An alarm shows at its sensor (a pulsing
// ring: red 二级, orange 一级, grey 失联) and in a box at the top of the map
// with what it is, 确认 for who may acknowledge (the server names the
// person), and 建事件 (a prefilled incident in the dispatch console). A
// new or escalated alarm sounds, and keeps sounding every few seconds until
// someone acknowledges it. A station shows an arrow the way the wind blows
// and its speed. Live topics "alarms" and "weather" (main.js subscribes).
import { api } from './api.js';
import { esc } from './labels.js';
import { can } from './roles.js';
import { beijing, onTick } from './time.js';

export const ALARM_LAYERS = ['alarms', 'weather'];
const REPEAT_S = 8;
const DRAFT_KEY = 'sitrep.incidentDraft';

// Wind from θ blows toward θ+180: the arrow points where the gas goes.
const ARROW = '<svg viewBox="-12 -12 24 24"><path d="M0 -11 L6 4 L0 1 L-6 4 Z" fill="#64d2ff" stroke="#003a4d" stroke-width="1.2"/></svg>';
const DIRS = ['北', '东北', '东', '东南', '南', '西南', '西', '西北'];
export const windName = (from) => `${DIRS[Math.round(((from % 360) + 360) % 360 / 45) % 8]}风`;

const visible = (p) => p.active || !p.acked_at;

// How bad an alarm is, for ordering: 二级, 一级, 失联, then recovered but
// not yet acknowledged.
const rank = (p) => (!p.active ? 3 : p.kind === 'stale' ? 2 : p.level === 'alarm' ? 0 : 1);
const TAG = ['二级报警', '一级报警', '失联', '已恢复'];
const CLS = ['alarm', 'warning', 'stale', 'cleared'];

// groupBySource is the visible alarms as one group per hazard source, the
// worst group first; each group's alarms worst and latest first.
export function groupBySource(list) {
  const groups = new Map();
  for (const f of list) {
    const k = f.properties.hazard_source_id ?? `sensor-${f.properties.sensor_id}`;
    if (!groups.has(k)) groups.set(k, []);
    groups.get(k).push(f);
  }
  const order = (a, b) => rank(a.properties) - rank(b.properties) || Date.parse(b.properties.changed_at) - Date.parse(a.properties.changed_at);
  return [...groups.values()].map((g) => g.sort(order)).sort((a, b) => order(a[0], b[0]));
}

export function mountAlarms({ store, map, maplibregl, me, alerts }) {
  const app = document.getElementById('app');
  const box = document.createElement('div');
  box.id = 'alarm-box';
  box.setAttribute('aria-live', 'assertive');
  box.setAttribute('aria-label', '监测报警');
  app.append(box);
  // What the box takes from the top of the map moves the tools below it.
  new ResizeObserver(() => app.style.setProperty('--alarm-h', box.offsetHeight ? `${box.offsetHeight + 8}px` : '0px')).observe(box);
  const mayAck = can(me.role, 'incidents:write');
  const pins = new Map(), winds = new Map();
  let heard = null; // alarm id → version last sounded
  const state = { sounded: 0, shown: 0 };

  const pin = (markers, id, lngLat, make) => {
    let m = markers.get(id);
    if (!m) { m = new maplibregl.Marker({ element: make() }).setLngLat(lngLat).addTo(map); markers.set(id, m); }
    else m.setLngLat(lngLat);
    return m.getElement();
  };
  const prune = (markers, keep) => { for (const [id, m] of markers) if (!keep.has(id)) { m.remove(); markers.delete(id); } };

  function drawAlarms(layer) {
    const list = [...layer.values()].filter((f) => visible(f.properties)).sort((a, b) => b.id - a.id);
    const keep = new Set();
    for (const f of list) {
      if (!f.geometry) continue;
      const p = f.properties, id = String(f.id);
      keep.add(id);
      const el = pin(pins, id, f.geometry.coordinates, () => document.createElement('div'));
      el.className = `alarm-pin ${p.kind === 'stale' ? 'stale' : p.level}${p.active ? '' : ' cleared'}`;
      el.title = p.message;
    }
    prune(pins, keep);
    state.shown = list.length;
    const groups = groupBySource(list);
    box.innerHTML = groups.length ? `<div class="list">${groups.length > 3 ? `<div class="sum">监测报警：${groups.length} 处危险源，共 ${list.length} 条</div>` : ''}
      <ul>${groups.map(row).join('')}</ul></div>` : '';
    // Sound for what is new or escalated since last heard; the first
    // snapshot sounds too when something is unacknowledged.
    const was = heard;
    heard = new Map(list.map((f) => [String(f.id), f.properties.level]));
    if (list.some((f) => !f.properties.acked_at && f.properties.active && (!was || was.get(String(f.id)) !== f.properties.level))) sound();
  }

  // One hazard source's row: its worst alarm, the others counted by kind.
  function row(g) {
    const top = g[0], p = top.properties, r = rank(p);
    const more = g.slice(1).reduce((m, f) => m.set(TAG[rank(f.properties)], (m.get(TAG[rank(f.properties)]) || 0) + 1), new Map());
    const unacked = g.filter((f) => !f.properties.acked_at).map((f) => f.id);
    const when = beijing(Date.parse(p.changed_at)).hm;
    const title = g.map((f) => `${TAG[rank(f.properties)]}：${f.properties.message}`).join('\n');
    const drafted = g.find((f) => f.properties.active && f.properties.kind === 'threshold');
    return `<li class="${CLS[r]}" data-source="${esc(String(p.hazard_source_id ?? ''))}" data-alarms="${g.map((f) => esc(String(f.id))).join(' ')}" title="${esc(title)}">
      <span class="tag">${TAG[r]}</span>
      <span class="txt">${esc(p.enterprise || '')} ${esc(p.message)}<small>${when}${more.size ? ` · 另有${[...more].map(([t, n]) => `${t} ${n}`).join('、')}` : ''}${!unacked.length && p.acked_by ? ` · ${esc(p.acked_by)} 已确认` : ''}</small></span>
      ${mayAck && drafted ? `<button type="button" data-act="draft" data-alarm="${esc(String(drafted.id))}">建事件</button>` : ''}
      ${mayAck && unacked.length ? `<button type="button" data-act="ack" data-alarms="${unacked.map((id) => esc(String(id))).join(' ')}">确认${unacked.length > 1 ? `（${unacked.length}）` : ''}</button>` : ''}</li>`;
  }

  function sound() { state.sounded++; alerts?.tone(); }

  function drawWeather(layer) {
    const keep = new Set();
    const at = Date.now();
    for (const f of layer.values()) {
      const p = f.properties, id = String(f.id);
      if (!f.geometry || p.wind_from_deg == null) continue;
      keep.add(id);
      const el = pin(winds, id, f.geometry.coordinates, () => { const d = document.createElement('div'); d.className = 'wind-pin'; return d; });
      const old = at - Date.parse(p.observed_at) > 30 * 60e3;
      el.classList.toggle('old', old);
      el.title = `${p.name}：${windName(p.wind_from_deg)} ${p.wind_speed_ms} m/s（${beijing(Date.parse(p.observed_at)).hm}${old ? '，超过 30 分钟' : ''}）`;
      el.innerHTML = `<span style="transform: rotate(${(p.wind_from_deg + 180) % 360}deg); display: inline-flex">${ARROW}</span><span>${esc(String(p.wind_speed_ms))} m/s</span>`;
    }
    prune(winds, keep);
  }

  box.addEventListener('click', async (e) => {
    const b = e.target.closest('button[data-act]');
    if (!b) return;
    b.disabled = true;
    try {
      if (b.dataset.act === 'ack') {
        for (const id of b.dataset.alarms.split(' ')) {
          const r = await api('POST', `/api/v1/alarms/${id}/acknowledge`);
          store.upsert('alarms', r.data);
        }
      } else {
        const r = await api('GET', `/api/v1/alarms/${b.dataset.alarm}/draft`);
        openDraft(r.data);
      }
    } catch (err) {
      b.disabled = false;
      b.title = err.message;
    }
  });

  store.on('alarms', drawAlarms);
  store.on('weather', drawWeather);
  let n = 0;
  onTick(() => {
    if (++n % REPEAT_S) return;
    if ([...store.layer('alarms').values()].some((f) => f.properties.active && !f.properties.acked_at)) sound();
    drawWeather(store.layer('weather'));
  });
  window.__sitrep.alarms = state;
  return state;
}

// The dispatch console takes the draft (dispatch.js, takeIncidentDraft);
// the draft waits in this tab's session until it is there.
function openDraft(draft) {
  sessionStorage.setItem(DRAFT_KEY, JSON.stringify(draft));
  if (location.hash === '#dispatch') document.dispatchEvent(new CustomEvent('sitrep:incident-draft'));
  else location.hash = 'dispatch';
}

// takeIncidentDraft is the draft an alarm left for the console, once.
export function takeIncidentDraft() {
  const raw = sessionStorage.getItem(DRAFT_KEY);
  sessionStorage.removeItem(DRAFT_KEY);
  return raw ? JSON.parse(raw) : null;
}
