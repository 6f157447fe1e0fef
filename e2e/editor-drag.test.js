// An editor drags a hazard source away from the people around it; saving
// re-grades it (α falls with the people within 500 m) and the page shows the
// new grade, S and R with how they were reached.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { launch, openAs, shot, call, until } from './lib.js';

test('an editor drags a hazard source and its grade updates', async () => {
  const { context, close } = await launch();
  try {
    const { page, errors } = await openAs(context, 'editor', 'registry');
    // The legend folded: the mouse works on the map, not over the legend.
    await page.evaluate(() => document.querySelector('#legend').classList.add('folded'));
    // Hazard source 1: 8 t of chlorine by the county seat, grade III (605 people within 500 m in the demo).
    const id = '1';
    const was = (await call('viewer', 'GET', `/api/v1/hazard_sources/${id}`)).data.properties;
    assert.equal(was.grade, 'III');
    await page.click(`.registry tbody tr[data-id="${id}"]`);
    await page.waitForSelector('.registry .grading .grade-val');
    assert.match(await page.textContent('.grade-val'), /Ⅲ级/);
    const from = (await call('viewer', 'GET', `/api/v1/hazard_sources/${id}`)).data.geometry.coordinates;
    const to = [87.30, 43.15]; // in the county, nobody within 3 km
    // South-west and north-east corners (reversed, MapLibre would span the antimeridian).
    await page.evaluate(([a, b]) => { const m = window.__sitrep.map; m.stop();
      m.fitBounds([[Math.min(a[0], b[0]), Math.min(a[1], b[1])], [Math.max(a[0], b[0]), Math.max(a[1], b[1])]], { padding: 120, duration: 0 }); }, [from, to]);
    await page.waitForTimeout(500);
    const p0 = await page.evaluate((c) => window.__sitrep.project(c), from);
    const p1 = await page.evaluate((c) => window.__sitrep.project(c), to);
    await page.mouse.move(p0.x, p0.y);
    await page.mouse.down();
    for (let i = 1; i <= 10; i++) await page.mouse.move(p0.x + (p1.x - p0.x) * i / 10, p0.y + (p1.y - p0.y) * i / 10);
    await page.mouse.up();
    await page.waitForSelector('text=位置已改动');
    await shot(page, 'editor-dragged');
    await page.click('.feature-form .save');
    await until(page, () => /Ⅳ级/.test(document.querySelector('.grade-val')?.textContent || ''), null);
    const now = (await call('viewer', 'GET', `/api/v1/hazard_sources/${id}`)).data;
    assert.equal(now.properties.grade, 'IV');
    assert.equal(now.properties.people_within_500m, 0);
    assert.ok(Math.abs(now.geometry.coordinates[0] - to[0]) < 0.02 && Math.abs(now.geometry.coordinates[1] - to[1]) < 0.02, `moved to ${now.geometry.coordinates}`);
    assert.match(await page.textContent('.grading'), /R = 3\.2/);
    // The wall's copy (live stream) has the new grade too.
    await until(page, (id) => window.__sitrep.feature('hazard_sources', id)?.properties.grade === 'IV', id);
    await shot(page, 'editor-drag');

    // A stale edit: someone else saves first; ours is refused (412) and explained.
    await page.fill('.feature-form [name=notes]', '本页面的修改');
    const cur = await call('viewer', 'GET', `/api/v1/hazard_sources/${id}`);
    await call('editor', 'PATCH', `/api/v1/hazard_sources/${id}`, '{"properties":{"notes":"他人的修改"}}', { 'If-Match': cur.etag, 'Content-Type': 'application/merge-patch+json' });
    await page.click('.feature-form .save');
    await page.waitForSelector('.editor .msg.bad .reload');
    assert.match(await page.textContent('.editor .msg.bad'), /已被他人修改/);
    await shot(page, 'editor-stale');
    await page.click('.editor .reload');
    await until(page, () => document.querySelector('.feature-form [name=notes]')?.value === '他人的修改');

    // A validation error lands at its field.
    await page.fill('.feature-form [name=last_inspection]', '2024-13-40');
    await page.click('.feature-form .save');
    await page.waitForSelector('.field.invalid[data-field="last_inspection"] .field-err');
    assert.ok((await page.textContent('[data-for="/properties/last_inspection"]')).length > 0);
    await shot(page, 'editor-field-error');
    assert.deepEqual(errors, []);
  } finally { await close(); }
});
