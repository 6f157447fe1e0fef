// A dispatcher closes a road from the console (1366×768): 封闭道路, draw a
// line across the road (click, double-click), name it, save; the wall
// (1920×1080, a viewer) draws the barrier at once, without a reload, and
// its popup says what, why and who ordered it. An area is closed the same
// way and drawn hatched. Reopened from the console (the line from its
// popup, the area from the list), both leave the wall. A closure without a
// name is refused at the name, in Chinese, and nothing is stored.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { launch, openAs, shot, call, until, englishWords, LAPTOP, WALL } from './lib.js';

// An empty stretch of the county in the demo data, away from where the
// other tests put things.
const CENTRE = [87.352, 43.626];
// The console's map centred north-west of it: what is drawn lies right of
// and below the map's centre, clear of the tool's panel at the top left
// (lower when the alarm strip is up).
const CONSOLE_CENTRE = [87.345, 43.634];
const LINE = [[87.350, 43.6225], [87.356, 43.6255]];
const AREA = [[87.349, 43.628], [87.355, 43.628], [87.3555, 43.6315], [87.3495, 43.632]];

const closures = async () => (await call('dispatcher', 'GET', '/api/v1/road_closures?limit=1000')).data.features;

// Where on the wall a closure is drawn now (the rendered map layers, not the store).
const drawnOnWall = (page, id, layer) => page.evaluate(([i, l]) =>
  window.__sitrep.map.queryRenderedFeatures({ layers: [l] }).some((f) => String(f.properties.id) === i), [id, layer]);

async function clickAt(page, lngLat, { double = false } = {}) {
  const p = await page.evaluate((c) => window.__sitrep.project(c), lngLat);
  if (double) await page.mouse.dblclick(p.x, p.y);
  else await page.mouse.click(p.x, p.y);
  await page.waitForTimeout(80);
}

