// The situation report (情况报告) of one incident, laid out for A4 paper and
// PDF: the map of the incident with its zones; the facts, grade and
// response level; people and places inside each zone; the teams sent and
// their status; shelters nearby and their occupancy; the warnings; and the
// incident log. Everything is read from the API when the page opens
// (/report.html?incident=ID); the map is turned into a picture so that it
// prints. window.__report.ready tells a printer (or a test) it is complete.
import * as maplibregl from '/vendor/maplibre-gl/maplibre-gl.mjs';
import { api } from './api.js';
import { esc } from './labels.js';
import { loadVocabulary, term } from './vocab.js';
import { beijing } from './time.js';
import { bbox } from './map.js';
import { zoneName } from './zoneform.js';
import { assignedTeams } from './teampanel.js';
import { IncidentLog, describe } from './incidentlog.js';
import { deadlineName } from './wall.js';
import { ZONE_COLOUR, EVACUATION_COLOUR } from './style.js';

window.__report = { ready: false };
const $ = (s) => document.querySelector(s);
const id = new URLSearchParams(location.search).get('incident');
const when = (t) => { const b = beijing(typeof t === 'number' ? t : Date.parse(t)); return `${b.date} ${b.hm}`; };
const table = (head, rows, empty) => (rows.length ? `<table><thead><tr>${head.map((h) => `<th${h.startsWith('#') ? ' class="num"' : ''}>${esc(h.replace(/^#/, ''))}</th>`).join('')}</tr></thead><tbody>${rows.join('')}</tbody></table>` : `<p class="note">${esc(empty)}</p>`);

async function main() {
  $('#print').onclick = () => window.print();
  await loadVocabulary();
  const inc = (await api('GET', `/api/v1/incidents/${id}`)).data;
  const p = inc.properties;
  const [zonesAll, timeline, reports, shelters, boundaries] = await Promise.all([
    api('GET', `/api/v1/incidents/${id}/zones`).then((r) => r.data.features),
    api('GET', `/api/v1/incidents/${id}/timeline`).then((r) => r.data),
    api('GET', `/api/v1/incidents/${id}/reports`).then((r) => r.data),
    inc.geometry ? api('GET', `/api/v1/nearest?layer=shelters&incident=${id}&k=8`).then((r) => r.data.results) : [],
    api('GET', '/api/v1/boundaries').then((r) => r.data.features),
  ]);
  // The zones in force; with none published, the latest run (marked so).
  let zones = zonesAll.filter((z) => z.properties.active), draftNote = '';
  if (!zones.length && zonesAll.length) {
    const last = Math.max(...zonesAll.map((z) => z.properties.run_id));
    zones = zonesAll.filter((z) => z.properties.run_id === last);
    draftNote = '（以下区域为最近一次计算结果，尚未发布）';
  }
  zones.sort((a, b) => a.properties.level - b.properties.level);
  const impacts = await Promise.all(zones.map((z) => api('GET', `/api/v1/zones/${z.id}/impact`).then((r) => r.data).catch(() => null)));
  // Evacuation routes of the published zones (those with a confirmed allocation have them).
  const evacZones = zones.filter((z) => z.properties.active);
  const evac = await Promise.all(evacZones.map((z) => api('GET', `/api/v1/zones/${z.id}/evacuation-routes`).then((r) => r.data).catch(() => null)));
  const assigned = assignedTeams(timeline);
  const sentIds = [...new Set(timeline.filter((e) => e.type === 'dispatch').map((e) => String(e.data.team_id)))];
  const teams = (await Promise.all(sentIds.map((t) => api('GET', `/api/v1/rescue_teams/${t}`).then((r) => r.data).catch(() => null)))).filter(Boolean);
  const warnings = await warningsOf(id);
  const c = p.casualties || {};
  const b = beijing(Date.now());

  $('#report').innerHTML = `
    ${p.drill ? '<div class="drill">【演练】本报告所述事件为演练，不是真实事件</div>' : ''}
    <h1>${esc(p.place || p.kind_label)} 情况报告</h1>
    <p class="sub">乌鲁木齐县生产安全事故应急指挥部 · 事件 #${esc(inc.id)} · 报告生成于 ${esc(b.date)} ${esc(b.hm)}（北京时间）</p>
    <h2>一、基本情况</h2>
    <table class="facts"><tbody>
      <tr><th>事故类型</th><td>${esc(term('incident.kind', p.kind))}</td><th>状态</th><td>${esc(term('incident.state', p.state))}</td></tr>
      <tr><th>发生时间</th><td>${esc(p.occurred_at_beijing)}</td><th>接报时间</th><td>${esc(p.reported_at_beijing)}</td></tr>
      <tr><th>地点</th><td colspan="3">${esc(p.place || '')}${inc.geometry ? `（${inc.geometry.coordinates.map((x) => x.toFixed(5)).join(', ')}）` : ''}${p.unit ? ` · 事故单位：${esc(p.unit)}` : ''}</td></tr>
      <tr><th>事故等级</th><td class="grade">${esc(p.grade ? term('incident.grade', p.grade) : '未定级')}${p.at_risk ? ' · 较大涉险' : ''}</td><th>响应级别</th><td class="grade">${esc(p.level ? term('response.level', p.level) : '未启动')}</td></tr>
      <tr><th>伤亡与损失</th><td colspan="3">死亡 ${c.deaths ?? 0} 人，重伤 ${c.serious_injuries ?? 0} 人，被困 ${c.trapped ?? 0} 人，失踪 ${c.missing ?? 0} 人，涉险 ${c.endangered ?? 0} 人，紧急疏散 ${c.evacuated ?? 0} 人，直接经济损失 ${c.direct_loss_yuan ?? 0} 元</td></tr>
      <tr><th>定级依据</th><td colspan="3">${esc((p.grade_reasons || []).map((r) => r.rule).join('；'))}${(p.risk_flags || []).length ? `；较大涉险：${esc(p.risk_flags.map((r) => r.label).join('、'))}` : ''}</td></tr>
      <tr><th>牵头单位</th><td>${esc(p.lead?.name || '')}</td><th>上报至</th><td>${esc(p.reporting_duty?.reach_label || '')}</td></tr>
      <tr><th>报告时限</th><td colspan="3">${esc((p.deadlines || []).map((d) => `${deadlineName(d)}：${d.met ? '已报' : d.overdue || Date.parse(d.due) < Date.now() ? '已超时' : '截止'} ${String(d.due_beijing || '').replace(' 北京时间', '')}`).join('；') || '均已满足')}</td></tr>
    </tbody></table>
    <h2>二、事发位置与区域${esc(draftNote)}</h2>
    <div id="rmap"></div>
    <p class="legend">${zones.map((z) => `<span style="color:${ZONE_COLOUR[z.properties.level] || '#333'}">■</span> ${z.properties.level}级 ${esc(zoneName(z.properties))}（${Math.round(z.properties.extent_m)} m）`).join('　')}　● 事发地点　县界 © OpenStreetMap 贡献者</p>
    <h2>三、区域内人员和目标</h2>
    ${table(['区域', '#人口', '敏感目标', '危险源', '避难场所'], zones.map((z, i) => { const im = impacts[i] || {}; return `<tr><td>${z.properties.level}级 ${esc(zoneName(z.properties))}${z.properties.evacuate ? '（需疏散）' : ''}</td>
      <td class="num">${im.people ?? '—'}</td><td>${Object.entries(im.sites_by_kind || {}).map(([k, v]) => `${esc(term('sensitive_sites.kind', k))}：${(Array.isArray(v) ? v : []).map((s) => esc(s.name)).join('、')}`).join('；') || '无'}</td>
      <td>${(im.hazard_sources || []).map((h) => esc(h.name)).join('、') || '无'}</td><td>${(im.shelters || []).map((h) => esc(h.name)).join('、') || '无'}</td></tr>`; }), '尚未计算区域')}
    <h2>四、疏散路线</h2>
    ${evacuationTables(evacZones, evac)}
    <h2>五、出动救援队伍</h2>
    ${table(['队伍', '类型', '#人数', '当前状态', '本事件'], teams.map((t) => `<tr><td>${esc(t.properties.name)}</td><td>${esc(term('rescue_teams.kind', t.properties.kind))}</td>
      <td class="num">${t.properties.headcount ?? ''}</td><td>${esc(term('rescue_teams.status', t.properties.status))}</td><td>${assigned.has(String(t.id)) ? '执行中' : '已归队'}</td></tr>`), '尚未派遣队伍')}
    <h2>六、附近避难场所</h2>
    ${table(['避难场所', '类型', '#距离', '#在住 / 容量', '状态'], shelters.map((s) => `<tr><td>${esc(s.name)}</td><td>${esc(term('shelters.class', s.properties.class))}</td>
      <td class="num">${(s.distance_m / 1000).toFixed(1)} km</td><td class="num">${s.properties.occupancy ?? 0} / ${s.properties.capacity ?? '?'}</td><td>${esc(term('shelters.status', s.properties.status))}</td></tr>`), '附近没有避难场所')}
    <h2>七、预警信息</h2>
    ${table(['级别', '范围', '发布时间', '状态'], warnings.map((w) => `<tr><td>${esc(term('warning.level', w.level))}</td><td>${esc(w.area_desc || '')}</td><td>${esc(w.issued_at ? when(w.issued_at) : '')}</td>
      <td>${w.msg_type === 'Cancel' ? '已解除' : w.msg_type === 'Update' ? '已调整，生效中' : '生效中'}</td></tr>`), '未发布预警')}
    <h2>八、已收报告</h2>
    ${table(['类型', '接收层级', '收到时间', '报告人'], reports.map((r) => `<tr><td>${esc(term('report.kind', r.kind))}${r.partial ? '（内容不全）' : ''}</td><td>${esc(term('report.tier', r.tier))}</td><td>${esc(r.received_at_beijing)}</td><td>${esc(r.reporter || '')}</td></tr>`), '尚无报告记录')}
    <h2>九、事件日志（新的在前）</h2>
    <div id="log"></div>
    <p class="foot">本报告由 Sitrep 根据系统记录生成；时间均为北京时间。${p.drill ? '【演练】' : ''}</p>`;

  const log = new IncidentLog($('#log'), { id });
  await log.load();
  await drawMap(inc, zones, boundaries, evac.flatMap((set) => set?.features || []));
  $('#state').textContent = '报告已生成，可打印或导出 PDF';
  window.__report = { ready: true, timeline: timeline.map(describe) };
}

// One table per published zone with routes: each evacuated cell or site,
// its shelter, people, driving minutes and road kilometres; a row no road
// serves says why instead of a time.
function evacuationTables(evacZones, sets) {
  if (!evacZones.length) return '<p class="note">没有已发布的区域</p>';
  // A zone without routes of its own (an inner ring whose people the outer
  // ring's allocation placed) gets no table of its own.
  const shown = evacZones.map((z, i) => [z, sets[i]]).filter(([, set]) => !set || set.computed_at);
  if (!shown.length) return '<p class="note">尚未计算疏散路线：确认安置方案后自动计算，也可在区域上手动计算</p>';
  return shown.map(([z, set]) => {
    const title = `<h3>${z.properties.level}级 ${esc(zoneName(z.properties))}${set?.computed_at ? `（计算于 ${esc(when(set.computed_at))}）` : ''}</h3>`;
    if (!set) return `${title}<p class="note">疏散路线读取失败</p>`;
    const rows = set.features.map((f) => {
      const r = f.properties;
      const from = `${esc(r.from_name)}${r.from_kind === 'sensitive_site' ? '（敏感目标）' : ''}`;
      const way = r.reachable ? `<td class="num">${r.minutes}</td><td class="num">${(r.distance_m / 1000).toFixed(1)}</td>`
        : `<td colspan="2" class="cut">${esc(r.off_road ? '不在路网内' : '道路不通')}：${esc(r.note.replace(/^[^：]*：/, ''))}</td>`;
      const warn = r.reachable && r.note ? `<br><small class="warn">${esc(r.note)}</small>` : '';
      return `<tr${r.reachable ? '' : ' class="unreachable"'}><td>${from}${warn}</td><td>${esc(r.shelter_name)}</td><td class="num">${r.people ?? '—'}</td>${way}</tr>`;
    });
    const sites = set.features.some((f) => f.properties.from_kind === 'sensitive_site');
    return title + table(['从（网格/场所）', '去往避难场所', '#人数', '#行车时间（分钟）', '#路程（千米）'], rows, set.note || '尚未计算疏散路线') +
      (rows.length ? `<p class="note">${esc(set.note)}。行车时间按道路等级车速计算；路线避开封闭道路和其他危险区域${set.features.some((f) => f.properties.through_closed_zone) ? '（标注“注意”的除外）' : ''}，本区域内取最短的出区路径${sites ? '；敏感目标的人数为其登记人数，已计入所在人口网格' : ''}。</p>` : '');
  }).join('');
}

async function warningsOf(incident) {
  const q = new URLSearchParams({ f: 'json', limit: '100', 'filter-lang': 'cql2-text', filter: `incident_id = ${Number(incident)}` });
  return ((await api('GET', `/ogc/collections/warnings/items?${q}`)).data.features || []).map((f) => f.properties);
}

// A light map for paper, turned into an image once drawn (a WebGL canvas
// does not print reliably).
async function drawMap(inc, zones, boundaries, routes) {
  const box = $('#rmap');
  const features = zones.map((z) => ({ ...z, properties: { level: z.properties.level } }));
  const map = new maplibregl.Map({ container: box, style: { version: 8, sources: {}, layers: [{ id: 'bg', type: 'background', paint: { 'background-color': '#ffffff' } }] },
    center: inc.geometry?.coordinates || [87.42, 43.35], zoom: 11, interactive: false, attributionControl: false, preserveDrawingBuffer: true, fadeDuration: 0 });
  await new Promise((r) => map.once('load', r));
  map.addSource('b', { type: 'geojson', data: { type: 'FeatureCollection', features: boundaries } });
  map.addSource('z', { type: 'geojson', data: { type: 'FeatureCollection', features } });
  map.addSource('i', { type: 'geojson', data: inc.geometry ? { type: 'Feature', properties: {}, geometry: inc.geometry } : { type: 'FeatureCollection', features: [] } });
  map.addLayer({ id: 'b', type: 'line', source: 'b', paint: { 'line-color': '#5580aa', 'line-width': ['case', ['get', 'is_county'], 2.5, 1] } });
  map.addLayer({ id: 'zf', type: 'fill', source: 'z', paint: { 'fill-color': ['match', ['get', 'level'], 1, ZONE_COLOUR[1], 2, ZONE_COLOUR[2], ZONE_COLOUR[3]], 'fill-opacity': 0.25 } });
  map.addLayer({ id: 'zl', type: 'line', source: 'z', paint: { 'line-color': ['match', ['get', 'level'], 1, '#c0002a', 2, '#c06000', '#a08000'], 'line-width': 2 } });
  map.addSource('r', { type: 'geojson', data: { type: 'FeatureCollection', features: routes.filter((f) => f.geometry) } });
  map.addLayer({ id: 'r', type: 'line', source: 'r', layout: { 'line-join': 'round' }, paint: { 'line-color': EVACUATION_COLOUR, 'line-width': 3, 'line-dasharray': [2, 1] } });
  map.addLayer({ id: 'i', type: 'circle', source: 'i', paint: { 'circle-radius': 7, 'circle-color': '#d00', 'circle-stroke-color': '#fff', 'circle-stroke-width': 2 } });
  const geoms = zones.map((z) => z.geometry).concat(inc.geometry ? [inc.geometry] : [], routes.filter((f) => f.geometry).map((f) => f.geometry));
  if (geoms.length) {
    const bb = geoms.map(bbox).reduce((a, c) => [Math.min(a[0], c[0]), Math.min(a[1], c[1]), Math.max(a[2], c[2]), Math.max(a[3], c[3])]);
    map.fitBounds([[bb[0], bb[1]], [bb[2], bb[3]]], { padding: 30, maxZoom: 14, duration: 0 });
  }
  await new Promise((r) => map.once('idle', r));
  const img = new Image();
  img.alt = '事发位置与区域图';
  img.src = map.getCanvas().toDataURL('image/png');
  await img.decode().catch(() => {});
  map.remove();
  box.replaceChildren(img);
}

main().catch((e) => { $('#state').textContent = `报告生成失败：${e.message}`; window.__report = { ready: false, error: e.message }; });
