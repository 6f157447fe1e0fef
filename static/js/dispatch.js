// The dispatch console (dispatcher, duty officer, commander): record an
// incident as the call comes in, or pick one; compute its zones (a draft
// until published to the wall); see who and what is inside; send the
// nearest suitable teams after a confirmation; follow the teams working for
// it; issue, adjust and lift warnings within the role; read its log; print
// its situation report. The page offers only what the role may do
// (roles.js); the API decides.
import { api, Problem } from './api.js';
import { esc } from './labels.js';
import { incidentCard, activeIncidents, tickCountdowns } from './wall.js';
import { can } from './roles.js';
import { bbox, mapPadding } from './map.js';
import { onTick, beijing } from './time.js';
import { GRADE_NUMERAL } from './style.js';
import { term } from './vocab.js';
import { renderModel, readModel, showFieldErrors, modelOptions, prefillModel } from './zoneform.js';
import { AllocationPanel } from './allocation.js';
import { IncidentEditor } from './incidentedit.js';
import { takeIncidentDraft, windName } from './alarms.js';
import { NewIncidentForm } from './newincident.js';
import { ZoneList } from './zonelist.js';
import { TeamPanel } from './teampanel.js';
import { IncidentLog } from './incidentlog.js';
import { WarningPanel } from './warnpanel.js';

// The inputs a station's observation fills, per model that takes a wind.
const STATION_WIND = { protective: ['windFromDeg'], plume: ['windFromDeg', 'windSpeedMS', 'cloudOktas'] };

