// Teams for the selected incident in the dispatch console: the nearest
// available ones (optionally with a capability), sent N at a time after a
// confirmation that lists them; and the teams working for this incident —
// those its timeline shows dispatched and not yet back to available — with
// their status, how old their position is and how far they are, updated in
// place (a row, and the button under the cursor, stays put while they move).
import { api, now } from './api.js';
import { esc } from './labels.js';
import { can } from './roles.js';
import { term, terms, options } from './vocab.js';
import { age } from './time.js';
import { haversine, positionAge, km, mapPadding } from './map.js';
import { RouteLine, roadCell } from './routeline.js';
import { StagingPanel } from './staging.js';
import { beijing } from './time.js';

const NEXT_STATUS = { dispatched: ['en_route'], en_route: ['on_scene'], on_scene: ['returning'], returning: ['available'] };
const CANDIDATES = 8;

// Teams assigned to the incident, from its timeline: dispatched here, and
// no later move back to available (which ends an assignment).
export function assignedTeams(timeline) {
  const on = new Map();
  for (const e of [...timeline].sort((a, b) => a.id - b.id)) {
    const id = String(e.data?.team_id ?? '');
    if (!id) continue;
    if (e.type === 'dispatch') on.set(id, e);
    else if (e.type === 'team_status' && e.data.to === 'available') on.delete(id);
  }
  return on;
}

export class TeamPanel {
  constructor(box, { store, map, id, role, msg, fail, onChange }) {
    Object.assign(this, { box, store, map, id, role, msg, fail, onChange });
    this.canSend = can(role, 'teams:dispatch');
    this.assigned = new Map();
    box.innerHTML = `<div class="staging"></div><h4>派遣救援队伍</h4>
      ${this.canSend ? `<div class="row send-row"><label>数量 <select class="n">${[1, 2, 3, 4, 5, 6].map((n) => `<option${n === 3 ? ' selected' : ''}>${n}</option>`).join('')}</select></label>
        <label>能力 <select class="cap"><option value="">不限</option>${options('rescue_teams.capabilities', '', esc)}</select></label>
        <button type="button" class="primary send-n">派遣最近 3 支</button></div>` : ''}
      <div class="near-teams note">查询中…</div>
      <h4>本事件出动队伍</h4><div class="coming"><p class="note">暂无出动队伍</p></div>
      <h4>最近的有空位避难场所</h4><div class="near-shelters note">查询中…</div>
      <dialog class="confirm-send"><form method="dialog"><h3>确认派遣</h3><ol class="to-send"></ol>
        <div class="row"><button value="ok" class="primary confirm">确认派遣</button><button value="cancel">取消</button></div></form></dialog>`;
    const label = () => { box.querySelector('.send-n').textContent = `派遣最近 ${box.querySelector('.n').value} 支${box.querySelector('.cap').value ? '（' + term('rescue_teams.capabilities', box.querySelector('.cap').value) + '）' : ''}`; };
    box.querySelector('.n')?.addEventListener('change', () => { label(); this.loadNearest(); });
    box.querySelector('.cap')?.addEventListener('change', () => { label(); this.loadNearest(); });
    box.addEventListener('click', (e) => {
      if (e.target.matches('.send-n')) this.confirmSend(this.nearest.filter((t) => t.road?.reachable !== false).slice(0, Number(box.querySelector('.n').value)));
      else if (e.target.matches('.send')) this.confirmSend(this.nearest.filter((t) => String(t.id) === e.target.dataset.team));
      else if (e.target.matches('.status')) this.setStatus(e.target.dataset.team, e.target.dataset.status);
    });
    this.staging = new StagingPanel(box.querySelector('.staging'), { store, map, id, role, msg, fail });
    this.offRoutes = store.on('team_routes', () => this.drawComing());
    // Hovering or focusing a candidate draws its road route.
    this.route = map ? new RouteLine(map) : null;
    const routeOf = (e) => this.nearest.find((t) => String(t.id) === e.target.closest?.('.near-teams tr[data-team]')?.dataset.team);
    for (const ev of ['mouseover', 'focusin']) box.addEventListener(ev, (e) => { const t = routeOf(e); if (t?.road?.geometry) this.route?.show(t.road.geometry); });
    box.querySelector('.near-teams').addEventListener('mouseleave', () => this.route?.clear());
    this.nearest = [];
    this.loadNearest();
  }

