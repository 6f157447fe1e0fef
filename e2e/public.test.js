// The public page, as a person opens it on a phone with no login: the
// warning just issued with what to do, the evacuation zone, open shelters
// with free places, a map drawn from what Sitrep serves (no other origin),
// in Chinese, nothing internal, and the warning's lifting when it comes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { launch, shot, call, until, englishWords, computeZones, minutesAgo, LAPTOP, WALL, BASE, viewportName } from './lib.js';

const PHONE = { width: 390, height: 844 };

test('the public page shows a warning, its zone and the shelters on a phone with no login', async () => {
  const areaDesc = '公开页测试：板房沟镇东沟村周边2公里〔测试〕';
  const inc = (await call('dispatcher', 'POST', '/api/v1/incidents', { kind: 'hazardous_chemicals', place: '公开页测试液氨泄漏〔测试〕',
    occurred_at: minutesAgo(10), location: { type: 'Point', coordinates: [87.40, 43.47] } })).data;
  const run = await computeZones('dispatcher', inc.id, { model: 'protective', inputs: { key: 'ammonia', case: 'large', windFromDeg: 300 } });
  const issued = await call('duty', 'POST', '/api/v1/warnings', { level: 'yellow', category: 'hazardous_chemicals', event: '液氨泄漏',
    area: run.features.at(-1).geometry, area_desc: areaDesc, onset: new Date().toISOString(), items: ['关闭门窗', '听从疏散指挥'],
    incident_id: Number(inc.id) });

  for (const viewport of [PHONE, LAPTOP, WALL]) {
    const { context, close } = await launch({ viewport });
    try {
      const page = await context.newPage();
      const errors = [], foreign = [];
      page.on('pageerror', (e) => errors.push(e));
      page.on('request', (r) => { if (!r.url().startsWith(BASE) && !r.url().startsWith('data:') && !r.url().startsWith('blob:')) foreign.push(r.url()); });
      await page.goto(`${BASE}/public/`);
      assert.deepEqual(await context.cookies(), [], 'no session: the page needs no login');
      await until(page, (d) => [...document.querySelectorAll('#warning-list .card')].some((c) => c.textContent.includes(d)), areaDesc, 'the warning on the page');
      await until(page, () => document.querySelectorAll('#zone-list .card').length > 0 && document.querySelectorAll('#shelter-list .card').length > 0
        && window.__public?.rendered > 0, null, 'zones, shelters and the map');
      const card = page.locator('#warning-list .card', { hasText: areaDesc });
      const text = await card.innerText();
      assert.match(text, /黄色预警/);
      assert.match(text, /关闭门窗/);
      assert.match(text, /发布于/);
      assert.match(await page.locator('#shelter-list .card').first().innerText(), /尚余 \d+ 个位置/);
      // The demo's shelters are made up, and the page says so first.
      assert.match(await page.locator('#demo-banner').innerText(), /演示数据（虚构）/);
      // Nothing internal: no teams, phone numbers, hazard inventories, drills.
      const body = await page.evaluate(() => document.body.innerText);
      assert.doesNotMatch(body, /1[3-9]\d{9}|救援队|演练|储量|危险源/);
      assert.deepEqual(await englishWords(page), []);
      // Fits the screen: no sideways scrolling.
      assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1), 'no horizontal overflow');
      await page.waitForTimeout(300); // let the map paint the tiles it has
      await shot(page, `public-${viewportName(viewport)}`);
      assert.deepEqual(foreign, [], 'nothing is fetched from another origin');
      assert.deepEqual(errors, []);
    } finally {
      await close();
    }
  }

  // Lifted: the page says so at its next refresh (it polls).
  await call('duty', 'POST', `/api/v1/warnings/${issued.data.id}/lift`, {}, { 'If-Match': issued.etag });
  const { context, close } = await launch({ viewport: PHONE });
  try {
    const page = await context.newPage();
    await page.goto(`${BASE}/public/`);
    await until(page, (d) => [...document.querySelectorAll('#warning-list .card.lifted')].some((c) => c.textContent.includes(d) && c.textContent.includes('已解除')),
      areaDesc, 'the lifted warning marked so');
    await shot(page, 'public-lifted-390x844');
  } finally {
    await close();
  }
});
