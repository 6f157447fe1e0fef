// Shared by the browser tests: launch Debian's Chromium through
// playwright-core, open the page with a logged-in role, call the API with the
// demo users' tokens, save screenshots. The server is real (run.sh
// starts it on a fresh database with the demo data); nothing is mocked.
import { chromium } from 'playwright-core';
import { mkdtempSync, rmSync, mkdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

export const BASE = process.env.SITREP_URL || 'http://localhost:18080';
export const RESULTS = join(dirname(fileURLToPath(import.meta.url)), 'test-results');
mkdirSync(RESULTS, { recursive: true });

const TOKENS = JSON.parse(process.env.SITREP_TOKENS || '{}');
const PASSWORDS = { viewer: 'demo-viewer-pw', editor: 'demo-editor-pw', dispatcher: 'demo-dispatcher-pw', duty: 'demo-duty-pw', commander: 'demo-commander-pw', admin: 'demo-admin-pw' };

export async function launch() {
  const profile = mkdtempSync(join(tmpdir(), 'sitrep-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    viewport: { width: 1920, height: 1080 },
    locale: 'zh-CN',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--enable-unsafe-swiftshader', '--use-angle=swiftshader',
      '--enable-precise-memory-info', '--js-flags=--expose-gc'],
  });
  const close = async () => { await context.close(); rmSync(profile, { recursive: true, force: true }); };
  return { context, close };
}

// Open the page as a user: through the login form (form: true), or with the
// session setup.js made for the run (the login limiter allows only a
// few quick tries per address).
export async function openAs(context, user, hash = '', { form = false } = {}) {
  const page = context.pages()[0] || await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e));
  if (!form) {
    const sessions = JSON.parse(readFileSync(process.env.SITREP_SESSIONS, 'utf8'));
    await context.addCookies([{ name: 'sitrep_session', value: sessions[user], url: BASE, httpOnly: true, sameSite: 'Strict' }]);
  }
  await page.goto(`${BASE}/${hash ? '#' + hash : ''}`);
  if (form) {
    await page.fill('#login-form input[name=name]', user);
    await page.fill('#login-form input[name=password]', PASSWORDS[user]);
    await page.click('#login-form button[type=submit]');
  }
  await page.waitForFunction(() => window.__sitrep?.ready && window.__sitrep.state() === 'live', null, { timeout: 20000 });
  return { page, errors };
}

export async function shot(page, name) {
  await page.screenshot({ path: join(RESULTS, `${name}.png`) });
}

// The API as a script would call it, with a demo user's bearer token.
export async function call(user, method, path, body, headers = {}) {
  const h = { Authorization: `Bearer ${TOKENS[user]}`, ...headers };
  if (body !== undefined && !h['Content-Type']) h['Content-Type'] = 'application/json';
  const r = await fetch(BASE + path, { method, headers: h, body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body) });
  const text = await r.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch { data = text; }
  if (!r.ok) throw new Error(`${method} ${path}: ${r.status} ${text}`);
  return { data, etag: r.headers.get('ETag') };
}

// computeZones runs a model for an incident and publishes the run: a
// computation is a draft until someone switches its zones on.
export async function computeZones(user, incidentId, body) {
  const run = (await call(user, 'POST', `/api/v1/incidents/${incidentId}/zones`, body)).data;
  for (const z of run.features) {
    await call(user, 'PATCH', `/api/v1/zones/${z.id}`, { active: true }, { 'If-Match': `"${z.properties.version}"` });
  }
  return run;
}

export const minutesAgo = (m) => new Date(Date.now() - m * 60000).toISOString();
