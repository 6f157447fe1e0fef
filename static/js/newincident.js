// Recording a new incident in the dispatch console, as a call comes in:
// kind, place (typed, or clicked on the map: while the form is being filled
// in, a click on the map sets the place), when it happened and the first
// counts. "When" defaults to just now, and then no time is sent: the server
// takes its own clock (a page's idea of the server's time can run ahead and
// would be refused). A time typed in is Beijing time. Errors show at their
// fields, by their labels.
import { api, now } from './api.js';
import { beijing } from './time.js';
import { esc } from './labels.js';
import { options } from './vocab.js';
import { placeFieldErrors, clearFieldErrors, summary } from './fielderrors.js';

const LABELS = { '/kind': '类型', '/place': '地点', '/location': '位置', '/occurred_at': '发生时间', '/casualties': '伤亡人数', '/drill': '演练' };

// A time typed as Beijing time — "07:30" (today), "12-01 07:30" or
// "2026-12-01 07:30" — as RFC 3339 in UTC; "" for empty (just now); null
// when it cannot be read.
export function beijingInput(v, todayBJ) {
  const s = String(v || '').trim().replace(/[：]/g, ':').replace(/\s+/g, ' ');
  if (!s) return '';
  const m = /^(?:(?:(\d{4})-)?(\d{1,2})-(\d{1,2}) )?(\d{1,2}):(\d{2})$/.exec(s);
  if (!m) return null;
  const [y, mo, d] = todayBJ.split('-').map(Number);
  const t = Date.UTC(m[1] ? +m[1] : y, (m[2] ? +m[2] : mo) - 1, m[3] ? +m[3] : d, +m[4] - 8, +m[5]);
  return Number.isFinite(t) && +m[4] < 24 && +m[5] < 60 ? new Date(t).toISOString() : null;
}

export class NewIncidentForm {
  constructor(box, { map, onCreated, msg }) {
    this.map = map;
    this.location = null;
    this.armed = false;
    box.innerHTML = `<details class="new-incident" open><summary>接报登记新事件</summary>
      <form class="incident-form" novalidate>
        <div class="two">
          <label class="field"><span>类型 *</span><select name="kind">${options('incident.kind', 'hazardous_chemicals', esc)}</select><span class="field-err" data-for="/kind"></span></label>
          <label class="field"><span>发生时间（北京时间）</span><input name="occurred" placeholder="留空即刚刚；或 07:30" title="可填 07:30、12-01 07:30 或 2026-12-01 07:30（北京时间）；留空表示刚刚" autocomplete="off"><span class="field-err" data-for="/occurred_at"></span></label>
        </div>
        <label class="field"><span>地点（地名或单位）</span><input name="place" autocomplete="off"><span class="field-err" data-for="/place"></span></label>
        <div class="row"><button type="button" class="pick-loc">在地图上点选位置</button><span class="loc note">未选位置：填写时单击地图即可定位</span></div>
        <span class="field-err" data-for="/location"></span>
        <div class="row counts-new">
          <label class="field"><span>死亡</span><input name="deaths" type="number" min="0" value="0"><span class="field-err" data-for="/casualties/deaths"></span></label>
          <label class="field"><span>重伤</span><input name="serious_injuries" type="number" min="0" value="0"><span class="field-err" data-for="/casualties/serious_injuries"></span></label>
          <label class="field"><span>被困</span><input name="trapped" type="number" min="0" value="0"><span class="field-err" data-for="/casualties/trapped"></span></label>
        </div>
        <div class="row"><label class="check"><input type="checkbox" name="drill"> 演练（不计入统计）</label>
          <button type="submit" class="primary record">记录事件</button></div>
        <div class="form-msg"></div>
      </form></details>`;
    const form = this.form = box.querySelector('form');
    this.onMap = (e) => {
      if (!this.armed || (map.sitrepTool && map.sitrepTool !== 'place-incident')) return;
      e.originalEvent.sitrepDraft = true; // this click is ours, not a feature's
      this.setLocation([Math.round(e.lngLat.lng * 1e6) / 1e6, Math.round(e.lngLat.lat * 1e6) / 1e6]);
    };
    map.on('click', this.onMap);
    // Typing into the form arms the map: the next click there is the place.
    form.addEventListener('input', () => { if (!this.location) this.arm(true); });
    form.querySelector('.pick-loc').onclick = () => { this.arm(true); form.querySelector('.loc').textContent = '请在地图上单击事故位置'; };
    form.onsubmit = async (e) => {
      e.preventDefault();
      const out = form.querySelector('.form-msg');
      clearFieldErrors(form);
      out.innerHTML = '';
      const n = (k) => Number(form.elements[k].value || 0);
      const body = { kind: form.elements.kind.value, place: form.elements.place.value.trim(), drill: form.elements.drill.checked,
        casualties: { deaths: n('deaths'), serious_injuries: n('serious_injuries'), trapped: n('trapped') } };
      const when = beijingInput(form.elements.occurred.value, beijing(now()).date);
      if (when === null) {
        placeFieldErrors(form, { fields: new Map([['/occurred_at', '请按“07:30”“12-01 07:30”或“2026-12-01 07:30”填写，或留空表示刚刚']]) });
        out.innerHTML = '<div class="msg bad">请检查标出的 1 项输入</div>';
        return;
      }
      if (when) body.occurred_at = when;
      if (this.location) body.location = { type: 'Point', coordinates: this.location };
      const btn = form.querySelector('.record');
      btn.disabled = true;
      try {
        const r = await api('POST', '/api/v1/incidents', { body });
        msg('ok', `已记录事件 #${r.data.id}`);
        const zone = this.zoneDraft;
        this.reset();
        onCreated(r.data, zone);
      } catch (err) {
        const rest = placeFieldErrors(form, err, LABELS);
        out.innerHTML = `<div class="msg bad">${esc(summary(err, rest))}</div>`;
      } finally { btn.disabled = false; }
    };
  }

  // prefill fills the form from an alarm's draft (its hazard source, place
  // and time); a person checks it and records. The draft's zone run goes to
  // onCreated with the incident it was drafted with.
  prefill(d, zone = null) {
    this.zoneDraft = zone;
    const f = this.form.elements;
    if (d.kind) f.kind.value = d.kind;
    f.place.value = d.place || '';
    if (d.occurred_at) { const b = beijing(Date.parse(d.occurred_at)); f.occurred.value = `${b.date} ${b.hm}`; }
    if (d.location?.coordinates) this.setLocation(d.location.coordinates);
    this.form.closest('details').open = true;
    f.place.focus();
  }

  arm(on) {
    this.armed = on;
    this.map.sitrepTool = on ? 'place-incident' : (this.map.sitrepTool === 'place-incident' ? null : this.map.sitrepTool);
    this.map.getCanvas().style.cursor = on ? 'crosshair' : '';
  }

  setLocation(c) {
    this.location = c;
    this.arm(false);
    this.form.querySelector('.loc').textContent = `位置：${c[0].toFixed(5)}, ${c[1].toFixed(5)}`;
    this.map.getSource('draft_pin')?.setData({ type: 'Point', coordinates: c });
  }

  reset() {
    this.zoneDraft = null;
    this.form.reset();
    this.location = null;
    this.arm(false);
    this.form.querySelector('.loc').textContent = '未选位置：填写时单击地图即可定位';
    this.map.getSource('draft_pin')?.setData({ type: 'FeatureCollection', features: [] });
  }

  destroy() { this.arm(false); this.map.off('click', this.onMap); }
}
