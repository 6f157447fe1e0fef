// The dispatch console (dispatcher, duty officer, commander): record or pick
// an incident; compute its zones from the weather; see who and what is
// inside; the nearest available teams and shelters with room; dispatch with
// one action; follow the teams coming in; issue, adjust and lift warnings
// within the role. The page offers only what the role may do (roles.js);
// the API decides.
import { api, Problem, now } from './api.js';
import { esc } from './labels.js';
import { incidentCard, activeIncidents, tickCountdowns } from './wall.js';
import { can, warningLevels } from './roles.js';
import { haversine, bbox } from './map.js';
import { age, onTick } from './time.js';
import { GRADE_NUMERAL, TEAM_STATUS, WARNING_LABEL } from './style.js';
import { MODELS, renderModel, readModel, showFieldErrors, zoneName } from './zoneform.js';
import { AllocationPanel } from './allocation.js';
import { IncidentEditor } from './incidentedit.js';

const KINDS = { hazardous_chemicals: '危险化学品事故', fire: '火灾事故', gas: '燃气事故', mining_industry_trade: '工矿商贸事故', road_traffic: '道路交通事故',
  special_equipment: '特种设备事故', construction: '建筑施工事故', farm_machinery: '农业机械事故', other: '其他' };
const MOVING = new Set(['dispatched', 'en_route', 'on_scene', 'returning']);
const NEXT_STATUS = { dispatched: ['en_route'], en_route: ['on_scene'], on_scene: ['returning'], returning: ['available'], available: ['off_duty'], off_duty: ['available'] };
const km = (m) => (m < 1000 ? `${Math.round(m)} m` : `${(m / 1000).toFixed(m < 10000 ? 2 : 1)} km`);

