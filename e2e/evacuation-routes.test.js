// A published zone's confirmed allocation gets its evacuation routes: the
// wall, open before the confirmation, draws them as they arrive on the
// live stream (a dashed green line with arrows toward the shelter; a click
// tells from where to which shelter, how many people, how many minutes),
// the legend names them, and the situation report lists them per zone, a
// place no road serves said so. The roads are the tests' hand-made
// OpenStreetMap file, imported with the CLI as an operator would.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { launch, openAs, shot, call, until, minutesAgo, englishWords, computeZones, LAPTOP, WALL, viewportName } from './lib.js';

const EXTRACT = fileURLToPath(new URL('../internal/basemap/testdata/county_test.osm', import.meta.url));
const SOURCE = [87.5056, 43.4815]; // on G216

// A square population cell of about 100 m around a point.
const cell = (code, [lon, lat], people) => ({ type: 'Feature', properties: { code, night_people: people, day_people: people, synthetic: true },
  geometry: { type: 'Polygon', coordinates: [[[lon - 0.0006, lat - 0.0004], [lon + 0.0006, lat - 0.0004], [lon + 0.0006, lat + 0.0004], [lon - 0.0006, lat + 0.0004], [lon - 0.0006, lat - 0.0004]]] } });

test('evacuation routes are drawn on the wall and listed in the report', async () => {
  execFileSync(process.env.SITREP_BIN, ['basemap', 'import', EXTRACT], { env: process.env, stdio: 'pipe' });
  // Two cells north of the source, by G216 and by 板房沟路; one south of
  // it, whose only road north runs through the inner rings, closed to it.
  const cells = [];
  for (const [code, at, n] of [['疏散测试北1', [87.5058, 43.4840], 60], ['疏散测试北2', [87.5030, 43.4853], 45], ['疏散测试南', [87.5052, 43.4790], 30]]) {
    cells.push((await call('editor', 'POST', '/api/v1/population_cells', cell(code, at, n))).data);
  }
  const shelter = (await call('editor', 'POST', '/api/v1/shelters', { type: 'Feature', geometry: { type: 'Point', coordinates: [87.4990, 43.4925] },
    properties: { name: '东湾村避难场所〔测试〕', class: 'emergency', capacity: 400, status: 'open', occupancy: 0, synthetic: true } })).data;
  const inc = (await call('dispatcher', 'POST', '/api/v1/incidents', { kind: 'hazardous_chemicals', place: '国道216线液化气储罐〔测试〕',
    location: { type: 'Point', coordinates: SOURCE }, occurred_at: minutesAgo(10) })).data;
  const run = await computeZones('dispatcher', inc.id, { model: 'explosion', evacuate_levels: [1, 2, 3],
    inputs: { substance: 'propane', tntMassKg: 20000, source: SOURCE } });
  const zone = run.features.find((z) => z.properties.level === 3);

  const { context, close } = await launch({ viewport: WALL });
  try {
    const { page, errors } = await openAs(context, 'viewer');
    await page.evaluate(() => window.__sitrep.map.jumpTo({ center: [87.503, 43.487], zoom: 14.6 }));

    // Confirm the allocation the proposal shows: the routes follow.
    const proposal = (await call('dispatcher', 'POST', `/api/v1/zones/${zone.id}/allocation`)).data;
    const mine = proposal.assignments.filter((a) => cells.some((c) => String(c.id) === String(a.cell_id)));
    assert.equal(mine.length, 3, JSON.stringify(proposal.assignments));
    assert.ok(mine.every((a) => String(a.shelter_id) === String(shelter.id)), 'the test cells go to the test shelter');
    const confirmed = (await call('dispatcher', 'POST', `/api/v1/zones/${zone.id}/allocation/confirm`, { shelters: proposal.shelters })).data;
    assert.equal(confirmed.evacuation_routes.computed, true, JSON.stringify(confirmed.evacuation_routes));
    const set = (await call('viewer', 'GET', `/api/v1/zones/${zone.id}/evacuation-routes`)).data;
    const route = (code) => set.features.find((f) => f.properties.from_name === `人口网格 ${code}`);
    const north = route('疏散测试北1'), south = route('疏散测试南');
    assert.ok(north?.properties.reachable && north.properties.minutes >= 1 && north.geometry.type === 'LineString', JSON.stringify(north));
    assert.ok(route('疏散测试北2')?.properties.reachable);
    // The south cell's only road north runs through the inner rings,
    // closed to it: no route, or (the router joins a point to the network
    // along its own road whatever zone that crosses) one marked as passing
    // through them.
    const southSaid = south.properties.reachable ? /经过禁行的危险区域/ : /道路不通/;
    assert.match(south.properties.note, southSaid, JSON.stringify(south.properties));

    // On the wall, from the live stream.
    await until(page, (id) => window.__sitrep.drawnAt('evacuation_routes', id) != null, north.id, 'the route drawn on the wall');
    await until(page, () => window.__sitrep.map.queryRenderedFeatures({ layers: ['evac-routes'] }).length > 0, null, 'the route rendered');
    if (!south.properties.reachable) assert.equal(await page.evaluate((id) => window.__sitrep.drawnAt('evacuation_routes', id), south.id), null, 'no line where no road leads');
    assert.match(await page.textContent('#legend'), /疏散路线/);
    await page.waitForTimeout(300);
    await shot(page, `evacuation-routes-wall-${viewportName(WALL)}`);
    // A click on the line says from where to which shelter, people and minutes.
    const line = north.geometry.coordinates;
    const mid = line[Math.floor(line.length / 2)];
    const at = await page.evaluate((c) => window.__sitrep.project(c), mid);
    await page.mouse.click(at.x, at.y);
    await page.waitForSelector('.maplibregl-popup.details');
    const popup = await page.textContent('.maplibregl-popup.details');
    // The routes share the road north, so the line clicked is any of them:
    // the popup must tell the one it names.
    const named = set.features.find((f) => popup.startsWith(`${f.properties.from_name} → 东湾村避难场所〔测试〕`));
    assert.ok(named, popup);
    assert.match(popup, new RegExp(`${named.properties.people} 人[\\s\\S]*约 ${named.properties.minutes} 分钟`));
    await shot(page, `evacuation-routes-popup-${viewportName(WALL)}`);
    await page.setViewportSize(LAPTOP);
    await page.keyboard.press('Escape');
    await page.evaluate(() => window.__sitrep.map.jumpTo({ center: [87.503, 43.487], zoom: 14.2 }));
    await page.waitForTimeout(300);
    await shot(page, `evacuation-routes-wall-${viewportName(LAPTOP)}`);
    assert.deepEqual(errors, []);

    // The situation report lists them, per zone.
    const report = await context.newPage();
    await report.setViewportSize(LAPTOP);
    await report.goto(`${new URL(page.url()).origin}/report.html?incident=${inc.id}`);
    await until(report, () => window.__report?.ready || window.__report?.error, null, 'the report built');
    assert.equal(await report.evaluate(() => window.__report.error || null), null);
    const text = await report.textContent('#report');
    assert.match(text, /四、疏散路线/);
    assert.match(text, /从（网格\/场所）去往避难场所人数行车时间（分钟）路程（千米）/);
    assert.match(text, new RegExp(`人口网格 疏散测试北1东湾村避难场所〔测试〕60${north.properties.minutes}${(north.properties.distance_m / 1000).toFixed(1)}`));
    assert.match(text, new RegExp(`人口网格 疏散测试南[^人]*${southSaid.source}`));
    assert.deepEqual(await englishWords(report), []);
    await report.locator('#rmap').scrollIntoViewIfNeeded();
    await shot(report, `evacuation-routes-report-map-${viewportName(LAPTOP)}`);
    await report.locator('h2', { hasText: '四、疏散路线' }).scrollIntoViewIfNeeded();
    await shot(report, `evacuation-routes-report-${viewportName(LAPTOP)}`);
    await report.setViewportSize(WALL);
    await shot(report, `evacuation-routes-report-${viewportName(WALL)}`);
  } finally {
    await close();
    // The zones lie across the tests' roads: switched off, they bend no
    // later test's route.
    for (const z of (await call('viewer', 'GET', `/api/v1/incidents/${inc.id}/zones?active=true`)).data.features) {
      await call('dispatcher', 'PATCH', `/api/v1/zones/${z.id}`, { active: false }, { 'If-Match': `"${z.properties.version}"` });
    }
  }
});
