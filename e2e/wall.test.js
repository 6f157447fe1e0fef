// The map wall loads with every layer: boundaries with their attribution,
// hazard sources, shelters, teams, incidents (with the drill marked),
// warnings, zones and the rest; the clock says 北京时间; demo data is labelled.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { launch, openAs, shot, call, minutesAgo, until } from './lib.js';

test('the wall loads with every layer', async () => {
  // Put an incident, a zone and a warning on the map first (the demo has none).
  const inc = (await call('dispatcher', 'POST', '/api/v1/incidents', { kind: 'hazardous_chemicals', place: '县城供水厂〔测试〕', drill: true,
    location: { type: 'Point', coordinates: [87.4026, 43.4834] }, occurred_at: minutesAgo(45), casualties: { serious_injuries: 2 } })).data;
  await call('dispatcher', 'POST', `/api/v1/incidents/${inc.id}/zones`, { model: 'protective', inputs: { key: 'chlorine', case: 'large', windFromDeg: 300 } });
  const zones = (await call('viewer', 'GET', `/api/v1/incidents/${inc.id}/zones`)).data.features;
  // A computed run is a draft until published to the wall.
  for (const z of zones) await call('dispatcher', 'PATCH', `/api/v1/zones/${z.id}`, { active: true }, { 'If-Match': `"${z.properties.version}"` });
  const zone = zones.at(-1);
  await call('commander', 'POST', '/api/v1/warnings', { level: 'orange', category: 'hazardous_chemicals', event: '危险化学品泄漏', area: zone.geometry,
    area_desc: '县城供水厂周边〔测试〕', onset: new Date().toISOString(), items: ['关闭门窗'], drill: true, incident_id: Number(inc.id) });

  const { context, close } = await launch();
  try {
    const { page, errors } = await openAs(context, 'viewer', '', { form: true });
    const counts = await page.evaluate(() => window.__sitrep.counts());
    // Routes and staging points need roads, which the demo has not (and a
    // dispatch or a confirmed allocation): evacuation-routes.test.js and
    // staging-route.test.js check them on the wall. Here they need only be
    // subscribed to, whatever ran before.
    const needRoads = ['evacuation_routes', 'team_routes', 'staging_points'];
    for (const [layer, n] of Object.entries(counts)) assert.ok(n > 0 || needRoads.includes(layer), `${layer} is empty on the wall`);
    for (const layer of needRoads) assert.ok(layer in counts, `the wall does not subscribe to ${layer}`);
    // The expert roster (people's phones) is not the wall viewer's to read.
    assert.equal('experts' in counts, false);
    // Drawn, not just held: each source has features in MapLibre.
    await until(page, () => ['boundaries', 'hazard_sources', 'shelters', 'rescue_teams', 'incidents', 'warnings', 'zones']
      .every((s) => window.__sitrep.rendered(s) > 0), null);
    assert.match(await page.textContent('.maplibregl-ctrl-attrib'), /© OpenStreetMap 贡献者/);
    assert.match(await page.textContent('#clock'), /北京时间\s*\d\d:\d\d:\d\d/);
    assert.equal(await page.isVisible('#demo-banner'), true);
    assert.match(await page.textContent('#demo-banner'), /演示数据（虚构）/);
    // The incident is in the panel, marked as a drill, with its deadline clock.
    const card = page.locator(`#side .inc[data-id="${inc.id}"]`);
    assert.match(await card.textContent(), /演练/);
    assert.match(await card.locator('.countdown').first().textContent(), /已超时|剩/);
    // 45 minutes after it happened, the 30-minute unit report is overdue.
    assert.equal(await card.evaluate((el) => el.classList.contains('overdue')), true);
    assert.match(await page.textContent('#conn'), /实时/);
    await shot(page, 'wall');
    assert.deepEqual(errors, []);
  } finally { await close(); }
});
