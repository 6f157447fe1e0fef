// Road closures (plan 4.5, 交通管制) on the map and in the console. A
// closure in force is drawn as a barrier: a line as a thick red-and-white
// dashed band, an area as a red hatched fill with a red outline; a reopened
// one (kept by the API for the record) is not drawn. Whoever dispatches
// closes a road with two or three clicks (封闭道路 → draw a line across the
// road, or an area → name → save) and reopens it from its popup or the
// list. Routing closes every road the geometry of a closure in force meets.
// The features come from the live stream like every registry layer
// (style.js STREAM_LAYERS, map.js bindStore): this file adds their look,
// the tool and the popup's action.
import { api, Problem } from './api.js';
import { esc } from './labels.js';
import { can } from './roles.js';
import { Draft } from './draw.js';
import { clearFieldErrors, placeFieldErrors, summary } from './fielderrors.js';
import { bbox, mapPadding } from './map.js';

export const CLOSURE_LAYER = 'road_closures';
export const CLOSURE_RED = '#ff2d2d';
// The map layers drawing closures, bottom to top: the legend switches them,
// the popups take clicks on them.
export const CLOSURE_MAP_LAYERS = ['closures-fill', 'closures-hatch', 'closures-outline', 'closures-casing', 'closures-band', 'closures-stripes'];

export const inForce = (f) => f.properties?.status === 'closed';
const closed = ['==', ['get', 'status'], 'closed'];
const area = ['in', ['geometry-type'], ['literal', ['Polygon', 'MultiPolygon']]];
const line = ['in', ['geometry-type'], ['literal', ['LineString', 'MultiLineString']]];

export function closureLayers() {
  const src = { source: CLOSURE_LAYER };
  return [
    { id: 'closures-fill', type: 'fill', ...src, filter: ['all', closed, area], paint: { 'fill-color': CLOSURE_RED, 'fill-opacity': 0.18 } },
    { id: 'closures-hatch', type: 'fill', ...src, filter: ['all', closed, area], paint: { 'fill-pattern': 'closure-hatch' } },
    { id: 'closures-outline', type: 'line', ...src, filter: ['all', closed, area], paint: { 'line-color': CLOSURE_RED, 'line-width': 3 } },
    // The barrier: a dark edge, a red band, white stripes across it.
    { id: 'closures-casing', type: 'line', ...src, filter: ['all', closed, line], layout: { 'line-cap': 'butt', 'line-join': 'round' },
      paint: { 'line-color': '#2a0000', 'line-width': 12 } },
    { id: 'closures-band', type: 'line', ...src, filter: ['all', closed, line], layout: { 'line-cap': 'butt', 'line-join': 'round' },
      paint: { 'line-color': CLOSURE_RED, 'line-width': 9 } },
    { id: 'closures-stripes', type: 'line', ...src, filter: ['all', closed, line], layout: { 'line-cap': 'butt', 'line-join': 'round' },
      paint: { 'line-color': '#ffffff', 'line-width': 9, 'line-dasharray': [1, 1] } },
  ];
}

// Red diagonal stripes for the hatch, drawn once (no image file to load).
function hatch(size = 16) {
  const data = new Uint8Array(size * size * 4);
  for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) {
    const on = (x + y) % size < 4;
    data.set(on ? [255, 45, 45, 220] : [0, 0, 0, 0], (y * size + x) * 4);
  }
  return { width: size, height: size, data };
}

// The legend's key for the layer.
export const closureKey = () => `<span class="k"><i class="sw closure-line"></i>封闭路段</span><span class="k"><i class="sw closure-area"></i>封闭区域</span>`;

let mayClose = false;

// What a closure's popup offers who may close roads.
export function closureActions(f) {
  if (!mayClose || !inForce(f)) return '';
  return `<div class="closure-actions"><button type="button" class="danger closure-reopen" data-id="${esc(f.id)}">解除封闭</button><span class="closure-msg"></span></div>`;
}

// Reopens a closure: status open, If-Match on the version the page holds
// (a closure changed meanwhile is refused, 412, and said so).
async function reopen(store, id) {
  const f = store.get(CLOSURE_LAYER, id);
  if (!f) throw new Error('此封闭已不在图上');
  const r = await api('PATCH', `/api/v1/${CLOSURE_LAYER}/${id}`, { body: { properties: { status: 'open' } },
    etag: `"${f.properties.version}"`, contentType: 'application/merge-patch+json' });
  keepNewer(store, r.data);
  return r.data;
}

