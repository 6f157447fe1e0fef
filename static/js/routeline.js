// The road route of a team the dispatcher is looking at in the nearest
// list (hover or focus a row): one line on the console map, drawn over the
// layers, with a casing so it reads on any basemap. The server ranks by
// road and sends each candidate's route (nearest?by=road); without roads
// there is nothing to draw.
const EMPTY = { type: 'FeatureCollection', features: [] };

export class RouteLine {
  constructor(map) {
    this.map = map;
    const add = () => {
      if (map.getSource('candidate-route')) return;
      map.addSource('candidate-route', { type: 'geojson', data: EMPTY });
      map.addLayer({ id: 'candidate-route-casing', type: 'line', source: 'candidate-route', layout: { 'line-join': 'round', 'line-cap': 'round' },
        paint: { 'line-color': '#ffffff', 'line-width': 8, 'line-opacity': 0.9 } });
      map.addLayer({ id: 'candidate-route', type: 'line', source: 'candidate-route', layout: { 'line-join': 'round', 'line-cap': 'round' },
        paint: { 'line-color': '#1565c0', 'line-width': 4 } });
    };
    if (map.isStyleLoaded()) add(); else map.once('load', add);
  }

  show(geometry) {
    this.map.getSource('candidate-route')?.setData(geometry ? { type: 'Feature', geometry, properties: {} } : EMPTY);
  }

  clear() { this.show(null); }
}

// roadCell says how a candidate is reached: minutes and road kilometres,
// the danger zones the route kept out of or entered, or that no road
// reaches it; the straight-line distance when the answer has no roads.
export function roadCell(r, km) {
  if (!r.road) return `<td class="num">${km(r.distance_m)}</td>`;
  if (r.road.off_road) return `<td class="num road-cut" title="距最近道路 ${km(r.road.feature_snap_m)}，已加载的路网未覆盖其位置">不在路网内<br><small>直线 ${km(r.distance_m)}</small></td>`;
  if (!r.road.reachable) return `<td class="num road-cut" title="封闭道路、危险区域或单行道阻断，或道路不相连">道路不通<br><small>直线 ${km(r.distance_m)}</small></td>`;
  const zones = r.road.zones || [];
  const entered = zones.filter((z) => z.entered);
  const avoided = zones.filter((z) => !z.entered);
  const notes = [entered.length ? `<span class="road-danger">经过 ${entered.length} 个危险区域</span>` : '',
    avoided.length ? `<span class="road-avoided">已绕开 ${avoided.length} 个危险区域</span>` : ''].filter(Boolean).join(' ');
  return `<td class="num" title="直线 ${km(r.distance_m)}"><b>${Math.max(1, Math.ceil(r.road.eta_min))} 分钟</b><br><small>路程 ${km(r.road.distance_m)}</small>${notes ? `<br><small>${notes}</small>` : ''}</td>`;
}
