// What a duty officer does on the wall besides watching it: search by name
// and fly there with the details open; click a feature for its details, in
// Chinese; measure a distance and an area; a new incident and an overdue
// reporting deadline sound and show in a red box until acknowledged.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { launch, openAs, shot, call, until, englishWords, minutesAgo, WALL, LAPTOP, viewportName } from './lib.js';

test('search, details, measuring and alerts on the wall', async () => {
  const { context, close } = await launch({ viewport: WALL });
  try {
    const { page, errors } = await openAs(context, 'viewer', '');
    // Search: a shelter by part of its name.
    const shelter = (await call('viewer', 'GET', '/api/v1/shelters?limit=1')).data.features[0];
    const q = shelter.properties.name.replace(/〔演示〕$/, '');
    await page.fill('#search input', q);
    await until(page, () => document.querySelectorAll('#search .results li[data-i]').length > 0, null, 'search results');
    await page.click('#search .results li[data-i]');
    await until(page, () => document.querySelector('.maplibregl-popup.details h3'), null, 'the details');
    assert.match(await page.textContent('.maplibregl-popup'), /避难场所/);
    assert.match(await page.textContent('.maplibregl-popup'), new RegExp(q));
    await until(page, () => !window.__sitrep.map.isMoving() && window.__sitrep.map.getZoom() >= 12.9, null, 'the map there');
    await shot(page, 'wall-search');
    assert.deepEqual(await englishWords(page), []);
    await page.click('.maplibregl-popup-close-button');

    // Click a hazard source for its details: grade, fields by title, no codes.
    // One with no incident over it (other tests record incidents at hazard
    // sources, and an incident's marker is drawn above).
    const incidents = (await call('viewer', 'GET', '/api/v1/incidents?limit=500')).data.features.filter((f) => f.geometry);
    const clear = (c) => incidents.every((f) => Math.hypot((f.geometry.coordinates[0] - c[0]) * 0.73, f.geometry.coordinates[1] - c[1]) > 0.005);
    const hs = (await call('viewer', 'GET', '/api/v1/hazard_sources?limit=100')).data.features.find((f) => f.geometry.type === 'Point' && clear(f.geometry.coordinates));
    assert.ok(hs, 'a hazard source with no incident over it');
    await page.evaluate((c) => window.__sitrep.map.jumpTo({ center: c, zoom: 13 }), hs.geometry.coordinates);
    await page.waitForTimeout(600);
    const p = await page.evaluate((c) => window.__sitrep.project(c), hs.geometry.coordinates);
    await page.mouse.click(p.x, p.y);
    await until(page, () => document.querySelector('.maplibregl-popup.details h3'), null, 'the hazard source details');
    const details = await page.textContent('.maplibregl-popup');
    assert.match(details, /重大危险源/);
    assert.match(details, /备案状态/);
    assert.doesNotMatch(details, /registered|filed|monitored|cancelled|65012\d{4}/);
    await shot(page, 'wall-details');
    assert.deepEqual(await englishWords(page), []);
    await page.click('.maplibregl-popup-close-button');

    // Measure: 3 km along a parallel, and a square of about 1 km².
    const at = [87.40, 43.40], dLon = 3000 / (111320 * Math.cos(43.4 * Math.PI / 180));
    await page.evaluate((c) => window.__sitrep.map.jumpTo({ center: c, zoom: 12 }), [at[0] + dLon / 2, at[1]]);
    await page.waitForTimeout(400);
    await page.click('#measure [data-measure="distance"]');
    const a = await page.evaluate((c) => window.__sitrep.project(c), at), b = await page.evaluate((c) => window.__sitrep.project(c), [at[0] + dLon, at[1]]);
    await page.mouse.click(a.x, a.y);
    await page.mouse.dblclick(b.x, b.y);
    const d = Number((await page.textContent('#measure output')).match(/([\d.]+) km/)[1]);
    assert.ok(Math.abs(d - 3) < 0.05, `measured ${d} km`);
    await shot(page, 'wall-measure-distance');
    await page.click('#measure [data-measure="area"]');
    const side = 1000 / (111320 * Math.cos(43.4 * Math.PI / 180)), dl = 1000 / 111195;
    const pts = [[at[0], at[1]], [at[0] + side, at[1]], [at[0] + side, at[1] + dl], [at[0], at[1] + dl]];
    for (const [i, c] of pts.entries()) {
      const q2 = await page.evaluate((x) => window.__sitrep.project(x), c);
      if (i < pts.length - 1) await page.mouse.click(q2.x, q2.y); else await page.mouse.dblclick(q2.x, q2.y);
    }
    const area = await page.textContent('#measure output');
    const km2 = Number(area.match(/面积 ([\d.]+) 平方千米/)?.[1] ?? NaN) || Number(area.match(/面积 ([\d,]+) ㎡/)?.[1].replace(/,/g, '')) / 1e6;
    assert.ok(Math.abs(km2 - 1) < 0.05, `measured ${area}`);
    await shot(page, 'wall-measure-area');
    await page.click('#measure .measure-clear');

    // Alerts: a new incident, and one whose 30-minute report is overdue.
    const sounded = await page.evaluate(() => window.__sitrep.alerts.sounded);
    const fresh = (await call('dispatcher', 'POST', '/api/v1/incidents', { kind: 'gas', place: '提醒测试燃气泄漏〔测试〕', location: { type: 'Point', coordinates: [87.41, 43.46] } })).data;
    await until(page, (id) => document.querySelector(`#alerts [data-ack="new:${id}"]`), fresh.id, 'the new-incident alert');
    const late = (await call('dispatcher', 'POST', '/api/v1/incidents', { kind: 'fire', place: '提醒测试超时火情〔测试〕', occurred_at: minutesAgo(40),
      location: { type: 'Point', coordinates: [87.42, 43.47] } })).data;
    await until(page, (id) => document.querySelector(`#alerts [data-ack^="late:${id}:"]`), late.id, 'the overdue alert');
    assert.ok(await page.evaluate((n) => window.__sitrep.alerts.sounded > n, sounded), 'the alerts sounded');
    assert.match(await page.textContent('#alerts'), /事故单位报告/);
    await shot(page, 'wall-alerts');
    await page.click(`#alerts [data-ack="new:${fresh.id}"]`);
    await until(page, (id) => !document.querySelector(`#alerts [data-ack="new:${id}"]`), fresh.id, 'the acknowledged alert gone');
    assert.ok(await page.$(`#alerts [data-ack^="late:${late.id}:"]`), 'the other alert stays until acknowledged');
    // Acknowledged stays acknowledged after a reload.
    await page.reload();
    await until(page, () => window.__sitrep?.ready, null, 'the page again');
    await page.waitForTimeout(1500);
    assert.equal(await page.$(`#alerts [data-ack="new:${fresh.id}"]`), null);
    assert.deepEqual(errors, []);
  } finally { await close(); }
});

test('the alerts fit the laptop', async () => {
  const { context, close } = await launch({ viewport: LAPTOP });
  try {
    const { page } = await openAs(context, 'viewer', '');
    await call('dispatcher', 'POST', '/api/v1/incidents', { kind: 'fire', place: '笔记本提醒测试〔测试〕', occurred_at: minutesAgo(35), location: { type: 'Point', coordinates: [87.44, 43.46] } });
    await until(page, () => document.querySelectorAll('#alerts li').length > 0, null, 'an alert');
    const r = await page.evaluate(() => { const b = document.querySelector('#alerts .alert-box').getBoundingClientRect(); const m = document.querySelector('#map').getBoundingClientRect(); return b.left >= m.left && b.right <= m.right && b.bottom <= m.bottom; });
    assert.equal(r, true, 'the alert box lies over the map');
    await shot(page, `wall-alerts-${viewportName(LAPTOP)}`);
  } finally { await close(); }
});
