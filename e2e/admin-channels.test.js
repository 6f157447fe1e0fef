// The administrator's release channels (plan 3.2.2), on the laptop and on
// the wall: add a channel with a secret (listed as set, shown nowhere, not
// in any answer of the API), change its address keeping the secret, a bad
// address refused at its field, a change made from a stale version
// (someone changed the channel through the API meanwhile) refused in
// Chinese with the form refilled from what is stored now, and the secret
// cleared on request.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { launch, openAs, shot, call, until, englishWords, layoutProblems, LAPTOP, WALL, viewportName } from './lib.js';

for (const viewport of [LAPTOP, WALL]) {
  test(`the administrator sets up a release channel (${viewportName(viewport)})`, async () => {
    const vp = viewportName(viewport);
    const name = `渠道管理测试短信平台〔${vp}〕`;
    const secret = `e2e-channel-secret-${viewport.width}`;
    const { context, close } = await launch({ viewport });
    let id;
    try {
      const { page, errors } = await openAs(context, 'admin', 'admin');
      // Every answer the page gets about channels, to look for the secret in.
      const answers = [];
      page.on('response', async (r) => { if (r.url().includes('/api/v1/warning-channels')) answers.push(await r.text().catch(() => '')); });
      await page.click('.admin .tabs button[data-tab="channels"]');
      await until(page, () => document.querySelector('.channel-form select[name=kind] option[value=sms]'), null, 'the channel form');
      const form = '.channel-form';
      const kindLabel = await page.textContent(`${form} select[name=kind] option[value=sms]`);
      assert.equal(kindLabel, '短信平台');

      // Add: an SMS platform taking JSON, with a bearer token.
      await page.fill(`${form} input[name=name]`, name);
      await page.selectOption(`${form} select[name=kind]`, 'sms');
      await page.selectOption(`${form} select[name=format]`, 'json');
      await page.fill(`${form} input[name=url]`, `http://127.0.0.1:9/sms/${viewport.width}`);
      await page.fill(`${form} input[name=max_chars]`, '70');
      await page.selectOption(`${form} select[name=auth_type]`, 'bearer');
      assert.equal(await page.textContent(`${form} .secret-label`), '令牌');
      await page.fill(`${form} input[name=secret]`, secret);
      await page.click(`${form} button[type=submit]`);
      await until(page, (n) => [...document.querySelectorAll('.channel-list li[data-channel]')].some((li) => li.querySelector('.name').textContent === n), name, 'the new channel listed');
      const stored = (await call('admin', 'GET', '/api/v1/warning-channels')).data.channels.find((c) => c.name === name);
      id = stored.id;
      assert.equal(stored.has_secret, true);
      assert.equal(stored.max_chars, 70);
      assert.equal(stored.auth_type, 'bearer');
      const row = `.channel-list li[data-channel="${id}"]`;
      assert.match(await page.textContent(`${row} .has-secret`), /已设置/);
      assert.equal(await page.textContent(`${row} .kind`), '短信平台');
      assert.match(await page.textContent(`${row} .auth`), /持有者令牌/);
      assert.match(await page.textContent(`${row} .max-chars`), /70/);
      // The secret is nowhere: not in the page (markup or any field's
      // value), not in what the API answered.
      const secretIn = () => page.evaluate((s) => document.documentElement.outerHTML.includes(s) || [...document.querySelectorAll('input')].some((i) => i.value.includes(s)), secret);
      assert.equal(await secretIn(), false);
      assert.ok(answers.length >= 2, 'the page heard the API');
      assert.ok(answers.every((a) => !a.includes(secret)), 'the API never sends the secret');
      assert.ok(!JSON.stringify((await call('admin', 'GET', '/api/v1/warning-channels')).data).includes(secret));

      await page.evaluate(() => document.querySelector('#side').scrollTo(0, 0));
      await shot(page, `admin-channels-added-${vp}`);

      // Edit: a bad address is refused at its field, in Chinese.
      await page.click(`${row} .edit`);
      await until(page, (n) => document.querySelector('.channel-form input[name=name]').value === n, name, 'the form filled for editing');
      assert.match(await page.textContent(`${form} .secret-hint`), /已设置/);
      await page.fill(`${form} input[name=url]`, 'ftp://127.0.0.1/sms');
      await page.click(`${form} button[type=submit]`);
      await until(page, () => document.querySelector('.channel-form .field-err[data-for="/url"]')?.textContent, null, 'the address refused at its field');
      assert.match(await page.textContent(`${form} .field-err[data-for="/url"]`), /[\u4e00-\u9fff]/);
      assert.ok(await page.$eval(`${form} input[name=url]`, (el) => el.closest('.field').classList.contains('invalid')));
      assert.equal((await call('admin', 'GET', '/api/v1/warning-channels')).data.channels.find((c) => c.id === id).url, `http://127.0.0.1:9/sms/${viewport.width}`, 'nothing changed');
      await shot(page, `admin-channels-field-error-${vp}`);

      // A good address, the secret left empty: kept.
      const url2 = `http://127.0.0.1:9/sms-new/${viewport.width}`;
      await page.fill(`${form} input[name=url]`, url2);
      await page.click(`${form} button[type=submit]`);
      await until(page, ([r, u]) => document.querySelector(`${r} .url`)?.textContent === u, [row, url2], 'the new address listed');
      let now = (await call('admin', 'GET', '/api/v1/warning-channels')).data.channels.find((c) => c.id === id);
      assert.equal(now.url, url2);
      assert.equal(now.has_secret, true, 'the secret kept');
      assert.equal(now.version, 2);
      assert.match(await page.textContent(`${row} .has-secret`), /已设置/);
      assert.equal(await secretIn(), false);
      await page.locator(row).scrollIntoViewIfNeeded();
      await shot(page, `admin-channels-list-${vp}`);

      // Someone changes it through the API while the form is open: the
      // page's change is refused and the form shows what is stored now.
      await page.click(`${row} .edit`);
      await until(page, (u) => document.querySelector('.channel-form input[name=url]').value === u, url2, 'the form filled again');
      await call('admin', 'PUT', `/api/v1/warning-channels/${id}`, { name, kind: 'sms', format: 'json', url: url2, max_chars: 70, timeout_s: 30,
        auth_type: 'bearer' }, { 'If-Match': `"${now.version}"` });
      await page.fill(`${form} input[name=max_chars]`, '60');
      await page.click(`${form} button[type=submit]`);
      await until(page, () => /已被他人修改/.test(document.querySelector('.channel-form .form-msg')?.textContent || ''), null, 'the stale change refused');
      assert.equal(await page.inputValue(`${form} input[name=timeout_s]`), '30', 'the form shows the stored channel');
      assert.equal(await page.inputValue(`${form} input[name=max_chars]`), '70');
      assert.match(await page.textContent(`${row} .timeout`), /30 秒/);
      now = (await call('admin', 'GET', '/api/v1/warning-channels')).data.channels.find((c) => c.id === id);
      assert.equal(now.max_chars, 70, 'the stale change did not land');
      assert.equal(now.has_secret, true);
      await page.locator(`${form} .form-msg`).scrollIntoViewIfNeeded();
      await shot(page, `admin-channels-conflict-${vp}`);

      // No credentials any more: the stored secret cleared on request.
      await page.selectOption(`${form} select[name=auth_type]`, 'none');
      await page.click(`${form} .clear-secret`);
      assert.match(await page.textContent(`${form} .secret-hint`), /清除/);
      await page.click(`${form} button[type=submit]`);
      await until(page, (r) => /未设置/.test(document.querySelector(`${r} .has-secret`)?.textContent || ''), row, 'the secret cleared');
      now = (await call('admin', 'GET', '/api/v1/warning-channels')).data.channels.find((c) => c.id === id);
      assert.equal(now.has_secret, false);
      assert.equal(now.auth_type, 'none');
      assert.equal(now.timeout_s, 30, 'the change was made on the stored channel');

      assert.deepEqual(await layoutProblems(page), []);
      // Login names and the channels' addresses are what people type: the
      // only Latin words allowed.
      const typed = new Set([...(await call('admin', 'GET', '/api/v1/users')).data.users.map((u) => u.name),
        ...(await call('admin', 'GET', '/api/v1/warning-channels')).data.channels.map((c) => c.url)].flatMap((s) => s.split(/[^A-Za-z]+/)));
      assert.deepEqual((await englishWords(page)).filter((w) => !typed.has(w)), []);
      assert.deepEqual(errors, []);
    } finally {
      await close();
      // Leave no channel sending for the other tests' warnings.
      if (id) {
        const c = (await call('admin', 'GET', '/api/v1/warning-channels')).data.channels.find((x) => x.id === id);
        await call('admin', 'PUT', `/api/v1/warning-channels/${id}`, { name: c.name, kind: c.kind, format: c.format, url: c.url,
          max_chars: c.max_chars, auth_type: c.auth_type, enabled: false }, { 'If-Match': `"${c.version}"` });
      }
    }
  });
}
