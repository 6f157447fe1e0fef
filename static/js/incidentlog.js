// The incident log (事件日志) in the dispatch console: what happened to the
// incident, newest first, in Beijing time. Reports, decisions, dispatches and
// team moves come from the incident's timeline (GET …/timeline); the zone
// runs and their publishing from its zones; the warnings from every version
// of each warning issued for it (OGC warnings collection filtered by
// incident, then …/history). Loaded on selection and when something of the
// incident changes, never on a timer.
import { api } from './api.js';
import { esc } from './labels.js';
import { term } from './vocab.js';
import { beijing } from './time.js';

const GRADE = (g) => (g ? term('incident.grade', g) : '未定级');
const status = (s) => `${term('incident.state', s?.state)}${s?.level ? `（${term('response.level', s.level)}）` : ''}`;

// One timeline entry in words.
export function describe(e) {
  const d = e.data || {};
  switch (e.type) {
    case 'created': return '接报登记';
    case 'report': return `收到${term('report.kind', d.kind)}（${term('report.tier', d.tier)}）${d.partial ? '，内容不全' : ''}`;
    case 'updated': return d.grade_before && d.grade_after && d.grade_before !== d.grade_after ? `修改事件信息，定级 ${GRADE(d.grade_before)} → ${GRADE(d.grade_after)}` : `修改事件信息${e.reason ? '：' + e.reason : ''}`;
    case 'state': return `状态 ${status(d.from)} → ${status(d.to)}${e.reason ? '：' + e.reason : ''}`;
    case 'checklist': return `终止条件核查${e.reason ? '：' + e.reason : ''}`;
    case 'exposure': return '区域内目标变化，重新评估较大涉险情形';
    case 'dispatch': return `派遣 ${d.team || '队伍'}`;
    case 'team_status': return `${d.team || '队伍'}：${term('rescue_teams.status', d.to)}`;
    case 'overdue': return e.reason || '报告超时';
    default: return e.reason || '其他记录';
  }
}

const MSG = { Alert: '发布', Update: '调整为', Cancel: '解除' };

export class IncidentLog {
  constructor(box, { id, onTimeline }) {
    Object.assign(this, { box, id, onTimeline });
    this.loading = 0;
    box.innerHTML = '<ol class="log"><li class="note">载入中…</li></ol>';
    this.load();
  }

  async load() {
    const mine = ++this.loading;
    try {
      const [timeline, zones, warnings] = await Promise.all([
        api('GET', `/api/v1/incidents/${this.id}/timeline`).then((r) => r.data),
        api('GET', `/api/v1/incidents/${this.id}/zones`).then((r) => r.data.features),
        this.warnings(),
      ]);
      if (mine !== this.loading) return;
      this.onTimeline?.(timeline);
      const items = timeline.map((e) => ({ at: Date.parse(e.at), kind: e.type, text: describe(e), who: e.actor }));
      const runs = new Map();
      for (const z of zones) {
        const p = z.properties;
        if (!runs.has(p.run_id)) runs.set(p.run_id, { at: Date.parse(p.at), kind: 'zone', text: `计算区域：${term('zone.model', p.model)}`, n: 0 });
        runs.get(p.run_id).n++;
        if (p.version > 1) items.push({ at: Date.parse(p.updated_at), kind: 'zone', text: `${p.active ? '发布' : '撤下'}区域：${p.level}级（${term('zone.model', p.model)}）` });
      }
      for (const r of runs.values()) items.push({ ...r, text: `${r.text}，${r.n} 级` });
      items.push(...warnings);
      items.sort((a, b) => b.at - a.at);
      this.box.innerHTML = `<ol class="log">${items.map((i) => { const b = beijing(i.at); return `<li class="log-${esc(i.kind)}"><time>${b.date.slice(5)} ${b.time}</time> <span>${esc(i.text)}</span></li>`; }).join('')}</ol>`;
      this.items = items;
    } catch (e) { this.box.textContent = e.message; }
  }

  async warnings() {
    const q = new URLSearchParams({ f: 'json', limit: '100', 'filter-lang': 'cql2-text', filter: `incident_id = ${Number(this.id)}` });
    const list = (await api('GET', `/ogc/collections/warnings/items?${q}`)).data.features || [];
    const out = [];
    for (const w of list) {
      const versions = (await api('GET', `/api/v1/warnings/${w.id}/history`)).data.features || [];
      for (const v of versions) {
        const p = v.properties;
        out.push({ at: Date.parse(p.sent || p.issued_at || p.onset), kind: 'warning', text: `${MSG[p.msg_type] || '发布'}${term('warning.level', p.level)}：${p.area_desc || ''}` });
      }
    }
    return out;
  }
}
