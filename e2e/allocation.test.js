// A dispatcher asks where a zone's people go, sees which shelters take how
// many and who is left without a place, and confirms; when the proposal
// changed since it was shown (an editor changed a shelter's capacity), the
// page explains the refusal and recomputes. The shelters' occupancy on the
// page follows the live stream. Once confirmed, the zone's people have a
// place: proposing again places nobody more and the evacuated count stays,
// and a page still showing the old proposal is refused (412) when another
// officer confirmed first. Labels follow their layer's switch in the legend.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { launch, openAs, shot, call, minutesAgo, until } from './lib.js';

test('a dispatcher proposes and confirms an evacuation allocation', async () => {
  const inc = (await call('dispatcher', 'POST', '/api/v1/incidents', { kind: 'hazardous_chemicals', place: '化工仓库〔测试〕',
    location: { type: 'Point', coordinates: [87.4026, 43.4780] }, occurred_at: minutesAgo(10) })).data;
  const run = (await call('dispatcher', 'POST', `/api/v1/incidents/${inc.id}/zones`, { model: 'protective', inputs: { key: 'chlorine', case: 'large', windFromDeg: 300 } })).data;
  for (const z of run.features) await call('dispatcher', 'PATCH', `/api/v1/zones/${z.id}`, { active: true }, { 'If-Match': `"${z.properties.version}"` });
  const zones = (await call('viewer', 'GET', `/api/v1/incidents/${inc.id}/zones?active=true`)).data.features;
  const people = await Promise.all(zones.map(async (z) => (await call('viewer', 'GET', `/api/v1/zones/${z.id}/impact`)).data.people));
  const zone = zones[people.indexOf(Math.max(...people))];
  assert.ok(Math.max(...people) > 0, 'the demo data has no people in the zone');

  const { context, close } = await launch();
  try {
    const { page, errors } = await openAs(context, 'dispatcher', 'dispatch');
    await page.click(`.dispatch .pick .inc[data-id="${inc.id}"]`);
    await page.click(`.zones button.propose[data-zone="${zone.id}"]`);
    await page.waitForSelector('.alloc .alloc-shelters tbody tr');
    const first = (await call('dispatcher', 'POST', `/api/v1/zones/${zone.id}/allocation`)).data;
    assert.match(await page.textContent('.alloc-totals'), new RegExp(`区内人口\\s*${first.people}`));
    assert.equal(await page.locator('.alloc .alloc-shelters tbody tr').count(), first.shelters.length);

    // An editor changes the capacity of a shelter the proposal uses: the page's proposal is stale.
    const changed = first.shelters[0];
    assert.ok(changed, 'no shelter with room in the demo data');
    const sh = await call('editor', 'GET', `/api/v1/shelters/${changed.id}`);
    await call('editor', 'PATCH', `/api/v1/shelters/${changed.id}`, { properties: { capacity: sh.data.properties.capacity + 5 } },
      { 'If-Match': sh.etag, 'Content-Type': 'application/merge-patch+json' });
    await page.click('.alloc-confirm');
    await page.waitForSelector('.alloc-stale');
    assert.match(await page.textContent('.alloc-stale'), /未执行/);
    await shot(page, 'allocation-stale');
    await page.click('.alloc-recompute');
    await page.waitForSelector('.alloc .alloc-confirm');
    const second = (await call('dispatcher', 'POST', `/api/v1/zones/${zone.id}/allocation`)).data;
    assert.equal(second.already_placed, 0, 'nothing was applied on the refusal');
    const target = second.shelters[0];
    assert.ok(target, 'no shelter left with room');
    const before = await page.evaluate((id) => window.__sitrep.feature('shelters', id).properties.occupancy, String(target.id));
    await page.click('.alloc-confirm');
    // The occupancy the stream brings, in the panel and on the map label.
    const want = before + target.people;
    await until(page, ([id, n]) => window.__sitrep.feature('shelters', id)?.properties.occupancy === n, [String(target.id), want]);
    await until(page, ([id, n]) => new RegExp(`^${n} / `).test(document.querySelector(`.alloc-live tr[data-shelter="${id}"] .occ`)?.textContent.trim() || ''),
      [String(target.id), want]);
    await until(page, ([id, n]) => (document.querySelector(`.maplabel-shelters[data-id="${id}"]`)?.textContent || '').startsWith(`${n}/`),
      [String(target.id), want]);
    // The panel says what became of the evacuation routes (computed, or why not: roads may not be loaded).
    assert.match(await page.textContent('.alloc-routes'), /^(疏散路线：共 \d+ 条疏散路线|未加载道路网络|未计算疏散路线)/);
    await shot(page, 'allocation-confirmed');
    // Everyone placed counts as evacuated on the incident (≥ 500 is 较大涉险), once.
    await until(page, ([id, n]) => window.__sitrep.feature('incidents', id)?.properties.casualties.evacuated === n, [String(inc.id), second.placed]);

    // The same zone again: its people already have a place.
    await page.click(`.zones button.propose[data-zone="${zone.id}"]`);
    await page.waitForSelector('.alloc .alloc-totals .already');
    const third = (await call('dispatcher', 'POST', `/api/v1/zones/${zone.id}/allocation`)).data;
    assert.equal(third.placed, 0, 'the second proposal for the same zone places people again');
    assert.equal(third.already_placed, second.placed);
    assert.equal(await page.locator('.alloc .alloc-confirm').count(), 0);
    assert.match(await page.textContent('.alloc-totals'), new RegExp(`已安置\\s*${second.placed}`));
    if (!third.unplaced) assert.match(await page.textContent('.alloc'), /均已安置/);
    await call('dispatcher', 'POST', `/api/v1/zones/${zone.id}/allocation/confirm`, { shelters: third.shelters });
    // A stale page confirming the first proposal once more is refused: nobody is placed twice.
    await assert.rejects(call('dispatcher', 'POST', `/api/v1/zones/${zone.id}/allocation/confirm`, { shelters: second.shelters }), /: 412 /);
    const evacuated = (await call('viewer', 'GET', `/api/v1/incidents/${inc.id}`)).data.properties.casualties.evacuated;
    assert.equal(evacuated, second.placed, 'confirming the same zone twice raised the evacuated count');

    await page.evaluate(([i, id]) => { const a = window.__sitrep.feature('incidents', i).geometry.coordinates, b = window.__sitrep.feature('shelters', id).geometry.coordinates;
      window.__sitrep.map.fitBounds([[Math.min(a[0], b[0]), Math.min(a[1], b[1])], [Math.max(a[0], b[0]), Math.max(a[1], b[1])]], { padding: 150, maxZoom: 12, duration: 0 }); }, [String(inc.id), String(target.id)]);
    await page.waitForTimeout(400);
    await shot(page, 'allocation');

    // Switching the shelters layer off hides their labels too; on shows them.
    // (A label may also give way to a more important one it would overlap:
    // that hides it from sight but not from the layout.)
    const shown = (sel) => page.locator(sel).evaluate((el) => getComputedStyle(el).display !== 'none');
    const label = `.maplabel-shelters[data-id="${target.id}"]`;
    assert.equal(await shown(label), true);
    await page.uncheck('#legend input[data-layer="shelters"]');
    assert.equal(await shown(label), false);
    await page.uncheck('#legend input[data-layer="incidents"]');
    assert.equal(await shown(`.maplabel-incidents[data-id="${inc.id}"]`), false);
    await page.check('#legend input[data-layer="shelters"]');
    assert.equal(await shown(label), true);
    await page.check('#legend input[data-layer="incidents"]');
    assert.deepEqual(errors, []);
  } finally { await close(); }
});