  async loadNearest() {
    if (!this.store.get('incidents', this.id)?.geometry) {
      for (const s of ['.near-teams', '.near-shelters']) this.box.querySelector(s).textContent = '事件尚无位置，无法按距离查找（请先确定事故位置）';
      this.nearest = [];
      return;
    }
    const cap = this.box.querySelector('.cap')?.value;
    const k = Math.max(CANDIDATES, Number(this.box.querySelector('.n')?.value || 3));
    try {
      const [teams, shelters] = await Promise.all([
        api('GET', `/api/v1/nearest?layer=rescue_teams&incident=${this.id}&k=${k}&status=available${cap ? `&capability=${encodeURIComponent(cap)}` : ''}`),
        api('GET', `/api/v1/nearest?layer=shelters&incident=${this.id}&k=5&min_free=1`),
      ]);
      this.nearest = teams.data.results;
      this.route?.clear();
      this.frameOnce();
      const byRoad = teams.data.by === 'road';
      const sendN = this.box.querySelector('.send-n');
      if (sendN) sendN.textContent = sendN.textContent.replace(/派遣最(近|快)/, byRoad ? '派遣最快' : '派遣最近');
      const box = this.box.querySelector('.near-teams');
      box.classList.remove('note');
      box.innerHTML = this.nearest.length ? `<p class="ranking note">${esc(teams.data.ranking || '')}</p><table><tbody>${this.nearest.map((t) => `<tr data-team="${t.id}" tabindex="0"><td>${esc(t.name)}<br>
        <small>${esc([(t.properties.capabilities || []).map((c) => term('rescue_teams.capabilities', c)).join('、'), `${t.properties.headcount ?? '?'} 人`,
          t.observed_at ? `定位于 ${age(t.position_age_s)}` : '在驻地'].filter(Boolean).join(' · '))}</small></td>
        ${roadCell(t, km)}<td>${this.canSend && t.road?.reachable !== false ? `<button type="button" class="send" data-team="${t.id}">派遣</button>` : ''}</td></tr>`).join('')}</tbody></table>`
        : '<p class="note">没有符合条件的可用队伍</p>';
      const sb = this.box.querySelector('.near-shelters');
      sb.classList.remove('note');
      sb.innerHTML = shelters.data.results.length ? `<table><tbody>${shelters.data.results.map((s) => `<tr><td>${esc(s.name)}</td>
        <td class="num">空位 ${s.properties.free}</td>${roadCell(s, km)}</tr>`).join('')}</tbody></table>` : '<p class="note">附近没有有空位的避难场所</p>';
    } catch (e) { this.box.querySelector('.near-teams').textContent = e.message; }
  }

  // Once per incident, the map shows the incident and the teams it would
  // send: zoomed in on the incident alone, the officer could not see where
  // the nearest teams are (tens of kilometres away in the county's hills).
  frameOnce() {
    const at = this.store.get('incidents', this.id)?.geometry?.coordinates;
    const n = Number(this.box.querySelector('.n')?.value || 3);
    const pts = this.nearest.slice(0, n).map((t) => t.geometry?.coordinates).filter(Boolean);
    if (this.framed || !this.map || !at || !pts.length) return;
    this.framed = true;
    const xs = [at[0], ...pts.map((p) => p[0])], ys = [at[1], ...pts.map((p) => p[1])];
    this.map.fitBounds([[Math.min(...xs), Math.min(...ys)], [Math.max(...xs), Math.max(...ys)]],
      { padding: mapPadding(this.map), maxZoom: 13, duration: 600 });
  }

  // The officer sees whom they send before it happens.
  confirmSend(teams) {
    if (!teams.length) { this.msg('bad', '没有可派遣的队伍'); return; }
    const dlg = this.box.querySelector('.confirm-send');
    dlg.querySelector('.to-send').innerHTML = teams.map((t) => `<li data-team="${t.id}"><b>${esc(t.name)}</b> · ${t.road?.reachable ? `行车约 ${Math.max(1, Math.ceil(t.road.eta_min))} 分钟（${km(t.road.distance_m)}）` : km(t.distance_m)} · ${t.properties.headcount ?? '?'} 人</li>`).join('');
    dlg.querySelector('h3').textContent = `确认派遣以下 ${teams.length} 支队伍赶赴事件 #${this.id}`;
    dlg.onclose = () => { if (dlg.returnValue === 'ok') this.send(teams.map((t) => t.id)); };
    dlg.returnValue = '';
    dlg.showModal();
  }

