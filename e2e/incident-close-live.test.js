// A duty officer closes an incident (已结案) while the wall and the dispatch
// console are open: the incident, its staging point (集结点) and the route of
// the team still on its way there leave the map and the lists at once, with
// no reload. The console is offline while it happens and catches up from its
// sequence number when it reconnects (no new snapshot): the events alone
// must take everything away. Roads: the tests' hand-made OpenStreetMap file,
// imported with the CLI, so the team gets a road route.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { launch, openAs, shot, call, until, minutesAgo, LAPTOP } from './lib.js';

const EXTRACT = fileURLToPath(new URL('../internal/basemap/testdata/county_test.osm', import.meta.url));

// Everything of the incident a page holds and draws, by what it is.
function onPage(page, ids) {
  return page.evaluate(({ inc, route }) => {
    const s = window.__sitrep, m = s.map;
    const inSource = (source, pick) => m.querySourceFeatures(source).some(pick);
    return {
      incident: !!s.feature('incidents', inc) || inSource('incidents', (f) => String(f.properties.id) === inc),
      label: !!document.querySelector(`.maplabel-incidents[data-id="${CSS.escape(inc)}"]`),
      card: !!document.querySelector(`#side .inc[data-id="${CSS.escape(inc)}"]`),
      staging: !!s.feature('staging_points', inc) || inSource('staging_points', (f) => String(f.properties.incident_id) === inc),
      route: !!s.feature('team_routes', route) || inSource('team_routes', (f) => String(f.properties.incident_id) === inc),
      // The red 新事件 box asking to acknowledge it.
      alert: !!document.querySelector(`#alerts [data-ack="new:${CSS.escape(inc)}"]`),
    };
  }, ids);
}

const everything = (page, ids, what) => until(page, ({ inc, route }) => {
  const s = window.__sitrep, m = s.map;
  return s.feature('incidents', inc) && document.querySelector(`#side .inc[data-id="${CSS.escape(inc)}"]`)
    && m.querySourceFeatures('incidents').some((f) => String(f.properties.id) === inc)
    && s.feature('staging_points', inc) && m.querySourceFeatures('staging_points').some((f) => String(f.properties.incident_id) === inc)
    && s.feature('team_routes', route) && m.querySourceFeatures('team_routes').some((f) => String(f.properties.incident_id) === inc);
}, ids, what);

// Fails saying what stayed.
const nothing = (page, ids, what) => gone(page, ids, what).catch(async (e) => {
  throw new Error(`${e.message}; still there: ${JSON.stringify(await onPage(page, ids))}`);
});

const gone = (page, ids, what) => until(page, ({ inc, route }) => {
  const s = window.__sitrep, m = s.map;
  return s.state() === 'live' && !s.feature('incidents', inc) && !s.feature('staging_points', inc) && !s.feature('team_routes', route)
    && !document.querySelector(`#side .inc[data-id="${CSS.escape(inc)}"]`)
    && !document.querySelector(`.maplabel-incidents[data-id="${CSS.escape(inc)}"]`)
    && !document.querySelector(`#alerts [data-ack="new:${CSS.escape(inc)}"]`)
    && !m.querySourceFeatures('incidents').some((f) => String(f.properties.id) === inc)
    && !m.querySourceFeatures('staging_points').some((f) => String(f.properties.incident_id) === inc)
    && !m.querySourceFeatures('team_routes').some((f) => String(f.properties.incident_id) === inc);
}, ids, what);

