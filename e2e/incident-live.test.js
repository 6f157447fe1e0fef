// An incident recorded through the API appears on the open wall, on the map
// and in the panel, through the live stream. How long it took is recorded
// (README, Measurements), not asserted: the machine is shared.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { launch, openAs, shot, call, minutesAgo, until } from './lib.js';

test('an incident created through the API appears on the wall', async (t) => {
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
    await until(page, (id) => window.__sitrep.feature('incidents', id) && document.querySelector(`#side .inc[data-id="${id}"]`), inc.id, 'the incident in the panel');
    const ms = Date.now() - t0;
    t.diagnostic(`incident on the wall ${ms} ms after the POST was sent`);
    assert.ok(await page.evaluate(() => window.__sitrep.seq()) > before);
    await until(page, (id) => window.__sitrep.map.querySourceFeatures('incidents').some((f) => String(f.properties.id) === String(id)), inc.id, 'the incident on the map');
    await shot(page, 'incident-live');
  } finally { await close(); }
});
