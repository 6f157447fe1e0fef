// The ground under the map comes from Sitrep alone. Before any road data is
// loaded the wall says so; after `sitrep basemap import` of the tests'
// hand-made extract it shows roads, water, place and township names at the
// wall's opening zoom and deeper, in a browser that may reach no host but
// Sitrep (every other request is refused and recorded).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { launch, openAs, shot, BASE } from './lib.js';

const EXTRACT = fileURLToPath(new URL('../internal/basemap/testdata/county_test.osm', import.meta.url));

// Refuses every request to another host, and lists them.
async function sitrepOnly(context) {
  const outside = [];
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (new URL(url).origin === new URL(BASE).origin || url.startsWith('data:') || url.startsWith('blob:')) return route.continue();
    outside.push(url);
    return route.abort('blockedbyclient');
  });
  return outside;
}

// What the basemap's layers draw in view now, by layer: the names shown.
const drawn = (page) => page.evaluate(() => {
  const m = window.__sitrep.map;
  const out = {};
  for (const id of ['bm-roads', 'bm-road-refs', 'bm-waterways', 'bm-water', 'bm-places', 'bm-township-names', 'bm-townships']) {
    out[id] = [...new Set(m.queryRenderedFeatures({ layers: [id] }).map((f) => f.properties.ref || f.properties.name || f.properties.class))];
  }
  return out;
});

async function settle(page) {
  await page.waitForFunction(() => window.__sitrep.map.loaded() && window.__sitrep.map.areTilesLoaded(), null, { timeout: 15000 });
  await page.waitForTimeout(600); // symbol fade-in
}

test('the wall says when no road data is loaded, then draws the imported ground offline', async () => {
  const { context, close } = await launch();
  try {
    const outside = await sitrepOnly(context);
    await context.setViewportSize?.({ width: 1366, height: 768 });
    let { page, errors } = await openAs(context, 'viewer');
    await page.setViewportSize({ width: 1366, height: 768 });
    await page.waitForSelector('#basemap-missing', { timeout: 10000 });
    assert.match(await page.textContent('#basemap-missing'), /未加载道路数据/);
    await shot(page, 'basemap-none-1366');

    // The county's GIS staff load the extract.
    execFileSync(process.env.SITREP_BIN, ['basemap', 'import', EXTRACT], { env: process.env, stdio: 'pipe' });

    for (const [w, h] of [[1366, 768], [1920, 1080]]) {
      await page.setViewportSize({ width: w, height: h });
      ({ page, errors } = await openAs(context, 'viewer'));
      await settle(page);
      assert.equal(await page.locator('#basemap-missing').count(), 0, 'the no-road-data note stays after an import');
      // The opening zoom (the county fitted): G216, the river, the
      // township's name (the town of the same name yields to it).
      const opening = await page.evaluate(() => window.__sitrep.map.getZoom());
      assert.ok(opening >= 8 && opening < 10, `opening zoom ${opening}`);
      let d = await drawn(page);
      assert.ok(d['bm-roads'].includes('G216'), `opening zoom roads: ${JSON.stringify(d)}`);
      assert.ok(d['bm-waterways'].includes('东沟河'), `opening zoom water: ${d['bm-waterways']}`);
      assert.ok(d['bm-township-names'].includes('水西沟镇') && d['bm-townships'].includes('水西沟镇'), `opening zoom townships: ${JSON.stringify(d)}`);
      await shot(page, `basemap-opening-${w}`);

      // Deeper: villages, the reservoir, minor roads with their names and
      // route numbers (the test roads are too short for a shield when the
      // whole county is in view).
      await page.evaluate(() => window.__sitrep.map.jumpTo({ center: [87.499, 43.486], zoom: 13 }));
      await settle(page);
      d = await drawn(page);
      for (const name of ['东湾村', '西沟村']) assert.ok(d['bm-places'].includes(name), `z13 places: ${d['bm-places']}`);
      assert.ok(d['bm-water'].includes('东湾水库'), `z13 water: ${d['bm-water']}`);
      for (const name of ['X151', '东湾村路', '工业园路']) assert.ok(d['bm-roads'].includes(name), `z13 roads: ${d['bm-roads']}`);
      assert.ok(d['bm-road-refs'].includes('X151') || d['bm-road-refs'].includes('G216'), `z13 shields: ${d['bm-road-refs']}`);
      await shot(page, `basemap-z13-${w}`);
      assert.deepEqual(errors, []);
    }
    // Nothing the page needed came from another host: fonts, labels and
    // icons are Sitrep's or the system's.
    assert.deepEqual(outside, []);
  } finally { await close(); }
});