  async send(ids) {
    try {
      await api('POST', `/api/v1/incidents/${this.id}/dispatch`, { body: { team_ids: ids.map(Number) } });
      this.msg('ok', `已派遣 ${ids.length} 支队伍`);
      this.loadNearest();
      this.onChange?.();
    } catch (e) { this.fail(e); this.loadNearest(); }
  }

  async setStatus(team, status) {
    try { await api('POST', `/api/v1/dispatch/teams/${team}/status`, { body: { status } }); this.onChange?.(); } catch (e) { this.fail(e); }
  }

  destroy() { this.staging.destroy(); this.offRoutes(); this.route?.clear(); }

  // From the incident's timeline (incidentlog.js loads it).
  setTimeline(timeline) { this.assigned = assignedTeams(timeline); this.drawComing(); }

  // Rows keyed by team: text cells change in place; the buttons only when
  // the status changes.
  drawComing() {
    const box = this.box.querySelector('.coming');
    const inc = this.store.get('incidents', this.id);
    const rows = [...this.assigned.keys()].map((id) => this.store.get('rescue_teams', id)).filter(Boolean);
    if (!rows.length) { if (!box.querySelector('.note')) box.innerHTML = '<p class="note">暂无出动队伍</p>'; return; }
    let table = box.querySelector('table');
    if (!table) { box.innerHTML = '<table><tbody></tbody></table>'; table = box.querySelector('table'); }
    const body = table.tBodies[0];
    const at = now();
    const dist = (t) => { const pos = (t.properties.last_position || t.geometry)?.coordinates; return inc?.geometry && pos ? haversine(pos, inc.geometry.coordinates) : null; };
    rows.sort((a, b) => (dist(a) ?? Infinity) - (dist(b) ?? Infinity));
    for (const tr of [...body.rows]) if (!this.assigned.has(tr.dataset.team)) tr.remove();
    for (const t of rows) {
      const p = t.properties;
      let tr = body.querySelector(`tr[data-team="${CSS.escape(String(t.id))}"]`);
      if (!tr) {
        tr = document.createElement('tr');
        tr.dataset.team = t.id;
        tr.innerHTML = '<td><span class="name"></span><br><small class="st"></small> <small class="pos"></small></td><td class="num dist"></td><td class="acts"></td>';
        tr.querySelector('.name').textContent = p.name;
      }
      body.appendChild(tr); // keeps order without rebuilding
      const st = tr.querySelector('.st');
      st.className = `st st-${p.status}`;
      st.textContent = term('rescue_teams.status', p.status);
      const ageS = positionAge(t, at);
      tr.querySelector('.pos').textContent = p.last_position ? `· 定位于 ${age(ageS)}` : '· 未回传定位（按驻地计算距离）';
      const d = dist(t);
      const route = this.store.features('team_routes').find((r) => String(r.properties.team_id) === String(t.id));
      const eta = route?.properties.eta ? Date.parse(route.properties.eta) : null;
      tr.querySelector('.dist').innerHTML = eta ? `预计 <b>${beijing(eta).hm}</b> 到${route.properties.destination === 'staging' ? '集结点' : '达'}<br><small>还有约 ${Math.max(0, Math.ceil((eta - at) / 60000))} 分钟 · 直线 ${d == null ? '—' : km(d)}</small>`
        : (d == null ? '—' : km(d));
      if (tr.dataset.status !== p.status) {
        tr.dataset.status = p.status;
        tr.querySelector('.acts').innerHTML = this.canSend ? (NEXT_STATUS[p.status] || []).map((s) =>
          // "标为…": the button sets the next status; alone, its word read
          // as the team's status now.
          `<button type="button" class="status" data-team="${esc(t.id)}" data-status="${s}" title="把队伍状态改为${esc(term('rescue_teams.status', s))}">标为${esc(term('rescue_teams.status', s))}</button>`).join('') : '';
      }
    }
  }
}
