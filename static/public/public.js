// The public page: warnings in force, where to go, what to do. No login and
// nothing internal; everything comes from /public/situation.json, which the
// server answers from a snapshot (so a page left open and polling costs the
// command centre nothing). The map has no basemap: the county outline, the
// warning areas, the zones and the shelters, all served by Sitrep (no
// internet needed). Once the reader gives their position, each shelter
// offers the road route to it (/public/route): drawn on the map, its time
// and length on the card, or why only the straight line can be given.
import * as maplibregl from '/vendor/maplibre-gl/maplibre-gl.mjs';
import { WARNING_COLOUR, ZONE_COLOUR } from '/js/style.js';

const POLL_MS = 15000;
const $ = (id) => document.getElementById(id);
let here = null; // the reader's position, once they asked to sort by it
let last = null;
// The route the reader asked for: the shelter's id and the answer (null
// while it is being asked).
let chosen = null;

// el builds an element with text (never HTML: every string is data).
function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  for (const c of children) if (c != null) e.append(c);
  return e;
}

function warningCard(w) {
  const card = el('article', { class: `card ${w.lifted ? 'lifted' : w.level}`, 'data-identifier': w.identifier });
  card.append(el('h3', {}, el('span', { class: `badge ${w.lifted ? '' : w.level}` }, w.lifted ? '已解除' : w.level_label), w.headline));
  card.append(el('p', {}, '影响范围：' + w.area_desc));
  if (!w.lifted) card.append(el('p', { class: 'meta' }, '请您：'), el('ol', {}, ...w.items.map((it) => el('li', {}, it))));
  if (w.crosses_border) card.append(el('p', { class: 'note' }, '范围跨越县界：县界以外部分以当地政府发布的信息为准'));
  if (w.relayed_from) card.append(el('p', { class: 'note' }, '转发自 ' + w.relayed_from));
  card.append(el('p', { class: 'meta' }, `${w.authority} · 发布于 ${w.issued_at_beijing}` + (w.expires_beijing ? ` · 截止 ${w.expires_beijing}` : '')));
  return card;
}

// metres between two lon/lat points on the sphere (haversine).
function metres(a, b) {
  const r = Math.PI / 180, dLat = (b[1] - a[1]) * r, dLon = (b[0] - a[0]) * r;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a[1] * r) * Math.cos(b[1] * r) * Math.sin(dLon / 2) ** 2;
  return 2 * 6371008.8 * Math.asin(Math.sqrt(h));
}

function shelterCard(s) {
  const card = el('article', { class: 'card shelter', 'data-shelter': s.id });
  card.append(el('h3', {}, s.name));
  card.append(el('p', {}, el('span', { class: 'free' }, `尚余 ${s.free} 个位置`), `（可容纳 ${s.capacity} 人）`));
  if (s.address) card.append(el('p', { class: 'meta' }, '地址：' + s.address));
  if (here) card.append(el('p', { class: 'meta' }, `直线距离约 ${(metres(here, [s.lon, s.lat]) / 1000).toFixed(1)} 公里`));
  if (chosen?.id === s.id) card.append(routeNote(chosen.answer));
  const actions = el('p', { class: 'actions' });
  if (here) {
    // The network is for vehicles (no footpaths): a driving route.
    const b = el('button', { type: 'button', class: 'route-button' }, chosen?.id === s.id ? '刷新驾车路线' : '驾车路线');
    b.addEventListener('click', () => askRoute(s, true));
    actions.append(b);
  }
  // geo: opens the phone's own map application at the shelter.
  actions.append(el('a', { href: `geo:${s.lat},${s.lon}?q=${s.lat},${s.lon}(${encodeURIComponent(s.name)})` }, '用手机地图前往'));
  card.append(actions);
  return card;
}

// routeNote is the card's line about the road route: its time and length,
// or why there is none (the server words it).
function routeNote(a) {
  if (!a) return el('p', { class: 'route-note' }, '正在计算驾车路线…');
  return el('p', { class: `route-note ${a.road === 'route' ? 'ok' : 'none'}` }, a.text);
}

// The position is rounded as the server rounds it (0.001°): readers near
// one another ask the same address, which any cache on the way can share.
const grid = (x) => (Math.round(x * 1000) / 1000).toFixed(3);

