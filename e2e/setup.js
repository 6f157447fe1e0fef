// Logs the test users in once for the whole run and saves their session
// cookies: the login limiter allows only a few quick tries per address, and
// each test opening the page with its own password login would trip it.
// (The wall test still logs in through the page's form.)
import { writeFileSync } from 'node:fs';
import { BASE } from './lib.js';

const users = { editor: 'demo-editor-pw', dispatcher: 'demo-dispatcher-pw', viewer: 'demo-viewer-pw' };
const sessions = {};
for (const [name, password] of Object.entries(users)) {
  const r = await fetch(`${BASE}/api/v1/auth/login`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ name, password }) });
  if (!r.ok) throw new Error(`login ${name}: ${r.status} ${await r.text()}`);
  const cookie = r.headers.get('set-cookie').match(/sitrep_session=([^;]+)/)[1];
  sessions[name] = cookie;
}
writeFileSync(process.env.SITREP_SESSIONS, JSON.stringify(sessions));
