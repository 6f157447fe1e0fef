// The public page: warnings in force, where to go, what to do. No login and
// nothing internal; everything comes from /public/situation.json, which the
// server answers from a snapshot (so a page left open and polling costs the
// command centre nothing). The map has no basemap: the county outline, the
// warning areas, the zones and the shelters, all served by Sitrep (no
// internet needed).
import * as maplibregl from '/vendor/maplibre-gl/maplibre-gl.mjs';
import { WARNING_COLOUR, ZONE_COLOUR } from '/js/style.js';

const POLL_MS = 15000;
const $ = (id) => document.getElementById(id);
let here = null; // the reader's position, once they asked to sort by it
let last = null;

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
  const card = el('article', { class: 'card shelter' });
  card.append(el('h3', {}, s.name));
  card.append(el('p', {}, el('span', { class: 'free' }, `尚余 ${s.free} 个位置`), `（可容纳 ${s.capacity} 人）`));
  if (s.address) card.append(el('p', { class: 'meta' }, '地址：' + s.address));
  if (here) card.append(el('p', { class: 'meta' }, `直线距离约 ${(metres(here, [s.lon, s.lat]) / 1000).toFixed(1)} 公里`));
  // geo: opens the phone's own map application at the shelter.
  card.append(el('a', { href: `geo:${s.lat},${s.lon}?q=${s.lat},${s.lon}(${encodeURIComponent(s.name)})` }, '用手机地图前往'));
  return card;
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
  const shelters = here ? [...s.shelters].sort((a, b) => metres(here, [a.lon, a.lat]) - metres(here, [b.lon, b.lat])) : s.shelters;
  list('shelter-list', shelters, shelterCard, '目前没有开放的避难场所。');
  mapData(s);
}

let map = null, mapReady = null;
function initMap() {
  map = new maplibregl.Map({
    container: 'map', center: [87.4, 43.5], zoom: 8.5, attributionControl: false, dragRotate: false, pitchWithRotate: false,
    locale: { 'NavigationControl.ZoomIn': '放大', 'NavigationControl.ZoomOut': '缩小' },
    style: { version: 8, sources: {}, layers: [{ id: 'bg', type: 'background', paint: { 'background-color': '#e9eee9' } }] },
  });
  map.touchZoomRotate.disableRotation();
  map.addControl(new maplibregl.NavigationControl({ showCompass: false }), 'top-right');
  mapReady = new Promise((resolve) => map.on('load', () => {
    for (const id of ['county', 'warnings', 'zones', 'shelters']) map.addSource(id, { type: 'geojson', data: fc([]) });
    const level = ['match', ['get', 'level'], ...Object.entries(WARNING_COLOUR).flat(), '#888'];
    const zone = ['match', ['get', 'level'], 1, ZONE_COLOUR[1], 2, ZONE_COLOUR[2], ZONE_COLOUR[3]];
    map.addLayer({ id: 'county-line', type: 'line', source: 'county', paint: { 'line-color': '#333', 'line-width': 1.5, 'line-dasharray': [3, 2] } });
    map.addLayer({ id: 'warnings-fill', type: 'fill', source: 'warnings', paint: { 'fill-color': level, 'fill-opacity': 0.25 } });
    map.addLayer({ id: 'warnings-line', type: 'line', source: 'warnings', paint: { 'line-color': level, 'line-width': 3 } });
    map.addLayer({ id: 'zones-fill', type: 'fill', source: 'zones', filter: ['get', 'evacuate'], paint: { 'fill-color': zone, 'fill-opacity': 0.35 } });
    map.addLayer({ id: 'zones-line', type: 'line', source: 'zones', paint: { 'line-color': zone, 'line-width': 2.5, 'line-dasharray': ['case', ['get', 'evacuate'], ['literal', [1, 0]], ['literal', [2, 2]]] } });
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
    if (window.__public?.situation) render(window.__public.situation);
  }, () => { $('locate').textContent = '无法获取您的位置'; }, { enableHighAccuracy: false, timeout: 10000 });
});

initMap();
refresh();
setInterval(refresh, POLL_MS);
