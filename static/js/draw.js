// Geometry editing on the map, kept simple: a draft point that can be placed
// with a click and dragged; a polygon drawn by clicking its vertices and
// closed with a double-click; a line drawn the same way, ended with a
// double-click. The draft lives in its own source above everything, and is
// only ever what the editor holds, never the stored data. Two tools may
// draft at once (the registry editor and the road closures): each names
// its own source.

const EMPTY = { type: 'FeatureCollection', features: [] };

export class Draft {
  constructor(map, source = 'draft') {
    this.map = map;
    this.source = source;
    this.geometry = null;
    this.onChange = null;
    this.mode = null; // null | 'place' | 'polygon' | 'line'
    this.vertices = [];
    const point = `${source}-point`;
    if (!map.getSource(source)) {
      map.addSource(source, { type: 'geojson', data: EMPTY });
      map.addLayer({ id: `${source}-fill`, type: 'fill', source, filter: ['==', ['geometry-type'], 'Polygon'], paint: { 'fill-color': '#3b8cff', 'fill-opacity': 0.25 } });
      map.addLayer({ id: `${source}-line`, type: 'line', source, paint: { 'line-color': '#3b8cff', 'line-width': 3, 'line-dasharray': [2, 1] } });
      map.addLayer({ id: point, type: 'circle', source, filter: ['all', ['==', ['geometry-type'], 'Point'], ['!', ['has', 'vertex']]],
        paint: { 'circle-radius': 12, 'circle-color': '#3b8cff', 'circle-opacity': 0.5, 'circle-stroke-color': '#fff', 'circle-stroke-width': 3 } });
      // The vertices clicked so far: a line's first click shows before it is a line.
      map.addLayer({ id: `${source}-vertex`, type: 'circle', source, filter: ['==', ['get', 'vertex'], true],
        paint: { 'circle-radius': 4, 'circle-color': '#ffffff', 'circle-stroke-color': '#3b8cff', 'circle-stroke-width': 2 } });
    }
    this.pointLayer = point;
    this.handlers = {
      down: (e) => this.down(e), click: (e) => this.click(e), dbl: (e) => this.dbl(e),
      enter: () => { map.getCanvas().style.cursor = 'move'; }, leave: () => { map.getCanvas().style.cursor = ''; },
    };
    map.on('mousedown', point, this.handlers.down);
    map.on('mouseenter', point, this.handlers.enter);
    map.on('mouseleave', point, this.handlers.leave);
    map.on('click', this.handlers.click);
    map.on('dblclick', this.handlers.dbl);
  }

  set(geometry) {
    this.geometry = geometry;
    this.mode = null;
    this.vertices = [];
    this.draw();
  }

  draw() {
    const features = [];
    if ((this.mode === 'polygon' || this.mode === 'line') && this.vertices.length) {
      features.push({ type: 'Feature', properties: {}, geometry: { type: 'LineString', coordinates: this.vertices } });
      for (const v of this.vertices) features.push({ type: 'Feature', properties: { vertex: true }, geometry: { type: 'Point', coordinates: v } });
    } else if (this.geometry) {
      features.push({ type: 'Feature', properties: {}, geometry: this.geometry });
      if (this.geometry.type === 'Polygon') {
        // The outline as a line too: MapLibre drops a zero-area polygon (a
        // symmetric bow-tie), and the editor must still see what was drawn
        // when the server refuses it.
        features.push({ type: 'Feature', properties: {}, geometry: { type: 'LineString', coordinates: this.geometry.coordinates[0] } });
      }
    }
    this.map.getSource(this.source).setData({ type: 'FeatureCollection', features });
  }

  changed() { this.draw(); this.onChange?.(this.geometry); }

  place() { this.mode = 'place'; this.map.getCanvas().style.cursor = 'crosshair'; }
  polygon() { this.mode = 'polygon'; this.vertices = []; this.map.getCanvas().style.cursor = 'crosshair'; this.draw(); }
  line() { this.mode = 'line'; this.vertices = []; this.map.getCanvas().style.cursor = 'crosshair'; this.draw(); }

  down(e) {
    if (this.geometry?.type !== 'Point' || this.mode) return;
    e.preventDefault();
    const canvas = this.map.getCanvas();
    canvas.style.cursor = 'grabbing';
    const move = (m) => { this.geometry = { type: 'Point', coordinates: round([m.lngLat.lng, m.lngLat.lat]) }; this.draw(); };
    const up = () => {
      this.draggedAt = Date.now(); // the click that ends a drag is not a pick
      this.map.off('mousemove', move);
      canvas.style.cursor = '';
      this.changed();
    };
    this.map.on('mousemove', move);
    this.map.once('mouseup', up);
  }

  click(e) {
    const at = round([e.lngLat.lng, e.lngLat.lat]);
    if (this.mode) e.originalEvent.sitrepDraft = true; // the click was ours: nobody else acts on it
    if (this.mode === 'place') {
      this.mode = null;
      this.map.getCanvas().style.cursor = '';
      this.geometry = { type: 'Point', coordinates: at };
      this.changed();
    } else if (this.mode === 'polygon' || this.mode === 'line') {
      this.vertices.push(at);
      this.draw();
    }
  }

  dbl(e) {
    if (this.mode !== 'polygon' && this.mode !== 'line') return;
    e.preventDefault();
    // The double-click's two clicks added the last vertex twice.
    const v = this.vertices.filter((p, i, a) => i === 0 || p[0] !== a[i - 1][0] || p[1] !== a[i - 1][1]);
    const line = this.mode === 'line';
    this.mode = null;
    this.map.getCanvas().style.cursor = '';
    if (v.length < (line ? 2 : 3)) { this.vertices = []; this.draw(); return; }
    this.geometry = line ? { type: 'LineString', coordinates: v } : { type: 'Polygon', coordinates: [[...v, v[0]]] };
    this.vertices = [];
    this.changed();
  }

  destroy() {
    const m = this.map;
    m.off('mousedown', this.pointLayer, this.handlers.down);
    m.off('mouseenter', this.pointLayer, this.handlers.enter);
    m.off('mouseleave', this.pointLayer, this.handlers.leave);
    m.off('click', this.handlers.click);
    m.off('dblclick', this.handlers.dbl);
    m.getSource(this.source)?.setData(EMPTY);
  }
}

// Seven decimals: about 1 cm, finer than any position we are given.
const round = (c) => c.map((x) => Math.round(x * 1e7) / 1e7);
