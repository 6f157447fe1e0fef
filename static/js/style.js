// Colours and words shared by the map, the legend and the panels: one place,
// so a grade is the same colour everywhere on the wall.

export const GRADE_COLOUR = { I: '#ff3b30', II: '#ff9500', III: '#ffd60a', IV: '#0a84ff' };
export const GRADE_NUMERAL = { I: 'Ⅰ', II: 'Ⅱ', III: 'Ⅲ', IV: 'Ⅳ' };
export const WARNING_COLOUR = { blue: '#1e90ff', yellow: '#ffd400', orange: '#ff8c00', red: '#ff2d2d' };
export const ZONE_COLOUR = { 1: '#ff2d55', 2: '#ff9f0a', 3: '#ffd60a' };
// Evacuation routes: green, the colour of the shelters they lead to.
export const EVACUATION_COLOUR = '#34c759';
// Colours by code; the words for the codes come from the vocabulary (vocab.js).
export const TEAM_COLOUR = { available: '#30d158', dispatched: '#ff9f0a', en_route: '#ff9f0a', on_scene: '#ff375f', returning: '#64d2ff', off_duty: '#8e8e93' };

// A team position older than these looks old (seconds).
export const FRESH_S = 120;
export const STALE_S = 900;

export const LAYER_NAMES = {
  boundaries: '行政区划', population_cells: '人口网格', warnings: '预警区域', zones: '疏散/防护区', evacuation_routes: '疏散路线',
  sensitive_sites: '敏感目标', hazard_sources: '重大危险源', shelters: '避难场所', supply_depots: '物资储备',
  medical_facilities: '医疗机构', experts: '专家', rescue_teams: '救援队伍', incidents: '事件', road_closures: '道路封闭',
  team_routes: '出动路线', staging_points: '集结点',
};

// Layers the registry editor keeps (the API's registry layers).
export const REGISTRY_LAYERS = ['hazard_sources', 'sensitive_sites', 'shelters', 'rescue_teams', 'supply_depots',
  'medical_facilities', 'experts', 'population_cells'];

// What the wall subscribes to on the live stream.
export const STREAM_LAYERS = ['boundaries', 'population_cells', 'warnings', 'zones', 'evacuation_routes', 'sensitive_sites', 'hazard_sources',
  'shelters', 'supply_depots', 'medical_facilities', 'experts', 'rescue_teams', 'incidents', 'road_closures', 'team_routes', 'staging_points'];

// The staging point's icon: a yellow square marked 集.
export const STAGING_ICON = 'ic:sq:ffd60a:' + encodeURIComponent('集');
export const ROUTE_COLOUR = '#64d2ff';

const hex = (c) => c.slice(1);

// The icons the layers below name (icons.js draws each once, up front).
export function iconNames() {
  const names = ['ic:circle:5ac8fa:' + encodeURIComponent('专'), 'ic:sq:a2845e:' + encodeURIComponent('物'), 'ic:sq:ffffff:' + encodeURIComponent('医')];
  for (const c of ['30d158', 'ff453a', '8e8e93']) names.push(`ic:house:${c}:${encodeURIComponent('避')}`);
  for (const [g, c] of Object.entries(GRADE_COLOUR)) names.push(`ic:tri:${hex(c)}:${encodeURIComponent(GRADE_NUMERAL[g])}`);
  names.push(`ic:tri:8e8e93:${encodeURIComponent('危')}`, `ic:arrow:${hex(EVACUATION_COLOUR)}`);
  names.push(STAGING_ICON);
  return names;
}
const matchGrade = (what, fallback) => ['match', ['coalesce', ['get', 'grade'], ''],
  ...Object.entries(what).flat(), fallback];

// Point layers whose features may lie across the county line: each gets a
// grey ring under its symbol where outside_county is set (the registry's
// flag, and the incidents'), so the wall tells a neighbour's site from the
// county's own at a glance. The map layer ids, by source.
export const OUTSIDE_RING = Object.fromEntries(['sensitive_sites', 'hazard_sources', 'shelters', 'supply_depots', 'medical_facilities',
  'experts', 'rescue_teams', 'incidents'].map((s) => [s, `outside-${s}`]));
export const OUTSIDE_COLOUR = '#d0d6de';

