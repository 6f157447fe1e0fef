// The administrator's screens: users (add one with a role; its first token
// is shown once), tokens (revoke one), and the audit trail filtered by kind
// of record and by person — all in Chinese, on the laptop.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { launch, openAs, shot, call, until, englishWords, layoutProblems, LAPTOP } from './lib.js';

test('the administrator manages users and tokens and reads the audit trail', async () => {
  const { context, close } = await launch({ viewport: LAPTOP });
  try {
    const { page, errors } = await openAs(context, 'admin', 'admin');
    await until(page, () => document.querySelector('.admin table.users tbody tr'), null, 'the users');
    assert.match(await page.textContent('.admin table.users'), /值班员（指挥部办公室）/);
    // A bad name is refused at its field.
    await page.fill('.user-form input[name=name]', 'Bad Name');
    await page.click('.user-form button[type=submit]');
    await until(page, () => document.querySelector('.user-form .field-err[data-for="/name"]')?.textContent, null, 'the name refused');
    await page.fill('.user-form input[name=name]', 'wang.fang');
    await page.fill('.user-form input[name=display_name]', '王芳');
    await page.selectOption('.user-form select[name=role]', 'dispatcher');
    await page.fill('.user-form input[name=password]', 'a-long-enough-password');
    await page.click('.user-form button[type=submit]');
    await until(page, () => document.querySelector('.admin .msgs .secret')?.value.startsWith('sitrep_'), null, 'the new token shown once');
    assert.match(await page.textContent('.admin table.users'), /王芳/);
    const users = (await call('admin', 'GET', '/api/v1/users')).data.users;
    assert.equal(users.find((u) => u.name === 'wang.fang')?.role, 'dispatcher');
    await shot(page, 'admin-users');
    // Login names are identifiers people type: the only Latin words allowed here.
    const logins = new Set((await call('admin', 'GET', '/api/v1/users')).data.users.flatMap((u) => u.name.split(/[^a-z]+/)));
    assert.deepEqual((await englishWords(page)).filter((w) => !logins.has(w)), []);

    // Tokens: the new user's token is listed; revoking it ends it.
    await page.click('.admin .tabs button[data-tab="tokens"]');
    await until(page, () => document.querySelectorAll('.admin table.tokens tbody tr').length > 1, null, 'the tokens');
    const tok = (await call('admin', 'GET', '/api/v1/tokens')).data.tokens.find((t) => t.user_id === users.find((u) => u.name === 'wang.fang').id);
    page.once('dialog', (d) => d.accept());
    await page.click(`.admin table.tokens tr[data-token="${tok.id}"] .revoke`);
    await until(page, (id) => /已吊销/.test(document.querySelector(`.admin table.tokens tr[data-token="${id}"]`)?.textContent || ''), tok.id, 'the token revoked');
    await shot(page, 'admin-tokens');
    assert.deepEqual((await englishWords(page)).filter((w) => !logins.has(w)), []);

    // The audit trail: the user created above, filtered by kind and person.
    await page.click('.admin .tabs button[data-tab="audit"]');
    await until(page, () => document.querySelectorAll('.admin table.audit tbody tr[data-audit]').length > 0, null, 'the audit trail');
    await page.selectOption('.audit-filter select[name=entity]', 'users');
    await page.fill('.audit-filter input[name=actor]', 'admin');
    await page.click('.audit-filter button[type=submit]');
    await until(page, () => { const rows = [...document.querySelectorAll('.admin table.audit tbody tr[data-audit]')]; return rows.length > 0 && rows.every((r) => /用户/.test(r.textContent) && /admin/.test(r.textContent)); }, null, 'the filtered trail');
    assert.match(await page.textContent('.admin table.audit'), /新建/);
    assert.deepEqual(await layoutProblems(page), []);
    assert.deepEqual((await englishWords(page)).filter((w) => !logins.has(w)), []);
    await shot(page, 'admin-audit');
    assert.deepEqual(errors, []);
  } finally { await close(); }
});
