// Click any feature on the map for its details: its name, what it is, and
// its fields by their Chinese titles (the registry's own, from the API's
// OpenAPI document) with codes shown as the vocabulary's words. Also opened
// by the search (event "sitrep:show").
import { esc } from './labels.js';
import { LAYER_NAMES, GRADE_NUMERAL, REGISTRY_LAYERS } from './style.js';
import { layerSchema } from './schema.js';
import { term, has, tagLabel, vocabularyOf } from './vocab.js';
import { age, beijing } from './time.js';
import { positionAge } from './map.js';
import { zoneName } from './zoneform.js';
import { CLOSURE_LAYER, CLOSURE_MAP_LAYERS, closureActions } from './closures.js';

// Map layer id → the store's layer it draws.
const SOURCE = { incidents: 'incidents', teams: 'rescue_teams', hazards: 'hazard_sources', 'hazards-fill': 'hazard_sources', shelters: 'shelters',
  medical: 'medical_facilities', depots: 'supply_depots', experts: 'experts', sites: 'sensitive_sites', 'sites-fill': 'sensitive_sites',
  'zones-fill': 'zones', 'warnings-fill': 'warnings', 'team-routes': 'team_routes', staging: 'staging_points',
  'evac-routes': 'evacuation_routes', 'evac-routes-casing': 'evacuation_routes',
  ...Object.fromEntries(CLOSURE_MAP_LAYERS.map((id) => [id, CLOSURE_LAYER])) };
// Fields a popup leaves out: bookkeeping, or shown another way.
const SKIP = new Set(['version', 'updated_at', 'synthetic', 'grading', 'last_position', 'major', 'id', 'grade', 'code']);

export class FeaturePopups {
  constructor(maplibregl, map, store) {
    this.map = map;
    this.store = store;
    this.popup = new maplibregl.Popup({ maxWidth: '420px', className: 'details', closeOnClick: true });
    map.on('click', (e) => {
      // Another tool owns the click (measuring, placing an incident, the registry editor).
      if (map.sitrepTool || document.body.dataset.mode === 'registry' || e.originalEvent.sitrepDraft) return;
      const ids = Object.keys(SOURCE).filter((id) => map.getLayer(id));
      const hit = map.queryRenderedFeatures([[e.point.x - 6, e.point.y - 6], [e.point.x + 6, e.point.y + 6]], { layers: ids })[0];
      if (hit?.properties.id != null) this.show(SOURCE[hit.layer.id], hit.properties.id, e.lngLat);
    });
    map.on('sitrep:show', (e) => this.show(e.layer, e.id));
  }

  async show(layer, id, at) {
    const f = this.store.get(layer, id);
    if (!f) return;
    const g = layer === 'rescue_teams' ? f.properties.last_position || f.geometry : f.geometry;
    const where = at || (g.type === 'Point' ? g.coordinates : null);
    if (!where) return;
    const html = await this.html(layer, f);
    this.popup.setLngLat(where).setHTML(html).addTo(this.map);
  }