export function mount(side, { store, map, me }) {
  const role = me.role;
  side.innerHTML = `<section class="panel dispatch">
    <h2>调度指挥</h2>
    <div class="msgs" aria-live="polite"></div>
    <div class="new-box"></div>
    <h3>进行中事件</h3>
    <ol class="incidents pick"></ol>
    <div class="incident-detail"></div>
    <h3>预警</h3>
    <div class="warnings"></div>
  </section>`;
  const $ = (s) => side.querySelector(s);
  let selected = null, parts = {};
  const cleanups = [];

  // Messages are plain text (textContent): a feature name or a server
  // message can never become markup here.
  const msg = (kind, text) => {
    const div = document.createElement('div');
    div.className = `msg ${kind}`;
    div.textContent = text;
    $('.msgs').replaceChildren(div);
  };
  const fail = (e) => msg('bad', e instanceof Problem && e.fields.size ? [e.message, ...e.fields.values()].join('；') : e.message);

  const warnings = new WarningPanel($('.warnings'), { store, role, msg, fail });
  cleanups.push(() => warnings.destroy());
  if (can(role, 'incidents:write')) {
    const onCreated = (f, zone) => {
      store.upsert('incidents', f);
      select(f.id);
      if (zone) prefillZone(zone);
    };
    const form = new NewIncidentForm($('.new-box'), { map, msg, onCreated });
    cleanups.push(() => form.destroy());
    // An alarm's 建事件 (alarms.js) leaves a draft for this form; its zone
    // run opens on the incident once recorded.
    const takeDraft = () => { const d = takeIncidentDraft(); if (d) form.prefill(d.incident, d.zone); };
    takeDraft();
    document.addEventListener('sitrep:incident-draft', takeDraft);
    cleanups.push(() => document.removeEventListener('sitrep:incident-draft', takeDraft));
  }

  // --- incidents --------------------------------------------------------
  function drawIncidents() {
    const items = activeIncidents(store).sort((a, b) => b.id - a.id);
    $('.pick').innerHTML = items.map((f) => incidentCard(f, { selectable: true })).join('') || '<li class="note">无进行中事件</li>';
    for (const li of side.querySelectorAll('.pick .inc')) li.classList.toggle('selected', li.dataset.id === selected);
    tickCountdowns($('.pick'));
    if (selected) drawSelected();
  }
  $('.pick').onclick = (e) => { const id = e.target.closest('.inc')?.dataset.id; if (id) select(id); };
  $('.pick').onkeydown = (e) => { if (e.key === 'Enter') { const id = e.target.closest('.inc')?.dataset.id; if (id) select(id); } };

  function select(id) {
    selected = String(id);
    for (const p of Object.values(parts)) p.destroy?.();
    parts = {};
    $('.incident-detail').innerHTML = '';
    delete $('.incident-detail').dataset.id;
    drawIncidents();
    const f = store.get('incidents', id);
    if (f?.geometry) map.easeTo({ center: f.geometry.coordinates, zoom: Math.max(map.getZoom(), 11.5), padding: mapPadding(map, 40) });
    warnings.setIncident(f || null);
    $('.incident-detail').scrollIntoView({ block: 'start' });
  }

  // An alarm's zone run, prefilled on the incident just recorded from it:
  // its model and substance, the nearest station's wind; a person checks
  // the release and computes.
  function prefillZone(zone) {
    const zf = $('.incident-detail .zone-form');
    if (!zf) return;
    const note = prefillModel(zf, zone);
    const station = zf.elements.station;
    if (!zf.querySelector('.station-wind').hidden) station.checked = true;
    zf.querySelector('.zone-draft')?.remove();
    zf.insertAdjacentHTML('afterbegin', `<p class="note zone-draft">${esc(note)}</p>`);
    zf.scrollIntoView({ block: 'start' });
  }

  // --- the selected incident -------------------------------------------
  function drawSelected() {
    const f = store.get('incidents', selected);
    const box = $('.incident-detail');
    if (!f) { box.innerHTML = ''; return; }
    const p = f.properties;
    if (box.dataset.id !== selected) {
      box.dataset.id = selected;
      box.innerHTML = `<h3>事件 #${esc(f.id)} 处置 <a class="report-link" href="/report.html?incident=${esc(f.id)}" target="_blank" rel="noopener">情况报告（打印）</a></h3>
        <div class="row lifecycle"></div>
        <div class="incident-edit"></div>
        <h4>疏散/防护区</h4>
        <form class="zone-form" novalidate>
          <label class="field"><span>模型</span><select name="model">${modelOptions()}</select></label>
          <div class="model-fields"></div>
          <label class="check station-wind"><input type="checkbox" name="station"> 风向、风速、云量取最近气象站的观测（不勾选则用上面手填的值）</label>
          <div class="row"><button type="submit" class="primary compute" ${can(role, 'incidents:write') ? '' : 'disabled'}>计算区域（草稿）</button></div>
          <div class="field-err zone-err"></div>
        </form>
        <div class="zones"></div>
        <div class="allocation"></div>
        <div class="teams"></div>
        <h4>事件日志</h4><div class="incident-log"></div>`;
      const zf = box.querySelector('.zone-form');
      const fields = zf.querySelector('.model-fields');
      // Only the models that take a wind can take a station's.
      const stationWind = () => { zf.querySelector('.station-wind').hidden = !STATION_WIND[zf.elements.model.value]; };
      zf.elements.model.onchange = () => { renderModel(fields, zf.elements.model.value); stationWind(); zf.querySelector('.zone-err').textContent = ''; };
      renderModel(fields, 'protective');
      stationWind();
      zf.onsubmit = (e) => { e.preventDefault(); computeZone(zf); };
      const canWrite = can(role, 'incidents:write');
      parts.editor = new IncidentEditor(box.querySelector('.incident-edit'), store, { id: selected, canWrite });
      parts.allocation = new AllocationPanel(box.querySelector('.allocation'), store, { canWrite, onDone: (t) => msg('ok', t) });
      parts.zones = new ZoneList(box.querySelector('.zones'), { map, id: selected, canWrite, msg, fail, onPropose: (z) => parts.allocation.propose(z) });
      parts.teams = new TeamPanel(box.querySelector('.teams'), { store, map, id: selected, role, msg, fail, onChange: () => parts.log?.load() });
      parts.log = new IncidentLog(box.querySelector('.incident-log'), { id: selected, onTimeline: (t) => parts.teams?.setTimeline(t) });
    } else {
      parts.editor?.update();
      if (box.dataset.version !== String(p.version)) parts.log?.load();
    }
    box.dataset.version = p.version;
    const actions = [];
    if (p.next_states?.includes('verified') && can(role, 'incidents:write')) actions.push('<button type="button" data-state="verified">核实</button>');
    if (can(role, 'response:activate') && ['verified', 'active', 'suspended'].includes(p.state)) {
      actions.push(`<select class="lvl" aria-label="响应级别">${['IV', 'III', 'II', 'I'].map((l) => `<option value="${l}"${l === p.level ? ' selected' : ''}>${esc(term('response.level', l))}</option>`).join('')}</select>
        <button type="button" class="activate">${p.state === 'active' ? '调整响应' : '启动响应'}</button>`);
    }
    box.querySelector('.lifecycle').innerHTML = actions.join('');
    box.querySelector('[data-state="verified"]')?.addEventListener('click', () => transition('verified'));
    box.querySelector('.activate')?.addEventListener('click', activate);
  }

  async function transition(state) {
    try { await api('POST', `/api/v1/incidents/${selected}/transitions`, { body: { state, reason: '调度台操作' } }); msg('ok', '已更新事件状态'); } catch (e) { fail(e); }
  }
  async function activate() {
    try { await api('POST', `/api/v1/incidents/${selected}/response`, { body: { level: $('.lvl').value, reason: '指挥部决定' } }); msg('ok', `已启动${term('response.level', $('.lvl').value)}`); } catch (e) { fail(e); }
  }

  async function computeZone(zf) {
    const model = zf.elements.model.value;
    const err = zf.querySelector('.zone-err');
    showFieldErrors(zf, null);
    err.textContent = '';
    const inputs = readModel(zf, model);
    if (!inputs) { err.textContent = '请检查标出的输入项'; return; }
    // The server fills the wind from the nearest station with a fresh
    // observation (and says which): the typed wind is left out.
    const fromStation = STATION_WIND[model] && zf.elements.station.checked;
    if (fromStation) for (const k of STATION_WIND[model]) delete inputs[k];
    const btn = zf.querySelector('button[type=submit]');
    btn.disabled = true;
    try {
      const r = await api('POST', `/api/v1/incidents/${selected}/zones`, { body: { model, inputs, ...(fromStation ? { weather: 'station' } : {}) } });
      // Show the whole run: a plume can reach tens of kilometres downwind.
      const b = (r.data.features || []).map((z) => bbox(z.geometry)).reduce((a, c) => [Math.min(a[0], c[0]), Math.min(a[1], c[1]), Math.max(a[2], c[2]), Math.max(a[3], c[3])], [Infinity, Infinity, -Infinity, -Infinity]);
      if (Number.isFinite(b[0])) map.fitBounds([[b[0], b[1]], [b[2], b[3]]], { padding: mapPadding(map), maxZoom: 14, duration: 600 });
      const w = r.data.weather;
      msg('ok', `已计算 ${(r.data.features || []).length} 级区域（${term('zone.model', model)}），现为草稿：核对后点“发布到态势图”` +
        (w ? `；风取自${w.station_name}（${Math.round(w.distance_m / 100) / 10} km，${beijing(Date.parse(w.observation.observed_at)).hm} 观测：${windName(w.derived.windFromDeg)} ${w.derived.windSpeedMS} m/s，稳定度 ${w.derived.stability.class}${w.derived.cloudAssumed ? '，云量未观测按最稳定计' : ''}）` : ''));
      await parts.zones?.load();
      parts.log?.load();
    } catch (e) {
      const rest = showFieldErrors(zf, e);
      err.textContent = rest.length ? `${e.message}：${rest.join('；')}` : e.fields?.size ? '请检查标出的输入项' : e.message;
    } finally { btn.disabled = false; }
  }

  // A team changing status (a dispatch or a move, from here or elsewhere)
  // changes the incident's timeline: read it again then, not on a timer.
  const statuses = new Map();
  const onTeams = (layer) => {
    let moved = false;
    for (const [id, t] of layer) { if (statuses.get(id) !== t.properties.status) { moved ||= statuses.has(id); statuses.set(id, t.properties.status); } }
    if (moved) parts.log?.load();
    parts.teams?.drawComing();
  };
  onTeams(store.layer('rescue_teams'));
  drawIncidents();
  cleanups.push(store.on('incidents', drawIncidents),
    store.on('rescue_teams', onTeams),
    store.on('zones', () => { parts.zones?.load(); }),
    onTick((at) => tickCountdowns($('.pick'), at)));
  window.__sitrep && (window.__sitrep.dispatch = { select });
  return () => { for (const p of Object.values(parts)) p.destroy?.(); parts.allocation?.destroy(); cleanups.forEach((f) => f()); };
}
