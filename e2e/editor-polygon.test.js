// An editor draws a sensitive site's outline on the map (click a vertex at a
// time, double-click to close), saves it, and the API holds a closed Polygon
// with the drawn vertices while the map shows it. A self-intersecting
// "bow-tie" is refused by the API (422, PostGIS's reason) at the geometry
// field, and nothing is stored.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { launch, openAs, shot, call, until } from './lib.js';

// An empty corner of the county in the demo data, away from where the other
// tests put things (editor-drag moves a hazard source to 87.30, 43.15;
// editor-import adds sites east of here).
const AREA = [[87.235, 43.090], [87.285, 43.115]];
const bboxQuery = `bbox=${AREA[0][0]},${AREA[0][1]},${AREA[1][0]},${AREA[1][1]}`;

// Do segments p1-p2 and p3-p4 cross at a point inside both?
function cross(p1, p2, p3, p4) {
  const d = (a, b, c) => (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0]);
  return d(p3, p4, p1) * d(p3, p4, p2) < 0 && d(p1, p2, p3) * d(p1, p2, p4) < 0;
}
function simpleRing(ring) {
  const n = ring.length - 1;
  for (let i = 0; i < n; i++) for (let j = i + 2; j < n; j++) {
    if (i === 0 && j === n - 1) continue; // neighbours through the closing vertex
    if (cross(ring[i], ring[i + 1], ring[j], ring[j + 1])) return false;
  }
  return true;
}

// Click the vertices, double-click the last one (as a user closes a polygon).
async function drawPolygon(page, vertices) {
  await page.click('.feature-form .poly');
  const px = [];
  for (const v of vertices) px.push(await page.evaluate((c) => window.__sitrep.project(c), v));
  for (const p of px.slice(0, -1)) { await page.mouse.click(p.x, p.y); await page.waitForTimeout(60); }
  const last = px[px.length - 1];
  await page.mouse.dblclick(last.x, last.y);
  await page.waitForSelector('text=位置已改动');
}

const sitesIn = async () => (await call('editor', 'GET', `/api/v1/sensitive_sites?${bboxQuery}&limit=1000`)).data.features;

test('an editor draws a polygon sensitive site; a bow-tie is refused at the geometry field', async () => {
  const { context, close } = await launch();
  try {
    const { page, errors } = await openAs(context, 'editor', 'registry');
    // The legend folded: the mouse works on the map, not over the legend.
    await page.evaluate(() => document.querySelector('#legend').classList.add('folded'));
    await page.click('.registry .layers button[data-layer="sensitive_sites"]');
    await page.waitForSelector('.registry .layers button[data-layer="sensitive_sites"].on');
    assert.deepEqual(await sitesIn(), [], 'the test area starts empty');
    const before = await page.evaluate(() => window.__sitrep.counts().sensitive_sites);

    await page.click('.registry .new');
    await page.waitForSelector('.feature-form .poly');
    await page.fill('.feature-form [name=name]', '多边形测试学校');
    await page.selectOption('.feature-form [name=kind]', 'school');
    await page.fill('.feature-form [name=people]', '420');
    await page.evaluate((b) => { const m = window.__sitrep.map; m.stop(); m.fitBounds(b, { padding: 80, duration: 0 }); }, AREA);
    await page.waitForTimeout(300);
    // A quadrilateral, counter-clockwise (RFC 7946 exterior ring).
    const drawn = [[87.245, 43.095], [87.255, 43.095], [87.257, 43.103], [87.246, 43.105]];
    await drawPolygon(page, drawn);
    await shot(page, 'editor-polygon-drawn');
    await page.click('.feature-form .save');
    await page.waitForSelector('.editor .msg.ok');
    const id = (await page.textContent('.editor h3 small')).match(/#(\d+)/)[1];

    // The API: a valid, closed Polygon with the four drawn vertices.
    const f = (await call('editor', 'GET', `/api/v1/sensitive_sites/${id}`)).data;
    assert.equal(f.properties.name, '多边形测试学校');
    assert.equal(f.properties.kind, 'school');
    assert.equal(f.geometry.type, 'Polygon');
    assert.equal(f.geometry.coordinates.length, 1, 'one ring, no holes');
    const ring = f.geometry.coordinates[0];
    assert.equal(ring.length, drawn.length + 1, `ring ${JSON.stringify(ring)}`);
    assert.deepEqual(ring[0], ring[ring.length - 1], 'the ring is closed');
    // The stored vertices are where the clicks were (within a pixel or two at this zoom: < 0.0005°).
    ring.slice(0, -1).forEach((c, i) => assert.ok(Math.abs(c[0] - drawn[i][0]) < 5e-4 && Math.abs(c[1] - drawn[i][1]) < 5e-4, `vertex ${i}: ${c} vs ${drawn[i]}`));
    assert.ok(simpleRing(ring), 'the stored ring does not cross itself');
    assert.deepEqual((await sitesIn()).map((s) => String(s.id)), [id]);

    // The map: the store got it over the live stream and the fill layer draws it.
    await until(page, ([n, id]) => window.__sitrep.counts().sensitive_sites === n && window.__sitrep.feature('sensitive_sites', id)?.geometry.type === 'Polygon',
      [before + 1, id]);
    await page.click('.feature-form .cancel'); // drop the draft, so only the stored outline is drawn
    const inside = [87.251, 43.100];
    await until(page, ([c, id]) => {
      const m = window.__sitrep.map;
      return m.queryRenderedFeatures(m.project(c), { layers: ['sites-fill'] }).some((x) => String(x.properties.id) === id);
    }, [inside, id]);
    await shot(page, 'editor-polygon');

    // A bow-tie: the edges SW→NE and SE→NW cross at 87.270, 43.100. Lopsided
    // on purpose: a symmetric one has zero signed area, and MapLibre drops
    // such a ring, so the editor would not even see the draft.
    await page.click('.registry .new');
    await page.waitForSelector('.feature-form .poly');
    await page.fill('.feature-form [name=name]', '蝴蝶结测试');
    await page.selectOption('.feature-form [name=kind]', 'residential');
    await drawPolygon(page, [[87.265, 43.095], [87.277, 43.107], [87.275, 43.095], [87.265, 43.105]]);
    // The editor sees what they drew before saving it.
    await until(page, () => window.__sitrep.map.querySourceFeatures('draft').some((x) => x.geometry.type === 'Polygon'), null);
    await page.click('.feature-form .save');
    await until(page, () => (document.querySelector('.editor .field-err[data-for="/geometry"]')?.textContent || '').length > 0, null);
    const err = await page.textContent('.editor .field-err[data-for="/geometry"]');
    assert.ok(err.trim().length > 0, 'the reason shows at the geometry field');
    assert.ok(await page.isVisible('.editor .msg.bad'));
    assert.match(await page.textContent('.editor h3'), /新建/, 'still an unsaved new feature');
    await shot(page, 'editor-polygon-bowtie');
    // Nothing stored: the API has only the first polygon, and no event brought one.
    assert.deepEqual((await sitesIn()).map((s) => String(s.id)), [id]);
    await page.waitForTimeout(300);
    assert.equal(await page.evaluate(() => window.__sitrep.counts().sensitive_sites), before + 1);
    assert.deepEqual(errors, []);
  } finally { await close(); }
});
