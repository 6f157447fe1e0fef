// The legend: what each colour means, how many features each layer holds,
// and a switch per layer (population cells start hidden: they are context
// for editors, clutter on the wall). It folds to one button, and starts
// folded on a laptop-sized screen, so it never hides a third of the map.
import { LAYER_NAMES, GRADE_COLOUR, GRADE_NUMERAL, WARNING_COLOUR, ZONE_COLOUR, EVACUATION_COLOUR, TEAM_COLOUR, OUTSIDE_RING, OUTSIDE_COLOUR, ROUTE_COLOUR } from './style.js';
import { term } from './vocab.js';
import { esc } from './labels.js';
import { CLOSURE_LAYER, CLOSURE_MAP_LAYERS, closureKey, inForce } from './closures.js';

const MAP_LAYERS = {
  incidents: ['incidents', 'incidents-halo'], rescue_teams: ['teams', 'team-trails'], hazard_sources: ['hazards', 'hazards-fill'],
  shelters: ['shelters'], medical_facilities: ['medical'], supply_depots: ['depots'], experts: ['experts'],
  sensitive_sites: ['sites', 'sites-fill', 'sites-line'], zones: ['zones-fill', 'zones-line'],
  evacuation_routes: ['evac-routes-casing', 'evac-routes', 'evac-arrows'],
  warnings: ['warnings-fill', 'warnings-line', 'warnings-line-drill'], [CLOSURE_LAYER]: CLOSURE_MAP_LAYERS, population_cells: ['population'],
  team_routes: ['team-routes', 'team-routes-casing'], staging_points: ['staging'],
};
for (const [source, id] of Object.entries(OUTSIDE_RING)) MAP_LAYERS[source].push(id);

const sw = (c, shape = '') => `<i class="sw ${shape}" style="--c:${c}"></i>`;
const key = (items) => items.map(([swatch, text]) => `<span class="k">${swatch}${esc(text)}</span>`).join('');

export function mountLegend(el, map, store) {
  const keys = {
    incidents: key([...Object.entries(GRADE_COLOUR).map(([g, c]) => [sw(c, 'dot'), GRADE_NUMERAL[g] + '级']), [sw('#ff5cf0', 'ring'), '演练']]),
    rescue_teams: key([...['available', 'en_route', 'on_scene', 'returning'].map((s) => [sw(TEAM_COLOUR[s], 'dot'), term('rescue_teams.status', s)]), [sw('#6b7280', 'dot faded'), '位置过时']]),
    hazard_sources: key(Object.entries(GRADE_COLOUR).map(([g, c]) => [sw(c, 'tri'), GRADE_NUMERAL[g] + '级'])),
    warnings: key(Object.entries(WARNING_COLOUR).map(([l, c]) => [sw(c), term('warning.level', l).replace(/预警$/, '')])),
    zones: key(Object.entries(ZONE_COLOUR).map(([l, c]) => [sw(c), `${l}级区域`])),
    [CLOSURE_LAYER]: closureKey(),
  };
  // One-symbol layers show it beside their name, not on a line of its own:
  // on the wall the legend must fit beside the alarm strip.
  const marks = { evacuation_routes: sw(EVACUATION_COLOUR, 'route'), team_routes: sw(ROUTE_COLOUR, 'line'), staging_points: sw('#ffd60a') };
  const folded = window.innerWidth < 1600;
  el.classList.toggle('folded', folded);
  el.innerHTML = `<button type="button" class="fold" aria-expanded="${!folded}">图例与图层</button><ul>${Object.keys(MAP_LAYERS).map((n) => `
    <li><label><input type="checkbox" data-layer="${n}" ${n === 'population_cells' ? '' : 'checked'}>
      ${marks[n] || ''}${LAYER_NAMES[n]} <span class="n" data-count="${n}"></span></label>${keys[n] ? `<div class="key">${keys[n]}</div>` : ''}</li>`).join('')}
    <li class="outside-key"><div class="key">${key([[sw(OUTSIDE_COLOUR, 'ring'), '灰圈：在县界外（相邻区县）']])}</div></li>
    </ul>`;
  el.querySelector('.fold').onclick = () => {
    const f = el.classList.toggle('folded');
    el.querySelector('.fold').setAttribute('aria-expanded', String(!f));
  };
  // Labels are HTML markers, not map layers: the map container lists the
  // layers switched off, and CSS hides their labels (app.css).
  const hidden = new Set(['population_cells']);
  el.addEventListener('change', (e) => {
    const n = e.target.dataset.layer;
    if (!n) return;
    for (const id of MAP_LAYERS[n] || []) map.setLayoutProperty(id, 'visibility', e.target.checked ? 'visible' : 'none');
    if (e.target.checked) hidden.delete(n); else hidden.add(n);
    map.getContainer().dataset.hidden = [...hidden].join(' ');
    map.getContainer().dispatchEvent(new Event('sitrep:layers'));
  });
  for (const n of Object.keys(MAP_LAYERS)) {
    // Reopened closures stay in the layer for the record, off the map: count those in force.
    const count = n === CLOSURE_LAYER ? (layer) => [...layer.values()].filter(inForce).length : (layer) => layer.size;
    store.on(n, (layer) => { el.querySelector(`[data-count="${n}"]`).textContent = count(layer); });
  }
}
