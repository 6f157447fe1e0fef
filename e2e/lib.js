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
export const PASSWORDS = { viewer: 'demo-viewer-pw', editor: 'demo-editor-pw', dispatcher: 'demo-dispatcher-pw', duty: 'demo-duty-pw', commander: 'demo-commander-pw', admin: 'demo-admin-pw' };

// The two screens the page runs on: the duty officer's laptop and the wall.
export const LAPTOP = { width: 1366, height: 768 };
export const WALL = { width: 1920, height: 1080 };

// Conditions are waited for with a generous bound: the machine is shared and
// slow at times; nothing here asserts how fast anything was.
export const PATIENCE_MS = 30000;

export async function launch({ viewport = WALL } = {}) {
  const profile = mkdtempSync(join(tmpdir(), 'sitrep-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    viewport,
    locale: 'zh-CN',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--enable-unsafe-swiftshader', '--use-angle=swiftshader',
      '--enable-precise-memory-info', '--js-flags=--expose-gc', '--autoplay-policy=no-user-gesture-required', '--lang=zh-CN'],
  });
  const close = async () => { await context.close(); rmSync(profile, { recursive: true, force: true }); };
  return { context, close };
}

// Open the page as a user: through the login form (form: true), or with the
// session setup.js made for the run (the login limiter allows only a
// few quick tries per address).
export async function openAs(context, user, hash = '', { form = false, base = BASE } = {}) {
  const page = context.pages()[0] || await context.newPage();
  const errors = [], warnings = [];
  page.on('pageerror', (e) => errors.push(e));
  page.on('console', (m) => { if (m.type() === 'warning' || m.type() === 'error') warnings.push(m.text()); });
  if (!form) {
    const sessions = JSON.parse(readFileSync(process.env.SITREP_SESSIONS, 'utf8'));
    await context.addCookies([{ name: 'sitrep_session', value: sessions[user], url: base, httpOnly: true, sameSite: 'Strict' }]);
  }
  // A fresh load (a change of the hash alone would keep the last user's page).
  if (page.url().startsWith(base)) await page.goto('about:blank');
  await page.goto(`${base}/${hash ? '#' + hash : ''}`);
  if (form) {
    await page.fill('#login-form input[name=name]', user);
    await page.fill('#login-form input[name=password]', PASSWORDS[user]);
    await page.click('#login-form button[type=submit]');
  }
  await until(page, () => window.__sitrep?.ready && window.__sitrep.state() === 'live', null, 'the page is ready and live');
  return { page, errors, warnings };
}

// The one wait helper: a condition evaluated in the page, with a generous
// bound, failing with what was awaited.
export async function until(page, fn, arg = null, what = 'a condition') {
  try {
    return await page.waitForFunction(fn, arg, { timeout: PATIENCE_MS, polling: 100 });
  } catch (e) {
    throw new Error(`waited ${PATIENCE_MS / 1000} s for ${what}: ${e.message.split('\n')[0]}`);
  }
}

