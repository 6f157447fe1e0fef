// Measure on the map: a distance along clicked points, or the area of a
// clicked outline. Lengths and areas are on the sphere of WGS 84's mean
// radius (within half a percent of the ellipsoid across the county), never
// degrees taken as metres. A double-click or 完成 ends; 清除 removes it.
import { haversine } from './map.js';
import { esc } from './labels.js';

const R = 6371008.8;
const EMPTY = { type: 'FeatureCollection', features: [] };

// Area of a ring of [lon, lat] on the sphere (m²), after Chamberlain & Duquette.
export function sphericalArea(ring) {
  const rad = Math.PI / 180;
  let s = 0;
  for (let i = 0; i < ring.length; i++) {
    const [l1, p1] = ring[i], [l2, p2] = ring[(i + 1) % ring.length];
    s += (l2 - l1) * rad * (2 + Math.sin(p1 * rad) + Math.sin(p2 * rad));
  }
  return Math.abs(s * R * R / 2);
}

export function pathLength(pts) {
  let d = 0;
  for (let i = 1; i < pts.length; i++) d += haversine(pts[i - 1], pts[i]);
  return d;
}

const metres = (m) => (m < 1000 ? `${Math.round(m)} m` : `${(m / 1000).toFixed(2)} km`);
const squareMetres = (a) => (a < 1e5 ? `${Math.round(a).toLocaleString('zh-CN')} ㎡` : `${(a / 1e6).toFixed(a < 1e7 ? 3 : 1)} 平方千米`);

export class MeasureTool {
  constructor(maplibregl, map, box) {
    this.map = map;
    this.box = box;
    this.mode = null;
    this.points = [];
    map.addSource('measure', { type: 'geojson', data: EMPTY });
    map.addLayer({ id: 'measure-fill', type: 'fill', source: 'measure', filter: ['==', ['geometry-type'], 'Polygon'], paint: { 'fill-color': '#ffffff', 'fill-opacity': 0.12 } });
    map.addLayer({ id: 'measure-line', type: 'line', source: 'measure', paint: { 'line-color': '#ffffff', 'line-width': 3, 'line-dasharray': [3, 2] } });
    map.addLayer({ id: 'measure-points', type: 'circle', source: 'measure', filter: ['==', ['geometry-type'], 'Point'],
      paint: { 'circle-radius': 5, 'circle-color': '#ffffff', 'circle-stroke-color': '#0b1118', 'circle-stroke-width': 2 } });
    box.innerHTML = `<button type="button" data-measure="distance">测距</button><button type="button" data-measure="area">测面积</button>
      <output class="measure-out" hidden></output><button type="button" class="measure-done" hidden>完成</button><button type="button" class="measure-clear" hidden>清除</button>`;
    box.addEventListener('click', (e) => {
      const m = e.target.dataset.measure;
      if (m) this.start(m);
      else if (e.target.matches('.measure-done')) this.finish();
      else if (e.target.matches('.measure-clear')) this.clear();
    });
    map.on('click', (e) => { if (this.mode && !this.done) { this.points.push([e.lngLat.lng, e.lngLat.lat]); this.draw(); } });
    map.on('dblclick', (e) => { if (this.mode && !this.done) { e.preventDefault(); this.finish(); } });
    this.esc = esc;
  }

  start(mode) {
    this.clear();
    this.mode = mode;
    this.done = false;
    this.map.sitrepTool = 'measure';
    this.map.getCanvas().style.cursor = 'crosshair';
    for (const b of this.box.querySelectorAll('[data-measure]')) b.classList.toggle('on', b.dataset.measure === mode);
    this.show(mode === 'distance' ? '单击各点，双击结束' : '单击各顶点，双击闭合');
  }

  finish() {
    this.done = true;
    this.map.sitrepTool = null;
    this.map.getCanvas().style.cursor = '';
    // A double-click also clicked twice: drop the repeated last point.
    this.points = this.points.filter((p, i, a) => i === 0 || p[0] !== a[i - 1][0] || p[1] !== a[i - 1][1]);
    this.draw();
    this.box.querySelector('.measure-done').hidden = true;
  }

  clear() {
    this.mode = null;
    this.points = [];
    this.done = true;
    this.map.sitrepTool = null;
    this.map.getCanvas().style.cursor = '';
    this.map.getSource('measure')?.setData(EMPTY);
    for (const b of this.box.querySelectorAll('[data-measure]')) b.classList.remove('on');
    for (const el of this.box.querySelectorAll('.measure-out, .measure-done, .measure-clear')) el.hidden = true;
  }

  show(text) {
    const out = this.box.querySelector('.measure-out');
    out.textContent = text;
    out.hidden = false;
    this.box.querySelector('.measure-done').hidden = this.done;
    this.box.querySelector('.measure-clear').hidden = false;
  }

  // The current result, for the page and its tests.
  result() {
    if (this.mode === 'distance') return { metres: pathLength(this.points) };
    if (this.mode === 'area' && this.points.length >= 3) return { squareMetres: sphericalArea(this.points), metres: pathLength([...this.points, this.points[0]]) };
    return {};
  }

  draw() {
    const pts = this.points, features = pts.map((c) => ({ type: 'Feature', properties: {}, geometry: { type: 'Point', coordinates: c } }));
    if (this.mode === 'area' && pts.length >= 3) features.push({ type: 'Feature', properties: {}, geometry: { type: 'Polygon', coordinates: [[...pts, pts[0]]] } });
    else if (pts.length >= 2) features.push({ type: 'Feature', properties: {}, geometry: { type: 'LineString', coordinates: pts } });
    this.map.getSource('measure').setData({ type: 'FeatureCollection', features });
    const r = this.result();
    if (this.mode === 'distance') this.show(pts.length < 2 ? '单击下一点' : `距离 ${metres(r.metres)}`);
    else this.show(pts.length < 3 ? '至少三个顶点' : `面积 ${squareMetres(r.squareMetres)} · 周长 ${metres(r.metres)}`);
  }
}
