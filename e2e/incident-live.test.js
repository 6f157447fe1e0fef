// An incident recorded through the API appears on the open wall within 2 s,
// on the map and in the panel, through the live stream.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { launch, openAs, shot, call, minutesAgo } from './lib.js';

test('an incident created through the API appears within 2 seconds', async () => {
  const { context, close } = await launch();
  try {
    const { page } = await openAs(context, 'viewer');
    // Let the first render finish (software WebGL here is slow): this measures
    // the live path, not the page's start-up.
    await page.evaluate(() => new Promise((r) => { const m = window.__sitrep.map; if (m.loaded()) r(); else m.once('idle', r); }));
    await page.waitForTimeout(1000);
    const before = await page.evaluate(() => window.__sitrep.seq());
    const t0 = Date.now();
    const inc = (await call('dispatcher', 'POST', '/api/v1/incidents', { kind: 'fire', place: '板房沟镇某仓库〔测试〕',
      location: { type: 'Point', coordinates: [87.43, 43.47] }, occurred_at: minutesAgo(5), casualties: { deaths: 1 } })).data;
    await page.waitForFunction((id) => window.__sitrep.feature('incidents', id) && document.querySelector(`#side .inc[data-id="${id}"]`),
      inc.id, { timeout: 2000 - (Date.now() - t0) });
    const ms = Date.now() - t0;
    console.log(`incident on the wall ${ms} ms after the POST was sent`);
    assert.ok(ms < 2000);
    assert.ok(await page.evaluate(() => window.__sitrep.seq()) > before);
    await page.waitForFunction((id) => window.__sitrep.map.querySourceFeatures('incidents').some((f) => String(f.properties.id) === String(id)), inc.id, { timeout: 2000 });
    await shot(page, 'incident-live');
  } finally { await close(); }
});