// Every element of the header and of the side panel's top that is visible
// must lie inside the window and not overlap its neighbours; a text that
// does not fit its box is cut off. Returns the problems found.
export async function layoutProblems(page) {
  return page.evaluate(() => {
    const out = [];
    const W = window.innerWidth, H = window.innerHeight;
    const visible = (el) => { const r = el.getBoundingClientRect(); const cs = getComputedStyle(el); return r.width > 0 && r.height > 0 && cs.visibility !== 'hidden' && cs.display !== 'none'; };
    const name = (el) => el.id ? `#${el.id}` : `${el.tagName.toLowerCase()}.${[...el.classList].join('.')}${el.textContent ? `「${el.textContent.trim().slice(0, 12)}」` : ''}`;
    const groups = [[...document.querySelectorAll('#bar > *')], [...document.querySelectorAll('#modes > button')],
      [...document.querySelectorAll('#maptools > *, #legend, #side, #alarm-box .list, .basemap-note')], [...document.querySelectorAll('#user .who, #user button')]];
    for (const g of groups) {
      const els = g.filter(visible);
      for (const el of els) {
        const r = el.getBoundingClientRect();
        if (r.left < -0.5 || r.top < -0.5 || r.right > W + 0.5 || r.bottom > H + 0.5) out.push(`${name(el)} outside the window (${Math.round(r.left)},${Math.round(r.top)}–${Math.round(r.right)},${Math.round(r.bottom)})`);
        if (el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).overflowX !== 'auto' && getComputedStyle(el).overflowY !== 'auto') out.push(`${name(el)} text cut off (${el.scrollWidth} > ${el.clientWidth})`);
      }
      for (let i = 0; i < els.length; i++) for (let j = i + 1; j < els.length; j++) {
        const a = els[i].getBoundingClientRect(), b = els[j].getBoundingClientRect();
        if (a.left < b.right - 0.5 && b.left < a.right - 0.5 && a.top < b.bottom - 0.5 && b.top < a.bottom - 0.5) out.push(`${name(els[i])} overlaps ${name(els[j])}`);
      }
    }
    // The labels on the map: none overlaps another.
    const labels = [...document.querySelectorAll('.maplabel')].filter(visible).map((el) => [el, el.getBoundingClientRect()]);
    for (let i = 0; i < labels.length; i++) for (let j = i + 1; j < labels.length; j++) {
      const [ea, a] = labels[i], [eb, b] = labels[j];
      if (a.left < b.right - 1 && b.left < a.right - 1 && a.top < b.bottom - 1 && b.top < a.bottom - 1) out.push(`map label ${name(ea)} overlaps ${name(eb)}`);
    }
    return out;
  });
}

// Words people read must be Chinese: English words in the visible text (and
// in visible placeholders, buttons and options) outside a short allowlist of
// units, codes and names.
const ALLOWED = new Set(['m', 'km', 'kg', 'g', 's', 't', 'h', 'ppm', 'kpa', 'kw', 'mj', 'mol', 'min', 'psi', 'aegl', 'cas', 'un', 'cap', 'erg', 'bleve', 'tnt', 'gb',
  'pdf', 'openstreetmap', 'maplibre', 'odbl', 'sitrep', 'xml', 'utc', 'csv', 'geojson', 'json', 'wgs', 'lpg', 'lng', 'cng', 'lel', 'vol']);
export async function englishWords(page) {
  const text = await page.evaluate(() => {
    const parts = [document.body.innerText];
    for (const el of document.querySelectorAll('input[placeholder], textarea[placeholder]')) if (el.offsetParent) parts.push(el.placeholder);
    for (const el of document.querySelectorAll('[title]')) if (el.offsetParent) parts.push(el.title);
    return parts.join('\n');
  });
  const words = text.match(/[A-Za-z][A-Za-z_]+/g) || [];
  // A word glued to a number is a unit ("3km", "20t").
  return [...new Set(words.filter((w) => !ALLOWED.has(w.toLowerCase()) && !/^(?:kW|kPa|MJ)$/.test(w)))];
}

// Counts the clicks a person makes (trusted clicks anywhere on the page).
export async function countClicks(page) {
  await page.evaluate(() => {
    window.__clicks = 0;
    document.addEventListener('click', (e) => { if (e.isTrusted) window.__clicks++; }, true);
  });
  return () => page.evaluate(() => window.__clicks);
}

export async function shot(page, name) {
  await page.screenshot({ path: join(RESULTS, `${name}.png`) });
}

export const viewportName = (v) => `${v.width}x${v.height}`;

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

// raiseAlarm holds a demo sensor (by code) above its 二级 set point for
// longer than its hold time; returns the alarm raised (or escalated) and
// the sensor.
export async function raiseAlarm(code) {
  const fc = (await call('admin', 'GET', '/api/v1/sensors?limit=100')).data;
  const s = fc.features.find((f) => f.properties.code === code);
  if (!s) throw new Error(`no demo sensor ${code}`);
  const p = s.properties;
  const at = (ago) => new Date(Date.now() - ago * 1000).toISOString();
  const readings = [30, 20, 10, 0].map((ago) => ({ sensor: Number(s.id), at: at(ago), value: p.alarm_high * 1.5, unit: p.unit }));
  const res = (await call('editor', 'POST', '/api/v1/sensor-readings', { readings })).data;
  const first = res.alarms?.[0];
  return { alarm: first?.alarm, action: first?.action, sensor: s, result: res };
}