// MapLibre layers drawing each source, bottom to top.
export function mapLayers() {
  const gradeHex = Object.fromEntries(Object.entries(GRADE_COLOUR).map(([k, v]) => [k, hex(v)]));
  const numerals = Object.fromEntries(Object.entries(GRADE_NUMERAL).map(([k, v]) => [k, encodeURIComponent(v)]));
  const point = ['==', ['geometry-type'], 'Point'];
  const area = ['any', ['==', ['geometry-type'], 'Polygon'], ['==', ['geometry-type'], 'MultiPolygon']];
  const icon = (shape, fill, text) => ['concat', `ic:${shape}:`, fill, ':', text];
  return [
    { id: 'county-fill', type: 'fill', source: 'boundaries', filter: ['get', 'is_county'], paint: { 'fill-color': '#142233', 'fill-opacity': 0.9 } },
    // Population cells draw from the vector tiles (/tiles, package tiles): the
    // grid can be large, and tiles draw it at any zoom without holding it.
    { id: 'population', type: 'fill', source: 'population_tiles', 'source-layer': 'population_cells', layout: { visibility: 'none' },
      paint: { 'fill-color': ['interpolate', ['linear'], ['coalesce', ['get', 'night_people'], 0], 0, '#3a2d5c', 500, '#8e5cff', 3000, '#e0b3ff'], 'fill-opacity': 0.35 } },
    { id: 'warnings-fill', type: 'fill', source: 'warnings', paint: { 'fill-color': ['match', ['get', 'level'], ...Object.entries(WARNING_COLOUR).flat(), '#888'], 'fill-opacity': 0.22 } },
    { id: 'zones-fill', type: 'fill', source: 'zones', filter: ['all', ['get', 'active'], ['!', ['get', 'what_if']]],
      paint: { 'fill-color': ['match', ['get', 'level'], 1, ZONE_COLOUR[1], 2, ZONE_COLOUR[2], ZONE_COLOUR[3]], 'fill-opacity': ['match', ['get', 'level'], 1, 0.38, 2, 0.2, 0.14] } },
    { id: 'neighbours-line', type: 'line', source: 'boundaries', filter: ['!', ['get', 'is_county']], paint: { 'line-color': '#4b5d73', 'line-width': 1.2 } },
    { id: 'county-line', type: 'line', source: 'boundaries', filter: ['get', 'is_county'], paint: { 'line-color': '#6cb8ff', 'line-width': 3 } },
    // A drill's outline is dashed.
    { id: 'warnings-line', type: 'line', source: 'warnings', filter: ['!', ['get', 'drill']], paint: { 'line-color': ['match', ['get', 'level'], ...Object.entries(WARNING_COLOUR).flat(), '#888'], 'line-width': 3 } },
    { id: 'warnings-line-drill', type: 'line', source: 'warnings', filter: ['get', 'drill'], paint: { 'line-color': ['match', ['get', 'level'], ...Object.entries(WARNING_COLOUR).flat(), '#888'], 'line-width': 3, 'line-dasharray': [2, 2] } },
    { id: 'zones-line', type: 'line', source: 'zones', filter: ['all', ['get', 'active'], ['!', ['get', 'what_if']]],
      paint: { 'line-color': ['match', ['get', 'level'], 1, ZONE_COLOUR[1], 2, ZONE_COLOUR[2], ZONE_COLOUR[3]], 'line-width': 2.5 } },
    // The road from each evacuated place in an active zone to its shelter
    // (the server sends those of active zones only): a dashed green line on
    // a dark casing, arrowheads along it pointing toward the shelter.
    { id: 'evac-routes-casing', type: 'line', source: 'evacuation_routes', layout: { 'line-join': 'round', 'line-cap': 'round' },
      paint: { 'line-color': '#0b1118', 'line-width': 7, 'line-opacity': 0.75 } },
    { id: 'evac-routes', type: 'line', source: 'evacuation_routes', layout: { 'line-join': 'round' },
      paint: { 'line-color': EVACUATION_COLOUR, 'line-width': 4, 'line-dasharray': [2, 1.2] } },
    { id: 'evac-arrows', type: 'symbol', source: 'evacuation_routes',
      layout: { 'symbol-placement': 'line', 'symbol-spacing': 90, 'icon-image': `ic:arrow:${hex(EVACUATION_COLOUR)}`, 'icon-size': 0.42,
        'icon-allow-overlap': true, 'icon-ignore-placement': true, 'icon-rotation-alignment': 'map' } },
    { id: 'sites-fill', type: 'fill', source: 'sensitive_sites', filter: area, paint: { 'fill-color': '#bf5af2', 'fill-opacity': 0.25 } },
    { id: 'sites-line', type: 'line', source: 'sensitive_sites', filter: area, paint: { 'line-color': '#bf5af2', 'line-width': 1.5 } },
    { id: 'sites', type: 'circle', source: 'sensitive_sites', filter: point, paint: { 'circle-radius': 5, 'circle-color': '#bf5af2', 'circle-stroke-color': '#0b1118', 'circle-stroke-width': 1.5 } },
    ...Object.entries(OUTSIDE_RING).map(([source, id]) => ({ id, type: 'circle', source, filter: ['all', point, ['==', ['get', 'outside_county'], true]],
      paint: { 'circle-radius': source === 'incidents' ? 26 : 17, 'circle-opacity': 0, 'circle-stroke-color': OUTSIDE_COLOUR, 'circle-stroke-width': 2.5 } })),
    { id: 'hazards-fill', type: 'fill', source: 'hazard_sources', filter: area, paint: { 'fill-color': matchGrade(GRADE_COLOUR, '#8e8e93'), 'fill-opacity': 0.35 } },
    { id: 'experts', type: 'symbol', source: 'experts', layout: { 'icon-image': 'ic:circle:5ac8fa:' + encodeURIComponent('专'), 'icon-size': 0.55, 'icon-allow-overlap': true } },
    { id: 'depots', type: 'symbol', source: 'supply_depots', layout: { 'icon-image': 'ic:sq:a2845e:' + encodeURIComponent('物'), 'icon-size': 0.6, 'icon-allow-overlap': true } },
    { id: 'medical', type: 'symbol', source: 'medical_facilities', layout: { 'icon-image': 'ic:sq:ffffff:' + encodeURIComponent('医'), 'icon-size': 0.6, 'icon-allow-overlap': true } },
    { id: 'shelters', type: 'symbol', source: 'shelters', layout: { 'icon-image': icon('house', ['match', ['get', 'status'], 'open', '30d158', 'full', 'ff453a', '8e8e93'], encodeURIComponent('避')), 'icon-size': 0.7, 'icon-allow-overlap': true } },
    { id: 'hazards', type: 'symbol', source: 'hazard_sources',
      layout: { 'icon-image': icon('tri', matchGrade(gradeHex, '8e8e93'), matchGrade(numerals, encodeURIComponent('危'))), 'icon-size': 0.8, 'icon-allow-overlap': true } },
    // Where a moving team has been (the last fixes this page saw): at the
    // county-wide zoom a team moves a few pixels a minute, its trail shows
    // where it is heading.
    { id: 'team-trails', type: 'line', source: 'team_trails', layout: { 'line-cap': 'round', 'line-join': 'round' },
      paint: { 'line-color': ['match', ['get', 'status'], ...Object.entries(TEAM_COLOUR).flat(), '#8e8e93'], 'line-width': 4, 'line-opacity': 0.8 } },
    // Where dispatched teams are driving (their road route, to the staging
    // point or the incident), under the teams themselves.
    { id: 'team-routes-casing', type: 'line', source: 'team_routes', layout: { 'line-cap': 'round', 'line-join': 'round' },
      paint: { 'line-color': '#0b1118', 'line-width': 7, 'line-opacity': 0.8 } },
    { id: 'team-routes', type: 'line', source: 'team_routes', layout: { 'line-cap': 'round', 'line-join': 'round' },
      paint: { 'line-color': ROUTE_COLOUR, 'line-width': 3.5, 'line-dasharray': [2, 1] } },
    { id: 'staging', type: 'symbol', source: 'staging_points', layout: { 'icon-image': STAGING_ICON, 'icon-size': 0.8, 'icon-allow-overlap': true } },
    // The selected incident's zones not yet published (dispatch console).
    { id: 'zones-draft-fill', type: 'fill', source: 'draft_zones', paint: { 'fill-color': '#9cc9ff', 'fill-opacity': 0.08 } },
    { id: 'zones-draft-line', type: 'line', source: 'draft_zones',
      paint: { 'line-color': ['match', ['get', 'level'], 1, ZONE_COLOUR[1], 2, ZONE_COLOUR[2], ZONE_COLOUR[3]], 'line-width': 2.5, 'line-dasharray': [2, 2] } },
    { id: 'teams', type: 'circle', source: 'rescue_teams',
      paint: {
        'circle-radius': 11,
        'circle-color': ['case', ['>=', ['get', '_stale'], 2], '#6b7280', ['match', ['get', 'status'], ...Object.entries(TEAM_COLOUR).flat(), '#8e8e93']],
        'circle-opacity': ['match', ['get', '_stale'], 0, 1, 1, 0.8, 0.45],
        'circle-stroke-color': '#ffffff', 'circle-stroke-width': ['match', ['get', '_stale'], 0, 3, 1.5],
        'circle-stroke-opacity': ['match', ['get', '_stale'], 0, 1, 0.5],
      } },
    // Where the officer clicked for a new incident, before it is recorded.
    { id: 'draft-pin', type: 'circle', source: 'draft_pin', paint: { 'circle-radius': 12, 'circle-color': '#3b8cff', 'circle-opacity': 0.6, 'circle-stroke-color': '#fff', 'circle-stroke-width': 3 } },
    { id: 'incidents-halo', type: 'circle', source: 'incidents', filter: ['>', ['get', 'overdue_count'], 0],
      paint: { 'circle-radius': 30, 'circle-color': '#ff3b30', 'circle-opacity': 0.25, 'circle-stroke-color': '#ff3b30', 'circle-stroke-width': 2 } },
    { id: 'incidents', type: 'circle', source: 'incidents',
      paint: { 'circle-radius': 16, 'circle-color': matchGrade(GRADE_COLOUR, '#8e8e93'),
        'circle-stroke-color': ['case', ['get', 'drill'], '#ff5cf0', '#ffffff'], 'circle-stroke-width': 4 } },
  ];
}
