// With roads loaded, a dispatcher has Sitrep propose the staging point
// (upwind of the published isolation zone, on a road), sends a team, and
// sees its road route to the staging point and its ETA; the wall draws the
// staging point and the route live. Roads: the tests' hand-made
// OpenStreetMap file, imported with the CLI.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { launch, openAs, shot, call, until, minutesAgo, computeZones, layoutProblems, englishWords, LAPTOP, WALL } from './lib.js';

const EXTRACT = fileURLToPath(new URL('../internal/basemap/testdata/county_test.osm', import.meta.url));

test('a staging point upwind, a team sent there by road, its route and ETA on the console and the wall', async () => {
  execFileSync(process.env.SITREP_BIN, ['basemap', 'import', EXTRACT], { env: process.env, stdio: 'pipe' });
  // A small ammonia leak on 国道216线, wind from the north: the staging
  // point goes north, up the trunk road toward 板房沟路, the way teams from
  // 东湾村 come (south of the leak the road leads nowhere they can reach
  // without crossing the isolation zone).
  const inc = (await call('dispatcher', 'POST', '/api/v1/incidents', { kind: 'hazardous_chemicals', place: '国道216线液氨槽车〔测试〕',
    location: { type: 'Point', coordinates: [87.5052, 43.4810] }, occurred_at: minutesAgo(5) })).data;
  await computeZones('dispatcher', inc.id, { model: 'protective', inputs: { key: 'ammonia', case: 'small', windFromDeg: 0 } });
  const team = (await call('editor', 'POST', '/api/v1/rescue_teams', { type: 'Feature', geometry: { type: 'Point', coordinates: [87.4985, 43.4915] },
    properties: { name: '东湾村危化分队〔测试〕', kind: 'hazmat', status: 'available', headcount: 6, capabilities: ['hazmat'], synthetic: true } })).data;

  const wall = await launch({ viewport: WALL });
  const { context, close } = await launch({ viewport: LAPTOP });
  try {
    const { page: board } = await openAs(wall.context, 'viewer');
    const { page, errors } = await openAs(context, 'dispatcher', 'dispatch');
    await page.click(`.dispatch .pick .inc[data-id="${inc.id}"]`);
    await until(page, () => /尚未设定/.test(document.querySelector('.staging .staging-now')?.textContent || ''), null, 'no staging point yet');
    await page.click('.staging .propose-staging');
    await until(page, () => /上风向/.test(document.querySelector('.staging .staging-now')?.textContent || ''), null, 'the proposed staging point, upwind');
    const staging = (await call('viewer', 'GET', `/api/v1/incidents/${inc.id}/staging`)).data;
    assert.ok(staging.geometry.coordinates[1] > 43.4810, `the staging point ${staging.geometry.coordinates} is north of the incident (upwind)`);

    // Sent from its row: the route goes to the staging point, with an ETA.
    await until(page, (id) => document.querySelector(`.near-teams tr[data-team="${id}"] .send`), team.id, 'the team among the candidates');
    await page.click(`.near-teams tr[data-team="${team.id}"] .send`);
    await until(page, () => document.querySelector('dialog.confirm-send')?.open, null, 'the confirmation');
    assert.match(await page.textContent('dialog.confirm-send .to-send'), /行车约 \d+ 分钟/);
    await page.click('dialog.confirm-send .confirm');
    await until(page, (id) => /预计 \d\d:\d\d 到集结点/.test(document.querySelector(`.coming tr[data-team="${id}"] .dist`)?.textContent || ''),
      team.id, 'the team\'s ETA at the staging point');
    const routeOn = (p) => until(p, (id) => window.__sitrep.map.querySourceFeatures('team_routes').some((f) => String(f.properties.team_id) === String(id)),
      team.id, 'the team\'s route on the map');
    await page.evaluate(() => window.__sitrep.map.jumpTo({ center: [87.503, 43.485], zoom: 13 }));
    await routeOn(page);
    assert.deepEqual(await layoutProblems(page), []);
    assert.deepEqual(await englishWords(page), []);
    await shot(page, 'staging-route-console-1366x768');

    await board.evaluate(() => window.__sitrep.map.jumpTo({ center: [87.503, 43.485], zoom: 13.5 }));
    await routeOn(board);
    await until(board, (id) => window.__sitrep.map.querySourceFeatures('staging_points').some((f) => String(f.properties.incident_id) === String(id)),
      inc.id, 'the staging point on the wall');
    await shot(board, 'staging-route-wall-1920x1080');
    assert.deepEqual(errors, []);
  } finally { await close(); await wall.close(); }
});
