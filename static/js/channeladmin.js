// The administrator's screen for the warning release channels (plan 3.2.2):
// every channel with its settings (never its secret: only whether one is
// set), and one form to add a channel or change one. A change is made from
// the version the form was filled with (If-Match); when someone changed the
// channel meanwhile the server refuses it and the form is filled again with
// what is stored now. The kinds, formats and ways to authenticate and their
// words come from the server's vocabulary (warning_channel.*).
import { api } from './api.js';
import { esc } from './labels.js';
import { options, term } from './vocab.js';
import { clearFieldErrors, placeFieldErrors, summary } from './fielderrors.js';

// Labels of the fields, for a refusal that names one the form does not show.
const LABELS = { '/name': '名称', '/kind': '渠道类型', '/format': '报文格式', '/url': '接收地址', '/enabled': '启用', '/drills': '演练预警',
  '/max_chars': '文本最大字数', '/timeout_s': '超时', '/auth_type': '认证方式', '/auth_username': '用户名', '/auth_header': '请求头名称', '/secret': '密钥' };

// What the secret is, by way of authenticating.
const SECRET_LABEL = { bearer: '令牌', basic: '密码', header: '请求头的值' };

const field = (pointer, label, control, cls = '') => `<label class="field${cls ? ' ' + cls : ''}"><span>${label}</span>${control}<span class="field-err" data-for="${pointer}"></span></label>`;

// A whole number as typed goes as a number; anything else goes as typed, so
// the server's refusal names the field rather than the page guessing.
function number(v) {
  v = v.trim();
  if (v === '') return null;
  return /^-?\d+$/.test(v) ? Number(v) : v;
}