test('a closed incident, its staging point and its team\'s route leave the wall and the console without a reload', async () => {
  execFileSync(process.env.SITREP_BIN, ['basemap', 'import', EXTRACT], { env: process.env, stdio: 'pipe' });
  const wall = await launch({ viewport: LAPTOP });
  const console_ = await launch({ viewport: LAPTOP });
  try {
    const { page: board, errors: boardErrors } = await openAs(wall.context, 'viewer');
    const { page, errors } = await openAs(console_.context, 'dispatcher', 'dispatch');
    await Promise.all([board, page].map((p) => p.evaluate(() => { window.notReloaded = true; })));
    for (const p of [board, page]) await p.evaluate(() => window.__sitrep.map.jumpTo({ center: [87.502, 43.486], zoom: 13.2 }));

    // Recorded, verified, a staging point placed north on 国道216线, a team
    // sent: it is routed by road to the staging point.
    const inc = (await call('dispatcher', 'POST', '/api/v1/incidents', { kind: 'hazardous_chemicals', place: '国道216线结案测试点〔测试〕',
      location: { type: 'Point', coordinates: [87.5052, 43.4810] }, occurred_at: minutesAgo(20) })).data;
    await call('dispatcher', 'POST', `/api/v1/incidents/${inc.id}/transitions`, { state: 'verified', reason: '电话核实〔测试〕' });
    await call('dispatcher', 'PUT', `/api/v1/incidents/${inc.id}/staging`, { geometry: { type: 'Point', coordinates: [87.5065, 43.4885] } });
    const team = (await call('editor', 'POST', '/api/v1/rescue_teams', { type: 'Feature', geometry: { type: 'Point', coordinates: [87.4975, 43.4905] },
      properties: { name: '结案测试分队〔测试〕', kind: 'hazmat', status: 'available', headcount: 5, capabilities: ['hazmat'], synthetic: true } })).data;
    await call('dispatcher', 'POST', `/api/v1/incidents/${inc.id}/dispatch`, { team_ids: [Number(team.id)] });
    // The route's id is its assignment's (the map gives each feature its id as a property).
    const route = await (await until(page, (id) => window.__sitrep.map.querySourceFeatures('team_routes')
      .find((f) => String(f.properties.incident_id) === id)?.properties.id, inc.id, 'the team\'s route')).jsonValue();
    const ids = { inc: String(inc.id), route: String(route) };

    await page.click(`.dispatch .pick .inc[data-id="${inc.id}"]`);
    await everything(board, ids, 'the incident, its staging point and the route on the wall');
    await everything(page, ids, 'the incident, its staging point and the route on the console');
    await until(page, (id) => document.querySelector(`.incident-detail[data-id="${id}"]`), ids.inc, 'the incident open in the console');
    await shot(board, 'incident-close-wall-open-1366x768');
    await shot(page, 'incident-close-console-open-1366x768');

    // The console drops off the stream; the wall stays live.
    const before = await page.evaluate(() => window.__sitrep.stats());
    await page.evaluate(() => { window.__sitrep.hold(true); window.__sitrep.drop(); });
    await until(page, () => window.__sitrep.state() === 'offline', null, 'the console offline');

    // Closed through the API, as the HQ office records it (verified → closed:
    // nothing needed a response, 4.3).
    const closed = (await call('dispatcher', 'POST', `/api/v1/incidents/${inc.id}/transitions`, { state: 'closed', reason: '无需响应，直接结案〔测试〕' })).data;
    assert.equal(closed.properties.state, 'closed');

    await nothing(board, ids, 'the closed incident, its staging point and its route gone from the wall');
    assert.deepEqual(await onPage(board, ids), { incident: false, label: false, card: false, staging: false, route: false, alert: false });
    await shot(board, 'incident-close-wall-closed-1366x768');

    await page.evaluate(() => window.__sitrep.hold(false));
    await nothing(page, ids, 'the closed incident, its staging point and its route gone from the console after it caught up');
    const after = await page.evaluate(() => window.__sitrep.stats());
    assert.equal(after.snapshots, before.snapshots, 'caught up by resuming from its sequence number, not by a new snapshot');
    assert.ok(after.resumed > before.resumed);
    assert.deepEqual(await onPage(page, ids), { incident: false, label: false, card: false, staging: false, route: false, alert: false });
    // The console's detail of the incident closes with it.
    await until(page, (id) => !document.querySelector(`.incident-detail[data-id="${id}"]`) || !document.querySelector('.incident-detail').textContent.trim(),
      ids.inc, 'the closed incident\'s detail gone from the console');
    await shot(page, 'incident-close-console-closed-1366x768');

    // The team itself stays on the map, with its status.
    assert.ok(await board.evaluate((id) => !!window.__sitrep.feature('rescue_teams', id), String(team.id)));
    for (const p of [board, page]) assert.equal(await p.evaluate(() => window.notReloaded), true, 'the page was not reloaded');
    assert.deepEqual(errors, []);
    assert.deepEqual(boardErrors, []);
  } finally { await console_.close(); await wall.close(); }
});
