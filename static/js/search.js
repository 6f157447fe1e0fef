// Search the wall by name: hazard sources (and their enterprise), shelters,
// teams, sensitive sites, medical facilities, depots and incidents (by
// place), from what the page already holds; picking one flies there and
// opens its details.
import { esc } from './labels.js';
import { LAYER_NAMES } from './style.js';
import { bbox } from './map.js';

const LAYERS = ['incidents', 'hazard_sources', 'shelters', 'rescue_teams', 'sensitive_sites', 'medical_facilities', 'supply_depots'];
const MAX = 8;

const textOf = (layer, p) => (layer === 'incidents' ? [p.place, p.kind_label, p.unit] : [p.name, p.enterprise, p.organisation, p.address, p.code]).filter(Boolean).join(' ');
const nameOf = (layer, p) => (layer === 'incidents' ? `${p.place || p.kind_label || ''}` : p.name || p.code || '');

export function mountSearch(box, map, store) {
  box.innerHTML = `<input type="search" placeholder="搜索危险源、避难场所、队伍、地点…" aria-label="按名称搜索地图" autocomplete="off">
    <ol class="results" role="listbox" hidden></ol>`;
  const input = box.querySelector('input'), list = box.querySelector('.results');
  let hits = [];
  const find = () => {
    const q = input.value.trim().toLowerCase();
    hits = [];
    if (q) {
      for (const layer of LAYERS) {
        for (const f of store.layer(layer).values()) {
          if (f.geometry && textOf(layer, f.properties).toLowerCase().includes(q)) hits.push({ layer, f });
          if (hits.length >= MAX * 3) break;
        }
      }
      // Names that start with the query first.
      hits.sort((a, b) => Number(!nameOf(b.layer, b.f.properties).toLowerCase().startsWith(q)) - Number(!nameOf(a.layer, a.f.properties).toLowerCase().startsWith(q)));
      hits = hits.slice(0, MAX);
    }
    list.innerHTML = hits.map((h, i) => `<li role="option" data-i="${i}"><b>${esc(nameOf(h.layer, h.f.properties).replace(/〔演示〕$/, ''))}</b> <small>${esc(LAYER_NAMES[h.layer])}</small></li>`).join('')
      || (q ? '<li class="none">没有找到</li>' : '');
    list.hidden = !q;
  };
  const go = (h) => {
    if (!h) return;
    const g = h.layer === 'rescue_teams' ? h.f.properties.last_position || h.f.geometry : h.f.geometry;
    if (g.type === 'Point') map.flyTo({ center: g.coordinates, zoom: Math.max(map.getZoom(), 13), duration: 800 });
    else { const b = bbox(g); map.fitBounds([[b[0], b[1]], [b[2], b[3]]], { padding: 120, maxZoom: 15, duration: 800 }); }
    map.fire('sitrep:show', { layer: h.layer, id: h.f.id });
    list.hidden = true;
    input.blur();
  };
  input.addEventListener('input', find);
  input.addEventListener('keydown', (e) => { if (e.key === 'Enter') go(hits[0]); if (e.key === 'Escape') { input.value = ''; find(); } });
  list.addEventListener('click', (e) => { const i = e.target.closest('[data-i]')?.dataset.i; if (i != null) go(hits[Number(i)]); });
  document.addEventListener('click', (e) => { if (!box.contains(e.target)) list.hidden = true; });
}
