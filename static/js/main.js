// The map page: log in, open the live stream, draw the wall, and offer the
// registry editor and the dispatch console to the roles that may use them.
import { api } from './api.js';
import { LiveStream } from './stream.js';
import { FeatureStore } from './store.js';
import { createMap, bindStore, fitCounty } from './map.js';
import { Labels, esc, clip } from './labels.js';
import { mountWall } from './wall.js';
import { mountLegend } from './legend.js';
import { startClock, age } from './time.js';
import { can } from './roles.js';
import { GRADE_NUMERAL, STREAM_LAYERS } from './style.js';
import { loadVocabulary, term } from './vocab.js';
import { mountSearch } from './search.js';
import { FeaturePopups } from './popup.js';
import { MeasureTool } from './measure.js';
import { Alerts } from './alerts.js';
import { mountAlarms, ALARM_LAYERS } from './alarms.js';
import { declutter } from './declutter.js';
import { mountClosures } from './closures.js';

const $ = (s) => document.querySelector(s);

async function whoAmI() {
  try { return (await api('GET', '/api/v1/auth/me')).data; } catch { return null; }
}

function login() {
  const dlg = $('#login'), form = $('#login-form'), err = form.querySelector('.err');
  return new Promise((resolve) => {
    form.onsubmit = async (e) => {
      e.preventDefault();
      const f = new FormData(form);
      try {
        await api('POST', '/api/v1/auth/login', { body: { name: f.get('name'), password: f.get('password') } });
        err.textContent = '';
        dlg.close();
        resolve(await whoAmI());
      } catch (p) { err.textContent = p.message; }
    };
    dlg.showModal();
  });
}

const MODES = [
  { id: 'wall', label: '态势', allowed: () => true, load: async () => ({ mount: (side, ctx) => mountWall(side, ctx.store) }) },
  { id: 'registry', label: '登记维护', allowed: (r) => can(r, 'registry:write'), load: () => import('./registry.js') },
  { id: 'dispatch', label: '调度指挥', allowed: (r) => can(r, 'incidents:write') || can(r, 'teams:dispatch'), load: () => import('./dispatch.js') },
  { id: 'admin', label: '系统管理', allowed: (r) => can(r, 'users:manage') || can(r, 'audit:read') || can(r, 'warnings:channels'), load: () => import('./admin.js') },
];

function connectionIndicator(el) {
  const words = { connecting: '连接中', live: '实时', reconnecting: '重连中', offline: '已断开', resync: '重新同步' };
  return (state, detail) => {
    el.dataset.state = state;
    el.querySelector('span').textContent = words[state] + (detail && state === 'offline' ? ` · ${detail}，自动重连` : '');
  };
}

// "演示数据（虚构）" whenever anything on the map is synthetic.
function demoBanner(store) {
  const synthetic = new Map();
  for (const name of STREAM_LAYERS) {
    store.on(name, (layer) => {
      let any = false;
      for (const f of layer.values()) if (f.properties?.synthetic) { any = true; break; }
      synthetic.set(name, any);
      $('#demo-banner').hidden = ![...synthetic.values()].some(Boolean);
    });
  }
}

