// Editing the selected incident in the dispatch console: its counts (PATCH
// with If-Match, so two officers cannot overwrite each other unseen: a 412
// is explained, with a reload), reports received (首报/续报 to a tier with
// the 4.1.2 content; POST …/reports), and the grade and 较大涉险 flags the
// server recomputes, shown live from the stream.
import { api, Problem } from './api.js';
import { esc } from './labels.js';
import { GRADE_NUMERAL } from './style.js';
import { options, term } from './vocab.js';
import { placeFieldErrors, summary } from './fielderrors.js';

export const COUNTS = [['deaths', '死亡', '人'], ['serious_injuries', '重伤', '人'], ['trapped', '被困', '人'], ['missing', '失踪（下落不明）', '人'],
  ['endangered', '涉险', '人'], ['evacuated', '紧急疏散', '人'], ['direct_loss_yuan', '直接经济损失', '元']];
// Plan 4.1.2: what a report holds.
const CONTENT = [['unit', '事故发生单位概况'], ['time_place_scene', '事故发生的时间、地点以及事故现场情况'], ['course', '事故的简要经过（包括应急救援情况）'],
  ['casualties', '已经或者可能造成的伤亡人数（包括下落不明、涉险的人数）和初步估计的直接经济损失'], ['measures', '已经采取的措施'], ['other', '其他应当报告的情况']];
const CONTENT_LABEL = Object.fromEntries(CONTENT);

export class IncidentEditor {
  constructor(box, store, { id, canWrite }) {
    this.box = box;
    this.store = store;
    this.id = id;
    this.canWrite = canWrite;
    this.version = null; // the version the counts form was filled from
    this.dirty = false;
    box.innerHTML = `<div class="assessment" aria-live="polite"></div>
      ${canWrite ? `<details class="edit-counts" open><summary>伤亡与损失（修改后重新定级）</summary>
        <form class="counts-form" novalidate><div class="counts">${COUNTS.map(([k, l, u]) => `<label class="field" data-field="${k}"><span>${l}（${u}）</span>
          <input name="${k}" type="number" min="0" step="1" inputmode="numeric"><span class="field-err" data-for="/casualties/${k}"></span></label>`).join('')}</div>
          <div class="row"><button type="submit" class="primary save-counts">保存并重新定级</button><span class="counts-note note"></span></div>
          <div class="counts-msg"></div></form></details>
      <details class="new-report"><summary>记录报告（首报/续报）</summary>
        <form class="report-form" novalidate>
          <div class="row"><label>类型 <select name="kind">${options('report.kind', 'first', esc)}</select></label>
            <label>接收层级 <select name="tier">${options('report.tier', 'county', esc)}</select></label></div>
          <span class="field-err" data-for="/kind"></span><span class="field-err" data-for="/tier"></span>
          <label class="field"><span>报告人</span><input name="reporter"><span class="field-err" data-for="/reporter"></span></label>
          ${CONTENT.map(([k, l]) => `<label class="field"><span>${l}</span><textarea name="${k}" rows="2"></textarea><span class="field-err" data-for="/content/${k}"></span></label>`).join('')}
          <label class="row"><input type="checkbox" name="with_counts"> 随报告更新伤亡数字（取上方表中的数字）</label>
          <div class="row"><button type="submit" class="primary save-report">记录报告</button></div>
          <div class="report-msg"></div></form></details>` : ''}
      <div class="reports"></div>`;
    this.form = box.querySelector('.counts-form');
    this.reportForm = box.querySelector('.report-form');
    if (this.form) {
      this.form.oninput = () => { this.dirty = true; this.form.querySelector('.counts-note').textContent = '有未保存的修改'; };
      this.form.onsubmit = (e) => { e.preventDefault(); this.saveCounts(); };
      this.reportForm.onsubmit = (e) => { e.preventDefault(); this.saveReport(); };
    }
    this.fill(true);
    this.loadReports();
  }

  get feature() { return this.store.get('incidents', this.id); }

  // Called on every change of the incident from the stream.
  update() {
    this.drawAssessment();
    // The form follows the server unless the officer is typing; then the
    // version they started from stays, and saving over a newer one is a 412.
    if (!this.dirty) this.fill(false);
  }

  fill(force) {
    const f = this.feature;
    this.drawAssessment();
    if (!f || !this.form) return;
    if (!force && this.version === f.properties.version) return;
    const c = f.properties.casualties || {};
    for (const [k] of COUNTS) this.form.elements[k].value = c[k] ?? 0;
    if (!force && this.version != null) this.form.querySelector('.counts-msg').innerHTML = '';
    this.version = f.properties.version;
    this.dirty = false;
    this.form.querySelector('.counts-note').textContent = `版本 ${this.version}`;
  }

  drawAssessment() {
    const f = this.feature;
    const box = this.box.querySelector('.assessment');
    if (!f) { box.innerHTML = ''; return; }
    const p = f.properties;
    const flags = p.risk_flags || [];
    box.innerHTML = `<div class="grade-box grade-${esc(p.grade || 'none')}">
        <span class="big grade-now">${p.grade ? GRADE_NUMERAL[p.grade] + '级' : '未定级'}</span> <span class="grade-label">${esc(p.grade_label || '')}</span>
        ${p.at_risk ? '<span class="pill red at-risk">较大涉险</span>' : ''}
        <div class="grade-why"><small>定级依据（预案 1.5.1）：${(p.grade_reasons || []).map((r) => esc(r.rule)).join('；') || '伤亡与损失数字'}</small></div>
      </div>
      <ul class="risk-flags">${flags.map((r) => `<li data-criterion="${esc(r.criterion)}"><b>${esc(r.label)}</b> <small>${esc(r.reason)}</small></li>`).join('')
        || '<li class="none note">未触发较大涉险情形（预案 1.5.2）</li>'}</ul>
      <div class="note">上报至：${esc(p.reporting_duty?.reach_label || '')}${p.reporting_duty?.follow_up_every_hours ? ` · 每 ${p.reporting_duty.follow_up_every_hours} 小时续报` : ''}</div>`;
  }