export function mount(side, { store, map, me }) {
  const role = me.role;
  side.innerHTML = `<section class="panel dispatch">
    <h2>调度指挥</h2>
    <div class="msgs"></div>
    <h3>事件</h3>
    <ol class="incidents pick"></ol>
    ${can(role, 'incidents:write') ? `<details class="new-incident"><summary>新建事件</summary>
      <form class="incident-form" novalidate>
        <label class="field"><span>类型 *</span><select name="kind">${Object.entries(KINDS).map(([k, v]) => `<option value="${k}">${v}</option>`).join('')}</select><span class="field-err" data-for="/kind"></span></label>
        <label class="field"><span>地点</span><input name="place"><span class="field-err" data-for="/place"></span></label>
        <div class="row"><button type="button" class="pick-loc">在地图上点选位置</button><span class="loc note">未选位置</span></div>
        <span class="field-err" data-for="/location"></span>
        <div class="row"><label>死亡 <input name="deaths" type="number" min="0" value="0" style="width:5em"></label>
          <label>重伤 <input name="serious_injuries" type="number" min="0" value="0" style="width:5em"></label>
          <label>被困 <input name="trapped" type="number" min="0" value="0" style="width:5em"></label></div>
        <label class="row"><input type="checkbox" name="drill" checked> 演练</label>
        <button type="submit" class="primary">记录事件</button>
      </form></details>` : ''}
    <div class="incident-detail"></div>
    <h3>预警</h3>
    <div class="warnings"></div>
  </section>`;
  const $ = (s) => side.querySelector(s);
  let selected = null, nearest = null, picking = false, newLocation = null, editor = null, allocation = null, zonesShown = [];
  const cleanups = [() => allocation?.destroy()];

  // Messages are plain text (textContent): a feature name or a server
  // message can never become markup here.
  const msg = (kind, text) => {
    const div = document.createElement('div');
    div.className = `msg ${kind}`;
    div.textContent = text;
    $('.msgs').replaceChildren(div);
  };
  const fail = (e) => msg('bad', e instanceof Problem && e.fields.size ? `${e.message}：${[...e.fields].map(([f, d]) => `${f} ${d}`).join('；')}` : e.message);

  // --- incidents --------------------------------------------------------
  function drawIncidents() {
    const items = activeIncidents(store).sort((a, b) => b.id - a.id);
    $('.pick').innerHTML = items.map((f) => incidentCard(f, { selectable: true })).join('') || '<li class="note">无进行中事件</li>';
    for (const li of side.querySelectorAll('.pick .inc')) li.classList.toggle('selected', li.dataset.id === selected);
    tickCountdowns($('.pick'));
    if (selected) drawSelected();
  }
  $('.pick').onclick = (e) => { const id = e.target.closest('.inc')?.dataset.id; if (id) select(id); };

  function select(id) {
    selected = String(id);
    nearest = null;
    drawIncidents();
    const f = store.get('incidents', id);
    if (f?.geometry) map.easeTo({ center: f.geometry.coordinates, zoom: Math.max(map.getZoom(), 11.5) });
    loadNearest();
  }

  const form = $('.incident-form');
  if (form) {
    const onMap = (e) => {
      if (!picking) return;
      picking = false;
      map.getCanvas().style.cursor = '';
      newLocation = [Math.round(e.lngLat.lng * 1e6) / 1e6, Math.round(e.lngLat.lat * 1e6) / 1e6];
      form.querySelector('.loc').textContent = `${newLocation[0]}, ${newLocation[1]}`;
    };
    map.on('click', onMap);
    cleanups.push(() => map.off('click', onMap));
    form.querySelector('.pick-loc').onclick = () => { picking = true; map.getCanvas().style.cursor = 'crosshair'; form.querySelector('.loc').textContent = '请在地图上单击'; };
    form.onsubmit = async (e) => {
      e.preventDefault();
      for (const el of form.querySelectorAll('.field-err')) el.textContent = '';
      const n = (k) => Number(form.elements[k].value || 0);
      const body = { kind: form.elements.kind.value, place: form.elements.place.value.trim(), occurred_at: new Date(now()).toISOString(),
        drill: form.elements.drill.checked, casualties: { deaths: n('deaths'), serious_injuries: n('serious_injuries'), trapped: n('trapped') } };
      if (newLocation) body.location = { type: 'Point', coordinates: newLocation };
      try {
        const r = await api('POST', '/api/v1/incidents', { body });
        store.upsert('incidents', r.data); // the stream brings it too; no need to wait
        form.closest('details').open = false;
        msg('ok', `已记录事件 #${r.data.id}`);
        select(r.data.id);
      } catch (err) {
        for (const [f, d] of err.fields || []) { const slot = form.querySelector(`[data-for="${CSS.escape(f.replace(/^\/casualties.*/, '/kind'))}"]`); if (slot) slot.textContent = d; }
        fail(err);
      }
    };
  }

  // --- the selected incident -------------------------------------------
  function drawSelected() {
    const f = store.get('incidents', selected);
    const box = $('.incident-detail');
    if (!f) { box.innerHTML = ''; return; }
    const p = f.properties;
    if (!box.dataset.id || box.dataset.id !== selected) {
      box.dataset.id = selected;
      box.innerHTML = `<h3>事件 #${esc(f.id)} 处置</h3>
        <div class="row lifecycle"></div>
        <div class="incident-edit"></div>
        <h4>计算疏散/防护区</h4>
        <form class="zone-form" novalidate>
          <label class="field"><span>模型</span><select name="model">${Object.entries(MODELS).map(([k, v]) => `<option value="${k}">${v}</option>`).join('')}</select></label>
          <div class="model-fields"></div>
          <div class="row"><button type="submit" class="primary" ${can(role, 'incidents:write') ? '' : 'disabled'}>计算区域</button></div>
          <div class="field-err zone-err"></div>
          <div class="zone-draft"></div>
        </form>
        <div class="zones"></div>
        <div class="allocation"></div>
        <h4>最近的可用救援队伍</h4><div class="near-teams note">查询中…</div>
        <h4>最近的有空位避难场所</h4><div class="near-shelters note">查询中…</div>
        <h4>赶赴中的队伍</h4><div class="coming"></div>`;
      const zf = box.querySelector('.zone-form');
      const fields = zf.querySelector('.model-fields');
      zf.elements.model.onchange = () => { renderModel(fields, zf.elements.model.value); zf.querySelector('.zone-err').textContent = ''; };
      renderModel(fields, 'protective');
      zf.onsubmit = (e) => { e.preventDefault(); computeZone(zf); };
      editor = new IncidentEditor(box.querySelector('.incident-edit'), store, { id: selected, canWrite: can(role, 'incidents:write') });
      allocation?.destroy();
      allocation = new AllocationPanel(box.querySelector('.allocation'), store, { canWrite: can(role, 'incidents:write'), onDone: (t) => msg('ok', t) });
      loadZones();
    } else {
      editor?.update();
    }
    const actions = [];
    if (p.next_states?.includes('verified') && can(role, 'incidents:write')) actions.push('<button type="button" data-state="verified">核实</button>');
    if (can(role, 'response:activate') && ['verified', 'active', 'suspended'].includes(p.state)) {
      actions.push(`<select class="lvl" aria-label="响应级别">${['IV', 'III', 'II', 'I'].map((l) => `<option value="${l}"${l === p.level ? ' selected' : ''}>${GRADE_NUMERAL[l]}级响应</option>`).join('')}</select>
        <button type="button" class="activate">${p.state === 'active' ? '调整响应' : '启动响应'}</button>`);
    }
    box.querySelector('.lifecycle').innerHTML = actions.join('');
    box.querySelector('[data-state="verified"]')?.addEventListener('click', () => transition('verified'));
    box.querySelector('.activate')?.addEventListener('click', activate);
    drawComing();
  }

  async function transition(state) {
    try { await api('POST', `/api/v1/incidents/${selected}/transitions`, { body: { state, reason: '调度台操作' } }); msg('ok', '已更新事件状态'); } catch (e) { fail(e); }
  }
  async function activate() {
    try { await api('POST', `/api/v1/incidents/${selected}/response`, { body: { level: $('.lvl').value, reason: '指挥部决定' } }); msg('ok', '已启动响应'); } catch (e) { fail(e); }
  }

  async function computeZone(zf) {
    const model = zf.elements.model.value;
    const inputs = readModel(zf.querySelector('.model-fields'), model);
    const err = zf.querySelector('.zone-err');
    showFieldErrors(zf, new Problem(0, {}));
    err.textContent = '';
    const btn = zf.querySelector('button[type=submit]');
    btn.disabled = true;
    try {
      const r = await api('POST', `/api/v1/incidents/${selected}/zones`, { body: { model, inputs } });
      // A computed run is a draft: it reaches the wall only when published.
      for (const z of r.data.features || []) store.upsert('zones', z);
      draftRun(zf, r.data.features || [], model);
      // Show the whole run: a plume can reach tens of kilometres downwind.
      const b = (r.data.features || []).map((z) => bbox(z.geometry)).reduce((a, c) => [Math.min(a[0], c[0]), Math.min(a[1], c[1]), Math.max(a[2], c[2]), Math.max(a[3], c[3])], [Infinity, Infinity, -Infinity, -Infinity]);
      if (Number.isFinite(b[0])) map.fitBounds([[b[0], b[1]], [b[2], b[3]]], { padding: 60, maxZoom: 14, duration: 600 });
      msg('ok', `区域已计算（草稿，未发布）：${MODELS[model]}，${(r.data.features || []).length} 级`);
    } catch (e) {
      const rest = showFieldErrors(zf, e);
      err.textContent = rest.length ? `${e.message}：${rest.join('；')}` : e.fields?.size ? '请检查标出的输入项' : e.message;
    } finally { btn.disabled = false; }
  }

  // The run just computed, with the one action that puts it on the wall.
  function draftRun(zf, features, model) {
    const box = zf.querySelector('.zone-draft');
    box.innerHTML = features.length && can(role, 'incidents:write')
      ? `<div class="row"><span class="note">草稿：${esc(MODELS[model])}，${features.length} 级，尚未发布到态势图</span>
         <button type="button" class="publish-run">发布到态势图</button></div>` : '';
    const btn = box.querySelector('.publish-run');
    if (!btn) return;
    btn.onclick = async () => {
      btn.disabled = true;
      try {
        for (const z of features) {
          await api('PATCH', `/api/v1/zones/${z.id}`, { body: { active: true }, etag: `"${z.properties.version}"` });
        }
        box.innerHTML = '';
        msg('ok', `已发布 ${features.length} 级区域`);
        loadZones();
        loadNearest();
      } catch (e) { btn.disabled = false; fail(e); }
    };
  }

  async function loadZones() {
    const id = selected;
    const box = $('.incident-detail .zones');
    try {
      const zones = (await api('GET', `/api/v1/incidents/${id}/zones`)).data.features.filter((z) => z.properties.active);
      if (id !== selected) return;
      const impacts = await Promise.all(zones.map((z) => api('GET', `/api/v1/zones/${z.id}/impact`).then((r) => r.data).catch(() => null)));
      if (id !== selected) return;
      zonesShown = zones;
      const canAlloc = can(role, 'incidents:write');
      box.innerHTML = zones.length ? `<table class="impact"><thead><tr><th>区域</th><th class="num">人口</th><th>敏感目标</th><th>危险源</th><th>避难场所</th><th>队伍</th></tr></thead><tbody>
        ${zones.map((z, i) => { const im = impacts[i] || {}; return `<tr data-zone="${esc(z.id)}"><td><b>${z.properties.level}级</b> ${esc(zoneName(z.properties))}${z.properties.evacuate ? ' <span class="pill red">疏散</span>' : ''}<br><small>${Math.round(z.properties.extent_m)} m</small>
          ${canAlloc && im.people ? `<br><button type="button" class="propose" data-zone="${esc(z.id)}">安置方案</button>` : ''}</td>
          <td class="num">${im.people ?? '—'}</td><td>${Object.entries(im.sites_by_kind || {}).map(([k, v]) => `${esc(k)} ${Array.isArray(v) ? v.length : v}`).join('、') || '无'}</td>
          <td>${(im.hazard_sources || []).map((h) => esc(h.name)).join('、') || '无'}</td><td>${(im.shelters || []).map((h) => esc(h.name)).join('、') || '无'}</td>
          <td>${(im.rescue_teams || []).map((h) => esc(h.name)).join('、') || '无'}</td></tr>`; }).join('')}</tbody></table>` : '<p class="note">尚未计算区域</p>';
    } catch (e) { box.textContent = e.message; }
  }

  async function loadNearest() {
    const id = selected;
    try {
      const [teams, shelters] = await Promise.all([
        api('GET', `/api/v1/nearest?layer=rescue_teams&incident=${id}&k=5&status=available`),
        api('GET', `/api/v1/nearest?layer=shelters&incident=${id}&k=5&min_free=1`),
      ]);
      if (id !== selected) return;
      nearest = teams.data.results;
      const canSend = can(role, 'teams:dispatch');
      $('.near-teams').innerHTML = nearest.length ? `${canSend ? `<button type="button" class="primary send-nearest">派遣最近队伍：${esc(nearest[0].name)}（${km(nearest[0].distance_m)}）</button>` : ''}
        <table><tbody>${nearest.map((t) => `<tr data-team="${t.id}"><td>${esc(t.name)}<br><small>${esc((t.properties.capabilities || []).join('、'))} · ${t.properties.headcount ?? '?'} 人 · 位置${age(t.position_age_s)}</small></td>
          <td class="num">${km(t.distance_m)}</td><td>${canSend ? `<button type="button" class="send" data-team="${t.id}">派遣</button>` : ''}</td></tr>`).join('')}</tbody></table>` : '<p class="note">没有可用队伍</p>';
      $('.near-shelters').innerHTML = shelters.data.results.length ? `<table><tbody>${shelters.data.results.map((s) => `<tr><td>${esc(s.name)}</td>
        <td class="num">空位 ${s.properties.free}</td><td class="num">${km(s.distance_m)}</td></tr>`).join('')}</tbody></table>` : '<p class="note">附近没有有空位的避难场所</p>';
      $('.near-teams').classList.remove('note');
      $('.near-shelters').classList.remove('note');
    } catch (e) { $('.near-teams').textContent = e.message; }
  }

  async function send(teamIds) {
    try {
      await api('POST', `/api/v1/incidents/${selected}/dispatch`, { body: { team_ids: teamIds.map(Number) } });
      msg('ok', `已派遣 ${teamIds.length} 支队伍`);
      loadNearest();
    } catch (e) { fail(e); }
  }
  side.addEventListener('click', (e) => {
    if (e.target.matches('.send-nearest') && nearest?.length) send([nearest[0].id]);
    else if (e.target.matches('.send')) send([e.target.dataset.team]);
    else if (e.target.matches('.status')) setStatus(e.target.dataset.team, e.target.dataset.status);
    else if (e.target.matches('.propose')) { const z = zonesShown.find((x) => String(x.id) === e.target.dataset.zone); if (z) allocation.propose(z); }
  });

  // Teams on the move, nearest to the incident first, live from the stream.
  function drawComing() {
    const box = $('.incident-detail .coming');
    const inc = store.get('incidents', selected);
    if (!box || !inc) return;
    const at = now();
    const teams = store.features('rescue_teams').filter((t) => MOVING.has(t.properties.status));
    const rows = teams.map((t) => {
      const pos = (t.properties.last_position || t.geometry).coordinates;
      return { t, d: inc.geometry ? haversine(pos, inc.geometry.coordinates) : null,
        ageS: t.properties.observed_at ? (at - Date.parse(t.properties.observed_at)) / 1000 : null };
    }).sort((a, b) => (a.d ?? Infinity) - (b.d ?? Infinity));
    box.innerHTML = rows.length ? `<table><tbody>${rows.map(({ t, d, ageS }) => `<tr data-team="${t.id}"><td>${esc(t.properties.name)}<br>
      <small class="st-${t.properties.status}">${TEAM_STATUS[t.properties.status]?.[0]}</small> <small>· 位置${age(ageS)}</small></td>
      <td class="num">${d == null ? '—' : km(d)}</td><td>${can(role, 'teams:dispatch') ? (NEXT_STATUS[t.properties.status] || []).map((s) =>
        `<button type="button" class="status" data-team="${t.id}" data-status="${s}">${TEAM_STATUS[s][0]}</button>`).join('') : ''}</td></tr>`).join('')}</tbody></table>`
      : '<p class="note">暂无出动队伍</p>';
  }
  async function setStatus(team, status) {
    try { await api('POST', `/api/v1/dispatch/teams/${team}/status`, { body: { status } }); } catch (e) { fail(e); }
  }

  // --- warnings -----------------------------------------------------------
  const levels = warningLevels(role);
  function drawWarnings() {
    const ws = store.features('warnings').sort((a, b) => b.id - a.id);
    const inc = selected && store.get('incidents', selected);
    $('.warnings').innerHTML = `${ws.length ? `<table><tbody>${ws.map((w) => { const p = w.properties; const mine = levels.includes(p.level);
      return `<tr data-warning="${w.id}"><td><span class="pill ${p.level}">${WARNING_LABEL[p.level]}</span>${p.drill ? ' <span class="drill-badge">演练</span>' : ''}<br><small>${esc(p.event || p.category_name || '')} · ${esc(p.area_desc)}</small></td>
        <td>${mine ? `<select class="adj-level" aria-label="调整级别">${levels.map((l) => `<option value="${l}"${l === p.level ? ' selected' : ''}>${WARNING_LABEL[l]}</option>`).join('')}</select>
        <button type="button" class="adjust">调整</button> <button type="button" class="lift danger">解除</button>` : '<small class="note">无权调整</small>'}</td></tr>`; }).join('')}</tbody></table>` : '<p class="note">无生效预警</p>'}
      ${levels.length ? `<form class="warn-form row" novalidate>
        <select name="level" aria-label="级别">${levels.map((l) => `<option value="${l}">${WARNING_LABEL[l]}</option>`).join('')}</select>
        <select name="area" aria-label="范围"><option value="zone">所选事件的防护区</option><option value="3000">事件周边 3 km</option><option value="10000">事件周边 10 km</option></select>
        <input name="desc" placeholder="范围说明" value="${esc(inc?.properties.place || '')}周边">
        <label><input type="checkbox" name="drill" ${inc?.properties.drill ? 'checked' : ''}> 演练</label>
        <button type="submit" class="primary" ${inc ? '' : 'disabled'}>发布预警</button></form>` : '<p class="note">您的角色不能发布预警</p>'}`;
    $('.warn-form')?.addEventListener('submit', (e) => { e.preventDefault(); issue(e.target); });
  }
  $('.warnings').addEventListener('click', async (e) => {
    const id = e.target.closest('tr')?.dataset.warning;
    if (!id) return;
    const w = store.get('warnings', id);
    // The version on screen is the one the officer decided on: if another
    // change came first, the server answers 412 instead of overwriting it.
    const etag = `"${w.properties.identifier}"`;
    try {
      if (e.target.matches('.lift')) {
        await api('POST', `/api/v1/warnings/${id}/lift`, { body: { reason: '险情解除' }, etag });
        msg('ok', '预警已解除');
      } else if (e.target.matches('.adjust')) {
        const p = w.properties;
        const body = { level: e.target.closest('tr').querySelector('.adj-level').value, category: p.category, event: p.event, description: p.description,
          area: w.geometry, area_desc: p.area_desc, onset: p.onset, expires: p.expires || undefined, items: p.items, authority: p.authority || undefined, drill: p.drill };
        await api('PUT', `/api/v1/warnings/${id}`, { body, etag });
        msg('ok', '预警已调整');
      }
    } catch (err) { fail(err); }
  });

  async function issue(wf) {
    const inc = store.get('incidents', selected);
    let area;
    if (wf.elements.area.value === 'zone') {
      const zone = store.features('zones').filter((z) => String(z.properties.incident_id) === selected && z.properties.active)
        .sort((a, b) => b.properties.level - a.properties.level)[0];
      if (!zone) { msg('bad', '所选事件还没有防护区：请先计算区域，或选择按距离划定范围'); return; }
      area = zone.geometry;
    } else area = circle(inc.geometry.coordinates, Number(wf.elements.area.value));
    const body = { level: wf.elements.level.value, category: inc.properties.kind, event: inc.properties.kind_label, area, area_desc: wf.elements.desc.value || '事件周边',
      onset: new Date(now()).toISOString(), items: ['请周边群众听从指挥，有序撤离', '关闭门窗，远离事发区域'], drill: wf.elements.drill.checked, incident_id: Number(selected) };
    try { await api('POST', '/api/v1/warnings', { body }); msg('ok', '预警已发布'); } catch (e) { fail(e); }
  }

  drawIncidents();
  drawWarnings();
  cleanups.push(store.on('incidents', drawIncidents), store.on('warnings', drawWarnings), store.on('rescue_teams', drawComing),
    store.on('zones', () => { if (selected) loadZones(); }), onTick((at) => tickCountdowns($('.pick'), at)));
  window.__sitrep && (window.__sitrep.dispatch = { select });
  return () => cleanups.forEach((f) => f());
}


// A circle as a 64-gon, on the sphere.
function circle([lon, lat], r) {
  const R = 6371008.8, rad = Math.PI / 180, d = r / R, ring = [];
  for (let i = 0; i <= 64; i++) {
    const b = (i % 64) / 64 * 2 * Math.PI, la = lat * rad;
    const la2 = Math.asin(Math.sin(la) * Math.cos(d) + Math.cos(la) * Math.sin(d) * Math.cos(b));
    const lo2 = lon * rad + Math.atan2(Math.sin(b) * Math.sin(d) * Math.cos(la), Math.cos(d) - Math.sin(la) * Math.sin(la2));
    ring.push([Math.round(lo2 / rad * 1e6) / 1e6, Math.round(la2 / rad * 1e6) / 1e6]);
  }
  return { type: 'Polygon', coordinates: [ring] };
}
