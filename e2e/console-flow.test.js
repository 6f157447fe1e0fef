// The core flow of the dispatch console, as a duty officer works a phone
// call, on the laptop and on the wall screen: the incident is typed in and
// placed with a click on the map, recorded, its zone computed (a draft: the
// wall does not show it) and published (now the wall does), and the nearest
// three available teams are sent after a confirmation that names them — in
// at most 6 clicks besides the typing. Then: the teams working for this
// incident (and only those) are listed and their rows stay put while they
// move; a team with no position feed says so; 发布预警 is ready for the
// selected incident; the log tells what happened; the zone is switched off
// and leaves the wall. Nothing on screen is cut off, overlapping or English.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { launch, openAs, shot, call, until, countClicks, layoutProblems, englishWords, LAPTOP, WALL, viewportName } from './lib.js';

for (const [viewport, place, at] of [[LAPTOP, '化工园区液氯储罐〔测试〕', [87.405, 43.468]], [WALL, '水厂加氯间泄漏〔测试〕', [87.395, 43.472]]]) {
  test(`the core flow in at most 6 clicks (${viewportName(viewport)})`, async (t) => {
    // Teams of its own by the place (the demo's may be out on other tests' incidents).
    const tag = viewportName(viewport);
    for (let i = 0; i < 4; i++) {
      await call('editor', 'POST', '/api/v1/rescue_teams', { type: 'Feature', geometry: { type: 'Point', coordinates: [at[0] + 0.004 * (i + 1), at[1] - 0.003 * (i + 1)] },
        properties: { name: `应急分队${i + 1}〔测试${tag}〕`, kind: 'hazmat', status: 'available', headcount: 8, capabilities: ['hazmat'], synthetic: true } });
    }
    const away = [87.43, 43.52 + (viewport === WALL ? 0.01 : 0)];
    await call('editor', 'POST', '/api/v1/rescue_teams', { type: 'Feature', geometry: { type: 'Point', coordinates: [away[0] + 0.002, away[1]] },
      properties: { name: `远处分队〔测试${tag}〕`, kind: 'fire_rescue', status: 'available', headcount: 8, synthetic: true } });
    const { context, close } = await launch({ viewport });
    const name = `console-flow-${tag}`;
    try {
      const { page, errors } = await openAs(context, 'duty', 'dispatch');
      const clicks = await countClicks(page);
      // The call: a chlorine leak. Typing the place arms the map; one click there places it.
      await page.fill('.incident-form input[name=place]', place);
      await page.evaluate((c) => window.__sitrep.map.jumpTo({ center: c, zoom: 11 }), at);
      await page.waitForTimeout(300);
      const p = await page.evaluate((c) => window.__sitrep.project(c), at);
      await page.mouse.click(p.x, p.y);
      await until(page, () => /位置：/.test(document.querySelector('.incident-form .loc').textContent), null, 'the clicked place in the form');
      await page.click('.incident-form .record');
      const id = await (await until(page, () => document.querySelector('.incident-detail')?.dataset.id, null, 'the new incident selected')).jsonValue();
      const inc = (await call('viewer', 'GET', `/api/v1/incidents/${id}`)).data;
      assert.equal(inc.properties.place, place);
      assert.ok(Math.abs(inc.geometry.coordinates[0] - at[0]) < 0.01 && Math.abs(inc.geometry.coordinates[1] - at[1]) < 0.01, `placed at ${inc.geometry.coordinates}`);
      assert.equal(inc.properties.drill, false, '演练 is not ticked by default');

      // The zone: a draft first, on this console only.
      await page.fill('.zone-form input[name=windFromDeg]', '270');
      await page.click('.zone-form .compute');
      await until(page, () => document.querySelector('.zone-run.is-draft .publish'), null, 'the draft run with its publish button');
      assert.deepEqual((await call('viewer', 'GET', `/api/v1/incidents/${id}/zones?active=true`)).data.features, [], 'a draft is not in force');
      assert.equal(await page.evaluate((i) => window.__sitrep.map.querySourceFeatures('zones').filter((f) => f.properties.incident_id === Number(i) && f.properties.active).length, id), 0);
      await shot(page, `${name}-draft`);
      await page.click('.zone-run.is-draft .publish');
      await until(page, (i) => window.__sitrep.map.querySourceFeatures('zones').some((f) => f.properties.incident_id === Number(i) && f.properties.active), id, 'the published zone on the wall');

      // The nearest three, confirmed by name.
      const nearest = (await call('duty', 'GET', `/api/v1/nearest?layer=rescue_teams&incident=${id}&k=3&status=available`)).data.results;
      await page.click('.teams .send-n');
      await until(page, () => document.querySelector('dialog.confirm-send')?.open, null, 'the confirmation');
      const listed = await page.$$eval('dialog.confirm-send .to-send li', (lis) => lis.map((li) => li.dataset.team));
      assert.deepEqual(listed, nearest.map((r) => String(r.id)));
      await shot(page, `${name}-confirm`);
      await page.click('dialog.confirm-send .confirm');
      await until(page, (ids) => ids.every((x) => window.__sitrep.feature('rescue_teams', x)?.properties.status === 'dispatched'), listed, 'three teams dispatched');
      const n = await clicks();
      t.diagnostic(`core flow: ${n} clicks`);
      assert.ok(n <= 6, `the core flow took ${n} clicks`);

      // The rest of the flow once, on the laptop: the wall screen showed the core of it.
      if (viewport === WALL) {
        assert.deepEqual(await layoutProblems(page), []);
        assert.deepEqual(await englishWords(page), []);
        await shot(page, name);
        assert.deepEqual(errors, []);
        return;
      }
      // The teams for this incident, and only those.
      await until(page, (ids) => ids.every((x) => document.querySelector(`.coming tr[data-team="${x}"]`)), listed, 'the dispatched teams listed');
      const other = (await call('dispatcher', 'POST', '/api/v1/incidents', { kind: 'fire', place: '另一处火情〔测试〕', location: { type: 'Point', coordinates: away } })).data;
      const elsewhere = (await call('dispatcher', 'GET', `/api/v1/nearest?layer=rescue_teams&incident=${other.id}&k=1&status=available`)).data.results[0];
      await call('dispatcher', 'POST', `/api/v1/incidents/${other.id}/dispatch`, { team_ids: [elsewhere.id] });
      await until(page, (x) => window.__sitrep.feature('rescue_teams', x)?.properties.status === 'dispatched', String(elsewhere.id), 'the other team dispatched');
      await page.waitForTimeout(500);
      assert.equal(await page.locator(`.coming tr[data-team="${elsewhere.id}"]`).count(), 0, 'a team heading to another incident is not listed');
      // A team without a position feed says so, never "无定位" or a negative age.
      const first = listed[0];
      assert.match(await page.textContent(`.coming tr[data-team="${first}"]`), /未回传定位|定位于/);
      // The row and its button stay put while the team moves.
      const button = await page.$(`.coming tr[data-team="${first}"] button[data-status="en_route"]`);
      for (let k = 0; k < 3; k++) {
        await call('dispatcher', 'POST', '/api/v1/positions', [{ team_id: Number(first), lon: at[0] + 0.02 - k * 0.005, lat: at[1] + 0.01, observed_at: new Date(Date.now() - (3 - k) * 1000).toISOString() }]);
        await until(page, ([x, lon]) => Math.abs((window.__sitrep.feature('rescue_teams', x)?.properties.last_position?.coordinates[0] ?? 0) - lon) < 1e-6, [first, at[0] + 0.02 - k * 0.005], 'the fix applied');
      }
      await until(page, (x) => /定位于/.test(document.querySelector(`.coming tr[data-team="${x}"]`).textContent), first, 'the position age');
      // Its way so far is drawn behind it, so a move shows even at the county-wide zoom.
      await until(page, (x) => window.__sitrep.map.querySourceFeatures('team_trails').some((f) => String(f.properties.id) === x), first, 'the team trail');
      assert.equal(await button.evaluate((b) => b.isConnected), true, 'the status button was rebuilt under the cursor');
      assert.doesNotMatch(await page.textContent('.coming'), /-\d+ 秒前|无定位/);
      await button.click();
      await until(page, (x) => window.__sitrep.feature('rescue_teams', x)?.properties.status === 'en_route', first, 'en route');

      // A warning for the selected incident is ready to go.
      assert.equal(await page.isEnabled('.warn-form .issue'), true, '发布预警 is enabled for the selected incident');
      assert.match(await page.inputValue('.warn-form input[name=desc]'), new RegExp(place.slice(0, 4)));
      // The log: newest first, in Beijing time.
      await until(page, () => /派遣/.test(document.querySelector('.incident-log')?.textContent || '') && /发布区域/.test(document.querySelector('.incident-log').textContent), null, 'the log');
      assert.match(await page.textContent('.incident-log'), /接报登记/);
      assert.match(await page.textContent('.incident-log'), /计算区域/);

      assert.deepEqual(await layoutProblems(page), []);
      assert.deepEqual(await englishWords(page), []);
      await page.evaluate(() => document.querySelector('.teams').scrollIntoView());
      await shot(page, `${name}-teams`);

      // Switched off, the zone leaves the wall.
      await page.click('.zone-run.is-live .switch-off');
      await until(page, (i) => !window.__sitrep.map.querySourceFeatures('zones').some((f) => f.properties.incident_id === Number(i) && f.properties.active), id, 'the zone off the wall');
      assert.deepEqual((await call('viewer', 'GET', `/api/v1/incidents/${id}/zones?active=true`)).data.features, []);
      await page.evaluate(() => document.querySelector('.zones').scrollIntoView());
      await shot(page, name);
      assert.deepEqual(errors, []);
    } finally { await close(); }
  });
}
