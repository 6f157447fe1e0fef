// The wall's side panel: active incidents with their reporting deadlines
// counting down (plan 4.1), overdue ones first and standing out.
import { esc } from './labels.js';
import { GRADE_NUMERAL } from './style.js';
import { duration, onTick } from './time.js';
import { now } from './api.js';
import { term } from './vocab.js';

const ACTIVE = new Set(['reported', 'verified', 'active', 'suspended']);

export function activeIncidents(store) {
  return store.features('incidents').filter((f) => ACTIVE.has(f.properties.state));
}

function nextDue(p, at) {
  const open = (p.deadlines || []).filter((d) => !d.met).map((d) => Date.parse(d.due));
  return open.length ? Math.min(...open) - at : Infinity;
}

function overdue(p, at) {
  return (p.deadlines || []).some((d) => !d.met && (d.overdue || Date.parse(d.due) <= at));
}

// "逐级上报（市）": a deadline's kind and, where there are several of a kind,
// the tier it is owed to.
export function deadlineName(d) {
  return `${d.kind_label || term('report.kind', d.kind)}${d.tier && d.kind !== 'unit_report' ? `（报${term('report.tier', d.tier)}）` : ''}`;
}

export function incidentCard(f, { selectable = false } = {}) {
  const p = f.properties;
  const deadlines = (p.deadlines || []).filter((d) => !d.met).sort((a, b) => Date.parse(a.due) - Date.parse(b.due));
  const label = String(p.label || '').replace(/^【演练】/, '');
  return `<li class="inc grade-${esc(p.grade || 'none')}${p.drill ? ' drill' : ''}" data-id="${esc(f.id)}"${selectable ? ' tabindex="0"' : ''}>
    <div class="inc-head">
      <span class="grade">${p.grade ? GRADE_NUMERAL[p.grade] + '级' : '未定级'}</span>
      ${p.drill ? '<span class="drill-badge">演练</span>' : ''}
      <span class="inc-label">${esc(label)}</span>
    </div>
    <div class="inc-meta">${esc(p.state_label || p.state)}${p.level ? ` · <b class="level">${GRADE_NUMERAL[p.level]}级响应</b>` : ''}
      · ${esc(p.grade_label || '')}${p.casualties?.deaths ? ` · 死亡 ${p.casualties.deaths}` : ''}${p.casualties?.serious_injuries ? ` · 重伤 ${p.casualties.serious_injuries}` : ''}</div>
    <div class="inc-meta">发生 ${esc(p.occurred_at_beijing || '')}</div>
    <ul class="deadlines">${deadlines.map((d) => `<li data-due="${esc(d.due)}" data-key="${esc(d.key)}"><span>${esc(deadlineName(d))}</span>
      <small>截止 ${esc(String(d.due_beijing || '').replace(' 北京时间', ''))}</small><b class="countdown"></b></li>`).join('')
      || '<li class="done">报告时限均已满足</li>'}</ul>
  </li>`;
}

// Countdowns in an element redraw every second without rebuilding it.
export function tickCountdowns(root, at = now()) {
  for (const li of root.querySelectorAll('[data-due]')) {
    const left = (Date.parse(li.dataset.due) - at) / 1000;
    const b = li.querySelector('.countdown');
    const late = left <= 0;
    li.classList.toggle('late', late);
    li.classList.toggle('soon', !late && left < 600);
    b.textContent = late ? `已超时 ${duration(-left)}` : `剩 ${duration(left)}`;
    li.closest('.inc')?.classList.toggle('overdue', !!li.closest('.inc').querySelector('.late'));
  }
}

export function mountWall(side, store) {
  side.innerHTML = `<section class="panel wall"><h2>进行中事件 <span class="count"></span></h2><ol class="incidents"></ol>
    <p class="empty" hidden>当前无进行中事件</p></section>`;
  const list = side.querySelector('.incidents');
  const draw = () => {
    const at = now();
    const items = activeIncidents(store).sort((a, b) =>
      (overdue(b.properties, at) - overdue(a.properties, at)) || (nextDue(a.properties, at) - nextDue(b.properties, at)));
    list.innerHTML = items.map((f) => incidentCard(f)).join('');
    side.querySelector('.count').textContent = items.length ? `(${items.length})` : '';
    side.querySelector('.empty').hidden = items.length > 0;
    tickCountdowns(list, at);
  };
  draw();
  const offStore = store.on('incidents', draw);
  const offTick = onTick((at) => tickCountdowns(list, at));
  return () => { offStore(); offTick(); };
}
