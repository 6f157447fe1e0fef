// A team's position fix moves its marker; a fix that is old makes it look old.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { launch, openAs, shot, call, minutesAgo, until } from './lib.js';

test('a team position update moves its marker', async () => {
  const { context, close } = await launch();
  try {
    const { page } = await openAs(context, 'viewer');
    const team = '3';
    const start = await page.evaluate((id) => window.__sitrep.drawnAt('rescue_teams', id), team);
    assert.ok(start, 'team 3 is on the map');
    const to = [87.455, 43.512];
    await call('dispatcher', 'POST', '/api/v1/positions', [{ team_id: 3, lon: to[0], lat: to[1], observed_at: new Date().toISOString(), speed: 12 }]);
    await until(page, ([id, to]) => {
      const d = window.__sitrep.drawnAt('rescue_teams', id);
      return d && Math.abs(d.coordinates[0] - to[0]) < 1e-6 && Math.abs(d.coordinates[1] - to[1]) < 1e-6;
    }, [team, to], 'team 3 drawn at its new fix');
    // The label marker moved with it and says the fix is fresh.
    const marker = await page.evaluate((id) => {
      const m = [...document.querySelectorAll('.maplabel-rescue_teams')].find((el) => el.dataset.id === id);
      return { text: m.textContent, transform: m.style.transform };
    }, team);
    assert.match(marker.text, /刚刚|秒前/);
    assert.doesNotMatch(marker.text, /-\d/);
    const drawn = await page.evaluate((id) => window.__sitrep.drawnAt('rescue_teams', id), team);
    assert.equal(drawn.stale, 0);
    assert.notDeepEqual(drawn.coordinates, start.coordinates);
    // The MapLibre source draws it there too.
    const inSource = await page.evaluate((id) => window.__sitrep.map.querySourceFeatures('rescue_teams').find((f) => String(f.properties.id) === id)?.properties._stale, team);
    assert.equal(inSource, 0);
    await page.evaluate(() => window.__sitrep.map.jumpTo({ center: [87.455, 43.512], zoom: 11 }));
    await page.waitForTimeout(300);
    await shot(page, 'team-position');

    // A new team whose first fix is 30 minutes old: drawn there, greyed as stale.
    const t = (await call('editor', 'POST', '/api/v1/rescue_teams', { type: 'Feature', geometry: { type: 'Point', coordinates: [87.44, 43.49] },
      properties: { name: '测试队〔测试〕', kind: 'volunteer', status: 'available', headcount: 5, synthetic: true } })).data;
    await call('dispatcher', 'POST', '/api/v1/positions', [{ team_id: Number(t.id), lon: 87.46, lat: 43.50, observed_at: minutesAgo(30) }]);
    // drawnAt is what the map and the label were given, not the store (which
    // is a frame ahead of them): reading the store made this flaky.
    await until(page, (id) => window.__sitrep.drawnAt('rescue_teams', id)?.stale === 2, t.id, 'the new team drawn as stale');
    assert.match((await page.evaluate((id) => window.__sitrep.drawnAt('rescue_teams', id), t.id)).label, /分钟前/);
  } finally { await close(); }
});
