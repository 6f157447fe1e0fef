// Selecting an incident in the dispatch console shows it with the teams
// the console would send, not the incident alone: zoomed in on a call in the
// county's south, the nearest teams are tens of kilometres away, and the
// officer must see where they are before sending them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { launch, openAs, shot, call, minutesAgo, until, LAPTOP } from './lib.js';

test('the console frames an incident with its nearest teams', async () => {
  const at = [87.30, 43.25];
  const inc = (await call('dispatcher', 'POST', '/api/v1/incidents', { kind: 'fire', place: '南山牧场草场火〔测试〕',
    location: { type: 'Point', coordinates: at }, occurred_at: minutesAgo(3) })).data;
  const near = (await call('dispatcher', 'GET', `/api/v1/nearest?layer=rescue_teams&incident=${inc.id}&k=3&status=available`)).data.results;
  assert.equal(near.length, 3);
  assert.ok(near[0].distance_m > 5000, `the nearest team is ${near[0].distance_m} m away: too near to test the framing`);
  const { context, close } = await launch({ viewport: LAPTOP });
  try {
    const { page, errors } = await openAs(context, 'dispatcher', 'dispatch');
    // The officer was looking closely at the incident's place.
    await page.evaluate((c) => window.__sitrep.map.jumpTo({ center: c, zoom: 14 }), at);
    await page.click(`.dispatch .pick .inc[data-id="${inc.id}"]`);
    await until(page, (pts) => !window.__sitrep.map.isMoving() && pts.every((c) => window.__sitrep.map.getBounds().contains(c)),
      [at, ...near.map((r) => r.geometry.coordinates)], 'the incident and its three nearest teams in view');
    await shot(page, 'console-frame');
    assert.deepEqual(errors, []);
  } finally {
    await close();
  }
});
