// The registry editor on the laptop: fields in the order the layer defines
// them, by their Chinese titles, codes as words (filing status, township);
// a hazard source's inventory edited as rows, with the chemical picked by
// name or CAS number from the catalogue; the re-grading follows the save.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { launch, openAs, shot, call, until, englishWords, layoutProblems, LAPTOP } from './lib.js';

test('an editor edits an inventory as rows with the chemical picker', async () => {
  const { context, close } = await launch({ viewport: LAPTOP });
  try {
    const { page, errors } = await openAs(context, 'editor', 'registry');
    const id = '2';
    const before = (await call('viewer', 'GET', `/api/v1/hazard_sources/${id}`)).data;
    await page.click(`.registry tbody tr[data-id="${id}"]`);
    await until(page, () => document.querySelector('.feature-form .lines-table tbody tr'), null, 'the inventory rows');
    // The form follows the layer's order and titles.
    const order = await page.$$eval('.feature-form .field[data-field]', (els) => els.map((e) => e.dataset.field));
    const openapi = (await (await fetch(`${process.env.SITREP_URL}/api/openapi.json`)).json()).components.schemas.HazardSourcesProperties;
    const want = (openapi['x-order'] || []).filter((n) => order.includes(n));
    assert.deepEqual(order, want, 'fields follow x-order');
    assert.match(await page.textContent('.feature-form'), /备案状态/);
    assert.equal(await page.locator('.feature-form textarea[name=inventory]').count(), 0, 'no raw JSON');
    const rows = await page.locator('.feature-form .lines-table tbody tr').count();
    assert.equal(rows, before.properties.inventory.length);

    // A new row: 氯 picked by name fills its CAS number.
    await page.click('.feature-form .add-line');
    const row = page.locator('.feature-form .lines-table tbody tr').last();
    await row.locator('[data-col="chemical"]').fill('氯');
    await until(page, () => [...document.querySelectorAll('.feature-form datalist option')].some((o) => o.value === '氯'), null, 'the picker offers 氯');
    await row.locator('[data-col="chemical"]').fill('氯');
    await row.locator('[data-col="chemical"]').dispatchEvent('change');
    assert.equal(await row.locator('[data-col="cas"]').inputValue(), '7782-50-5');
    await row.locator('[data-col="max_tonnes"]').fill('0.5');
    await shot(page, 'registry-lines');
    assert.deepEqual(await layoutProblems(page), []);
    assert.deepEqual(await englishWords(page), []);
    await page.click('.feature-form .save');
    await until(page, () => /已保存/.test(document.querySelector('.editor .msg.ok')?.textContent || ''), null, 'saved');
    const after = (await call('viewer', 'GET', `/api/v1/hazard_sources/${id}`)).data;
    assert.equal(after.properties.inventory.length, before.properties.inventory.length + 1);
    assert.ok(after.properties.grading.terms.some((t) => t.name_zh === '氯'), 'the grading counts the chlorine');

    // A bad line is refused at the inventory, naming its row and column, in words.
    await page.click('.feature-form .add-line');
    await page.locator('.feature-form .lines-table tbody tr').last().locator('[data-col="chemical"]').fill('不存在的化学品XYZ');
    await page.locator('.feature-form .lines-table tbody tr').last().locator('[data-col="max_tonnes"]').fill('1');
    await page.click('.feature-form .save');
    await until(page, () => /第 \d+ 行/.test(document.querySelector('.editor .field-err[data-for="/properties/inventory"]')?.textContent || ''), null, 'the bad line named');
    assert.doesNotMatch(await page.textContent('.editor'), /\/properties\//);
    await shot(page, 'registry-lines-error');
    assert.deepEqual(errors, []);
  } finally { await close(); }
});
