// The ground under the operational layers, all from Sitrep (the command
// centre may be offline): the county's roads, water, places and townships as
// vector tiles (/tiles/basemap, imported OpenStreetMap data or a PMTiles
// archive) and, where the server is set up with one, an online basemap
// (Tianditu or an intranet service) that Sitrep proxies. What to draw comes
// from the server (/api/v1/basemap), the same on every screen.
//
// Labels need no glyph files: the style has no `glyphs` URL, so MapLibre
// draws every character (Chinese, and the digits of G216) with the system's
// fonts. Route shields are drawn on a canvas here.
//
// Two looks: 'dark' for the wall and 'light' for the printed situation
// report (setBasemapTheme).
import { api } from './api.js';

const VECTOR = 'basemap';
const ONLINE = ['online-base', 'online-labels'];
const FONT = ['Noto Sans CJK SC', 'Noto Sans SC', 'sans-serif'];
const FONT_BOLD = ['Noto Sans CJK SC Bold', 'Noto Sans CJK SC', 'sans-serif'];

export const THEMES = {
  dark: {
    background: '#0b1118',
    landuse: { residential: '#1d2530', industrial: '#262233', commercial: '#262233', retail: '#262233', farmland: '#18261c',
      orchard: '#18261c', meadow: '#18261c', grass: '#18261c', forest: '#14291b', glacier: '#b9d2e4', military: '#2b2222' },
    landuseDefault: '#182029', landuseOpacity: 0.75,
    water: '#1b4a6e', waterway: '#2e73a8', building: '#2e3a49',
    roadMajor: '#e3a24f', roadPrimary: '#d8c46a', roadSecondary: '#b9b48d', roadMinor: '#7f8c9b', roadTrack: '#6b7480',
    casing: '#0b1118', rail: '#9aa3ad', township: '#8ea6c6', county: '#6cb8ff',
    text: '#e9eef4', textHalo: '#0b1118', roadText: '#cfd8e3', waterText: '#7fb6e0', townshipText: '#a9bed8',
    shield: ['#f0f0f0', '#1b2430'],
  },
  light: {
    background: '#f4f2ee',
    landuse: { residential: '#ece6dc', industrial: '#e6dfe9', commercial: '#e6dfe9', retail: '#e6dfe9', farmland: '#e3eccf',
      orchard: '#e3eccf', meadow: '#e3eccf', grass: '#dcebc9', forest: '#cfe3c0', glacier: '#f4f9fc', military: '#f0dede' },
    landuseDefault: '#eeeae4', landuseOpacity: 1,
    water: '#a9cbe6', waterway: '#7fb0d8', building: '#d9d1c5',
    roadMajor: '#e69a3c', roadPrimary: '#f2d264', roadSecondary: '#ffffff', roadMinor: '#ffffff', roadTrack: '#a39a8c',
    casing: '#9a9186', rail: '#6f6f6f', township: '#7b5c93', county: '#1f5fa8',
    text: '#222222', textHalo: '#ffffff', roadText: '#333333', waterText: '#2d6a9c', townshipText: '#5c4470',
    shield: ['#ffffff', '#333333'],
  },
};

const MAJOR = ['motorway', 'trunk', 'motorway_link', 'trunk_link'];
const PRIMARY = ['primary', 'primary_link'];
const SECONDARY = ['secondary', 'secondary_link', 'tertiary', 'tertiary_link'];
const MINOR = ['unclassified', 'residential', 'living_street', 'road', 'service', 'pedestrian'];
const TRACKS = ['track', 'path', 'footway', 'cycleway', 'bridleway', 'steps'];

const byClass = (theme) => ['match', ['get', 'class'], MAJOR, theme.roadMajor, PRIMARY, theme.roadPrimary,
  SECONDARY, theme.roadSecondary, TRACKS, theme.roadTrack, theme.roadMinor];
