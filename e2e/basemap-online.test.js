// An online basemap that cannot be reached is said so on the map, not left
// a blank: a second Sitrep on the tests' database is set up with an
// intranet XYZ service at an address where nothing listens; the wall, which
// may reach no host but that Sitrep, names the service as unreachable and
// says what it shows instead, in Chinese, with the service's attribution.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { launch, openAs, shot, until, englishWords, viewportName, LAPTOP, WALL } from './lib.js';

const freePort = () => new Promise((resolve) => {
  const s = createServer().listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
});

// Starts `sitrep serve` with the given environment; resolves when ready.
async function serve(env) {
  const port = await freePort();
  const base = `http://localhost:${port}`;
  const proc = spawn(process.env.SITREP_BIN, ['serve'], {
    env: { ...process.env, SITREP_ADDR: `127.0.0.1:${port}`, ...env }, stdio: ['ignore', 'ignore', 'pipe'],
  });
  let log = '';
  proc.stderr.on('data', (d) => { log = (log + d).slice(-4000); });
  const exited = new Promise((resolve) => proc.on('exit', resolve));
  for (let i = 0; i < 300; i++) {
    if (proc.exitCode !== null) throw new Error(`sitrep serve exited: ${log}`);
    try { if ((await fetch(`${base}/readyz`)).ok) return { base, stop: () => { proc.kill(); return exited; } }; } catch { /* not yet */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  proc.kill();
  throw new Error(`sitrep serve did not become ready: ${log}`);
}

test('an online basemap that cannot be reached is named on the map', async () => {
  // Port 9 (discard) on the loopback: nothing listens, the connection is refused at once.
  const server = await serve({ SITREP_BASEMAP: 'xyz', SITREP_BASEMAP_URL: 'http://127.0.0.1:9/{z}/{x}/{y}.png',
    SITREP_BASEMAP_ATTRIBUTION: '© 县自然资源局' });
  try {
    for (const viewport of [LAPTOP, WALL]) {
      const { context, close } = await launch({ viewport });
      try {
        const outside = [];
        await context.route('**/*', (route) => {
          const url = route.request().url();
          if (new URL(url).origin === new URL(server.base).origin || url.startsWith('data:') || url.startsWith('blob:')) return route.continue();
          outside.push(url);
          return route.abort('blockedbyclient');
        });
        const { page, errors } = await openAs(context, 'viewer', '', { base: server.base });
        await until(page, () => /无法访问/.test(document.querySelector('#basemap-online')?.textContent || ''), null, 'the unreachable basemap named');
        assert.match(await page.textContent('#basemap-online'), /^内网底图服务无法访问，当前显示(本地底图|无底图)$/);
        assert.match(await page.textContent('.maplibregl-ctrl-attrib'), /县自然资源局/);
        assert.deepEqual(await englishWords(page), []);
        // Nothing on the map covers the notes, the legend opened included.
        if (await page.getAttribute('#legend .fold', 'aria-expanded') === 'false') await page.click('#legend .fold');
        const covered = await page.evaluate(() => {
          const box = (el) => el.getBoundingClientRect();
          const meets = (a, b) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
          const others = ['#legend', '#search', '.maplibregl-ctrl-bottom-right', '.maplibregl-ctrl-bottom-left'].map((q) => document.querySelector(q)).filter(Boolean);
          return [...document.querySelectorAll('.basemap-note')].flatMap((n) =>
            others.filter((o) => meets(box(n), box(o))).map((o) => `${n.id} under ${o.id || o.className}`));
        });
        assert.deepEqual(covered, []);
        await shot(page, `basemap-online-unreachable-${viewportName(viewport)}`);
        assert.deepEqual(errors, []);
        assert.deepEqual(outside, []);
      } finally { await close(); }
    }
  } finally {
    await server.stop();
  }
});
