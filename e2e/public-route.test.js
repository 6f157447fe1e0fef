// The public page's road route, as a reader on a phone with no login uses
// it: they let the page know where they are, tap 驾车路线 on a shelter's
// card, and the route is drawn on the map with its time and length on the
// card. Before any road data is loaded the card says only the straight
// line can be given (checked when this file runs before the basemap is
// imported: alone, or before basemap.test.js has run).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { launch, shot, call, until, englishWords, LAPTOP, BASE, viewportName } from './lib.js';

const PHONE = { width: 390, height: 844 };
const EXTRACT = fileURLToPath(new URL('../internal/basemap/testdata/county_test.osm', import.meta.url));
// On the test extract: the reader by G216's southern end, the shelter at
// the western end of 板房沟路, which G216 leads to.
const READER = { longitude: 87.5051, latitude: 43.4703 };
const SHELTER_AT = [87.4823, 43.4862];
const NAME = '公开页路线测试避难点〔测试〕';

// openWithPosition opens the public page with the reader's position
// allowed, sorts by it and returns the page and the shelter's card.
async function openWithPosition(context, shelterId) {
  await context.grantPermissions(['geolocation'], { origin: BASE });
  await context.setGeolocation(READER);
  const page = await context.newPage();
  const errors = [], foreign = [];
  page.on('pageerror', (e) => errors.push(e));
  page.on('request', (r) => { if (!r.url().startsWith(BASE) && !r.url().startsWith('data:') && !r.url().startsWith('blob:')) foreign.push(r.url()); });
  await page.goto(`${BASE}/public/`);
  await until(page, (id) => document.querySelector(`#shelter-list .card[data-shelter="${id}"]`) && window.__public?.rendered > 0, shelterId, 'the test shelter listed');
  await page.click('#locate');
  await until(page, (id) => document.querySelector(`#shelter-list .card[data-shelter="${id}"] .route-button`), shelterId, 'the route button once the position is known');
  return { page, errors, foreign, card: page.locator(`#shelter-list .card[data-shelter="${shelterId}"]`) };
}

test('a reader taps 驾车路线 on a shelter and sees the road route drawn, with minutes and kilometres', async () => {
  const made = await call('editor', 'POST', '/api/v1/shelters', { type: 'Feature', geometry: { type: 'Point', coordinates: SHELTER_AT },
    properties: { name: NAME, class: 'emergency', capacity: 300, status: 'open', occupancy: 0, synthetic: true } });
  const id = Number(made.data.id);
  try {
    // The snapshot follows the live stream: wait for the page's data to list it.
    const route = `${BASE}/public/route?lon=${READER.longitude}&lat=${READER.latitude}&shelter=${id}`;
    let probe;
    for (const deadline = Date.now() + 30000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 200))) {
      const r = await fetch(route);
      probe = await r.json();
      if (r.ok) break;
    }
    assert.ok(probe.road, `the route answers: ${JSON.stringify(probe)}`);

    if (probe.road === 'no_network') {
      const { context, close } = await launch({ viewport: PHONE });
      try {
        const { page, errors, card } = await openWithPosition(context, id);
        await card.locator('.route-button').click();
        await until(page, (id) => document.querySelector(`#shelter-list .card[data-shelter="${id}"] .route-note.none`), id, 'the no-road-data note');
        assert.equal(await card.locator('.route-note').innerText(), '未加载道路数据，仅显示直线距离');
        assert.match(await card.innerText(), /直线距离约 [\d.]+ 公里/);
        await card.scrollIntoViewIfNeeded();
        await shot(page, 'public-route-none-390x844');
        assert.deepEqual(errors, []);
      } finally {
        await close();
      }
      execFileSync(process.env.SITREP_BIN, ['basemap', 'import', EXTRACT], { env: process.env, stdio: 'pipe' });
    } else {
      console.log(`# roads were loaded before this file ran (road: ${probe.road}); the no-road-data card is covered by the Go tests`);
    }

    for (const viewport of [PHONE, LAPTOP]) {
      const { context, close } = await launch({ viewport });
      try {
        const { page, errors, foreign, card } = await openWithPosition(context, id);
        assert.deepEqual(await context.cookies(), [], 'no session: the page needs no login');
        // The import's commit reaches the page's data through the live
        // stream; until then the answer may still be the one without roads.
        for (const deadline = Date.now() + 30000; ; await page.waitForTimeout(500)) {
          await card.locator('.route-button').click();
          await until(page, (id) => document.querySelector(`#shelter-list .card[data-shelter="${id}"] .route-note:is(.ok, .none)`), id, 'a route answer on the card');
          if (await card.locator('.route-note.ok').count() || Date.now() > deadline) break;
        }
        assert.match(await card.locator('.route-note').innerText(), /^驾车约 \d+ 分钟，\d+\.\d 公里/);
        // Drawn: the map renders the route's line.
        await until(page, () => window.__public.map.queryRenderedFeatures({ layers: ['route-line'] }).length > 0, null, 'the route drawn on the map');
        assert.ok(await page.locator('#legend-route').isVisible(), 'the legend names the route');
        const answer = await page.evaluate(() => window.__public.route);
        assert.equal(answer.road, 'route');
        assert.equal(answer.route.geometry.type, 'LineString');
        assert.ok(answer.km > 2 && answer.km < 10, `km ${answer.km}`);
        assert.deepEqual(await englishWords(page), []);
        assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1), 'no horizontal overflow');
        await page.waitForTimeout(300); // let the map paint
        await shot(page, `public-route-map-${viewportName(viewport)}`);
        await card.scrollIntoViewIfNeeded();
        await shot(page, `public-route-card-${viewportName(viewport)}`);
        assert.deepEqual(foreign, [], 'nothing is fetched from another origin');
        assert.deepEqual(errors, []);
      } finally {
        await close();
      }
    }
  } finally {
    const cur = await call('editor', 'GET', `/api/v1/shelters/${id}`);
    await call('editor', 'DELETE', `/api/v1/shelters/${id}`, undefined, { 'If-Match': cur.etag });
  }
});