// Width in pixels by class and zoom: a trunk road reads from across the room.
const roadWidth = (scale = 1) => ['interpolate', ['exponential', 1.5], ['zoom'],
  8, ['*', scale, ['match', ['get', 'class'], MAJOR, 2.2, PRIMARY, 1.6, SECONDARY, 1, 0.6]],
  12, ['*', scale, ['match', ['get', 'class'], MAJOR, 4.5, PRIMARY, 3.8, SECONDARY, 3, TRACKS, 1.2, 2]],
  16, ['*', scale, ['match', ['get', 'class'], MAJOR, 14, PRIMARY, 12, SECONDARY, 10, TRACKS, 3, 7]]];

// The basemap's MapLibre layers, bottom to top.
export function basemapLayers(theme = THEMES.dark) {
  const src = { source: VECTOR };
  const line = (extra) => ({ type: 'line', ...src, 'source-layer': 'roads', layout: { 'line-cap': 'round', 'line-join': 'round' }, ...extra });
  const halo = { 'text-color': theme.text, 'text-halo-color': theme.textHalo, 'text-halo-width': 1.6 };
  return [
    { id: 'bm-landuse', type: 'fill', ...src, 'source-layer': 'landuse',
      paint: { 'fill-color': ['match', ['get', 'class'], ...Object.entries(theme.landuse).flat(), theme.landuseDefault], 'fill-opacity': theme.landuseOpacity } },
    { id: 'bm-water', type: 'fill', ...src, 'source-layer': 'water', paint: { 'fill-color': theme.water } },
    { id: 'bm-waterways', type: 'line', ...src, 'source-layer': 'waterways',
      paint: { 'line-color': theme.waterway, 'line-width': ['interpolate', ['linear'], ['zoom'], 8, ['match', ['get', 'class'], 'river', 1.5, 0.6], 14, ['match', ['get', 'class'], 'river', 5, 2]] } },
    { id: 'bm-buildings', type: 'fill', ...src, 'source-layer': 'buildings', paint: { 'fill-color': theme.building, 'fill-outline-color': theme.casing } },
    { id: 'bm-railways', type: 'line', ...src, 'source-layer': 'railways',
      paint: { 'line-color': theme.rail, 'line-width': 2, 'line-dasharray': [3, 2] } },
    line({ id: 'bm-roads-tunnel', filter: ['get', 'tunnel'], paint: { 'line-color': byClass(theme), 'line-width': roadWidth(), 'line-opacity': 0.5, 'line-dasharray': [1.5, 1] } }),
    line({ id: 'bm-bridges-casing', filter: ['get', 'bridge'], minzoom: 12, paint: { 'line-color': theme.casing, 'line-width': roadWidth(1.9) } }),
    line({ id: 'bm-roads-casing', filter: ['all', ['!', ['get', 'tunnel']], ['!', ['match', ['get', 'class'], TRACKS, true, false]]],
      minzoom: 10, paint: { 'line-color': theme.casing, 'line-width': roadWidth(1.35) } }),
    line({ id: 'bm-roads', filter: ['!', ['get', 'tunnel']],
      paint: { 'line-color': byClass(theme), 'line-width': roadWidth(), 'line-dasharray': ['match', ['get', 'class'], TRACKS, ['literal', [2, 1.5]], ['literal', [1, 0]]] } }),
    { id: 'bm-townships', type: 'line', ...src, 'source-layer': 'boundaries', filter: ['>=', ['get', 'admin_level'], 7],
      paint: { 'line-color': theme.township, 'line-width': 1.6, 'line-dasharray': [4, 2, 1, 2] } },
    { id: 'bm-water-names', type: 'symbol', ...src, 'source-layer': 'waterways', minzoom: 11, filter: ['has', 'name'],
      layout: { 'symbol-placement': 'line', 'text-field': ['get', 'name'], 'text-font': FONT, 'text-size': 13, 'symbol-spacing': 400 },
      paint: { ...halo, 'text-color': theme.waterText } },
    { id: 'bm-road-names', type: 'symbol', ...src, 'source-layer': 'roads', minzoom: 12, filter: ['has', 'name'],
      layout: { 'symbol-placement': 'line', 'text-field': ['get', 'name'], 'text-font': FONT, 'text-size': ['interpolate', ['linear'], ['zoom'], 12, 13, 16, 16],
        'symbol-spacing': 350, 'text-max-angle': 30 },
      paint: { ...halo, 'text-color': theme.roadText } },
    // Route numbers (G216, X151) in a shield along the road.
    { id: 'bm-road-refs', type: 'symbol', ...src, 'source-layer': 'roads', minzoom: 8, filter: ['has', 'ref'],
      layout: { 'symbol-placement': 'line', 'symbol-spacing': 500, 'text-field': ['get', 'ref'], 'text-font': FONT_BOLD, 'text-size': 13,
        'text-rotation-alignment': 'viewport', 'icon-image': 'bm-shield', 'icon-text-fit': 'both', 'icon-text-fit-padding': [2, 5, 2, 5],
        'icon-rotation-alignment': 'viewport' },
      paint: { 'text-color': theme.shield[1] } },
    { id: 'bm-places', type: 'symbol', ...src, 'source-layer': 'places',
      layout: { 'text-field': ['get', 'name'], 'text-font': ['match', ['get', 'class'], ['city', 'town'], ['literal', FONT_BOLD], ['literal', FONT]],
        'text-size': ['match', ['get', 'class'], 'city', 20, 'town', 18, 'village', 15, 13], 'text-padding': 4 },
      paint: halo },
    // Township names go on top: where a town and its township share a name,
    // the township's is the one shown.
    { id: 'bm-township-names', type: 'symbol', ...src, 'source-layer': 'boundary_labels', filter: ['>=', ['get', 'admin_level'], 7],
      layout: { 'text-field': ['get', 'name'], 'text-font': FONT_BOLD, 'text-size': 17, 'text-letter-spacing': 0.2, 'text-allow-overlap': false },
      paint: { ...halo, 'text-color': theme.townshipText } },
  ];
}