  async html(layer, f) {
    const p = f.properties;
    const head = (name, what) => `<h3>${esc(name)}</h3><p class="what">${esc(what)}${p.synthetic ? ' · <span class="syn">虚构演示数据</span>' : ''}</p>`;
    const rows = (pairs) => `<table>${pairs.filter(([, v]) => v !== '' && v != null).map(([k, v]) => `<tr><th>${esc(k)}</th><td>${esc(v)}</td></tr>`).join('')}</table>`;
    if (layer === 'incidents') {
      return head(p.place || p.kind_label, `${p.drill ? '【演练】' : ''}${term('incident.kind', p.kind)} · 事件 #${f.id}`) + rows([
        ['等级', p.grade ? term('incident.grade', p.grade) : '未定级'], ['响应', p.level ? term('response.level', p.level) : '未启动'],
        ['状态', term('incident.state', p.state)], ['发生时间', p.occurred_at_beijing], ['死亡', p.casualties?.deaths], ['重伤', p.casualties?.serious_injuries],
        ['被困', p.casualties?.trapped], ['紧急疏散', p.casualties?.evacuated]]);
    }
    if (layer === 'zones') {
      return head(`${p.level}级 ${zoneName(p)}`, `${term('zone.model', p.model)} · 事件 #${p.incident_id}`) + rows([['范围', `${Math.round(p.extent_m)} m`], ['需疏散', p.evacuate ? '是' : '否']]);
    }
    if (layer === 'evacuation_routes') {
      return head(`${p.from_name} → ${p.shelter_name}`, `疏散路线 · ${p.zone_level}级 ${p.zone_name || ''} · 事件 #${p.incident_id}`) + rows([
        ['人数', p.people == null ? '' : `${p.people} 人`], ['行车时间', p.minutes == null ? '' : `约 ${p.minutes} 分钟`],
        ['路程', p.distance_m == null ? '' : `${(p.distance_m / 1000).toFixed(1)} 千米`], ['说明', p.note]]);
    }
    if (layer === CLOSURE_LAYER) {
      const status = term('road_closures.status', p.status), when = beijing(Date.parse(p.updated_at));
      return head(p.name, `道路封闭（交通管制） · ${status}`) + rows([['原因', p.reason], ['决定单位/人', p.ordered_by], ['状态', status],
        ['最近更新', `${when.date} ${when.hm}`]]) + closureActions(f);
    }
    if (layer === 'team_routes') {
      return head(`${p.team} 的出动路线`, `前往${p.destination === 'staging' ? '集结点' : '事件现场'} · 事件 #${p.incident_id}`) + rows([
        ['预计到达', p.eta ? `${beijing(Date.parse(p.eta)).hm}（北京时间）` : ''], ['全程', `${(p.distance_m / 1000).toFixed(1)} km，约 ${Math.ceil(p.seconds / 60)} 分钟`],
        ['偏离路线', p.off_route_m > 200 ? `${Math.round(p.off_route_m)} m` : '']]);
    }
    if (layer === 'staging_points') {
      return head(p.label, p.source === 'proposed' ? '系统建议的集结点' : '调度员指定的集结点') + rows([['说明', p.note], ['设定人', p.set_by]]);
    }
    if (layer === 'warnings') {
      return head(term('warning.level', p.level), `${p.drill ? '【演练】' : ''}${p.event || ''}`) + rows([['范围', p.area_desc], ['生效', p.onset_beijing || p.onset], ['发布单位', p.authority]]);
    }
    const pairs = [];
    if (REGISTRY_LAYERS.includes(layer)) {
      const schema = await layerSchema(layer);
      for (const fd of schema.fields) {
        if (SKIP.has(fd.name)) continue;
        const v = fd.name === 'inventory' ? (p.grading?.terms || []).map((t) => `${t.name_zh || t.chemical} ${t.tonnes} t`).join('；') : this.value(layer, fd, p[fd.name]);
        pairs.push([fd.title, v]);
      }
    }
    if (layer === 'rescue_teams') pairs.push(['位置', p.observed_at ? `定位于 ${age(positionAge(f))}` : '无实时定位，显示驻地']);
    if (layer === 'hazard_sources') pairs.unshift(['等级', p.grade ? `${GRADE_NUMERAL[p.grade]}级重大危险源` : '非重大危险源']);
    return head(p.name || p.code || `#${f.id}`, LAYER_NAMES[layer]) + rows(pairs);
  }

  value(layer, fd, v) {
    if (v == null || v === '' || (Array.isArray(v) && !v.length)) return '';
    const vocab = vocabularyOf(layer, fd.name);
    if (Array.isArray(v) && v.every((x) => typeof x !== 'object')) return v.map((x) => tagLabel(vocab, x)).join('、');
    if (fd.enum || has(vocab)) return term(vocab, v);
    if (typeof v === 'boolean') return v ? '是' : '否';
    if (Array.isArray(v)) return v.map((x) => (typeof x === 'object' ? Object.values(x).filter((y) => y != null && y !== '').join(' ') : x)).join('；');
    if (typeof v === 'object') return '';
    if (fd.format === 'date-time') { const b = beijing(Date.parse(v)); return `${b.date} ${b.hm}`; }
    return String(v);
  }
}
