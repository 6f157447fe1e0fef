// A warning's deliveries to the release channels on its row in the
// console, following the live stream: the channel that answers shows 已送达,
// the one that is down 重试中 with why, while the warning itself is out.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { launch, openAs, shot, call, until, englishWords, minutesAgo } from './lib.js';

test('the console shows each channel delivery of a warning as it goes', async () => {
  const got = [];
  const receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => { body += c; });
    req.on('end', () => { got.push({ key: req.headers['idempotency-key'], body }); res.writeHead(202).end(); });
  });
  await new Promise((r) => receiver.listen(0, '127.0.0.1', r));
  const port = receiver.address().port;
  // A port nobody listens on: the channel that is down.
  const dead = createServer();
  await new Promise((r) => dead.listen(0, '127.0.0.1', r));
  const deadPort = dead.address().port;
  await new Promise((r) => dead.close(r));

  const ok = (await call('admin', 'POST', '/api/v1/warning-channels', { name: '渠道测试短信平台〔测试〕', kind: 'sms', format: 'json',
    url: `http://127.0.0.1:${port}/sms`, max_chars: 70, auth_type: 'bearer', secret: 'e2e-secret-token' }));
  const down = (await call('admin', 'POST', '/api/v1/warning-channels', { name: '渠道测试应急广播〔测试〕', kind: 'broadcast', format: 'cap_xml',
    url: `http://127.0.0.1:${deadPort}/cap` }));
  const { context, close } = await launch();
  try {
    const place = '渠道测试液氨泄漏〔测试〕';
    const inc = (await call('dispatcher', 'POST', '/api/v1/incidents', { kind: 'hazardous_chemicals', place, occurred_at: minutesAgo(5),
      location: { type: 'Point', coordinates: [87.41, 43.48] } })).data;
    const w = (await call('duty', 'POST', '/api/v1/warnings', { level: 'blue', category: 'hazardous_chemicals', event: '液氨泄漏',
      area: { type: 'Polygon', coordinates: [[[87.40, 43.47], [87.42, 43.47], [87.42, 43.49], [87.40, 43.49], [87.40, 43.47]]] },
      area_desc: '渠道测试周边区域', onset: new Date().toISOString(), items: ['关闭门窗'], incident_id: Number(inc.id) })).data;
    const { page, errors } = await openAs(context, 'duty', 'dispatch');
    await page.click(`.dispatch .pick .inc[data-id="${inc.id}"]`);
    const row = `.warn-list tr[data-warning="${w.id}"]`;
    await until(page, (s) => document.querySelector(`${s} .delivery.delivered[data-channel]`)?.textContent.includes('已送达')
      && document.querySelector(`${s} .delivery.retrying`)?.textContent.includes('无法连接接收方'), row, 'one channel delivered, the other retrying');
    assert.ok(got.some((g) => g.key && JSON.parse(g.body).level === 'blue'), 'the receiver got the warning with a key');
    assert.deepEqual(await englishWords(page), []);
    assert.deepEqual(errors, []);
    // The row is redrawn each time the retrying channel's attempt is published: scroll to whichever is there now.
    await page.evaluate((s) => document.querySelector(s)?.scrollIntoView({ block: 'center' }), row);
    await shot(page, 'warning-channels-console');
  } finally {
    await close();
    // Leave no channel sending for the other tests' warnings.
    for (const c of [ok, down]) {
      await call('admin', 'PUT', `/api/v1/warning-channels/${c.data.id}`, { name: c.data.name, kind: c.data.kind, format: c.data.format,
        url: c.data.url, max_chars: c.data.max_chars, auth_type: c.data.auth_type, enabled: false }, { 'If-Match': c.etag });
    }
    receiver.close();
  }
});
