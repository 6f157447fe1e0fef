// An hour of activity, compressed: thousands of team position fixes (one
// every 6 s of simulated time per team) and incident changes through the
// API, while the wall is open. The page's heap after garbage collection must
// stay bounded (< 1.5× what it was after warm-up), and it must have applied
// every event. A bounded check, not a timing one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { launch, openAs, shot, call, minutesAgo, until } from './lib.js';

const N_TEAMS = 7;
const STEPS = 600;      // 600 × 6 s = one hour of fixes
const STEP_S = 6;

// The test's own bound catches a hang: 4,200 writes take a minute or two here, many more on a busy machine.
test('the wall runs an hour of activity without growing memory', { timeout: 900000 }, async () => {
  // Teams of its own, so no other test's fixes (newer than ours) turn ours
  // into track-only history.
  const TEAMS = [];
  for (let i = 0; i < N_TEAMS; i++) {
    TEAMS.push(Number((await call('editor', 'POST', '/api/v1/rescue_teams', { type: 'Feature', geometry: { type: 'Point', coordinates: [87.40 + i * 0.01, 43.48] },
      properties: { name: `巡逻队 ${i}〔测试〕`, kind: 'volunteer', status: 'available', headcount: 4, synthetic: true } })).data.id));
  }
  const incs = [];
  for (let i = 0; i < 3; i++) {
    incs.push((await call('dispatcher', 'POST', '/api/v1/incidents', { kind: 'road_traffic', place: `高速路段 ${i}〔测试〕`,
      location: { type: 'Point', coordinates: [87.38 + i * 0.02, 43.52] }, occurred_at: minutesAgo(1) })).data);
  }
  const { context, close } = await launch();
  try {
    const { page } = await openAs(context, 'viewer');
    const cdp = await context.newCDPSession(page);
    const heap = async () => {
      for (let i = 0; i < 3; i++) await cdp.send('HeapProfiler.collectGarbage');
      return (await cdp.send('Runtime.getHeapUsage')).usedSize;
    };
    const t0 = Date.now() - 3600e3;
    const versions = Object.fromEntries(incs.map((f) => [f.id, f.properties.version]));
    let step = 0, events = 0;
    const drive = async (n) => {
      for (let k = 0; k < n; k++, step++) {
        const at = new Date(t0 + step * STEP_S * 1000).toISOString();
        const fixes = TEAMS.map((id) => ({ team_id: id, lon: 87.40 + 0.05 * Math.cos(step / 40 + id), lat: 43.48 + 0.03 * Math.sin(step / 40 + id), observed_at: at }));
        await call('dispatcher', 'POST', '/api/v1/positions', fixes);
        events += TEAMS.length;
        if (step % 10 === 0) {
          const inc = incs[step / 10 % incs.length];
          const r = await call('dispatcher', 'PATCH', `/api/v1/incidents/${inc.id}`, { casualties: { endangered: step } },
            { 'If-Match': `"${versions[inc.id]}"`, 'Content-Type': 'application/merge-patch+json' });
          versions[inc.id] = r.data.properties.version;
          events++;
        }
      }
    };
    const settle = async () => {
      await until(page, ([id, at]) => {
        const f = window.__sitrep.feature('rescue_teams', id);
        return f && f.properties.observed_at && Date.parse(f.properties.observed_at) >= at;
      }, [String(TEAMS.at(-1)), t0 + (step - 1) * STEP_S * 1000]);
      await page.waitForTimeout(1500);
    };

    await drive(60); // warm-up: every code path has run, caches are full
    await settle();
    const warm = await heap();
    const markersWarm = await page.evaluate(() => window.__sitrep.markers());
    const seqWarm = await page.evaluate(() => window.__sitrep.seq());
    const started = Date.now();
    await drive(STEPS - 60);
    await settle();
    const end = await heap();
    const after = await page.evaluate(() => ({ seq: window.__sitrep.seq(), markers: window.__sitrep.markers(), stats: window.__sitrep.stats() }));
    console.log(`${events} writes (${STEPS} position batches × ${TEAMS.length} teams + incident edits) in ${Math.round((Date.now() - started) / 1000)} s after warm-up; ` +
      `heap after GC: warm ${(warm / 1e6).toFixed(2)} MB → end ${(end / 1e6).toFixed(2)} MB (×${(end / warm).toFixed(2)}); ` +
      `events applied ${after.stats.events}, seq ${seqWarm} → ${after.seq}, markers ${markersWarm} → ${after.markers}`);
    assert.ok(end < warm * 1.5, `heap grew from ${warm} to ${end}`);
    assert.equal(after.markers, markersWarm, 'label markers are reused, not piled up');
    assert.ok(after.seq - seqWarm >= (STEPS - 60) * TEAMS.length, 'every event reached the page');
    assert.equal(after.stats.snapshots, 1, 'never fell back to a snapshot');
    await shot(page, 'memory');
  } finally { await close(); }
});
