// The administrator's screens: users (list, add with a role and a first
// token), API tokens (list everyone's, add one for oneself, revoke), the
// audit trail (who changed what, when; filter by kind of record, record id
// and person; newest first, page by page), and the warning release
// channels (channeladmin.js, for a role that manages them).
import { api } from './api.js';
import { esc } from './labels.js';
import { can } from './roles.js';
import { options, term } from './vocab.js';
import { placeFieldErrors, summary } from './fielderrors.js';
import { beijing } from './time.js';
import { LAYER_NAMES } from './style.js';
import { mount as mountChannels } from './channeladmin.js';

// The audit trail's entity names (the tables the journal writes), in words.
const ENTITY = { ...Object.fromEntries(Object.entries(LAYER_NAMES).filter(([k]) => k !== 'boundaries')), incidents: '事件', warnings: '预警', zones: '区域', zone_runs: '区域计算', users: '用户', api_tokens: '令牌', sessions: '登录会话',
  shelter_allocations: '安置', team_assignments: '派遣', warning_channels: '发布渠道', warning_deliveries: '预警推送' };
const ACTION = { create: '新建', update: '修改', delete: '删除', revoke: '吊销', login: '登录', logout: '退出', import: '导入', dispatch: '派遣', status: '状态变更',
  overdue: '报告超时', activate: '启动响应', lift: '解除', issue: '发布', adjust: '调整', report: '收到报告', exposure: '重新评估', transition: '状态变更', position: '定位',
  confirm: '确认', allocate: '安置', checklist: '核查', send: '推送', deliver: '推送结果' };
const when = (t) => { const b = beijing(Date.parse(t)); return `${b.date} ${b.time}`; };

