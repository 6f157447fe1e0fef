// Text on the map as HTML markers (MapLibre's own text needs glyph files,
// which an offline command centre does not have; the system's CJK font is
// here). One marker per feature, kept and updated in place by id, removed
// when the feature goes: the count never exceeds the features on the map.
import { display } from './map.js';
import { now } from './api.js';
import { onTick } from './time.js';

export class Labels {
  constructor(maplibregl, map, store, layer, render, { minZoom = 0, priority = () => 0 } = {}) {
    this.priority = priority;
    this.markers = new Map(); // id → {marker, el}
    this.maplibregl = maplibregl;
    this.map = map;
    this.layer = layer;
    this.render = render;
    this.minZoom = minZoom;
    store.on(layer, (features) => this.sync(features));
    map.on('zoomend', () => this.zoom());
  }

  sync(features) {
    const at = now();
    for (const [id, m] of this.markers) {
      if (!features.has(id)) { m.marker.remove(); this.markers.delete(id); }
    }
    for (const [id, f] of features) {
      const d = display(this.layer, f, at);
      if (!d || d.geometry.type !== 'Point') continue;
      let m = this.markers.get(id);
      if (!m) {
        const el = document.createElement('div');
        el.className = `maplabel maplabel-${this.layer}`;
        el.dataset.id = id;
        m = { el, marker: new this.maplibregl.Marker({ element: el, anchor: 'top', offset: [0, 14] }) };
        m.marker.setLngLat(d.geometry.coordinates).addTo(this.map);
        this.markers.set(id, m);
      } else {
        m.marker.setLngLat(d.geometry.coordinates);
      }
      // Across the county line: said on the label too (the ring is style.js's).
      const html = this.render(d.properties, f) + (d.properties.outside_county ? '<small class="outside">县外</small>' : '');
      if (m.html !== html) { m.el.innerHTML = html; m.html = html; }
      m.el.dataset.priority = this.priority(d.properties);
    }
    this.zoom();
    this.map.fire('sitrep:labels'); // declutter.js lays them out again
  }

  zoom() {
    const hide = this.map.getZoom() < this.minZoom - 1e-6;
    for (const m of this.markers.values()) m.el.classList.toggle('below-zoom', hide);
  }

  // Re-render every label (for text that changes with time, like ages).
  every(seconds, store) {
    let n = 0;
    onTick(() => { if (++n % seconds === 0) this.sync(store.layer(this.layer)); });
  }
}

// clip shortens a name for a map label to n characters, ending in "…" when
// it cut something: "消防救援大" alone would read as another word.
export function clip(s, n) {
  const chars = [...String(s ?? '')];
  return chars.length > n ? chars.slice(0, n - 1).join('') + '…' : chars.join('');
}

export function esc(s) {
  return String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));
}