// askRoute asks the road route to shelter s. tapped: the reader asked
// (the card says it is being computed, and the map frames and shows the
// route); else it is asked again after the situation changed, quietly.
async function askRoute(s, tapped) {
  if (tapped || chosen?.id !== s.id) {
    chosen = { id: s.id, answer: null };
    showChosen();
  }
  let a;
  try {
    const r = await fetch(`/public/route?lon=${grid(here[0])}&lat=${grid(here[1])}&shelter=${s.id}`, { cache: 'no-cache' });
    const body = await r.json();
    // A refusal names its field; its detail is what to tell the reader.
    a = r.ok ? body : { road: 'refused', text: body.errors?.[0]?.detail || body.detail || '无法查询路线' };
  } catch {
    a = { road: 'failed', text: '暂时无法查询路线，请稍后再试；可先按直线方向前往或用手机地图。' };
  }
  if (chosen?.id !== s.id) return; // the reader asked for another meanwhile
  chosen.answer = a;
  window.__public = { ...window.__public, route: a };
  showChosen();
  await drawRoute(a, tapped);
  if (tapped && a.road === 'route') $('map').scrollIntoView({ block: 'start', behavior: 'smooth' });
}

// showChosen redraws the cards, so the chosen one shows its route note.
function showChosen() {
  if (window.__public?.situation) list('shelter-list', sortedShelters(window.__public.situation), shelterCard, '目前没有开放的避难场所。');
}

function sortedShelters(s) {
  return here ? [...s.shelters].sort((a, b) => metres(here, [a.lon, a.lat]) - metres(here, [b.lon, b.lat])) : s.shelters;
}

function zoneCard(z) {
  const card = el('article', { class: 'card', style: `border-left-color:${ZONE_COLOUR[z.level] || ZONE_COLOUR[3]}` });
  card.append(el('h3', {}, z.name));
  card.append(el('p', {}, z.evacuate ? '区域内人员请立即撤离，前往下方开放的避难场所。' : '区域内人员请就地避险：关闭门窗，留在室内，等待通知。'));
  return card;
}

function list(id, items, card, none) {
  const box = $(id);
  box.replaceChildren(...(items.length ? items.map(card) : [el('p', { class: 'empty' }, none)]));
}

const fc = (features) => ({ type: 'FeatureCollection', features });

function render(s) {
  $('updated').textContent = '更新于 ' + s.generated_at_beijing;
  $('demo-banner').hidden = !s.synthetic;
  list('warning-list', s.warnings, warningCard, '目前没有生效的预警。');
  list('zone-list', s.zones, zoneCard, '目前没有撤离或避险区域。');
  // A route asked for before stays (asked again: the zones may have
  // changed it) while its shelter is still listed.
  const again = chosen && s.shelters.find((x) => x.id === chosen.id);
  if (chosen && !again) { chosen = null; drawRoute(null); }
  list('shelter-list', sortedShelters(s), shelterCard, '目前没有开放的避难场所。');
  mapData(s);
  if (again && here) askRoute(again, false);
}

let map = null, mapReady = null;
function initMap() {
  map = new maplibregl.Map({
    container: 'map', center: [87.4, 43.5], zoom: 8.5, attributionControl: false, dragRotate: false, pitchWithRotate: false,
    locale: { 'NavigationControl.ZoomIn': '放大', 'NavigationControl.ZoomOut': '缩小' },
    style: { version: 8, sources: {}, layers: [{ id: 'bg', type: 'background', paint: { 'background-color': '#e9eee9' } }] },
  });
  map.touchZoomRotate.disableRotation();
  window.__public = { ...window.__public, map }; // the tests ask it what it drew
  map.addControl(new maplibregl.NavigationControl({ showCompass: false }), 'top-right');
  mapReady = new Promise((resolve) => map.on('load', () => {
    for (const id of ['county', 'warnings', 'zones', 'route', 'here', 'shelters']) map.addSource(id, { type: 'geojson', data: fc([]) });
    const level = ['match', ['get', 'level'], ...Object.entries(WARNING_COLOUR).flat(), '#888'];
    const zone = ['match', ['get', 'level'], 1, ZONE_COLOUR[1], 2, ZONE_COLOUR[2], ZONE_COLOUR[3]];
    map.addLayer({ id: 'county-line', type: 'line', source: 'county', paint: { 'line-color': '#333', 'line-width': 1.5, 'line-dasharray': [3, 2] } });
    map.addLayer({ id: 'warnings-fill', type: 'fill', source: 'warnings', paint: { 'fill-color': level, 'fill-opacity': 0.25 } });
    map.addLayer({ id: 'warnings-line', type: 'line', source: 'warnings', paint: { 'line-color': level, 'line-width': 3 } });
    map.addLayer({ id: 'zones-fill', type: 'fill', source: 'zones', filter: ['get', 'evacuate'], paint: { 'fill-color': zone, 'fill-opacity': 0.35 } });
    map.addLayer({ id: 'zones-line', type: 'line', source: 'zones', paint: { 'line-color': zone, 'line-width': 2.5, 'line-dasharray': ['case', ['get', 'evacuate'], ['literal', [1, 0]], ['literal', [2, 2]]] } });
    map.addLayer({ id: 'route-casing', type: 'line', source: 'route', layout: { 'line-join': 'round', 'line-cap': 'round' }, paint: { 'line-color': '#fff', 'line-width': 8 } });
    map.addLayer({ id: 'route-line', type: 'line', source: 'route', layout: { 'line-join': 'round', 'line-cap': 'round' }, paint: { 'line-color': '#0b57d0', 'line-width': 5 } });
    map.addLayer({ id: 'here', type: 'circle', source: 'here', paint: { 'circle-radius': 7, 'circle-color': '#0b57d0', 'circle-stroke-color': '#fff', 'circle-stroke-width': 3 } });
    map.addLayer({ id: 'shelters', type: 'circle', source: 'shelters', paint: { 'circle-radius': 7, 'circle-color': '#0a7d32', 'circle-stroke-color': '#fff', 'circle-stroke-width': 2 } });
    resolve();
  }));
}