// mount fills box with the list and the form; msg(kind, html) is the
// administrator's message line.
export async function mount(box, msg) {
  let list = [];
  // The channel being changed (null: a new one) and whether its stored
  // secret is to be cleared on saving.
  let editing = null, clearSecret = false;

  box.innerHTML = `<ul class="channel-list" aria-label="发布渠道"></ul>
    <h3 class="channel-form-title">新增发布渠道</h3>
    <form class="channel-form" novalidate>
      <div class="channel-grid">
        ${field('/name', '名称 *', '<input name="name" autocomplete="off" maxlength="100">')}
        ${field('/kind', '渠道类型 *', `<select name="kind">${options('warning_channel.kind', 'sms', esc)}</select>`)}
        ${field('/url', '接收地址 *（不含用户名和密码）', '<input name="url" autocomplete="off" spellcheck="false">', 'wide')}
        ${field('/format', '报文格式', `<select name="format">${options('warning_channel.format', 'cap_xml', esc)}</select>`)}
        ${field('/timeout_s', '超时（秒，1 至 120）', '<input name="timeout_s" inputmode="numeric" autocomplete="off" value="10">')}
        ${field('/max_chars', '文本最大字数（只用于 JSON 报文所带的文本，如一条短信的字数；留空为不限）', '<input name="max_chars" inputmode="numeric" autocomplete="off">', 'wide')}
        <div class="checks wide">
          ${field('/enabled', '启用', '<input name="enabled" type="checkbox" checked>', 'check')}
          ${field('/drills', '演练预警也发往此渠道', '<input name="drills" type="checkbox">', 'check')}
        </div>
        ${field('/auth_type', '认证方式', `<select name="auth_type">${options('warning_channel.auth_type', 'none', esc)}</select>`)}
        ${field('/auth_username', '用户名', '<input name="auth_username" autocomplete="off">', 'auth basic')}
        ${field('/auth_header', '请求头名称（字母、数字和连字符）', '<input name="auth_header" autocomplete="off" spellcheck="false">', 'auth header')}
        <div class="secret-box wide">
          ${field('/secret', '<b class="secret-label">密钥</b><small class="secret-hint"></small>', '<input name="secret" type="password" autocomplete="new-password">')}
          <button type="button" class="clear-secret" hidden>清除密钥</button>
        </div>
      </div>
      <div class="form-msg" aria-live="polite"></div>
      <div class="row"><button type="submit" class="primary">新增渠道</button><button type="button" class="cancel" hidden>取消修改</button></div>
    </form>`;
  const form = box.querySelector('form.channel-form');
  const f = form.elements;
  const formMsg = (kind, text) => { form.querySelector('.form-msg').innerHTML = text ? `<div class="msg ${kind}">${esc(text)}</div>` : ''; };

  // The fields a way of authenticating needs: a username for basic, a
  // header name for header, a secret for all but none (and while one is
  // stored, so that it can be cleared).
  function showAuth() {
    const type = f.auth_type.value;
    form.querySelector('.auth.basic').hidden = type !== 'basic';
    form.querySelector('.auth.header').hidden = type !== 'header';
    const stored = !!editing?.has_secret;
    form.querySelector('.secret-box').hidden = type === 'none' && !stored;
    form.querySelector('.secret-label').textContent = SECRET_LABEL[type] || '密钥';
    form.querySelector('.clear-secret').hidden = !stored;
    form.querySelector('.clear-secret').textContent = clearSecret ? '撤销清除' : '清除密钥';
    f.secret.disabled = clearSecret;
    form.querySelector('.secret-hint').textContent = clearSecret ? '（保存时清除已存的密钥）'
      : stored ? '（已设置；留空则保持不变，填写则替换）' : '（只写入，保存后不再显示）';
  }
  f.auth_type.onchange = showAuth;
  form.querySelector('.clear-secret').onclick = () => { clearSecret = !clearSecret; if (clearSecret) f.secret.value = ''; showAuth(); };

  // Fill the form with channel c (null: empty, for a new channel).
  function fill(c) {
    editing = c;
    clearSecret = false;
    clearFieldErrors(form);
    formMsg();
    f.name.value = c?.name ?? '';
    f.kind.value = c?.kind ?? 'sms';
    f.format.value = c?.format ?? 'cap_xml';
    f.url.value = c?.url ?? '';
    f.enabled.checked = c ? c.enabled : true;
    f.drills.checked = c ? c.drills : false;
    f.max_chars.value = c?.max_chars ?? '';
    f.timeout_s.value = c?.timeout_s ?? 10;
    f.auth_type.value = c?.auth_type ?? 'none';
    f.auth_username.value = c?.auth_username ?? '';
    f.auth_header.value = c?.auth_header ?? '';
    f.secret.value = '';
    box.querySelector('.channel-form-title').textContent = c ? `修改发布渠道「${c.name}」` : '新增发布渠道';
    form.querySelector('button[type=submit]').textContent = c ? '保存修改' : '新增渠道';
    form.querySelector('.cancel').hidden = !c;
    for (const li of box.querySelectorAll('.channel-list li')) li.classList.toggle('on', String(li.dataset.channel) === String(c?.id));
    showAuth();
  }

  function body() {
    const type = f.auth_type.value;
    const b = { name: f.name.value.trim(), kind: f.kind.value, format: f.format.value, url: f.url.value.trim(), enabled: f.enabled.checked,
      drills: f.drills.checked, max_chars: number(f.max_chars.value), auth_type: type,
      auth_username: type === 'basic' ? f.auth_username.value.trim() : null, auth_header: type === 'header' ? f.auth_header.value.trim() : null };
    const timeout = number(f.timeout_s.value);
    if (timeout !== null) b.timeout_s = timeout;
    // Left out, the stored secret stays; "" clears it.
    if (clearSecret) b.secret = '';
    else if (f.secret.value !== '') b.secret = f.secret.value;
    return b;
  }

  async function load() {
    list = (await api('GET', '/api/v1/warning-channels')).data.channels;
    const yes = (v, on, off) => `<span class="pill ${v ? 'on' : 'off'}">${v ? on : off}</span>`;
    box.querySelector('.channel-list').innerHTML = list.length ? list.map((c) => `<li data-channel="${esc(c.id)}"${String(c.id) === String(editing?.id) ? ' class="on"' : ''}>
      <div class="channel-head"><div class="title"><b class="name">${esc(c.name)}</b><span class="kind">${esc(term('warning_channel.kind', c.kind))}</span>
        ${yes(c.enabled, '已启用', '已停用')}</div><button type="button" class="edit">修改</button></div>
      <dl>
        <dt>接收地址</dt><dd class="url">${esc(c.url)}</dd>
        <dt>报文格式</dt><dd class="format">${esc(term('warning_channel.format', c.format))}</dd>
        <dt>演练预警</dt><dd class="drills">${c.drills ? '发送' : '不发送'}</dd>
        <dt>文本最大字数</dt><dd class="max-chars">${c.max_chars == null ? '不限' : esc(c.max_chars)}</dd>
        <dt>超时</dt><dd class="timeout">${esc(c.timeout_s)} 秒</dd>
        <dt>认证方式</dt><dd class="auth">${esc(term('warning_channel.auth_type', c.auth_type))}${c.auth_type === 'basic' && c.auth_username ? `（用户名 ${esc(c.auth_username)}）` : ''}${c.auth_type === 'header' && c.auth_header ? `（请求头 ${esc(c.auth_header)}）` : ''}</dd>
        <dt>密钥</dt><dd class="has-secret">${c.has_secret ? '已设置（不显示）' : '未设置'}</dd>
      </dl></li>`).join('') : '<li class="note">尚未设置发布渠道：发布预警时不会推送到任何渠道</li>';
  }

  box.querySelector('.channel-list').onclick = (e) => {
    if (!e.target.matches('.edit')) return;
    const c = list.find((x) => String(x.id) === e.target.closest('li').dataset.channel);
    if (!c) return;
    fill(c);
    msg('info', `正在修改「${esc(c.name)}」`);
    form.scrollIntoView({ block: 'start' });
    f.name.focus();
  };
  form.querySelector('.cancel').onclick = () => { fill(null); msg('info', '已取消修改'); };

  form.onsubmit = async (e) => {
    e.preventDefault();
    const was = editing;
    try {
      const r = was ? await api('PUT', `/api/v1/warning-channels/${was.id}`, { body: body(), etag: `"${was.version}"` })
        : await api('POST', '/api/v1/warning-channels', { body: body() });
      fill(null);
      await load();
      msg('ok', `${was ? '已保存' : '已新增'}发布渠道「${esc(r.data.name)}」`);
    } catch (err) {
      if (was && err.status === 412) {
        // Someone changed it meanwhile: show what is stored now.
        await load().catch(() => {});
        const now = list.find((x) => x.id === was.id);
        fill(now || null);
        formMsg('bad', now ? '此渠道已被他人修改，您的修改没有保存。表单已换成最新内容，请核对后重新修改。' : '此渠道已不存在，您的修改没有保存。');
        return;
      }
      formMsg('bad', summary(err, placeFieldErrors(form, err, LABELS)));
    }
  };

  fill(null);
  try { await load(); } catch (e) { msg('bad', esc(e.message)); }
}
