// The selected incident's zones in the dispatch console. A run computed for
// the incident is a draft: drawn dashed on this console's map only, with
// what is inside each ring, until someone publishes it to the wall
// (PATCH /zones/{id} {"active": true}, If-Match). A published zone can be
// switched off again. Drafts are version 1 and inactive; a zone switched off
// after publishing is inactive with a later version.
import { api } from './api.js';
import { esc } from './labels.js';
import { term } from './vocab.js';
import { zoneName } from './zoneform.js';
import { beijing } from './time.js';

const RUNS_SHOWN = 4;

export const isDraft = (z) => !z.properties.active && z.properties.version === 1;

export class ZoneList {
  constructor(box, { map, id, canWrite, msg, fail, onPropose }) {
    Object.assign(this, { box, map, id, canWrite, msg, fail, onPropose });
    this.zones = [];
    this.impacts = new Map(); // zone id → impact (zones never change shape)
    this.loading = 0;
    box.addEventListener('click', (e) => {
      const run = e.target.closest('[data-run]')?.dataset.run;
      if (e.target.matches('.publish')) this.setRun(run, true);
      else if (e.target.matches('.switch-off')) this.setRun(run, false);
      else if (e.target.matches('.propose')) { const z = this.zones.find((x) => String(x.id) === e.target.dataset.zone); if (z) onPropose(z); }
    });
    this.load();
  }

  async load() {
    const mine = ++this.loading;
    try {
      const zones = (await api('GET', `/api/v1/incidents/${this.id}/zones`)).data.features;
      const runs = this.runsOf(zones).slice(0, RUNS_SHOWN);
      const wanted = runs.flatMap((r) => r.zones).filter((z) => !this.impacts.has(String(z.id)));
      const got = await Promise.all(wanted.map((z) => api('GET', `/api/v1/zones/${z.id}/impact`).then((r) => r.data).catch(() => null)));
      wanted.forEach((z, i) => { if (got[i]) this.impacts.set(String(z.id), got[i]); });
      if (mine !== this.loading) return;
      this.zones = zones;
      this.draw();
    } catch (e) { this.box.textContent = e.message; }
  }

  runsOf(zones) {
    const runs = new Map();
    for (const z of zones) {
      const r = runs.get(z.properties.run_id) || { id: z.properties.run_id, zones: [], p: z.properties };
      r.zones.push(z);
      runs.set(z.properties.run_id, r);
    }
    return [...runs.values()].sort((a, b) => b.id - a.id);
  }

  draw() {
    const runs = this.runsOf(this.zones);
    const shown = runs.filter((r, i) => i < RUNS_SHOWN || r.zones.some((z) => z.properties.active));
    const drafts = this.zones.filter(isDraft);
    this.map.getSource('draft_zones')?.setData({ type: 'FeatureCollection', features: drafts.filter((z) => shown.some((r) => r.id === z.properties.run_id)) });
    this.box.innerHTML = shown.length ? shown.map((r) => this.runHTML(r)).join('') + (runs.length > shown.length ? `<p class="note">另有 ${runs.length - shown.length} 次较早的计算未列出</p>` : '')
      : '<p class="note">尚未计算区域</p>';
  }

  runHTML(r) {
    const active = r.zones.filter((z) => z.properties.active).length;
    const draft = r.zones.every(isDraft);
    const state = active ? (active === r.zones.length ? '<span class="pill live">已发布到态势图</span>' : '<span class="pill live">部分发布</span>')
      : draft ? '<span class="pill draft">草稿（未发布）</span>' : '<span class="pill off">已撤下</span>';
    const b = beijing(Date.parse(r.p.at));
    const action = !this.canWrite ? '' : active ? `<button type="button" class="switch-off danger">撤下</button>`
      : `<button type="button" class="publish primary">${draft ? '发布到态势图' : '重新发布'}</button>`;
    return `<div class="zone-run${active ? ' is-live' : draft ? ' is-draft' : ' is-off'}" data-run="${esc(r.id)}">
      <div class="run-head"><b>${esc(term('zone.model', r.p.model))}</b> <small>${b.date.slice(5)} ${b.hm} 计算</small> ${state} ${action}</div>
      <table class="impact"><thead><tr><th>区域</th><th class="num">人口</th><th>区内目标</th></tr></thead><tbody>
      ${r.zones.sort((a, c) => a.properties.level - c.properties.level).map((z) => this.zoneRow(z)).join('')}</tbody></table></div>`;
  }

  zoneRow(z) {
    const im = this.impacts.get(String(z.id)) || {};
    const p = z.properties;
    const names = (xs) => (xs || []).map((h) => esc(String(h.name).replace(/〔演示〕$/, ''))).join('、') || '无';
    return `<tr data-zone="${esc(z.id)}"><td><b>${p.level}级</b> ${esc(zoneName(p))}${p.evacuate ? ' <span class="pill red">疏散</span>' : ''}<br><small>${Math.round(p.extent_m)} m</small>
      ${this.canWrite && p.active && im.people ? `<br><button type="button" class="propose" data-zone="${esc(z.id)}">安置方案</button>` : ''}</td>
      <td class="num big">${im.people ?? '—'}</td>
      <td class="inside"><div><b>敏感目标</b> ${Object.entries(im.sites_by_kind || {}).map(([k, v]) => `${esc(term('sensitive_sites.kind', k))} ${Array.isArray(v) ? v.length : v}`).join('、') || '无'}</div>
        <div><b>危险源</b> ${names(im.hazard_sources)}</div><div><b>避难场所</b> ${names(im.shelters)}</div><div><b>队伍</b> ${names(im.rescue_teams)}</div></td></tr>`;
  }

  // Publish or switch off every zone of a run, each with the version shown.
  async setRun(runId, active) {
    const zones = this.zones.filter((z) => String(z.properties.run_id) === String(runId) && z.properties.active !== active);
    try {
      for (const z of zones) await api('PATCH', `/api/v1/zones/${z.id}`, { body: { active }, etag: `"${z.properties.version}"` });
      this.msg('ok', active ? `已发布 ${zones.length} 个区域到态势图` : `已撤下 ${zones.length} 个区域`);
    } catch (e) { this.fail(e); }
    this.load();
  }

  destroy() { this.map.getSource('draft_zones')?.setData({ type: 'FeatureCollection', features: [] }); }
}
