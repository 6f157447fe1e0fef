// The optional basemap: none by default (the county and neighbour boundaries
// give the context, and the command centre may be offline). One setting
// turns one on: ?basemap=<raster tile URL with {z}/{x}/{y}> or
// ?basemap=<MapLibre style URL ending in .json>, with
// &basemap_attribution=<text shown on the map>. The choice is remembered in
// this browser (localStorage); ?basemap=off forgets it.
//
// e.g. ?basemap=https://tile.openstreetmap.org/{z}/{x}/{y}.png&basemap_attribution=© OpenStreetMap contributors

const KEY = 'sitrep.basemap';

export function basemapSetting() {
  const q = new URLSearchParams(location.search);
  if (q.get('basemap') === 'off') { localStorage.removeItem(KEY); return null; }
  if (q.get('basemap')) {
    const s = { url: q.get('basemap'), attribution: q.get('basemap_attribution') || '' };
    localStorage.setItem(KEY, JSON.stringify(s));
    return s;
  }
  try { return JSON.parse(localStorage.getItem(KEY)); } catch { return null; }
}

// The style the map starts from: a vector style URL as is, otherwise an
// empty dark style with the raster basemap (if any) as its first layer.
export function baseStyle(setting) {
  if (setting && /\.json(\?|$)/.test(setting.url)) return setting.url;
  const style = {
    version: 8,
    sources: {},
    layers: [{ id: 'background', type: 'background', paint: { 'background-color': '#0b1118' } }],
  };
  if (setting) {
    style.sources.basemap = { type: 'raster', tiles: [setting.url], tileSize: 256, attribution: setting.attribution };
    style.layers.push({ id: 'basemap', type: 'raster', source: 'basemap', paint: { 'raster-opacity': 0.55, 'raster-saturation': -0.6 } });
  }
  return style;
}