// Names of the county and its neighbours (the boundaries the wall always
// has, with or without road data), one each at the server's label point.
// The county's is always written: it gives way to nothing and blocks
// nothing, drawn under the operational points, which stay readable over it
// (zoomed out, the county is covered with them and its name would give way
// to every one). A neighbour's may move round its point to find room.
function areaNames(theme) {
  const paint = (colour) => ({ 'text-color': colour, 'text-halo-color': theme.textHalo, 'text-halo-width': 2 });
  return [
    { id: 'bm-area-names', type: 'symbol', source: 'boundary_labels', maxzoom: 11, filter: ['!', ['get', 'is_county']],
      layout: { 'text-field': ['get', 'name'], 'text-font': FONT_BOLD, 'text-size': 16,
        'text-variable-anchor': ['center', 'top', 'bottom', 'left', 'right'], 'text-radial-offset': 0.8 },
      paint: paint('#9aa7b6') },
    { id: 'bm-county-name', type: 'symbol', source: 'boundary_labels', maxzoom: 11, filter: ['get', 'is_county'],
      layout: { 'text-field': ['get', 'name'], 'text-font': FONT_BOLD, 'text-size': 20, 'text-allow-overlap': true, 'text-ignore-placement': true },
      paint: paint(theme.county) },
  ];
}

// A route shield: a rounded box MapLibre stretches around the number.
function addShield(map, [fill, stroke]) {
  const r = Math.min(2, window.devicePixelRatio || 1), w = 24 * r, h = 20 * r;
  const c = document.createElement('canvas');
  c.width = w; c.height = h;
  const ctx = c.getContext('2d');
  ctx.beginPath(); ctx.roundRect(r, r, w - 2 * r, h - 2 * r, 4 * r);
  ctx.fillStyle = fill; ctx.fill(); ctx.lineWidth = 1.5 * r; ctx.strokeStyle = stroke; ctx.stroke();
  if (map.hasImage('bm-shield')) map.removeImage('bm-shield');
  map.addImage('bm-shield', ctx.getImageData(0, 0, w, h), { pixelRatio: r,
    stretchX: [[5 * r, w - 5 * r]], stretchY: [[5 * r, h - 5 * r]], content: [4 * r, 3 * r, w - 4 * r, h - 3 * r] });
}

