// The incident's staging point (集结点) in the dispatch console: where it is
// and why (Sitrep's proposal upwind of the isolation zone, on a road; or
// where a dispatcher put it), a button to have Sitrep propose it, and one
// to place it with a click on the map. Teams dispatched afterwards are
// routed to it. The point itself is drawn on every map from the live
// stream (layer staging_points).
import { api } from './api.js';
import { esc } from './labels.js';
import { can } from './roles.js';

export class StagingPanel {
  constructor(box, { store, map, id, role, msg, fail }) {
    Object.assign(this, { box, store, map, id, msg, fail });
    const canSet = can(role, 'teams:dispatch');
    box.innerHTML = `<h4>集结点</h4><div class="staging-now note"></div>
      ${canSet ? `<div class="row"><button type="button" class="propose-staging">建议集结点（上风向、隔离区外）</button>
        <button type="button" class="place-staging">在地图上指定</button></div>` : ''}`;
    box.addEventListener('click', (e) => {
      if (e.target.matches('.propose-staging')) this.propose();
      else if (e.target.matches('.place-staging')) this.arm();
    });
    this.off = store.on('staging_points', () => this.draw());
    this.draw();
  }

  draw() {
    const f = this.store.get('staging_points', this.id);
    const now = this.box.querySelector('.staging-now');
    now.innerHTML = f ? `<b>${f.properties.source === 'proposed' ? '系统建议' : '调度员指定'}</b> · ${esc(f.properties.note)}<br>
      <small>${f.geometry.coordinates.map((c) => c.toFixed(5)).join(', ')} · 此后派出的队伍按道路前往集结点</small>`
      : '尚未设定：派出的队伍前往事件现场';
  }

  async propose() {
    try {
      await api('POST', `/api/v1/incidents/${this.id}/staging/propose`);
      this.msg('ok', '已建议集结点');
    } catch (e) { this.fail(e); }
  }

  // The next click on the map places the point.
  arm() {
    const btn = this.box.querySelector('.place-staging');
    this.map.sitrepTool = 'staging';
    this.map.getCanvas().style.cursor = 'crosshair';
    btn.textContent = '请在地图上点击集结点位置…';
    this.map.once('click', async (e) => {
      this.map.sitrepTool = null;
      this.map.getCanvas().style.cursor = '';
      btn.textContent = '在地图上指定';
      try {
        await api('PUT', `/api/v1/incidents/${this.id}/staging`, { body: { geometry: { type: 'Point', coordinates: [e.lngLat.lng, e.lngLat.lat] } } });
        this.msg('ok', '已指定集结点');
      } catch (err) { this.fail(err); }
    });
  }

  destroy() {
    this.off();
    if (this.map.sitrepTool === 'staging') this.map.sitrepTool = null;
  }
}
