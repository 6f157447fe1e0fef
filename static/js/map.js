// The map: MapLibre with one GeoJSON source per layer, fed from the feature
// store. Teams are drawn where they were last seen (last_position), else at
// their base, with their staleness as a property the style greys out by.
import * as maplibregl from '/vendor/maplibre-gl/maplibre-gl.mjs';
import { baseStyle, installBasemap } from './basemap.js';
import { installIcons } from './icons.js';
import { mapLayers, iconNames, STREAM_LAYERS, FRESH_S, STALE_S } from './style.js';
import { now } from './api.js';
import { onTick } from './time.js';

const BOUNDARY_ATTRIBUTION = '县界 © OpenStreetMap 贡献者（ODbL 1.0）';
const EMPTY = { type: 'FeatureCollection', features: [] };
const TRAIL_POINTS = 12; // per moving team: bounded, whatever the wall's uptime

export function createMap(container) {
  const map = new maplibregl.Map({
    container,
    style: baseStyle(),
    center: [87.42, 43.35],
    zoom: 8.3,
    attributionControl: false,
    doubleClickZoom: false, // double-click closes a polygon in the editor
    localIdeographFontFamily: '"Noto Sans CJK SC", sans-serif',
    locale: { 'NavigationControl.ZoomIn': '放大', 'NavigationControl.ZoomOut': '缩小', 'NavigationControl.ResetBearing': '正北朝上',
      'AttributionControl.ToggleAttribution': '数据来源', 'Map.Title': '地图', 'ScaleControl.Meters': '米', 'ScaleControl.Kilometers': '千米' },
  });
  map.addControl(new maplibregl.AttributionControl({ compact: false }), 'bottom-right');
  map.addControl(new maplibregl.NavigationControl({ showCompass: false }), 'bottom-right');
  map.addControl(new maplibregl.ScaleControl({ unit: 'metric', maxWidth: 160 }), 'bottom-left');
  const ready = new Promise((resolve) => map.once('load', resolve)).then(() => {
    installIcons(map, iconNames());
    for (const name of [...STREAM_LAYERS, 'boundary_labels', 'team_trails', 'draft_zones', 'draft_pin']) {
      map.addSource(name, { type: 'geojson', data: EMPTY, attribution: name === 'boundaries' ? BOUNDARY_ATTRIBUTION : undefined });
    }
    map.addSource('population_tiles', { type: 'vector', url: `${location.origin}/tiles/population_cells.json` });
    for (const l of mapLayers()) map.addLayer(l);
    // The ground goes under the operational layers, above the county fill.
    map.basemap = installBasemap(map, { before: 'population' });
  });
  return { map, ready, maplibregl };
}

// Seconds since a team's last fix (null: no fix, shown at its base); never
// negative (a fix stamped a moment ahead of our clock is "now").
export function positionAge(f, at = now()) {
  const t = f.properties?.observed_at;
  return t ? Math.max(0, (at - Date.parse(t)) / 1000) : null;
}

// 0 fresh, 1 ageing, 2 stale, 3 no fix at all.
export function staleness(ageS) {
  if (ageS == null) return 3;
  return ageS < FRESH_S ? 0 : ageS < STALE_S ? 1 : 2;
}

// How a stored feature is drawn.
export function display(layer, f, at) {
  if (!f.geometry) return null;
  if (layer === 'rescue_teams') {
    const ageS = positionAge(f, at);
    return { type: 'Feature', id: f.id, geometry: f.properties.last_position || f.geometry,
      properties: { ...f.properties, id: f.id, _stale: staleness(ageS), _age_s: ageS } };
  }
  return { ...f, properties: { ...f.properties, id: f.id } };
}

