// The legend: what each colour means, how many features each layer holds,
// and a switch per layer (population cells start hidden: they are context
// for editors, clutter on the wall).
import { LAYER_NAMES, GRADE_COLOUR, WARNING_COLOUR, ZONE_COLOUR, TEAM_STATUS } from './style.js';

const MAP_LAYERS = {
  incidents: ['incidents', 'incidents-halo'], rescue_teams: ['teams'], hazard_sources: ['hazards', 'hazards-fill'],
  shelters: ['shelters'], medical_facilities: ['medical'], supply_depots: ['depots'], experts: ['experts'],
  sensitive_sites: ['sites', 'sites-fill', 'sites-line'], zones: ['zones-fill', 'zones-line'],
  warnings: ['warnings-fill', 'warnings-line', 'warnings-line-drill'], population_cells: ['population'],
};

const sw = (c, shape = '') => `<i class="sw ${shape}" style="--c:${c}"></i>`;

export function mountLegend(el, map, store) {
  const keys = {
    incidents: Object.entries(GRADE_COLOUR).map(([g, c]) => sw(c, 'dot') + g).join(' ') + ` ${sw('#ff5cf0', 'ring')}演练`,
    rescue_teams: Object.entries(TEAM_STATUS).slice(0, 5).map(([, [l, c]]) => sw(c, 'dot') + l).join(' ') + ` ${sw('#6b7280', 'dot faded')}位置过时`,
    hazard_sources: Object.entries(GRADE_COLOUR).map(([g, c]) => sw(c, 'tri') + g).join(' '),
    warnings: Object.entries(WARNING_COLOUR).map(([, c]) => sw(c)).join('') + ' 蓝/黄/橙/红',
    zones: Object.entries(ZONE_COLOUR).map(([l, c]) => sw(c) + `${l}级`).join(' '),
  };
  el.innerHTML = `<h2>图层</h2><ul>${Object.keys(MAP_LAYERS).map((n) => `
    <li><label><input type="checkbox" data-layer="${n}" ${n === 'population_cells' ? '' : 'checked'}>
      ${LAYER_NAMES[n]} <span class="n" data-count="${n}"></span></label>${keys[n] ? `<div class="key">${keys[n]}</div>` : ''}</li>`).join('')}
    </ul>`;
  // Labels are HTML markers, not map layers: the map container lists the
  // layers switched off, and CSS hides their labels (app.css).
  const hidden = new Set(['population_cells']);
  el.addEventListener('change', (e) => {
    const n = e.target.dataset.layer;
    for (const id of MAP_LAYERS[n] || []) map.setLayoutProperty(id, 'visibility', e.target.checked ? 'visible' : 'none');
    if (e.target.checked) hidden.delete(n); else hidden.add(n);
    map.getContainer().dataset.hidden = [...hidden].join(' ');
  });
  for (const n of Object.keys(MAP_LAYERS)) {
    store.on(n, (layer) => { el.querySelector(`[data-count="${n}"]`).textContent = layer.size; });
  }
}
