// The API client: JSON in and out, problem+json (RFC 9457) errors turned
// into Problem objects that name their fields, and a 401 announced once so
// the page can ask for a login instead of failing silently.

export class Problem extends Error {
  constructor(status, body) {
    super(body?.detail || body?.title || `HTTP ${status}`);
    this.status = status;
    this.body = body || {};
    // JSON Pointer (or parameter name) → detail, as the API sends them.
    this.fields = new Map((this.body.errors || []).map((e) => [e.field, e.detail]));
  }
}

// The server's clock minus ours, from the Date header, so countdowns to
// reporting deadlines do not depend on the wall PC's clock being right.
export let clockSkewMs = 0;

export async function api(method, path, { body, etag, contentType, raw } = {}) {
  const headers = { Accept: 'application/json, application/geo+json, application/problem+json' };
  let payload;
  if (body !== undefined) {
    payload = raw ? body : JSON.stringify(body);
    headers['Content-Type'] = contentType || 'application/json';
  }
  if (etag !== undefined) headers['If-Match'] = etag;
  const sent = Date.now();
  const r = await fetch(path, { method, headers, body: payload, credentials: 'same-origin' });
  const date = r.headers.get('Date');
  if (date) clockSkewMs = Date.parse(date) + 500 - (sent + Date.now()) / 2;
  if (r.status === 401) window.dispatchEvent(new CustomEvent('sitrep:unauthorized'));
  const type = r.headers.get('Content-Type') || '';
  const data = r.status === 204 ? null : type.includes('json') ? await r.json() : await r.text();
  if (!r.ok) throw new Problem(r.status, typeof data === 'object' ? data : { detail: data });
  return { data, etag: r.headers.get('ETag'), status: r.status };
}

export const now = () => Date.now() + clockSkewMs;