  clearErrors(form) {
    for (const el of form.querySelectorAll('.field-err')) el.textContent = '';
    for (const el of form.querySelectorAll('.invalid')) el.classList.remove('invalid');
  }

  placeErrors(form, e) {
    return placeFieldErrors(form, e, { '/casualties': '伤亡与损失', '/counts': '伤亡数字', '/content': '报告内容', '/kind': '类型', '/tier': '接收层级', '/received_at': '收到时间' });
  }

  readCounts() {
    const out = {};
    for (const [k] of COUNTS) {
      const s = this.form.elements[k].value.trim();
      out[k] = s === '' ? null : Number(s);
    }
    return out;
  }

  async saveCounts() {
    const f = this.feature;
    const msg = this.form.querySelector('.counts-msg');
    this.clearErrors(this.form);
    msg.innerHTML = '';
    const now = this.readCounts(), was = f.properties.casualties || {};
    const changed = Object.fromEntries(Object.entries(now).filter(([k, v]) => v !== (was[k] ?? 0)));
    if (!Object.keys(changed).length && this.version === f.properties.version) { msg.innerHTML = '<div class="msg info">没有改动</div>'; return; }
    try {
      const r = await api('PATCH', `/api/v1/incidents/${this.id}`, { body: { casualties: now }, etag: `"${this.version}"` });
      this.store.upsert('incidents', r.data); // the stream brings it too
      this.dirty = false;
      this.fill(true);
      const p = r.data.properties;
      msg.innerHTML = `<div class="msg ok">已保存（版本 ${p.version}）：${esc(p.grade_label || '')}${p.at_risk ? '，较大涉险' : ''}</div>`;
    } catch (e) {
      if (e instanceof Problem && e.status === 412) {
        const cur = this.feature?.properties.version;
        msg.innerHTML = `<div class="msg bad stale"><b>未保存：</b>此事件已被他人修改（您编辑的是版本 ${this.version}${cur && cur !== this.version ? `，现为版本 ${cur}` : ''}）。
          为免覆盖他人的数字，您的修改没有保存。<br><button type="button" class="primary reload-incident">载入最新数字</button>（载入后请核对并重新修改）</div>`;
        msg.querySelector('.reload-incident').onclick = () => this.reload();
        return;
      }
      const rest = this.placeErrors(this.form, e);
      msg.innerHTML = `<div class="msg bad">${esc(summary(e, rest))}</div>`;
    }
  }

  async reload() {
    try {
      const r = await api('GET', `/api/v1/incidents/${this.id}`);
      this.store.upsert('incidents', r.data);
      this.dirty = false;
      this.fill(true);
      this.form.querySelector('.counts-msg').innerHTML = `<div class="msg info">已载入最新数字（版本 ${r.data.properties.version}）</div>`;
    } catch (e) { this.form.querySelector('.counts-msg').innerHTML = `<div class="msg bad">${esc(e.message)}</div>`; }
  }

  async saveReport() {
    const rf = this.reportForm, msg = rf.querySelector('.report-msg');
    this.clearErrors(rf);
    const body = { kind: rf.elements.kind.value, tier: rf.elements.tier.value, reporter: rf.elements.reporter.value.trim(),
      content: Object.fromEntries(CONTENT.map(([k]) => [k, rf.elements[k].value.trim()])) };
    if (rf.elements.with_counts.checked) body.counts = this.readCounts();
    try {
      const r = await api('POST', `/api/v1/incidents/${this.id}/reports`, { body });
      this.store.upsert('incidents', r.data.incident);
      const rep = r.data.report;
      msg.innerHTML = `<div class="msg ok">已记录${esc(term('report.kind', rep.kind))}（${esc(term('report.tier', rep.tier))}，${esc(rep.received_at_beijing)}）
        ${rep.partial ? `<br>尚缺：${rep.missing.map((m) => esc(CONTENT_LABEL[m] || m)).join('；')}（请在续报中补充）` : ''}</div>`;
      for (const [k] of CONTENT) rf.elements[k].value = '';
      rf.elements.kind.value = 'follow_up';
      this.loadReports();
    } catch (e) {
      const rest = this.placeErrors(rf, e);
      msg.innerHTML = `<div class="msg bad">${esc(summary(e, rest))}</div>`;
    }
  }

  async loadReports() {
    const id = this.id, box = this.box.querySelector('.reports');
    try {
      const reps = (await api('GET', `/api/v1/incidents/${id}/reports`)).data;
      if (id !== this.id) return;
      box.innerHTML = reps.length ? `<h4>已收报告</h4><ol class="report-list">${reps.map((r) => `<li><b>${esc(term('report.kind', r.kind))}</b> · ${esc(term('report.tier', r.tier))} · ${esc(r.received_at_beijing)}
        ${r.reporter ? ` · ${esc(r.reporter)}` : ''}${r.partial ? ` <small class="note">缺 ${r.missing.length} 项</small>` : ''}</li>`).join('')}</ol>` : '<p class="note">尚无报告记录</p>';
    } catch (e) { box.textContent = e.message; }
  }
}