// What a write answered goes on the page at once, unless the live stream
// has already brought a later version.
function keepNewer(store, f) {
  if ((store.get(CLOSURE_LAYER, f.id)?.properties.version ?? 0) < f.properties.version) store.upsert(CLOSURE_LAYER, f);
}

const failure = (e) => (e instanceof Problem && e.status === 412 ? '此封闭刚被他人修改，请看最新状态后再操作' : e.message);

// Draws closures on the map and, for those who may dispatch, offers the
// tool in the map's tool row. Returns the tool's state for the tests.
export function mountClosures({ store, map, me }) {
  map.addImage('closure-hatch', hatch(), { pixelRatio: 2 });
  // Above the areas (warnings, zones, sites), below every symbol.
  for (const l of closureLayers()) map.addLayer(l, 'experts');
  mayClose = can(me.role, 'teams:dispatch');
  document.addEventListener('click', async (e) => {
    const b = e.target.closest('.closure-reopen');
    if (!b) return;
    b.disabled = true;
    const msg = b.parentElement.querySelector('.closure-msg');
    try {
      await reopen(store, b.dataset.id);
      b.parentElement.innerHTML = '<span class="closure-msg ok">已解除封闭</span>';
    } catch (err) {
      b.disabled = false;
      if (msg) msg.textContent = failure(err);
    }
  });
  if (mayClose) return new ClosureTool(map, store, document.getElementById('maptools'));
  return null;
}

// The console's tool: draw, name and save a closure; the closures in force
// with 定位 and 解除.
class ClosureTool {
  constructor(map, store, tools) {
    this.map = map;
    this.store = store;
    this.box = document.createElement('div');
    this.box.id = 'closures';
    this.box.innerHTML = `<button type="button" class="closure-open" aria-expanded="false">封闭道路</button>
      <section class="closure-panel" hidden aria-label="道路封闭">
        <h3>道路封闭（交通管制）</h3>
        <div class="closure-draw"><button type="button" data-draw="line">画封闭线</button><button type="button" data-draw="polygon">画封闭区域</button></div>
        <p class="note closure-hint">先画线（横跨道路或沿封闭路段）或区域：单击各点，双击结束。与之相交的道路均封闭，不参与路径计算。</p>
        <form class="closure-form" novalidate>
          <div class="field-err" data-for="/geometry"></div>
          <label class="field"><span>名称 *</span><input name="name" maxlength="200" placeholder="如 G216 线某路段封闭"><span class="field-err" data-for="/properties/name"></span></label>
          <label class="field"><span>原因</span><input name="reason" maxlength="2000" placeholder="如 危化品泄漏，禁止通行"><span class="field-err" data-for="/properties/reason"></span></label>
          <label class="field"><span>决定单位/人</span><input name="ordered_by" maxlength="200" placeholder="如 县交警大队"><span class="field-err" data-for="/properties/ordered_by"></span></label>
          <div class="closure-buttons"><button type="submit" class="primary closure-save">保存封闭</button><button type="button" class="closure-cancel">取消</button></div>
          <div class="closure-msgs" role="status"></div>
        </form>
        <h4>封闭中 <span class="closure-count"></span></h4>
        <ul class="closure-list"></ul>
      </section>`;
    tools.append(this.box);
    this.panel = this.box.querySelector('.closure-panel');
    this.form = this.box.querySelector('.closure-form');
    this.draft = new Draft(map, 'closure_draft');
    this.draft.onChange = (g) => this.drawn(g);
    this.state = { saved: 0 };
    this.box.querySelector('.closure-open').onclick = () => this.toggle(this.panel.hidden);
    this.box.querySelector('.closure-draw').onclick = (e) => { const m = e.target.dataset.draw; if (m) this.start(m); };
    this.box.querySelector('.closure-cancel').onclick = () => this.reset();
    this.form.onsubmit = (e) => { e.preventDefault(); this.save(); };
    // A field's refusal goes when the field is changed.
    this.form.oninput = (e) => {
      const field = e.target.closest('.field');
      field?.classList.remove('invalid');
      const err = field?.querySelector('.field-err');
      if (err) err.textContent = '';
    };
    this.box.querySelector('.closure-list').onclick = (e) => this.listClick(e);
    store.on(CLOSURE_LAYER, () => this.list());
    this.list();
  }

  toggle(open) {
    this.panel.hidden = !open;
    this.box.querySelector('.closure-open').setAttribute('aria-expanded', String(open));
    this.box.querySelector('.closure-open').classList.toggle('on', open);
    if (!open) this.reset();
  }

