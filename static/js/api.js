// The API client: JSON in and out, problem+json (RFC 9457) errors turned
// into Problem objects that name their fields, and a 401 announced once so
// the page can ask for a login instead of failing silently. Every request
// asks for Chinese (Accept-Language): the server writes its problem details
// in the reader's language.

export class Problem extends Error {
  constructor(status, body) {
    super(body?.detail || body?.title || `请求失败（HTTP ${status}）`);
    this.status = status;
    this.body = body || {};
    // JSON Pointer (or parameter name) → detail, as the API sends them;
    // several details for one field are joined.
    this.fields = new Map();
    for (const e of this.body.errors || []) {
      const was = this.fields.get(e.field);
      this.fields.set(e.field, was ? `${was}；${e.detail}` : e.detail);
    }
  }
}

// The server's clock minus ours, from the Date header, so countdowns to
// reporting deadlines do not depend on the wall PC's clock being right.
// Only for showing time: the page never stamps a time it sends with it.
export let clockSkewMs = 0;

export async function api(method, path, { body, etag, contentType, raw, accept } = {}) {
  const headers = { Accept: accept || 'application/json, application/geo+json, application/problem+json', 'Accept-Language': 'zh-CN' };
  let payload;
  if (body !== undefined) {
    payload = raw ? body : JSON.stringify(body);
    headers['Content-Type'] = contentType || 'application/json';
  }
  if (etag !== undefined) headers['If-Match'] = etag;
  const sent = Date.now();
  let r;
  try {
    r = await fetch(path, { method, headers, body: payload, credentials: 'same-origin' });
  } catch {
    throw new Problem(0, { detail: '无法连接服务器，请检查网络后重试' });
  }
  const date = r.headers.get('Date');
  if (date) clockSkewMs = Date.parse(date) + 500 - (sent + Date.now()) / 2;
  if (r.status === 401) window.dispatchEvent(new CustomEvent('sitrep:unauthorized'));
  const type = r.headers.get('Content-Type') || '';
  const data = r.status === 204 ? null : type.includes('json') ? await r.json() : await r.text();
  if (!r.ok) throw new Problem(r.status, typeof data === 'object' ? data : { detail: `请求失败（HTTP ${r.status}）` });
  return { data, etag: r.headers.get('ETag'), status: r.status };
}

export const now = () => Date.now() + clockSkewMs;
