// A shelter just across the county line, in the city (the plan lets the
// county count on a neighbour's shelters): the registry flags it
// outside_county, and the wall marks it so — a grey ring under its symbol,
// 县外 on its label, and the legend says what the ring means — while a
// shelter inside the county has neither.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { launch, openAs, shot, call, until, LAPTOP, WALL, viewportName } from './lib.js';

test('a feature outside the county is marked so on the wall', async () => {
  // 43.80 N 87.60 E is in the city of Ürümqi, north of the county.
  const created = (await call('editor', 'POST', '/api/v1/shelters', { type: 'Feature', geometry: { type: 'Point', coordinates: [87.6, 43.8] },
    properties: { name: '市区体育中心避难场所〔测试〕', class: 'emergency', capacity: 800, status: 'open', occupancy: 0 } })).data;
  assert.equal(created.properties.outside_county, true, JSON.stringify(created.properties));
  const inside = (await call('viewer', 'GET', '/api/v1/shelters?limit=100')).data.features.find((f) => f.properties.outside_county === false);
  assert.ok(inside, 'a demo shelter inside the county');
  try {
    for (const viewport of [WALL, LAPTOP]) {
      const { context, close } = await launch({ viewport });
      try {
        const { page, errors } = await openAs(context, 'viewer');
        await page.evaluate(() => window.__sitrep.map.jumpTo({ center: [87.6, 43.7], zoom: 9.5 }));
        const ringed = (id) => window.__sitrep.map.queryRenderedFeatures({ layers: ['outside-shelters'] }).some((f) => String(f.properties.id) === id);
        await until(page, ringed, String(created.id), 'the grey ring under the shelter outside the county');
        await until(page, (id) => document.querySelector(`.maplabel-shelters[data-id="${id}"] .outside`)?.textContent === '县外', String(created.id), 'its label saying 县外');
        // The county's own shelter: no ring, no mark.
        await page.evaluate((c) => window.__sitrep.map.jumpTo({ center: c, zoom: 10 }), inside.geometry.coordinates);
        await until(page, (id) => window.__sitrep.map.queryRenderedFeatures({ layers: ['shelters'] }).some((f) => String(f.properties.id) === id), String(inside.id), 'the shelter inside the county drawn');
        assert.equal(await page.evaluate((id) => window.__sitrep.map.queryRenderedFeatures({ layers: ['outside-shelters'] }).some((f) => String(f.properties.id) === id), String(inside.id)), false);
        assert.equal(await page.evaluate((id) => document.querySelector(`.maplabel-shelters[data-id="${id}"] .outside`), String(inside.id)), null);
        if (viewport === LAPTOP) await page.click('#legend .fold');
        assert.match(await page.textContent('#legend .outside-key'), /在县界外/);
        await page.evaluate(() => window.__sitrep.map.jumpTo({ center: [87.6, 43.76], zoom: 10.5 }));
        await until(page, (id) => document.querySelector(`.maplabel-shelters[data-id="${id}"]`)?.offsetParent, String(created.id), 'the label in view');
        await shot(page, `outside-county-${viewportName(viewport)}`);
        assert.deepEqual(errors, []);
      } finally { await close(); }
    }
  } finally {
    await call('editor', 'DELETE', `/api/v1/shelters/${created.id}`, undefined, { 'If-Match': `"${created.properties.version}"` });
  }
});
