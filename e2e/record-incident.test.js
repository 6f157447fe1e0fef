// Recording an incident from the dispatch console works every time: the
// page sends no time of its own ("just now" is the server's now), so a page
// whose idea of the server's clock runs ahead can no longer be refused with
// "reported before the accident occurred". Twenty in a row, on the laptop.
// A time typed in is Beijing time; one that cannot be read is refused at its
// field, in Chinese, once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { launch, openAs, shot, call, until, LAPTOP, englishWords } from './lib.js';

test('recording an incident succeeds 20 times in a row', async () => {
  const { context, close } = await launch({ viewport: LAPTOP });
  try {
    const { page, errors } = await openAs(context, 'dispatcher', 'dispatch');
    const ids = [];
    for (let i = 1; i <= 20; i++) {
      await page.fill('.incident-form input[name=place]', `连续接报第 ${i} 起〔测试〕`);
      await page.click('.incident-form .record');
      const id = await (await until(page, (n) => {
        const m = /已记录事件 #(\d+)/.exec(document.querySelector('.dispatch .msgs')?.textContent || '');
        return m && !n.includes(m[1]) ? m[1] : null;
      }, ids, `incident ${i} recorded`)).jsonValue();
      assert.equal(await page.locator('.incident-form .msg.bad').count(), 0, `attempt ${i} was refused`);
      ids.push(id);
    }
    assert.equal(new Set(ids).size, 20);
    for (const id of [ids[0], ids[19]]) {
      const p = (await call('viewer', 'GET', `/api/v1/incidents/${id}`)).data.properties;
      assert.ok(Date.parse(p.occurred_at) <= Date.parse(p.reported_at), 'occurred no later than reported');
    }
    await shot(page, 'record-incident-20');

    // A time that cannot be read: at its field, said once.
    await page.fill('.incident-form input[name=place]', '时间写错的事件〔测试〕');
    await page.fill('.incident-form input[name=occurred]', '昨天下午');
    await page.click('.incident-form .record');
    await until(page, () => document.querySelector('.incident-form .field-err[data-for="/occurred_at"]')?.textContent, null, 'the time refused at its field');
    // No place and no position: the server's reason shows at the place field, and only there.
    await page.fill('.incident-form input[name=occurred]', '');
    await page.fill('.incident-form input[name=place]', '');
    await page.click('.incident-form .record');
    await until(page, () => document.querySelector('.incident-form .field-err[data-for="/place"]')?.textContent, null, 'the place refused at its field');
    const reason = (await page.textContent('.incident-form .field-err[data-for="/place"]')).trim();
    const text = await page.textContent('.panel.dispatch');
    assert.equal(text.split(reason).length - 1, 1, `"${reason}" is printed more than once`);
    assert.deepEqual(await englishWords(page), []);
    await shot(page, 'record-incident-error');
    assert.deepEqual(errors, []);
  } finally { await close(); }
});
