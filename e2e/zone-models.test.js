// A dispatcher computes a plume zone from the form: the wind is entered as
// the direction it blows FROM, a calm wind is refused at the wind-speed
// field, and the zone's three levels draw on the map. The explosion and
// fireball forms compute too.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { launch, openAs, shot, call, minutesAgo, until } from './lib.js';

test('a plume zone computed from the form appears on the map with its levels', async () => {
  const inc = (await call('dispatcher', 'POST', '/api/v1/incidents', { kind: 'hazardous_chemicals', place: '水厂加氯间〔测试〕',
    location: { type: 'Point', coordinates: [87.395, 43.47] }, occurred_at: minutesAgo(5) })).data;
  const { context, close } = await launch();
  try {
    const { page, errors } = await openAs(context, 'dispatcher', 'dispatch');
    await page.click(`.dispatch .pick .inc[data-id="${inc.id}"]`);
    await page.selectOption('.zone-form select[name=model]', 'plume');
    // Units and the wind convention are on the labels, in Chinese.
    const labels = await page.textContent('.zone-form .model-fields');
    for (const w of ['g/s', '风向，来向', 'm/s', '云量', '地表', '泄漏高度']) assert.ok(labels.includes(w), `plume form lacks ${w}`);
    await page.selectOption('.zone-form select[name=substance]', 'chlorine');
    await page.fill('.zone-form input[name=releaseRateGS]', '2500');
    await page.fill('.zone-form input[name=windFromDeg]', '270');
    // An empty wind speed is not calm air: the form asks for it and sends nothing.
    await page.fill('.zone-form input[name=windSpeedMS]', '');
    await page.click('.zone-form button[type=submit]');
    await until(page, () => /请填写/.test(document.querySelector('.zone-form .field-err[data-for="/inputs/windSpeedMS"]')?.textContent || ''), null, 'the empty wind speed asked for');
    assert.equal(await page.locator('.zone-run').count(), 0, 'nothing was computed');
    // Calm air: the API refuses at /inputs/windSpeedMS, and the page says so there.
    await page.fill('.zone-form input[name=windSpeedMS]', '0.2');
    await page.click('.zone-form button[type=submit]');
    const slot = page.locator('.zone-form .field-err[data-for="/inputs/windSpeedMS"]');
    await slot.filter({ hasText: /\S/ }).waitFor({ timeout: 30000 });
    assert.equal(await page.locator('.zone-form [data-field="windSpeedMS"]').evaluate((el) => el.classList.contains('invalid')), true);
    await shot(page, 'zone-plume-calm');

    await page.fill('.zone-form input[name=windSpeedMS]', '3');
    await page.click('.zone-form button[type=submit]');
    // The plume's three AEGL levels: a draft on this console, then published to the wall.
    await until(page, () => document.querySelector('.zone-run.is-draft .publish'), null, 'the draft plume');
    await page.click('.zone-run.is-draft .publish');
    const levels = await until(page, (id) => {
      const zs = window.__sitrep.map.querySourceFeatures('zones').filter((f) => f.properties.incident_id === id && f.properties.model === 'plume' && f.properties.active);
      const ls = [...new Set(zs.map((f) => f.properties.level))].sort();
      return ls.length === 3 ? ls : null;
    }, Number(inc.id), 'the three plume levels on the wall');
    assert.deepEqual(await levels.jsonValue(), [1, 2, 3]);
    assert.equal(await slot.textContent(), '');
    // Drawn downwind: the wind blows from the west (270°), so the plume lies east of the source.
    const zones = (await call('viewer', 'GET', `/api/v1/incidents/${inc.id}/zones?active=true`)).data.features.filter((z) => z.properties.model === 'plume');
    const east = zones.every((z) => z.geometry.coordinates.flat(2).reduce((s, c) => s + c[0], 0) / z.geometry.coordinates.flat(2).length > 87.395);
    assert.ok(east, 'the plume is not downwind (east) of the source');
    await page.waitForSelector('.zones table.impact');
    const table = await page.textContent('.zones table.impact');
    assert.match(table, /AEGL-3/);
    assert.match(table, /AEGL-1/);
    // Zoom out so the whole plume shows in the screenshot.
    await page.evaluate(() => window.__sitrep.map.jumpTo({ zoom: 11 }));
    await page.waitForTimeout(500);
    await shot(page, 'zone-plume');

    // Explosion and fireball from their forms (defaults: 1000 kg propane; 5000 kg LPG).
    for (const [model, n] of [['explosion', 3], ['fireball', 3]]) {
      await page.selectOption('.zone-form select[name=model]', model);
      assert.match(await page.textContent('.zone-form .model-fields'), /kg/);
      await page.click('.zone-form button[type=submit]');
      await until(page, ([id, m, k]) => window.__sitrep.map.querySourceFeatures('draft_zones')
        .filter((f) => f.properties.incident_id === id && f.properties.model === m).length >= k, [Number(inc.id), model, n], `the ${model} draft drawn`);
    }
    assert.deepEqual(errors, []);
  } finally { await close(); }
});