test('a dispatcher closes a road on the console, the wall shows it live, reopening takes it off', async () => {
  const consoleBrowser = await launch({ viewport: LAPTOP });
  const wallBrowser = await launch({ viewport: WALL });
  try {
    // Other tests on this server may have closed roads elsewhere: count from here.
    const stored = (await closures()).length, inForce = (await closures()).filter((f) => f.properties.status === 'closed').length;
    const wall = await openAs(wallBrowser.context, 'viewer', '');
    await wall.page.evaluate((c) => window.__sitrep.map.jumpTo({ center: c, zoom: 14 }), CENTRE);
    assert.equal(await wall.page.$('#closures'), null, 'the wall offers no closing tool to a viewer');

    const desk = await openAs(consoleBrowser.context, 'dispatcher', 'dispatch');
    const { page } = desk;
    await page.evaluate((c) => { document.querySelector('#legend').classList.add('folded'); window.__sitrep.map.jumpTo({ center: c, zoom: 13 }); }, CONSOLE_CENTRE);
    await page.waitForTimeout(400);

    // Draw the roadblock: 封闭道路 → 画封闭线 → click, double-click.
    await page.click('#closures .closure-open');
    await page.click('#closures [data-draw="line"]');
    await clickAt(page, LINE[0]);
    await clickAt(page, LINE[1], { double: true });
    await until(page, () => /已画封闭线/.test(document.querySelector('.closure-hint').textContent), null, 'the line drawn');

    // Without a name: refused at the name, nothing stored.
    await page.click('#closures .closure-save');
    await until(page, () => document.querySelector('.closure-panel [data-for="/properties/name"]').textContent !== '', null, 'the name marked');
    assert.match(await page.textContent('.closure-panel [data-for="/properties/name"]'), /必填/);
    assert.equal((await closures()).length, stored, 'a refused closure stores nothing');
    await shot(page, 'road-closures-console-refused');

    await page.fill('.closure-form [name=name]', '县道 X101 黄山村段封闭');
    await page.fill('.closure-form [name=reason]', '槽车侧翻，液氨泄漏');
    await page.fill('.closure-form [name=ordered_by]', '县交警大队');
    await shot(page, 'road-closures-console-drawn');
    await page.click('#closures .closure-save');
    await until(page, () => /县道 X101/.test(document.querySelector('.closure-msgs .msg.ok')?.textContent), null, 'the closure saved');
    const line = (await closures()).find((f) => f.properties.name === '县道 X101 黄山村段封闭');
    assert.ok(line, 'the closure is stored');
    assert.equal(line.properties.status, 'closed');
    assert.equal(line.properties.ordered_by, '县交警大队');
    assert.equal(line.geometry.type, 'LineString');
    assert.equal(line.geometry.coordinates.length, 2, `the two drawn points: ${JSON.stringify(line.geometry.coordinates)}`);
    line.geometry.coordinates.forEach((c, i) => assert.ok(Math.abs(c[0] - LINE[i][0]) < 2e-4 && Math.abs(c[1] - LINE[i][1]) < 2e-4, `point ${i}: ${c}`));

    // The wall draws the barrier without a reload; its popup says what, why, who.
    await until(wall.page, (id) => window.__sitrep.map.queryRenderedFeatures({ layers: ['closures-stripes'] }).some((f) => String(f.properties.id) === id),
      line.id, 'the barrier on the wall');
    assert.equal(await wall.page.textContent('#legend [data-count="road_closures"]'), String(inForce + 1));
    const mid = [(LINE[0][0] + LINE[1][0]) / 2, (LINE[0][1] + LINE[1][1]) / 2];
    await clickAt(wall.page, mid);
    await until(wall.page, () => document.querySelector('.maplibregl-popup.details h3'), null, 'the closure popup on the wall');
    const pop = await wall.page.textContent('.maplibregl-popup');
    for (const s of ['县道 X101 黄山村段封闭', '槽车侧翻，液氨泄漏', '县交警大队', '封闭中']) assert.ok(pop.includes(s), `popup has ${s}: ${pop}`);
    assert.equal(await wall.page.$('.maplibregl-popup .closure-reopen'), null, 'a viewer cannot reopen');
    await shot(wall.page, 'road-closures-wall-line');
    assert.deepEqual(await englishWords(wall.page), []);
    await wall.page.click('.maplibregl-popup-close-button');

    // An area: every road meeting it is closed; hatched on the wall.
    await page.click('#closures [data-draw="polygon"]');
    for (const v of AREA.slice(0, -1)) await clickAt(page, v);
    await clickAt(page, AREA[AREA.length - 1], { double: true });
    await until(page, () => /已画封闭区域/.test(document.querySelector('.closure-hint').textContent), null, 'the area drawn');
    await page.fill('.closure-form [name=name]', '黄山村周边封控区');
    await page.click('#closures .closure-save');
    await until(page, () => /黄山村周边封控区/.test(document.querySelector('.closure-msgs .msg.ok')?.textContent), null, 'the area saved');
    const area = (await closures()).find((f) => f.properties.name === '黄山村周边封控区');
    assert.equal(area?.geometry.type, 'Polygon');
    await until(wall.page, (id) => window.__sitrep.map.queryRenderedFeatures({ layers: ['closures-hatch'] }).some((f) => String(f.properties.id) === id),
      area.id, 'the hatched area on the wall');
    await until(page, (n) => document.querySelectorAll('.closure-list li[data-id]').length === n, inForce + 2, 'both in the console list');
    await shot(page, 'road-closures-console-saved');
    await shot(wall.page, 'road-closures-wall-both');
    assert.deepEqual(await englishWords(page), []);

    // Reopen the line from its popup on the console.
    await page.click('#closures .closure-open'); // fold the panel away from the map
    await clickAt(page, mid);
    await until(page, () => document.querySelector('.maplibregl-popup .closure-reopen'), null, 'the reopen button in the popup');
    await shot(page, 'road-closures-console-popup');
    await page.click('.maplibregl-popup .closure-reopen');
    await until(page, () => /已解除封闭/.test(document.querySelector('.maplibregl-popup').textContent), null, 'reopened');
    await until(wall.page, (id) => !window.__sitrep.map.queryRenderedFeatures({ layers: ['closures-stripes', 'closures-band', 'closures-casing'] })
      .some((f) => String(f.properties.id) === id), line.id, 'the barrier gone from the wall');
    assert.equal(await wall.page.evaluate((id) => window.__sitrep.feature('road_closures', id)?.properties.status, line.id), 'open');
    assert.ok(await drawnOnWall(wall.page, area.id, 'closures-hatch'), 'the area is still closed');

    // Reopen the area from the console's list.
    await page.click('#closures .closure-open');
    page.once('dialog', (d) => d.accept());
    await page.click(`.closure-list li[data-id="${area.id}"] [data-act="reopen"]`);
    await until(wall.page, (id) => !window.__sitrep.map.queryRenderedFeatures({ layers: ['closures-hatch', 'closures-fill', 'closures-outline'] })
      .some((f) => String(f.properties.id) === id), area.id, 'the area gone from the wall');
    await until(wall.page, (n) => document.querySelector('#legend [data-count="road_closures"]').textContent === n, String(inForce), 'the legend counts neither');
    await shot(wall.page, 'road-closures-wall-reopened');
    // Kept for the record.
    assert.deepEqual((await closures()).filter((f) => f.id === line.id || f.id === area.id).map((f) => f.properties.status), ['open', 'open']);
    assert.deepEqual(desk.errors, []);
    assert.deepEqual(wall.errors, []);
  } finally {
    await consoleBrowser.close();
    await wallBrowser.close();
  }
});
