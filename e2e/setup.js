// Logs the test users in once for the whole run and saves their session
// cookies: the login limiter allows only a few quick tries per address, and
// each test opening the page with its own password login would trip it.
// (The wall test still logs in through the page's form.)
import { writeFileSync } from 'node:fs';
import { BASE, PASSWORDS } from './lib.js';

const sessions = {};
// The users the tests open the page as (the commander acts through its token).
for (const name of ['editor', 'dispatcher', 'viewer', 'duty', 'admin']) {
  const password = PASSWORDS[name];
  let r;
  // The login limiter lets a few tries through quickly, then one every few
  // seconds per address: wait as it says.
  for (;;) {
    r = await fetch(`${BASE}/api/v1/auth/login`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ name, password }) });
    if (r.status !== 429) break;
    await new Promise((ok) => setTimeout(ok, 1000 * Number(r.headers.get('Retry-After') || 5)));
  }
  if (!r.ok) throw new Error(`login ${name}: ${r.status} ${await r.text()}`);
  const cookie = r.headers.get('set-cookie').match(/sitrep_session=([^;]+)/)[1];
  sessions[name] = cookie;
}
writeFileSync(process.env.SITREP_SESSIONS, JSON.stringify(sessions));
