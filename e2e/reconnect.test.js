// The connection drops; while it is down an incident is recorded and a team
// moves; the page reconnects by itself, resumes from its last seq (no new
// snapshot) and shows both, without a reload.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { launch, openAs, shot, call, minutesAgo, until } from './lib.js';

test('the connection drops and the page catches up without a reload', async () => {
  const { context, close } = await launch();
  try {
    const { page } = await openAs(context, 'viewer');
    await page.evaluate(() => { window.notReloaded = true; });
    const before = await page.evaluate(() => ({ seq: window.__sitrep.seq(), stats: window.__sitrep.stats() }));
    await page.evaluate(() => { window.__sitrep.hold(true); window.__sitrep.drop(); });
    await until(page, () => window.__sitrep.state() === 'offline');
    assert.match(await page.textContent('#conn'), /已断开/);
    await shot(page, 'reconnect-offline');

    const inc = (await call('dispatcher', 'POST', '/api/v1/incidents', { kind: 'gas', place: '断线期间的事件〔测试〕',
      location: { type: 'Point', coordinates: [87.41, 43.48] }, occurred_at: minutesAgo(2) })).data;
    await call('dispatcher', 'POST', '/api/v1/positions', [{ team_id: 5, lon: 87.42, lat: 43.49, observed_at: new Date().toISOString() }]);
    await page.waitForTimeout(300);
    assert.equal(await page.evaluate((id) => window.__sitrep.feature('incidents', id), inc.id), null, 'nothing arrives while offline');

    await page.evaluate(() => window.__sitrep.hold(false));
    await until(page, (id) => window.__sitrep.state() === 'live' && window.__sitrep.feature('incidents', id)
      && window.__sitrep.drawnAt('rescue_teams', '5').coordinates[0] === 87.42, inc.id);
    const after = await page.evaluate(() => ({ seq: window.__sitrep.seq(), stats: window.__sitrep.stats(), notReloaded: window.notReloaded }));
    assert.equal(after.notReloaded, true, 'the page was not reloaded');
    assert.equal(after.stats.snapshots, before.stats.snapshots, 'caught up by resuming, not by a new snapshot');
    assert.ok(after.stats.resumed > before.stats.resumed);
    assert.ok(after.seq >= before.seq + 2);
    assert.match(await page.textContent('#conn'), /实时/);
    await shot(page, 'reconnect-caught-up');
  } finally { await close(); }
});