export function mount(side, { me }) {
  side.innerHTML = `<section class="panel admin">
    <h2>系统管理</h2>
    <div class="tabs"><button type="button" data-tab="users" class="on">用户</button><button type="button" data-tab="tokens">令牌</button><button type="button" data-tab="audit">审计记录</button>${can(me.role, 'warnings:channels') ? '<button type="button" data-tab="channels">发布渠道</button>' : ''}</div>
    <div class="msgs" aria-live="polite"></div>
    <div class="tab" data-tab="users"></div><div class="tab" data-tab="tokens" hidden></div><div class="tab" data-tab="audit" hidden></div><div class="tab" data-tab="channels" hidden></div>
  </section>`;
  const $ = (s) => side.querySelector(s);
  const msg = (kind, html) => { $('.msgs').innerHTML = `<div class="msg ${kind}">${html}</div>`; };
  const channels = () => mountChannels($('.tab[data-tab="channels"]'), msg);
  const tabs = { users, tokens, audit, channels };
  $('.tabs').onclick = (e) => {
    const t = e.target.dataset.tab;
    if (!t) return;
    for (const b of side.querySelectorAll('.tabs button')) b.classList.toggle('on', b.dataset.tab === t);
    for (const d of side.querySelectorAll('.tab')) d.hidden = d.dataset.tab !== t;
    $('.msgs').innerHTML = '';
    tabs[t]();
  };

  // The secret of a new token is shown once, in a box to copy from.
  const secret = (what, token) => msg('ok', `${esc(what)}。令牌只显示这一次，请立即复制保存：<br><input class="secret" readonly value="${esc(token)}" size="50">`);

  async function users() {
    const box = $('.tab[data-tab="users"]');
    if (!can(me.role, 'users:manage')) { box.innerHTML = '<p class="note">您的角色不能管理用户</p>'; return; }
    try {
      const list = (await api('GET', '/api/v1/users')).data.users;
      box.innerHTML = `<table class="users"><thead><tr><th>用户名</th><th>姓名</th><th>角色</th><th>登录方式</th><th>建立时间</th></tr></thead><tbody>
        ${list.map((u) => `<tr data-user="${esc(u.id)}"><td>${esc(u.name)}</td><td>${esc(u.display_name)}</td><td>${esc(term('role', u.role))}</td>
          <td>${u.has_password ? '密码' : '仅令牌'}</td><td>${esc(when(u.created_at))}</td></tr>`).join('')}</tbody></table>
        <h3>新增用户</h3>
        <form class="user-form" novalidate>
          <label class="field"><span>用户名（小写字母、数字、点、横线）*</span><input name="name" autocomplete="off"><span class="field-err" data-for="/name"></span></label>
          <label class="field"><span>姓名</span><input name="display_name" autocomplete="off"><span class="field-err" data-for="/display_name"></span></label>
          <label class="field"><span>角色 *</span><select name="role">${options('role', 'viewer', esc)}</select><span class="field-err" data-for="/role"></span></label>
          <label class="field"><span>密码（至少 10 位；留空则只能用令牌）</span><input name="password" type="password" autocomplete="new-password"><span class="field-err" data-for="/password"></span></label>
          <button type="submit" class="primary">新增用户</button></form>`;
      const form = box.querySelector('form');
      form.onsubmit = async (e) => {
        e.preventDefault();
        const body = { name: form.elements.name.value.trim(), display_name: form.elements.display_name.value.trim(), role: form.elements.role.value };
        if (form.elements.password.value) body.password = form.elements.password.value;
        try {
          const r = await api('POST', '/api/v1/users', { body });
          await users();
          secret(`已新增用户 ${r.data.user.name}（${term('role', r.data.user.role)}）及其第一个令牌`, r.data.token);
        } catch (err) { msg('bad', esc(summary(err, placeFieldErrors(form, err, { '/name': '用户名', '/role': '角色', '/password': '密码' })))); }
      };
    } catch (e) { box.textContent = e.message; }
  }

  async function tokens() {
    const box = $('.tab[data-tab="tokens"]');
    try {
      const list = (await api('GET', '/api/v1/tokens')).data.tokens;
      const names = can(me.role, 'users:manage') ? Object.fromEntries((await api('GET', '/api/v1/users')).data.users.map((u) => [u.id, u.display_name || u.name])) : { [me.id]: me.display_name || me.name };
      box.innerHTML = `<table class="tokens"><thead><tr><th>编号</th><th>用户</th><th>说明</th><th>建立时间</th><th>状态</th><th></th></tr></thead><tbody>
        ${list.map((t) => `<tr data-token="${esc(t.id)}"><td>${esc(t.id)}</td><td>${esc(names[t.user_id] || `用户 #${t.user_id}`)}</td><td>${esc(t.label === 'first token' ? '首个令牌（建立用户时生成）' : t.label || '')}</td>
          <td>${esc(t.created_at ? when(t.created_at) : '')}</td><td>${t.revoked_at ? `已吊销（${esc(when(t.revoked_at))}）` : '有效'}</td>
          <td>${t.revoked_at ? '' : '<button type="button" class="revoke danger">吊销</button>'}</td></tr>`).join('')}</tbody></table>
        <h3>为自己新建令牌</h3>
        <form class="token-form row" novalidate><input name="label" placeholder="用途，如：值班平板" aria-label="令牌用途"><button type="submit" class="primary">新建令牌</button></form>`;
      box.querySelector('form').onsubmit = async (e) => {
        e.preventDefault();
        try {
          const r = await api('POST', '/api/v1/tokens', { body: { label: e.target.elements.label.value.trim() } });
          await tokens();
          secret(`已新建令牌 #${r.data.id}`, r.data.token);
        } catch (err) { msg('bad', esc(err.message)); }
      };
      box.querySelector('tbody').onclick = async (e) => {
        if (!e.target.matches('.revoke')) return;
        const id = e.target.closest('tr').dataset.token;
        if (!confirm(`吊销令牌 #${id}？使用它的设备将不能再访问。`)) return;
        try { await api('DELETE', `/api/v1/tokens/${id}`); await tokens(); msg('ok', `已吊销令牌 #${id}`); } catch (err) { msg('bad', esc(err.message)); }
      };
    } catch (e) { box.textContent = e.message; }
  }

  let before = null;
  async function audit(more = false) {
    const box = $('.tab[data-tab="audit"]');
    if (!can(me.role, 'audit:read')) { box.innerHTML = '<p class="note">您的角色不能查看审计记录</p>'; return; }
    if (!box.querySelector('form')) {
      box.innerHTML = `<form class="audit-filter row" novalidate>
        <label>类别 <select name="entity"><option value="">全部</option>${[...new Set(Object.keys(ENTITY))].map((k) => `<option value="${esc(k)}">${esc(ENTITY[k])}</option>`).join('')}</select></label>
        <label>编号 <input name="entity_id" size="6"></label><label>操作人 <input name="actor" size="10"></label>
        <button type="submit" class="primary">筛选</button></form>
        <table class="audit"><thead><tr><th>时间（北京时间）</th><th>操作人</th><th>操作</th><th>对象</th><th>变化</th></tr></thead><tbody></tbody></table>
        <button type="button" class="more" hidden>更早的记录</button>`;
      box.querySelector('form').onsubmit = (e) => { e.preventDefault(); audit(false); };
      box.querySelector('.more').onclick = () => audit(true);
    }
    const f = box.querySelector('form').elements;
    const q = new URLSearchParams({ limit: '50' });
    for (const k of ['entity', 'entity_id', 'actor']) if (f[k].value.trim()) q.set(k, f[k].value.trim());
    if (more && before) q.set('before_id', before);
    try {
      const r = (await api('GET', `/api/v1/audit?${q}`)).data;
      const rows = r.entries.map((a) => `<tr data-audit="${esc(a.id)}"><td>${esc(when(a.at))}</td><td>${esc(a.actor_name)}</td><td>${esc(ACTION[a.action] || '其他操作')}</td>
        <td>${esc(ENTITY[a.entity] || '其他记录')} #${esc(a.entity_id)}</td><td><small>${esc(changed(a.before, a.after))}</small></td></tr>`).join('');
      const body = box.querySelector('tbody');
      if (more) body.insertAdjacentHTML('beforeend', rows); else body.innerHTML = rows || '<tr><td colspan="5" class="note">没有符合条件的记录</td></tr>';
      before = r.entries.at(-1)?.id;
      box.querySelector('.more').hidden = !r.next;
    } catch (e) { msg('bad', esc(e.message)); }
  }

  users();
  return () => {};
}

// Which fields a change touched, as a count (values can be long, and are
// in the API for whoever needs them).
function changed(before, after) {
  if (!before && after) return '新建';
  if (before && !after) return '删除';
  const a = flat(after), b = flat(before);
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].filter((k) => JSON.stringify(a[k]) !== JSON.stringify(b[k]) && !['version', 'updated_at'].includes(k));
  return keys.length ? `改动 ${keys.length} 项` : '无字段变化';
}
const flat = (x) => (x && typeof x === 'object' ? (x.properties && typeof x.properties === 'object' ? { ...x, ...x.properties } : x) : {});
