// Evacuation allocation in the dispatch console: ask the API where a zone's
// people go (POST /api/v1/zones/{id}/allocation, which writes nothing), show
// which shelters take how many and who is left without a place, and confirm
// the proposal whole (…/allocation/confirm). People of the zone already
// placed by an earlier confirmation for the incident (this zone before, an
// inner ring) are not placed again. The server recomputes on confirm and
// applies only what the officer was shown: a 412 means the proposal changed
// since (a shelter changed, or someone else placed these people first):
// nothing was applied, and the officer recomputes. A 409 (a what-if or
// switched-off zone, a shelter closed) explains itself. Occupancy shown is
// the live stream's.
import { api, Problem } from './api.js';
import { esc } from './labels.js';
import { zoneName } from './zoneform.js';

const km = (m) => (m < 1000 ? `${Math.round(m)} m` : `${(m / 1000).toFixed(1)} km`);

export class AllocationPanel {
  constructor(box, store, { canWrite, onDone }) {
    this.box = box;
    this.store = store;
    this.canWrite = canWrite;
    this.onDone = onDone;
    this.zone = null;
    this.proposal = null;
    this.confirmed = null; // shelter ids of the confirmed proposal, shown live
    this.off = store.on('shelters', () => this.drawLive());
    box.addEventListener('click', (e) => {
      if (e.target.matches('.alloc-confirm')) this.confirm();
      else if (e.target.matches('.alloc-recompute')) this.propose(this.zone);
      else if (e.target.matches('.alloc-close')) this.clear();
    });
  }

  destroy() { this.off(); }
  clear() { this.zone = this.proposal = this.confirmed = null; this.box.innerHTML = ''; }

  async propose(zone) {
    this.zone = zone;
    this.confirmed = null;
    this.box.innerHTML = '<p class="note">正在计算安置方案…</p>';
    try {
      this.proposal = (await api('POST', `/api/v1/zones/${zone.id}/allocation`)).data;
      if (this.zone !== zone) return;
      this.draw();
    } catch (e) { this.box.innerHTML = `<div class="msg bad">安置方案计算失败：${esc(e.message)}</div>`; }
  }

  draw(note = '') {
    const p = this.proposal, z = this.zone;
    const left = p.left_without_place || [];
    this.box.innerHTML = `<div class="alloc">
      <h4>安置方案 · ${z.properties.level}级 ${esc(zoneName(z.properties))}</h4>
      ${note}
      <div class="alloc-totals"><span>区内人口 <b>${p.people}</b></span>${p.already_placed ? `<span class="ok already">已安置 <b>${p.already_placed}</b></span>` : ''}
        <span class="ok">可安置 <b>${p.placed}</b></span><span class="${p.unplaced ? 'bad' : ''}">无处安置 <b>${p.unplaced}</b></span></div>
      ${!p.shelters.length && !p.unplaced ? `<p class="msg ok alloc-all-placed">${p.already_placed ? '区内人员均已安置（此前确认的安置方案），无需再安置。' : '区内没有需要安置的人员。'}</p>`
        : p.shelters.length ? `<table class="alloc-shelters"><thead><tr><th>避难场所</th><th class="num">安置</th><th class="num">现有空位</th><th class="num">安置后空位</th></tr></thead><tbody>
        ${p.shelters.map((s) => `<tr data-shelter="${s.id}"><td>${esc(s.name)}<br><small>${esc(this.distance(s.id))}</small></td><td class="num big">${s.people}</td>
          <td class="num">${s.free_before}</td><td class="num">${s.free_after}</td></tr>`).join('')}</tbody></table>`
        : '<p class="msg bad">没有可用的避难场所（开放、有空位、且不在任何生效区域内）</p>'}
      ${left.length ? `<p class="alloc-left msg bad"><b>${p.unplaced} 人无处安置</b>（${left.length} 个人口网格），需另行安排：增开避难场所或就近投亲靠友。</p>` : ''}
      <div class="row">${this.canWrite && p.shelters.length ? '<button type="button" class="primary alloc-confirm">确认安置</button>' : ''}
        <button type="button" class="alloc-close">关闭</button></div>
      <small class="note">按最近优先分配（椭球面距离）；确认后各避难场所的在住人数随之增加，全部成功或全部不执行。</small>
    </div>`;
  }