let framed = false;
async function mapData(s) {
  await mapReady;
  map.getSource('county').setData(s.county ? fc([{ type: 'Feature', geometry: s.county, properties: {} }]) : fc([]));
  const active = s.warnings.filter((w) => !w.lifted);
  map.getSource('warnings').setData(fc(active.map((w) => ({ type: 'Feature', geometry: w.area, properties: { level: w.level } }))));
  map.getSource('zones').setData(fc(s.zones.map((z) => ({ type: 'Feature', geometry: z.geometry, properties: { level: z.level, evacuate: z.evacuate } }))));
  map.getSource('shelters').setData(fc(s.shelters.map((p) => ({ type: 'Feature', geometry: { type: 'Point', coordinates: [p.lon, p.lat] }, properties: {} }))));
  // Frame the warnings when there are some, else the county, once.
  const frame = active.length ? active.map((w) => w.area) : (s.county ? [s.county] : []);
  if (!framed && frame.length) {
    const b = new maplibregl.LngLatBounds();
    const walk = (c) => (typeof c[0] === 'number' ? b.extend(c) : c.forEach(walk));
    frame.forEach((g) => walk(g.coordinates));
    map.fitBounds(b, { padding: 24, animate: false, maxZoom: 13 });
    framed = true;
  }
  window.__public = { ...window.__public, rendered: (window.__public?.rendered || 0) + 1 };
}

// drawRoute draws the road route of answer a and the reader's position;
// frame: fit the map to both ends and the route between.
async function drawRoute(a, frame = false) {
  await mapReady;
  const line = a?.road === 'route' ? a.route?.geometry : null;
  map.getSource('route').setData(fc(line ? [{ type: 'Feature', geometry: line, properties: {} }] : []));
  map.getSource('here').setData(fc(here ? [{ type: 'Feature', geometry: { type: 'Point', coordinates: here }, properties: {} }] : []));
  $('legend-route').hidden = !line;
  $('legend-here').hidden = !here;
  if (frame && a?.to && here) {
    const b = new maplibregl.LngLatBounds(here, here);
    b.extend(a.to);
    if (line) line.coordinates.forEach((c) => b.extend(c));
    map.fitBounds(b, { padding: 40, animate: false, maxZoom: 15 });
  }
  window.__public = { ...window.__public, routeDrawn: line ? line.coordinates.length : 0 };
}

async function refresh() {
  try {
    // no-cache: revalidate with the ETag every time; a 304 costs nothing.
    const r = await fetch('/public/situation.json', { cache: 'no-cache' });
    if (!r.ok) throw new Error(String(r.status));
    const s = await r.json();
    if (s.generated_at !== last) { last = s.generated_at; window.__public = { ...window.__public, situation: s }; render(s); }
  } catch {
    $('updated').textContent = '暂时无法更新，请稍后再看；请继续听从现场指挥。';
  }
}

$('locate').addEventListener('click', () => {
  if (!navigator.geolocation) return;
  navigator.geolocation.getCurrentPosition((p) => {
    here = [p.coords.longitude, p.coords.latitude];
    $('locate').textContent = '已按离我的距离排序';
    drawRoute(chosen?.answer || null);
    if (window.__public?.situation) render(window.__public.situation);
  }, () => { $('locate').textContent = '无法获取您的位置'; }, { enableHighAccuracy: false, timeout: 10000 });
});

initMap();
refresh();
setInterval(refresh, POLL_MS);
