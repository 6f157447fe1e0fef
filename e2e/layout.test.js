// Every screen on both sizes it runs on — the duty officer's 1366×768
// laptop and the 1920×1080 wall — as each role sees it: the header keeps
// its tabs, clock, user and 退出 inside the window, nothing in the header or
// over the map overlaps, no map label sits on another, and no word people
// read is English; alarms raised at two hazard sources show in a strip that
// moves the search row, legend and notes down. On the laptop the legend starts folded; on the wall it is
// open and readable from across the room (large keys, labels and scale), and
// the team and shelter labels show at the zoom the wall opens at.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { launch, openAs, shot, call, until, raiseAlarm, layoutProblems, englishWords, LAPTOP, WALL, viewportName } from './lib.js';

const SCREENS = [['viewer', ''], ['duty', 'dispatch'], ['editor', 'registry'], ['admin', 'admin']];

test('every screen fits, in Chinese, on the laptop and the wall', async (t) => {
  // Something to show: an incident with a published zone and a warning.
  const inc = (await call('dispatcher', 'POST', '/api/v1/incidents', { kind: 'hazardous_chemicals', place: '版面测试化工厂〔测试〕',
    location: { type: 'Point', coordinates: [87.42, 43.45] } })).data;
  const run = (await call('dispatcher', 'POST', `/api/v1/incidents/${inc.id}/zones`, { model: 'protective', inputs: { key: 'ammonia', case: 'small', windFromDeg: 90 } })).data;
  for (const z of run.features) await call('dispatcher', 'PATCH', `/api/v1/zones/${z.id}`, { active: true }, { 'If-Match': `"${z.properties.version}"` });
  // Alarms at two hazard sources: the alarm strip across the map's top
  // must push the tools down, not cover them.
  for (const code of ['demo-gt-02', 'demo-gt-04']) await raiseAlarm(code);
  const open = (await call('viewer', 'GET', '/api/v1/alarms')).data.features.filter((f) => f.properties.active);
  assert.ok(new Set(open.map((f) => f.properties.hazard_source_id)).size >= 2, 'alarms open at two hazard sources');
  for (const viewport of [LAPTOP, WALL]) {
    const { context, close } = await launch({ viewport });
    try {
      for (const [user, mode] of SCREENS) {
        const { page, errors, warnings } = await openAs(context, user, mode);
        if (mode === 'dispatch') await page.click(`.dispatch .pick .inc[data-id="${inc.id}"]`);
        if (mode === 'registry') await page.click('.registry tbody tr[data-id="1"]');
        await page.waitForTimeout(800);
        const name = `layout-${user}-${viewportName(viewport)}`;
        await shot(page, name);
        assert.deepEqual(await layoutProblems(page), [], `${name}: layout`);
        // Login names are identifiers people type: the only Latin words the admin screen may show.
        const logins = mode === 'admin' ? new Set((await call('admin', 'GET', '/api/v1/users')).data.users.flatMap((u) => u.name.split(/[^a-z]+/))) : new Set();
        const english = (await englishWords(page)).filter((w) => !logins.has(w));
        assert.deepEqual(english, [], `${name}: English words`);
        // (A viewer has one mode and so no tabs.)
        const header = await page.evaluate(() => ['#modes button', '#clock', '#user button', '#conn'].map((s) => [...document.querySelectorAll(s)].every((el) => {
          const r = el.getBoundingClientRect(); return r.right <= innerWidth && r.bottom <= innerHeight && r.width > 0; })));
        assert.deepEqual(header, [true, true, true, true], `${name}: header items in the window`);
        const folded = await page.evaluate(() => document.querySelector('#legend').classList.contains('folded'));
        assert.equal(folded, viewport === LAPTOP, `${name}: the legend folds on the laptop only`);
        assert.deepEqual(errors, []);
        // The map's icons are all there before the layers ask for them.
        assert.deepEqual(warnings.filter((w) => /could not be loaded/.test(w)), [], `${name}: missing map images`);
      }
      if (viewport === WALL) {
        // Read from across the room: sizes in CSS pixels on the 1920×1080 wall.
        const { page } = await openAs(context, 'viewer', '');
        const sizes = await page.evaluate(() => {
          const px = (s) => parseFloat(getComputedStyle(document.querySelector(s)).fontSize);
          return { key: px('#legend .key'), swatch: document.querySelector('#legend .sw').getBoundingClientRect().width,
            team: px('.maplabel-rescue_teams'), scale: px('.maplibregl-ctrl-scale'), zoom: window.__sitrep.map.getZoom() };
        });
        t.diagnostic(`wall sizes: ${JSON.stringify(sizes)}`);
        assert.ok(sizes.key >= 15 && sizes.swatch >= 18 && sizes.team >= 17 && sizes.scale >= 16, JSON.stringify(sizes));
        // The labels of teams show at the zoom the wall opens at.
        await until(page, () => [...document.querySelectorAll('.maplabel-rescue_teams')].some((el) => el.offsetParent && !el.classList.contains('below-zoom')), null, 'team labels at the opening zoom');
      }
    } finally { await close(); }
  }
});
