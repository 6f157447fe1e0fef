// A warning's way out to the public, on its row in the console: each
// release channel's delivery (plan 3.2.2) with its state as the live stream
// reports it, and whether the area crosses the county border or is a
// neighbour's warning passed on.
import { esc } from './labels.js';

const STATE = { pending: '待发送', sending: '发送中', retrying: '重试中', delivered: '已送达' };

export function warningOut(p) {
  const notes = [];
  if (p.crosses_border) notes.push('<span class="note">范围跨越县界</span>');
  if (p.relayed_from) notes.push(`<span class="note">转发自${esc(p.relayed_from)}</span>`);
  const ds = Array.isArray(p.deliveries) ? p.deliveries : [];
  const items = ds.map((d) => {
    const why = d.state === 'retrying' && d.last_error ? `：第 ${d.attempts} 次失败，${esc(d.last_error)}` : '';
    return `<li class="delivery ${esc(d.state)}" data-channel="${esc(d.channel_id)}">${esc(d.channel)} <b>${esc(STATE[d.state] || d.state)}</b>${why}</li>`;
  });
  const list = items.length ? `<ul class="deliveries" aria-label="发布渠道">${items.join('')}</ul>` : '';
  return notes.length || list ? `<div class="warning-out">${notes.join(' ')}${list}</div>` : '';
}
