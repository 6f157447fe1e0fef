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
}

// Waits (software WebGL places labels a while after the tiles load) until
// every check holds on what is drawn, and returns it; on timeout, fails
// with what was drawn.
async function drawnUntil(page, what, checks) {
  let d;
  for (const deadline = Date.now() + 15000; Date.now() < deadline; await page.waitForTimeout(250)) {
    d = await drawn(page);
    if (checks.every(([layer, name]) => d[layer].includes(name))) return d;
  }
  await shot(page, `basemap-failed-${what}`);
  assert.fail(`${what}: ${JSON.stringify(d)}`);
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
      // township's boundary.
      const opening = await page.evaluate(() => window.__sitrep.map.getZoom());
      assert.ok(opening >= 8 && opening < 10, `opening zoom ${opening}`);
      await drawnUntil(page, 'opening zoom', [['bm-roads', 'G216'], ['bm-waterways', '东沟河'], ['bm-townships', '水西沟镇']]);
      await shot(page, `basemap-opening-${w}`);
      // The test extract is 3 km across, some 20 px at the opening zoom and
      // under the demo's hazard symbols, which win label placement over the
      // basemap's names by design; two zooms in, the township's name shows
      // (the town of the same name yields to it).
      await page.evaluate(() => window.__sitrep.map.jumpTo({ center: [87.499, 43.486], zoom: 11 }));
      await settle(page);
      await drawnUntil(page, 'z11', [['bm-township-names', '水西沟镇'], ['bm-roads', 'G216'], ['bm-waterways', '东沟河']]);
      await shot(page, `basemap-z11-${w}`);

      // Deeper: villages, the reservoir, minor roads with their names and
      // route numbers (the test roads are too short for a shield when the
      // whole county is in view).
      await page.evaluate(() => window.__sitrep.map.jumpTo({ center: [87.499, 43.486], zoom: 13 }));
      await settle(page);
      await drawnUntil(page, 'z13', [['bm-places', '东湾村'], ['bm-places', '西沟村'], ['bm-water', '东湾水库'],
        ['bm-roads', 'X151'], ['bm-roads', '东湾村路'], ['bm-roads', '工业园路'], ['bm-road-refs', 'X151']]);
      await shot(page, `basemap-z13-${w}`);
      assert.deepEqual(errors, []);
    }
    // Nothing the page needed came from another host: fonts, labels and
    // icons are Sitrep's or the system's.
    assert.deepEqual(outside, []);
  } finally { await close(); }
});
