// The names of the county and its neighbours are written once each on the
// wall: at one point inside each area, not once per map tile the area's
// polygon crosses (a neighbouring district's name showed two or three
// times at the opening zoom); zoomed out, the county's name is not crowded
// out by the points over it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { launch, openAs, shot, until, LAPTOP, WALL, viewportName, PATIENCE_MS } from './lib.js';

// The area names drawn now, with how many times each is drawn.
const drawnNames = (page) => page.evaluate(() => {
  const count = {};
  for (const f of window.__sitrep.map.queryRenderedFeatures({ layers: ['bm-area-names', 'bm-county-name'] })) {
    count[f.properties.name] = (count[f.properties.name] || 0) + 1;
  }
  return count;
});

test('each area name is written once, inside its area', async () => {
  for (const viewport of [LAPTOP, WALL]) {
    // A fresh browser at each size: the map fits the county as it opens.
    const { context, close } = await launch({ viewport });
    try {
      const { page, errors } = await openAs(context, 'viewer');
      await until(page, () => window.__sitrep.map.querySourceFeatures('boundaries').some((f) => f.properties.is_county), null, 'the county\'s boundary');
      const county = await page.evaluate(() => window.__sitrep.map.querySourceFeatures('boundaries').find((f) => f.properties.is_county).properties.name);
      // Software WebGL places labels a while after the data arrives.
      let names = {};
      for (const deadline = Date.now() + PATIENCE_MS; Date.now() < deadline && !names[county]; await page.waitForTimeout(250)) {
        names = await drawnNames(page);
      }
      await shot(page, `area-names-${viewportName(viewport)}`);
      assert.ok(names[county], `the county's name is drawn: ${JSON.stringify(names)}`);
      const repeated = Object.entries(names).filter(([, n]) => n > 1);
      assert.deepEqual(repeated, [], `names drawn more than once: ${JSON.stringify(names)}`);
      // Zoomed out, the county is covered with points; its name stays.
      await page.evaluate(() => window.__sitrep.map.jumpTo({ zoom: 7.5 }));
      names = {};
      for (const deadline = Date.now() + PATIENCE_MS; Date.now() < deadline && !names[county]; await page.waitForTimeout(250)) {
        names = await drawnNames(page);
      }
      await shot(page, `area-names-zoom7-${viewportName(viewport)}`);
      assert.ok(names[county], `the county's name is drawn at zoom 7.5: ${JSON.stringify(names)}`);
      assert.deepEqual(errors, []);
    } finally {
      await close();
    }
  }
});