  // How far this shelter's people travel, from the assignments.
  distance(id) {
    const as = this.proposal.assignments.filter((a) => a.shelter_id === id);
    if (!as.length) return '';
    const d = as.map((a) => a.distance_m);
    return `距离 ${km(Math.min(...d))}${d.length > 1 ? `–${km(Math.max(...d))}` : ''}`;
  }

  async confirm() {
    const btn = this.box.querySelector('.alloc-confirm');
    if (btn) btn.disabled = true;
    const shelters = this.proposal.shelters;
    try {
      // What the officer was shown; the server recomputes and compares.
      const shown = shelters.map((s) => ({ id: s.id, version: s.version, people: s.people }));
      const done = await api('POST', `/api/v1/zones/${this.zone.id}/allocation/confirm`, { body: { shelters: shown } });
      this.confirmed = shelters.map((s) => ({ id: String(s.id), name: s.name, people: s.people }));
      this.routes = done.data?.evacuation_routes || null;
      this.drawConfirmed();
      this.onDone?.(`已确认安置 ${this.proposal.placed} 人`);
    } catch (e) {
      if (e instanceof Problem && e.status === 412) {
        this.draw(`<div class="msg bad alloc-stale"><b>方案未执行：</b>生成方案后情况已变化（可能他人已安置了这些人员、向避难场所安置了人员或修改了容量），
          为避免超员，本次确认全部未执行。<br><button type="button" class="primary alloc-recompute">按最新情况重新计算方案</button></div>`);
        this.box.querySelector('.alloc-confirm')?.remove();
      } else if (e instanceof Problem && e.status === 409) {
        this.draw(`<div class="msg bad alloc-stale"><b>方案未执行：</b>${esc(e.message)}${[...e.fields.values()].map((d) => `；${esc(d)}`).join('')}
          <br><button type="button" class="primary alloc-recompute">重新计算方案</button></div>`);
        this.box.querySelector('.alloc-confirm')?.remove();
      } else {
        if (btn) btn.disabled = false;
        this.box.querySelector('.alloc-err')?.remove();
        this.box.querySelector('.alloc')?.insertAdjacentHTML('afterbegin', `<div class="msg bad alloc-err">${esc(e.message)}</div>`);
      }
    }
  }

  drawConfirmed() {
    this.box.innerHTML = `<div class="alloc done"><h4>已安置 · ${this.zone.properties.level}级 ${esc(zoneName(this.zone.properties))}</h4>
      <div class="alloc-totals"><span class="ok">已安置 <b>${this.proposal.placed}</b> 人</span>${this.proposal.unplaced ? `<span class="bad">无处安置 <b>${this.proposal.unplaced}</b></span>` : ''}</div>
      <table class="alloc-live"><thead><tr><th>避难场所</th><th class="num">本次安置</th><th class="num">在住 / 容量（实时）</th></tr></thead><tbody></tbody></table>
      ${this.routes ? `<p class="msg ${this.routes.computed ? 'ok' : 'info'} alloc-routes">${this.routes.computed ? '疏散路线：' : ''}${esc(this.routes.note)}${this.routes.computed ? '，地图上以绿色虚线标出，箭头指向避难场所' : ''}</p>` : ''}
      <div class="row"><button type="button" class="alloc-close">关闭</button></div></div>`;
    this.drawLive();
  }

  // Occupancy as the live stream has it, so the table follows later changes too.
  drawLive() {
    const body = this.confirmed && this.box.querySelector('.alloc-live tbody');
    if (!body) return;
    body.innerHTML = this.confirmed.map((c) => {
      const p = this.store.get('shelters', c.id)?.properties || {};
      return `<tr data-shelter="${c.id}"><td>${esc(c.name)}${p.status === 'full' ? ' <span class="pill red">已满</span>' : ''}</td><td class="num">${c.people}</td>
        <td class="num big occ">${p.occupancy ?? '?'} / ${p.capacity ?? '?'}</td></tr>`;
    }).join('');
  }
}