async function start() {
  let me = await whoAmI();
  if (!me) me = await login();
  window.addEventListener('sitrep:unauthorized', async () => { if (!$('#login').open) await login(); });
  await loadVocabulary();
  $('#user .who > span').textContent = me.display_name || me.name;
  $('#user .who > small').textContent = term('role', me.role);
  $('#user').title = `${me.display_name || me.name} · ${term('role', me.role)}`;
  $('#logout').onclick = async () => { try { await api('POST', '/api/v1/auth/logout'); } finally { location.reload(); } };
  startClock($('#clock'));

  const store = new FeatureStore();
  const { map, ready, maplibregl } = createMap($('#map'));
  await ready;
  const drawn = bindStore(map, store);
  fitCounty(map, store);
  demoBanner(store);
  mountLegend($('#legend'), map, store);

  // Labels: incidents always; teams and shelters from the zoom the wall
  // opens at. Overlapping labels give way to the more important (declutter.js).
  new Labels(maplibregl, map, store, 'incidents', (p) =>
    `${p.drill ? '<b class="drill-badge">演练</b>' : ''}<b>${p.grade ? GRADE_NUMERAL[p.grade] + '级' : '未定级'}</b>${p.level ? ` · ${GRADE_NUMERAL[p.level]}级响应` : ''}
     <span>${esc(clip(p.place || p.kind_label, 14))}</span>`, { priority: (p) => 1000 + (p.overdue_count ? 500 : 0) + ({ I: 40, II: 30, III: 20, IV: 10 }[p.grade] || 0) });
  const teamLabels = new Labels(maplibregl, map, store, 'rescue_teams', (p) =>
    `<b>${esc(clip(String(p.name || '').replace(/〔[^〕]*〕$/, ''), 12))}</b> <span class="st st-${esc(p.status)}">${esc(term('rescue_teams.status', p.status))}</span>
     <small class="age age-${p._stale}">${p._stale === 3 ? '驻地' : age(p._age_s)}</small>`, { minZoom: 9, priority: (p) => (p.status === 'available' ? 100 : 300) });
  teamLabels.every(15, store);
  new Labels(maplibregl, map, store, 'shelters', (p) =>
    `<span class="occ${p.status === 'full' ? ' full' : ''}">${p.occupancy ?? 0}/${p.capacity ?? '?'}</span>`, { minZoom: 9, priority: () => 50 });
  declutter(map);

  mountSearch($('#search'), map, store);
  new FeaturePopups(maplibregl, map, store);
  new MeasureTool(maplibregl, map, $('#measure'));

  // The expert roster is personal data: only roles that call experts in read it.
  const layers = [...STREAM_LAYERS.filter((l) => l !== 'experts' || can(me.role, 'experts:read')), ...ALARM_LAYERS];
  const stream = new LiveStream({
    layers,
    onSnapshot: (got) => { for (const name of layers) store.replace(name, got[name]); },
    onEvent: (m) => store.apply(m),
    onStatus: connectionIndicator($('#conn')),
  });
  // A flush timer too: a wall in a background tab gets no animation frames.
  setInterval(() => store.flush(), 1000);
  // A socket refused at the upgrade says nothing about why; ask the API, which
  // announces a lapsed session (and the login comes up).
  let lastCheck = 0;
  const prevStatus = stream.onStatus;
  stream.onStatus = (s, d) => { prevStatus(s, d); if (s === 'offline' && Date.now() - lastCheck > 15000) { lastCheck = Date.now(); whoAmI(); } };
  stream.start();

  const ctx = { store, map, maplibregl, stream, me, layers };
  exposeTestHooks(ctx, drawn);
  const alerts = new Alerts($('#alerts'), store, me);
  window.__sitrep.alerts = alerts;
  mountAlarms({ ...ctx, alerts });
  window.__sitrep.closures = mountClosures(ctx)?.state || null;

  // Modes: tabs for what this role may do; the choice lives in the URL hash.
  const allowed = MODES.filter((m) => m.allowed(me.role));
  const nav = $('#modes');
  nav.innerHTML = allowed.length > 1 ? allowed.map((m) => `<button type="button" data-mode="${m.id}">${m.label}</button>`).join('') : '';
  let unmount = null, seq = 0;
  const show = async (id) => {
    const mode = allowed.find((m) => m.id === id) || allowed[0];
    const mine = ++seq;
    for (const b of nav.querySelectorAll('button')) b.classList.toggle('on', b.dataset.mode === mode.id);
    const mod = await mode.load();
    if (mine !== seq) return;
    unmount?.();
    document.body.dataset.mode = mode.id;
    unmount = mod.mount($('#side'), ctx) || null;
  };
  nav.onclick = (e) => { const id = e.target.dataset?.mode; if (id) location.hash = id; };
  window.addEventListener('hashchange', () => show(location.hash.slice(1)));
  await show(location.hash.slice(1));
  window.__sitrep.ready = true;
}

// Minimal hooks for the browser tests (e2e/): state, not pixels.
function exposeTestHooks({ store, map, stream, layers }, drawn) {
  window.__sitrep = {
    ready: false,
    map,
    counts: () => Object.fromEntries(layers.map((n) => [n, store.count(n)])),
    rendered: (source) => map.querySourceFeatures(source).length,
    seq: () => stream.seq,
    state: () => stream.state,
    stats: () => ({ ...stream.stats }),
    feature: (layer, id) => store.get(layer, id) || null,
    // Where a feature is drawn now: the map source's geometry — what the
    // map source was last given (not the store, which may be a
    // frame ahead), and the label marker's text.
    drawnAt: (layer, id) => {
      const d = drawn(layer, id);
      const el = document.querySelector(`.maplabel-${layer}[data-id="${CSS.escape(String(id))}"]`);
      return d ? { coordinates: d.geometry.coordinates, stale: d.properties._stale, label: el?.textContent.replace(/\s+/g, ' ').trim() || null } : null;
    },
    project: (lngLat) => { const p = map.project(lngLat); const r = map.getContainer().getBoundingClientRect(); return { x: p.x + r.left, y: p.y + r.top }; },
    drop: () => stream.drop(),
    hold: (on) => stream.hold(on),
    markers: () => document.querySelectorAll('.maplabel').length,
  };
}

start().catch((e) => {
  console.error(e);
  const t = $('#toast');
  t.textContent = `页面启动失败：${e.message}`;
  t.hidden = false;
});
