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

const CSS = `
#alarm-box { position: absolute; top: 10px; left: calc((100% - var(--side-w)) / 2); transform: translateX(-50%); z-index: 7;
  width: min(40rem, calc(100% - var(--side-w) - 360px)); pointer-events: none; }
#alarm-box ul { list-style: none; margin: 0; padding: .4rem .6rem; display: grid; gap: .3rem; max-height: 28vh; overflow-y: auto;
  background: #3d1a06; border: 3px solid #ff9f0a; border-radius: 10px; box-shadow: 0 0 18px rgba(255, 159, 10, .5); }
#alarm-box li { display: flex; gap: .5rem; align-items: center; font-size: 1.02rem; font-weight: 700; }
#alarm-box li .txt { flex: 1; }
#alarm-box li .tag { border-radius: 4px; padding: 0 .3em; margin-right: .3em; font-size: .85rem; background: #ff9f0a; color: #2b1200; }
#alarm-box li.alarm .tag { background: #ff453a; color: #fff; }
#alarm-box li.stale .tag { background: #8e8e93; color: #fff; }
#alarm-box li.cleared .txt { opacity: .7; }
#alarm-box li small { font-weight: 400; opacity: .8; margin-left: .3em; }
#alarm-box button { pointer-events: auto; background: #fff; color: #2b1200; font-weight: 800; flex-shrink: 0; }
.alarm-pin { width: 26px; height: 26px; border-radius: 50%; border: 4px solid #ff9f0a; background: rgba(255, 159, 10, .25); animation: alarm-pulse 1.2s ease-in-out infinite; }
.alarm-pin.alarm { border-color: #ff453a; background: rgba(255, 69, 58, .3); }
.alarm-pin.stale { border-color: #8e8e93; background: rgba(142, 142, 147, .3); animation: none; border-style: dashed; }
.alarm-pin.cleared { animation: none; opacity: .6; }
@keyframes alarm-pulse { 50% { transform: scale(1.5); opacity: .6; } }
.wind-pin { display: flex; align-items: center; gap: 2px; font: 700 12px/1 system-ui, sans-serif; color: #fff; text-shadow: 0 0 3px #000, 0 0 3px #000; pointer-events: none; }
.wind-pin svg { width: 26px; height: 26px; filter: drop-shadow(0 0 2px #000); }
.wind-pin.old { opacity: .45; }
`;

// Wind from θ blows toward θ+180: the arrow points where the gas goes.
const ARROW = '<svg viewBox="-12 -12 24 24"><path d="M0 -11 L6 4 L0 1 L-6 4 Z" fill="#64d2ff" stroke="#003a4d" stroke-width="1.2"/></svg>';
const DIRS = ['北', '东北', '东', '东南', '南', '西南', '西', '西北'];
export const windName = (from) => `${DIRS[Math.round(((from % 360) + 360) % 360 / 45) % 8]}风`;

const visible = (p) => p.active || !p.acked_at;

export function mountAlarms({ store, map, maplibregl, me, alerts }) {
  if (!document.getElementById('alarm-css')) {
    const st = document.createElement('style');
    st.id = 'alarm-css';
    st.textContent = CSS;
    document.head.append(st);
  }
  const box = document.createElement('div');
  box.id = 'alarm-box';
  box.setAttribute('aria-live', 'assertive');
  box.setAttribute('aria-label', '监测报警');
  document.getElementById('app').append(box);
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
    box.innerHTML = list.length ? `<ul>${list.map((f) => {
      const p = f.properties, cls = p.kind === 'stale' ? 'stale' : (p.active ? p.level : 'cleared');
      const tag = p.kind === 'stale' ? '失联' : (!p.active ? '已恢复' : p.level === 'alarm' ? '二级报警' : '一级报警');
      const when = beijing(Date.parse(p.changed_at)).hm;
      return `<li class="${cls}" data-id="${f.id}"><span class="txt"><span class="tag">${tag}</span>${esc(p.enterprise || '')} ${esc(p.message)}<small>${when}${p.acked_by ? ` · ${esc(p.acked_by)} 已确认` : ''}</small></span>
        ${mayAck && p.active && p.kind === 'threshold' ? '<button type="button" data-act="draft">建事件</button>' : ''}
        ${mayAck && !p.acked_at ? '<button type="button" data-act="ack">确认</button>' : ''}</li>`;
    }).join('')}</ul>` : '';
    // Sound for what is new or escalated since last heard; the first
    // snapshot sounds too when something is unacknowledged.
    const was = heard;
    heard = new Map(list.map((f) => [String(f.id), f.properties.level]));
    if (list.some((f) => !f.properties.acked_at && f.properties.active && (!was || was.get(String(f.id)) !== f.properties.level))) sound();
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
    const id = b.closest('li').dataset.id;
    b.disabled = true;
    try {
      if (b.dataset.act === 'ack') {
        const r = await api('POST', `/api/v1/alarms/${id}/acknowledge`);
        store.upsert('alarms', r.data);
      } else {
        const r = await api('GET', `/api/v1/alarms/${id}/draft`);
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
