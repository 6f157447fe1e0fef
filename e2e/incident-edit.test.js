// A dispatcher edits the selected incident's counts and the server's
// grading follows: deaths 2 → 3 makes it 较大 (Ⅲ级). An edit over someone
// else's newer one is refused (412) and explained, with a reload. A first
// report to the county meets the unit-report deadline, which leaves the card.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { launch, openAs, shot, call, minutesAgo, until } from './lib.js';

test('a dispatcher edits counts, sees the grade recomputed and records a report', async () => {
  const inc = (await call('dispatcher', 'POST', '/api/v1/incidents', { kind: 'mining_industry_trade', place: '建材厂〔测试〕',
    location: { type: 'Point', coordinates: [87.41, 43.46] }, occurred_at: minutesAgo(8), casualties: { deaths: 2 } })).data;
  assert.equal(inc.properties.grade, 'IV');
  const { context, close } = await launch();
  try {
    const { page, errors } = await openAs(context, 'dispatcher', 'dispatch');
    const card = page.locator(`.dispatch .pick .inc[data-id="${inc.id}"]`);
    await card.click();
    await page.waitForSelector('.counts-form');
    assert.match(await page.textContent('.assessment .grade-now'), /Ⅳ级/);
    assert.equal(await page.inputValue('.counts-form input[name=deaths]'), '2');

    await page.fill('.counts-form input[name=deaths]', '3');
    await page.click('.save-counts');
    await until(page, () => /Ⅲ级/.test(document.querySelector('.assessment .grade-now')?.textContent || ''), null);
    assert.match(await page.textContent('.assessment .grade-label'), /较大事故/);
    // The card follows the live stream, a moment after the form's answer.
    await until(page, (id) => /Ⅲ级/.test(document.querySelector(`.dispatch .pick .inc[data-id="${id}"] .grade`)?.textContent || ''), inc.id, 'the card regraded');
    assert.equal((await call('viewer', 'GET', `/api/v1/incidents/${inc.id}`)).data.properties.grade, 'III');

    // Someone else changes the counts while this officer is typing.
    await page.fill('.counts-form input[name=serious_injuries]', '1');
    const cur = await call('viewer', 'GET', `/api/v1/incidents/${inc.id}`);
    await call('dispatcher', 'PATCH', `/api/v1/incidents/${inc.id}`, { casualties: { trapped: 4 } }, { 'If-Match': cur.etag });
    await page.click('.save-counts');
    await page.waitForSelector('.counts-msg .stale');
    assert.match(await page.textContent('.counts-msg .stale'), /已被他人修改/);
    await shot(page, 'incident-edit-stale');
    await page.click('.reload-incident');
    await until(page, () => document.querySelector('.counts-form input[name=trapped]').value === '4');
    assert.equal(await page.inputValue('.counts-form input[name=serious_injuries]'), '0');
    // Four trapped: 较大涉险 criterion (2), shown with its reason.
    await page.waitForSelector('.risk-flags li[data-criterion="trapped_or_missing"]');
    assert.match(await page.textContent('.assessment'), /较大涉险/);

    // A first report received at the county meets the 30-minute unit-report deadline.
    assert.match(await card.locator('.deadlines').textContent(), /事故单位报告/);
    await page.click('.new-report summary');
    await page.selectOption('.report-form select[name=kind]', 'first');
    await page.selectOption('.report-form select[name=tier]', 'county');
    await page.fill('.report-form input[name=reporter]', '厂安全员 张某');
    await page.fill('.report-form textarea[name=time_place_scene]', '破碎车间，10 时许，厂房局部坍塌');
    await page.fill('.report-form textarea[name=measures]', '已疏散厂区人员，救援队伍赶赴');
    await page.click('.save-report');
    await page.waitForSelector('.report-msg .msg.ok');
    assert.match(await page.textContent('.report-msg'), /已记录首报/);
    await until(page, (id) => !/事故单位报告/.test(document.querySelector(`.dispatch .pick .inc[data-id="${id}"] .deadlines`)?.textContent || ''), inc.id);
    // The reports still owed say to whom: two chain reports are told apart by tier.
    await until(page, (id) => /逐级上报（报/.test(document.querySelector(`.dispatch .pick .inc[data-id="${id}"] .deadlines`)?.textContent || ''), inc.id, 'the chain report with its tier');
    const after = (await call('viewer', 'GET', `/api/v1/incidents/${inc.id}`)).data.properties.deadlines.find((d) => d.kind === 'unit_report');
    assert.equal(after.met, true);
    await page.waitForSelector('.reports .report-list li');
    await page.evaluate(() => document.querySelector('.report-msg').scrollIntoView({ block: 'center' }));
    await shot(page, 'incident-edit');
    assert.deepEqual(errors, []);
  } finally { await close(); }
});