  start(mode) {
    this.draft.set(null);
    this.message('', '');
    this.draft[mode]();
    this.map.sitrepTool = 'road-closure';
    // While drawing, the panel keeps to its buttons and hint: the map is what the dispatcher looks at.
    this.panel.classList.add('drawing');
    for (const b of this.box.querySelectorAll('[data-draw]')) b.classList.toggle('on', b.dataset.draw === mode);
    this.hint(mode === 'line' ? '在地图上沿道路或横跨道路单击各点，双击结束' : '单击封闭区域的各顶点，双击闭合');
  }

  // A drawing finished (or abandoned: too few points).
  drawn(g) {
    this.map.sitrepTool = null;
    this.panel.classList.remove('drawing');
    for (const b of this.box.querySelectorAll('[data-draw]')) b.classList.remove('on');
    this.hint(g ? (g.type === 'LineString' ? '已画封闭线，填写名称后保存' : '已画封闭区域，填写名称后保存') : '点数不够，请重画');
    if (g) this.form.elements.name.focus();
  }

  hint(text) { this.box.querySelector('.closure-hint').textContent = text; }

  message(kind, text) { this.box.querySelector('.closure-msgs').innerHTML = text ? `<div class="msg ${kind}">${esc(text)}</div>` : ''; }

  reset() {
    this.draft.set(null);
    if (this.map.sitrepTool === 'road-closure') this.map.sitrepTool = null;
    this.map.getCanvas().style.cursor = '';
    this.panel.classList.remove('drawing');
    this.form.reset();
    clearFieldErrors(this.form);
    this.message('', '');
    for (const b of this.box.querySelectorAll('[data-draw]')) b.classList.remove('on');
    this.hint('先画线（横跨道路或沿封闭路段）或区域：单击各点，双击结束。与之相交的道路均封闭，不参与路径计算。');
  }

  async save() {
    const text = (n) => this.form.elements[n].value.trim() || null;
    const body = { type: 'Feature', geometry: this.draft.geometry,
      properties: { name: text('name'), status: 'closed', reason: text('reason'), ordered_by: text('ordered_by') } };
    const button = this.box.querySelector('.closure-save');
    button.disabled = true;
    try {
      const r = await api('POST', `/api/v1/${CLOSURE_LAYER}`, { body });
      keepNewer(this.store, r.data);
      this.state.saved++;
      this.reset();
      this.message('ok', `已封闭：${r.data.properties.name}`);
    } catch (e) {
      const rest = placeFieldErrors(this.form, e, { '/geometry': '位置', '/properties': '其他字段' });
      // No drawing yet: the API's "required" at /geometry says it in its words; say what to do.
      if (!body.geometry) this.form.querySelector('[data-for="/geometry"]').textContent = '请先在地图上画封闭线或封闭区域';
      this.message('bad', e instanceof Problem ? summary(e, rest) : e.message);
    } finally { button.disabled = false; }
  }

  list() {
    const rows = this.store.features(CLOSURE_LAYER).filter(inForce).sort((a, b) => b.id - a.id);
    this.box.querySelector('.closure-count').textContent = `（${rows.length}）`;
    this.box.querySelector('.closure-list').innerHTML = rows.length ? rows.map((f) => {
      const p = f.properties;
      return `<li data-id="${esc(f.id)}"><span class="closure-name">${esc(p.name)}${p.reason ? `<small>${esc(p.reason)}</small>` : ''}</span>
        <button type="button" data-act="locate">定位</button><button type="button" data-act="reopen" class="danger">解除</button></li>`;
    }).join('') : '<li class="note">没有封闭中的道路</li>';
  }

  async listClick(e) {
    const b = e.target.closest('button[data-act]');
    const id = b?.closest('li')?.dataset.id;
    if (!id) return;
    const f = this.store.get(CLOSURE_LAYER, id);
    if (b.dataset.act === 'locate' && f) {
      const x = bbox(f.geometry);
      this.map.fitBounds([[x[0], x[1]], [x[2], x[3]]], { padding: mapPadding(this.map), maxZoom: 15 });
      return;
    }
    if (!confirm(`解除「${f?.properties.name || id}」的封闭？记录会保留。`)) return;
    b.disabled = true;
    try {
      await reopen(this.store, id);
      this.message('ok', `已解除：${f.properties.name}`);
    } catch (err) {
      b.disabled = false;
      this.message('bad', failure(err));
    }
  }
}