// A note on the map: why the ground is missing or not what was set up.
function note(container, id, text) {
  let el = container.querySelector(`#${id}`);
  if (!text) { el?.remove(); return; }
  if (!el) {
    // One box for the notes, so they stack instead of covering each other.
    let box = container.querySelector('.basemap-notes');
    if (!box) {
      box = document.createElement('div');
      box.className = 'basemap-notes';
      container.appendChild(box);
    }
    el = document.createElement('div');
    el.id = id;
    el.className = 'basemap-note';
    el.setAttribute('role', 'status');
    box.appendChild(el);
  }
  el.textContent = text;
}

// installBasemap adds the ground below the layer `before` (the operational
// layers) and returns the server's basemap status.
export async function installBasemap(map, { before } = {}) {
  const container = map.getContainer();
  let status;
  try {
    status = (await api('GET', '/api/v1/basemap')).data;
  } catch (e) {
    note(container, 'basemap-missing', `底图状态无法读取：${e.message}`);
    return null;
  }
  const theme = THEMES.dark;
  addShield(map, theme.shield);
  const local = status.local;
  const roads = local.loaded && (local.source === 'pmtiles' || (local.import?.counts?.roads ?? 0) > 0);
  if (local.loaded) {
    map.addSource(VECTOR, { type: 'vector', url: `${location.origin}${local.tilejson}`, attribution: local.attribution });
    for (const l of basemapLayers(theme)) map.addLayer(l, before);
  }
  note(container, 'basemap-missing', roads ? '' : '未加载道路数据：底图只有行政区划（请管理员导入本县的 OpenStreetMap 数据）');
  if (status.online) {
    const o = status.online;
    o.tiles.forEach((url, i) => {
      map.addSource(ONLINE[i], { type: 'raster', tiles: [location.origin + url], tileSize: o.tile_size, attribution: o.attribution });
      map.addLayer({ id: ONLINE[i], type: 'raster', source: ONLINE[i], paint: i === 0 ? { 'raster-opacity': 0.85 } : {} }, before);
    });
    // A service that cannot be reached is said so, not left a blank.
    let failed = 0;
    map.on('error', (e) => {
      if (!ONLINE.includes(e.sourceId)) return;
      failed = Date.now();
      note(container, 'basemap-online', `${o.name}无法访问，当前显示${local.loaded ? '本地底图' : '无底图'}`);
    });
    map.on('data', (e) => {
      if (ONLINE.includes(e.sourceId) && e.tile && Date.now() - failed > 10000) note(container, 'basemap-online', '');
    });
  }
  // Names of the county and its neighbours sit over everything but the
  // operational points.
  if (map.getSource('boundary_labels')) for (const l of areaNames(theme)) map.addLayer(l, before);
  return status;
}

// setBasemapTheme recolours the ground: 'dark' for the wall, 'light' for a
// printed report.
export function setBasemapTheme(map, name) {
  const theme = THEMES[name] || THEMES.dark;
  addShield(map, theme.shield);
  map.setPaintProperty('background', 'background-color', theme.background);
  for (const l of [...basemapLayers(theme), ...areaNames(theme)]) {
    if (!map.getLayer(l.id)) continue;
    for (const [k, v] of Object.entries(l.paint || {})) map.setPaintProperty(l.id, k, v);
  }
}

// The style the map starts from: the background alone, dark; the ground is
// added by installBasemap once the page knows what the server has.
export function baseStyle() {
  return { version: 8, sources: {}, layers: [{ id: 'background', type: 'background', paint: { 'background-color': '#0b1118' } }] };
}
