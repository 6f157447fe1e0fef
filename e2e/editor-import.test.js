// An editor imports sensitive sites from a CSV file through the registry's
// import box. The dry run of a file with one bad row lists it by its line in
// the file (a quoted cell spanning two lines puts it on line 4, not 3) and
// stores nothing; the corrected file dry-runs clean, 确认导入 stores every row,
// and the new sites reach the map over the live stream.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { launch, openAs, shot, call, until } from './lib.js';

// Empty in the demo data, and apart from where the other tests put things.
const AREA = [[87.335, 43.090], [87.385, 43.115]];
const NAMES = ['导入测试小学', '导入测试卫生室', '导入测试村'];
const csv = (kind) => [
  'name,kind,people,notes,lon,lat',
  `${NAMES[0]},school,240,"南门进出\n北门封闭",87.350,43.100`,
  `${NAMES[1]},${kind},12,,87.360,43.102`,
  `${NAMES[2]},residential,860,,87.370,43.105`,
].join('\n') + '\n';

const stored = async () => (await call('editor', 'GET', `/api/v1/sensitive_sites?bbox=${AREA.flat().join(',')}&limit=1000`)).data.features;

test('an editor imports a CSV: the dry run names the bad line, the fixed file is stored and mapped', async () => {
  const { context, close } = await launch();
  try {
    const { page, errors } = await openAs(context, 'editor', 'registry');
    await page.click('.registry .layers button[data-layer="sensitive_sites"]');
    await page.waitForSelector('.registry .layers button[data-layer="sensitive_sites"].on');
    assert.deepEqual(await stored(), []);
    const before = await page.evaluate(() => window.__sitrep.counts().sensitive_sites);

    // A bad kind in the second data row, which starts on line 4.
    await page.setInputFiles('.registry .file', { name: 'sites.csv', mimeType: 'text/csv', buffer: Buffer.from(csv('clinic')) });
    await page.click('.registry .dry');
    await page.waitForSelector('.import-report .msg');
    assert.match(await page.textContent('.import-report .msg'), /试运行：共 3 行，有效 2 行/);
    const rows = await page.$$eval('.import-report tbody tr', (trs) => trs.map((tr) => [...tr.cells].map((td) => td.textContent)));
    assert.equal(rows.length, 1, JSON.stringify(rows));
    assert.equal(rows[0][0], '4', 'the bad row is reported at its line in the file');
    const title = (await (await fetch(`${process.env.SITREP_URL}/api/openapi.json`)).json()).components.schemas.SensitiveSitesProperties.properties.kind.title;
    assert.equal(rows[0][1], title, 'the column by its title, not its code');
    assert.ok(rows[0][2].length > 0, 'the problem says why');
    assert.ok(await page.isDisabled('.registry .commit'), 'a file with a bad row cannot be imported');
    await shot(page, 'editor-import-dry-bad');
    assert.deepEqual(await stored(), [], 'a dry run stores nothing');

    // The fixed file: a clean dry run, then the import.
    await page.setInputFiles('.registry .file', { name: 'sites.csv', mimeType: 'text/csv', buffer: Buffer.from(csv('hospital')) });
    await page.click('.registry .dry');
    await until(page, () => /有效 3 行/.test(document.querySelector('.import-report .msg')?.textContent || ''), null);
    assert.equal(await page.$$eval('.import-report tbody tr', (trs) => trs.length), 0);
    assert.deepEqual(await stored(), []);
    assert.ok(await page.isEnabled('.registry .commit'));
    await page.click('.registry .commit');
    await until(page, () => /导入：共 3 行，有效 3 行，已创建 3/.test(document.querySelector('.import-report .msg')?.textContent || ''), null);
    assert.ok(await page.isDisabled('.registry .commit'), 'the same file is not imported twice by a second click');

    // The API holds the three sites as written, the multi-line note intact.
    const got = await stored();
    assert.deepEqual(got.map((f) => f.properties.name).sort(), [...NAMES].sort());
    const byName = Object.fromEntries(got.map((f) => [f.properties.name, f]));
    assert.equal(byName[NAMES[0]].properties.notes, '南门进出\n北门封闭');
    assert.equal(byName[NAMES[1]].properties.kind, 'hospital');
    assert.equal(byName[NAMES[2]].properties.people, 860);
    assert.deepEqual(byName[NAMES[1]].geometry, { type: 'Point', coordinates: [87.36, 43.102] });

    // The page: the store has them (live stream), the list finds them, the map draws them.
    await until(page, ([n, ids]) => window.__sitrep.counts().sensitive_sites === n && ids.every((id) => window.__sitrep.feature('sensitive_sites', id)),
      [before + 3, got.map((f) => String(f.id))]);
    await page.fill('.registry .q', '导入测试');
    await until(page, () => document.querySelectorAll('.registry tbody tr').length === 3);
    await page.evaluate((b) => { const m = window.__sitrep.map; m.stop(); m.fitBounds(b, { padding: 80, duration: 0 }); }, AREA);
    await until(page, (ids) => {
      const m = window.__sitrep.map;
      const drawn = new Set(m.queryRenderedFeatures({ layers: ['sites'] }).map((x) => String(x.properties.id)));
      return ids.every((id) => drawn.has(id));
    }, got.map((f) => String(f.id)));
    await shot(page, 'editor-import');
    assert.deepEqual(errors, []);
  } finally { await close(); }
});
