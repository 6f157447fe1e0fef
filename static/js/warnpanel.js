// Warnings in the dispatch console: those in force (adjust and lift within
// the role's levels, each with its CAP 1.2 file to download), and issuing a
// new one for the selected incident. The list follows the live stream; the
// issuing form is drawn when the selection changes, so what the officer
// typed is never wiped by someone else's warning.
import { api, now } from './api.js';
import { esc } from './labels.js';
import { warningLevels } from './roles.js';
import { term } from './vocab.js';
import { warningOut } from './deliveries.js';

export class WarningPanel {
  constructor(box, { store, role, msg, fail }) {
    Object.assign(this, { box, store, msg, fail });
    this.levels = warningLevels(role);
    this.incident = null;
    box.innerHTML = '<div class="warn-list"></div><div class="warn-new"></div>';
    this.off = store.on('warnings', () => this.drawList());
    box.addEventListener('click', (e) => this.act(e));
    this.drawList();
    this.setIncident(null);
  }

  destroy() { this.off(); }

  drawList() {
    const ws = this.store.features('warnings').sort((a, b) => b.id - a.id);
    const lv = (l) => esc(term('warning.level', l));
    this.box.querySelector('.warn-list').innerHTML = ws.length ? `<table><tbody>${ws.map((w) => {
      const p = w.properties, mine = this.levels.includes(p.level);
      return `<tr data-warning="${esc(w.id)}"><td><span class="pill ${esc(p.level)}">${lv(p.level)}</span>${p.drill ? ' <span class="drill-badge">演练</span>' : ''}<br>
        <small>${esc(p.event || p.category_name || '')} · ${esc(p.area_desc)}</small><br>
        <a class="cap" href="/api/v1/warnings/${esc(w.id)}/cap.xml" download="预警-${esc(p.identifier || w.id)}.xml">下载 CAP 文件</a>${warningOut(p)}</td>
        <td>${mine ? `<select class="adj-level" aria-label="调整级别">${this.levels.map((l) => `<option value="${l}"${l === p.level ? ' selected' : ''}>${lv(l)}</option>`).join('')}</select>
        <button type="button" class="adjust">调整</button> <button type="button" class="lift danger">解除</button>` : '<small class="note">无权调整此级别</small>'}</td></tr>`;
    }).join('')}</tbody></table>` : '<p class="note">无生效预警</p>';
  }

  // The issuing form for the selected incident (or a note to pick one).
  setIncident(f) {
    this.incident = f;
    const box = this.box.querySelector('.warn-new');
    if (!this.levels.length) { box.innerHTML = '<p class="note">您的角色不能发布预警</p>'; return; }
    const p = f?.properties;
    const zones = f ? this.store.features('zones').filter((z) => String(z.properties.incident_id) === String(f.id) && z.properties.active) : [];
    const place = p ? (p.place || p.kind_label || '事发地') : '';
    box.innerHTML = `<form class="warn-form" novalidate>
      <div class="row"><select name="level" aria-label="预警级别">${this.levels.map((l) => `<option value="${l}">${esc(term('warning.level', l))}</option>`).join('')}</select>
        <select name="area" aria-label="预警范围"><option value="zone"${zones.length ? ' selected' : ''}>已发布的防护区</option><option value="3000"${zones.length ? '' : ' selected'}>事件周边 3 km</option><option value="10000">事件周边 10 km</option></select></div>
      <label class="field"><span>范围说明</span><input name="desc" value="${esc(p ? `${place}周边` : '')}"></label>
      <div class="row"><label class="check"><input type="checkbox" name="drill" ${p?.drill ? 'checked' : ''}> 演练</label>
        <button type="submit" class="primary issue" ${f ? '' : 'disabled'}>发布预警</button>${f ? '' : '<span class="note">请先选择事件</span>'}</div></form>`;
    const form = box.querySelector('form');
    form.elements.area.onchange = () => {
      const a = form.elements.area.value;
      form.elements.desc.value = a === 'zone' ? `${place}防护区范围` : `${place}周边 ${Number(a) / 1000} km 范围`;
    };
    form.onsubmit = (e) => { e.preventDefault(); this.issue(form); };
  }

  async issue(form) {
    const inc = this.incident;
    let area;
    if (form.elements.area.value === 'zone') {
      const zone = this.store.features('zones').filter((z) => String(z.properties.incident_id) === String(inc.id) && z.properties.active)
        .sort((a, b) => b.properties.level - a.properties.level)[0];
      if (!zone) { this.msg('bad', '所选事件还没有已发布的防护区：请先计算并发布区域，或选择按距离划定范围'); return; }
      area = zone.geometry;
    } else if (inc.geometry) area = circle(inc.geometry.coordinates, Number(form.elements.area.value));
    else { this.msg('bad', '事件没有位置，无法按距离划定范围'); return; }
    const body = { level: form.elements.level.value, category: inc.properties.kind, event: inc.properties.kind_label, area,
      area_desc: form.elements.desc.value.trim() || '事件周边', onset: new Date(now()).toISOString(),
      items: ['请周边群众听从指挥，有序撤离', '关闭门窗，远离事发区域'], drill: form.elements.drill.checked, incident_id: Number(inc.id) };
    try { await api('POST', '/api/v1/warnings', { body }); this.msg('ok', '预警已发布'); } catch (e) { this.fail(e); }
  }

  async act(e) {
    const id = e.target.closest('tr')?.dataset.warning;
    if (!id || !e.target.matches('.lift, .adjust')) return;
    const w = this.store.get('warnings', id);
    // The version on screen is the one the officer decided on: if another
    // change came first, the server answers 412 instead of overwriting it.
    const etag = `"${w.properties.identifier}"`;
    try {
      if (e.target.matches('.lift')) {
        await api('POST', `/api/v1/warnings/${id}/lift`, { body: { reason: '险情解除' }, etag });
        this.msg('ok', '预警已解除');
      } else {
        const p = w.properties;
        const body = { level: e.target.closest('tr').querySelector('.adj-level').value, category: p.category, event: p.event, description: p.description,
          area: w.geometry, area_desc: p.area_desc, onset: p.onset, expires: p.expires || undefined, items: p.items, authority: p.authority || undefined, drill: p.drill };
        await api('PUT', `/api/v1/warnings/${id}`, { body, etag });
        this.msg('ok', '预警已调整');
      }
    } catch (err) { this.fail(err); }
  }
}

// A circle as a 64-gon, on the sphere.
function circle([lon, lat], r) {
  const R = 6371008.8, rad = Math.PI / 180, d = r / R, ring = [];
  for (let i = 0; i <= 64; i++) {
    const b = (i % 64) / 64 * 2 * Math.PI, la = lat * rad;
    const la2 = Math.asin(Math.sin(la) * Math.cos(d) + Math.cos(la) * Math.sin(d) * Math.cos(b));
    const lo2 = lon * rad + Math.atan2(Math.sin(b) * Math.sin(d) * Math.cos(la), Math.cos(d) - Math.sin(la) * Math.sin(la2));
    ring.push([Math.round(lo2 / rad * 1e6) / 1e6, Math.round(la2 / rad * 1e6) / 1e6]);
  }
  return { type: 'Polygon', coordinates: [ring] };
}
