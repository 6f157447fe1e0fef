// A dispatcher picks an incident, sees the nearest available teams with
// their distances, dispatches the nearest with one action, and sees it come in.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { launch, openAs, shot, call, minutesAgo } from './lib.js';

test('a dispatcher dispatches the nearest team', async () => {
  const inc = (await call('dispatcher', 'POST', '/api/v1/incidents', { kind: 'hazardous_chemicals', place: '液氨制冷机房〔测试〕',
    location: { type: 'Point', coordinates: [87.40, 43.47] }, occurred_at: minutesAgo(3), casualties: { trapped: 2 } })).data;
  const { context, close } = await launch();
  try {
    const { page, errors } = await openAs(context, 'dispatcher', 'dispatch');
    // A dispatcher cannot issue warnings: the console does not offer it.
    assert.match(await page.textContent('.warnings'), /不能发布预警/);
    await page.click(`.dispatch .pick .inc[data-id="${inc.id}"]`);
    try { await page.waitForSelector('.send-nearest', { timeout: 5000 }); } catch (e) { await shot(page, 'dispatch-failed'); console.log(errors.map(String), await page.textContent('#side')); throw e; }
    const nearest = (await call('dispatcher', 'GET', `/api/v1/nearest?layer=rescue_teams&incident=${inc.id}&k=1&status=available`)).data.results[0];
    assert.match(await page.textContent('.send-nearest'), new RegExp(nearest.name.replace(/[()〔〕]/g, '.')));
    assert.match(await page.textContent('.near-teams'), /\d+(\.\d+)? k?m/);
    // Compute a zone, publish the draft and see what is inside.
    await page.click('.zone-form button[type=submit]');
    await page.click('.zone-draft .publish-run');
    await page.waitForSelector('.zones table.impact');
    await page.click('.send-nearest');
    await page.waitForFunction((id) => window.__sitrep.feature('rescue_teams', id)?.properties.status === 'dispatched', String(nearest.id), { timeout: 3000 });
    await page.waitForSelector(`.coming tr[data-team="${nearest.id}"]`);
    // It reports en route and moves closer; the console follows it.
    await page.click(`.coming button[data-team="${nearest.id}"][data-status="en_route"]`);
    await call('dispatcher', 'POST', '/api/v1/positions', [{ team_id: nearest.id, lon: 87.401, lat: 43.471, observed_at: new Date().toISOString() }]);
    await page.waitForFunction((id) => window.__sitrep.feature('rescue_teams', id)?.properties.status === 'en_route', String(nearest.id), { timeout: 3000 });
    await page.waitForFunction((id) => /赶赴中/.test(document.querySelector(`.coming tr[data-team="${id}"]`)?.textContent || '') &&
      /\d+ m/.test(document.querySelector(`.coming tr[data-team="${id}"] td.num`)?.textContent || ''), String(nearest.id), { timeout: 3000 });
    const timeline = (await call('viewer', 'GET', `/api/v1/incidents/${inc.id}/timeline`)).data;
    assert.match(JSON.stringify(timeline), /dispatch/);
    await shot(page, 'dispatch');
    assert.deepEqual(errors, []);
  } finally { await close(); }
});
