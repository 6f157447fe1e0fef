// With roads loaded, the console ranks the teams for an incident by road:
// each candidate shows the minutes and road kilometres it takes (or that
// no road reaches it), the send-N button sends the fastest, and hovering a
// candidate draws its route on the map. The roads are the tests' hand-made
// OpenStreetMap file (internal/basemap/testdata), imported with the CLI as
// an operator would.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { launch, openAs, shot, call, until, minutesAgo, layoutProblems, LAPTOP } from './lib.js';

const EXTRACT = fileURLToPath(new URL('../internal/basemap/testdata/county_test.osm', import.meta.url));

test('the console ranks teams by road and draws the route of the one looked at', async () => {
  execFileSync(process.env.SITREP_BIN, ['basemap', 'import', EXTRACT], { env: process.env, stdio: 'pipe' });
  // An incident on 国道216线; one team by 东湾村路 (1.4 km as the crow flies),
  // one at the end of the track to the north-east.
  const inc = (await call('dispatcher', 'POST', '/api/v1/incidents', { kind: 'fire', place: '国道216线路边仓库〔测试〕',
    location: { type: 'Point', coordinates: [87.5055, 43.4800] }, occurred_at: minutesAgo(5) })).data;
  const teams = [];
  for (const [name, at] of [['东湾村分队〔测试〕', [87.499, 43.492]], ['林场分队〔测试〕', [87.52, 43.4955]]]) {
    teams.push((await call('editor', 'POST', '/api/v1/rescue_teams', { type: 'Feature', geometry: { type: 'Point', coordinates: at },
      properties: { name, kind: 'fire_rescue', status: 'available', headcount: 6, synthetic: true } })).data);
  }
  const near = (await call('dispatcher', 'GET', `/api/v1/nearest?layer=rescue_teams&incident=${inc.id}&k=8&status=available`)).data;
  assert.equal(near.by, 'road', `the answer is ${near.by}: ${near.ranking}`);
  const mine = near.results.filter((r) => teams.some((t) => String(t.id) === String(r.id)));
  assert.equal(mine.length, 2, 'both teams among the candidates');
  assert.ok(mine.every((r) => r.road.reachable && r.road.eta_min > 0), JSON.stringify(mine.map((r) => r.road)));

  const { context, close } = await launch({ viewport: LAPTOP });
  try {
    const { page, errors } = await openAs(context, 'dispatcher', 'dispatch');
    await page.click(`.dispatch .pick .inc[data-id="${inc.id}"]`);
    await until(page, () => /按道路行驶时间排序/.test(document.querySelector('.near-teams .ranking')?.textContent || ''), null, 'the ranking by road');
    const row = page.locator(`.near-teams tr[data-team="${teams[0].id}"]`);
    assert.match(await row.textContent(), /\d+ 分钟[\s\S]*路程/);
    assert.match(await page.textContent('.teams .send-n'), /派遣最快/);

    await page.evaluate((c) => window.__sitrep.map.jumpTo({ center: c, zoom: 13 }), [87.505, 43.486]);
    await row.hover();
    await until(page, () => window.__sitrep.map.querySourceFeatures('candidate-route').some((f) => f.geometry.type === 'LineString'),
      null, 'the hovered team\'s route on the map');
    assert.deepEqual(await layoutProblems(page), []);
    await shot(page, 'nearest-by-road-1366x768');
    assert.deepEqual(errors, []);
  } finally { await close(); }
});