// Keeps every map source equal to the store; staleness is re-derived every
// 15 s so a team that stops reporting greys out without any event. Returns
// what a source was last given, by layer and id (the tests' "drawn at").
export function bindStore(map, store) {
  const last = new Map(); // layer → Map(id → drawn feature)
  const draw = (name, layer) => {
    const at = now();
    const byId = new Map();
    for (const f of layer.values()) { const d = display(name, f, at); if (d) byId.set(String(f.id), d); }
    last.set(name, byId);
    map.getSource(name)?.setData({ type: 'FeatureCollection', features: [...byId.values()] });
  };
  for (const name of STREAM_LAYERS) store.on(name, (layer) => draw(name, layer));
  // The server drops its cached tiles on every change; ask for fresh ones
  // (at most every 2 s) when the grid changes.
  let refresh = 0;
  store.on('population_cells', () => {
    clearTimeout(refresh);
    refresh = setTimeout(() => {
      const src = map.getSource('population_tiles');
      if (src?.tiles) src.setTiles(src.tiles);
    }, 2000);
  });
  // Area names go at one point each (the server's label_point, inside the
  // area): a polygon's own label is repeated in every tile it crosses.
  store.on('boundaries', (layer) => map.getSource('boundary_labels')?.setData({ type: 'FeatureCollection',
    features: [...layer.values()].filter((f) => f.properties.label_point)
      .map((f) => ({ type: 'Feature', id: f.id, geometry: f.properties.label_point, properties: { name: f.properties.name, is_county: f.properties.is_county } })) }));
  let n = 0;
  onTick(() => { if (++n % 15 === 0) draw('rescue_teams', store.layer('rescue_teams')); });
  trackTrails(map, store);
  return (layer, id) => last.get(layer)?.get(String(id)) || null;
}

// The last few positions of each team on the move, drawn as a line; a team
// that stands (available, off duty) or is gone loses its trail.
function trackTrails(map, store) {
  const trails = new Map(); // id → [[lon, lat], …]
  store.on('rescue_teams', (layer) => {
    for (const id of trails.keys()) if (!layer.has(id)) trails.delete(id);
    for (const [id, f] of layer) {
      const p = f.properties;
      if (!p.last_position || p.status === 'available' || p.status === 'off_duty') { trails.delete(id); continue; }
      const t = trails.get(id) || [];
      const c = p.last_position.coordinates;
      const end = t[t.length - 1];
      if (!end || end[0] !== c[0] || end[1] !== c[1]) t.push(c);
      if (t.length > TRAIL_POINTS) t.shift();
      trails.set(id, t);
    }
    map.getSource('team_trails')?.setData({ type: 'FeatureCollection', features: [...trails].filter(([, t]) => t.length > 1).map(([id, t]) =>
      ({ type: 'Feature', properties: { id, status: layer.get(id).properties.status }, geometry: { type: 'LineString', coordinates: t } })) });
  });
}

// Fit the county once, when its boundary first arrives.
export function fitCounty(map, store) {
  let done = false;
  store.on('boundaries', (layer) => {
    if (done) return;
    const county = [...layer.values()].find((f) => f.properties.is_county);
    if (!county) return;
    done = true;
    const b = bbox(county.geometry);
    map.fitBounds([[b[0], b[1]], [b[2], b[3]]], { padding: mapPadding(map, 30), duration: 0 });
  });
}

// Padding that keeps what is fitted clear of the legend and tools drawn
// over the map's top-left corner, and of the alarm strip across its top.
export function mapPadding(map, base = 60) {
  const c = map.getContainer().getBoundingClientRect();
  const legend = document.querySelector('#legend')?.getBoundingClientRect();
  const left = legend && legend.width && legend.right > c.left ? Math.min(legend.right - c.left + 16, c.width / 2) : base;
  const alarms = Math.min(document.querySelector('#alarm-box')?.offsetHeight || 0, c.height / 3);
  return { top: base + 50 + alarms, bottom: base, left: Math.max(base, left), right: base };
}

export function bbox(g) {
  const b = [Infinity, Infinity, -Infinity, -Infinity];
  const walk = (c) => {
    if (typeof c[0] === 'number') {
      b[0] = Math.min(b[0], c[0]); b[1] = Math.min(b[1], c[1]); b[2] = Math.max(b[2], c[0]); b[3] = Math.max(b[3], c[1]);
    } else c.forEach(walk);
  };
  walk(g.coordinates);
  return b;
}

// Distance on the sphere (metres) for "how far is the team now" while it
// moves; the API's own distances (ellipsoidal) are used wherever it gives one.
export function haversine(a, b) {
  const R = 6371008.8, rad = Math.PI / 180;
  const dLat = (b[1] - a[1]) * rad, dLon = (b[0] - a[0]) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a[1] * rad) * Math.cos(b[1] * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * R * Math.asin(Math.sqrt(h));
}

export const km = (m) => (m < 1000 ? `${Math.round(m)} m` : `${(m / 1000).toFixed(m < 10000 ? 2 : 1)} km`);
