// The situation report of an incident prints to A4 PDF: Chromium prints the
// page, and the PDF's pages hold the incident's facts — place, grade,
// response level, the zone and who is inside, the team sent, the warning,
// the log — in Chinese.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { launch, openAs, shot, call, until, englishWords, minutesAgo, RESULTS, BASE } from './lib.js';

test('the situation report prints to PDF with the incident in it', async () => {
  const place = '情况报告测试液氨泄漏〔测试〕';
  const inc = (await call('dispatcher', 'POST', '/api/v1/incidents', { kind: 'hazardous_chemicals', place, occurred_at: minutesAgo(20),
    location: { type: 'Point', coordinates: [87.40, 43.47] }, casualties: { serious_injuries: 2 } })).data;
  const run = (await call('dispatcher', 'POST', `/api/v1/incidents/${inc.id}/zones`, { model: 'protective', inputs: { key: 'ammonia', case: 'large', windFromDeg: 300 } })).data;
  for (const z of run.features) await call('dispatcher', 'PATCH', `/api/v1/zones/${z.id}`, { active: true }, { 'If-Match': `"${z.properties.version}"` });
  const team = (await call('editor', 'POST', '/api/v1/rescue_teams', { type: 'Feature', geometry: { type: 'Point', coordinates: [87.405, 43.465] },
    properties: { name: '报告测试危化品救援队〔测试〕', kind: 'hazmat', status: 'available', headcount: 9, synthetic: true } })).data;
  await call('dispatcher', 'POST', `/api/v1/incidents/${inc.id}/dispatch`, { team_ids: [Number(team.id)] });
  await call('commander', 'POST', '/api/v1/warnings', { level: 'yellow', category: 'hazardous_chemicals', event: '危险化学品泄漏', area: run.features.at(-1).geometry,
    area_desc: '报告测试周边区域', onset: new Date().toISOString(), items: ['关闭门窗'], incident_id: Number(inc.id) });

  const { context, close } = await launch();
  try {
    const { page: wall } = await openAs(context, 'duty', 'dispatch');
    await wall.click(`.dispatch .pick .inc[data-id="${inc.id}"]`);
    // The warning's CAP file, from the console's list.
    const cap = await wall.getAttribute('.warn-list a.cap', 'href');
    const got = await wall.evaluate(async (h) => { const r = await fetch(h); return { type: r.headers.get('Content-Type'), body: await r.text() }; }, cap);
    assert.match(got.type, /cap\+xml/);
    assert.match(got.body, /<alert[\s>]/);
    const [page] = await Promise.all([context.waitForEvent('page'), wall.click('.report-link')]);
    await until(page, () => window.__report?.ready || window.__report?.error, null, 'the report built');
    assert.equal(await page.evaluate(() => window.__report.error || null), null);
    assert.deepEqual(await englishWords(page), []);
    await shot(page, 'report-screen');
    const pdf = join(RESULTS, 'report.pdf');
    await page.emulateMedia({ media: 'print' });
    writeFileSync(pdf, await page.pdf({ format: 'A4', printBackground: true, preferCSSPageSize: true }));
    const text = execFileSync('pdftotext', ['-layout', pdf, '-'], { encoding: 'utf8' });
    const pages = (text.match(/\f/g) || []).length;
    for (const want of [place, '一般事故', '重伤 2 人', '初始隔离区', '报告测试危化品救援队', '黄色预警', '报告测试周边区域', '派遣', '事件日志', '乌鲁木齐县']) {
      assert.ok(text.replace(/\s+/g, ' ').includes(want) || text.includes(want), `the PDF lacks 「${want}」`);
    }
    assert.ok(pages >= 1 && pages <= 6, `${pages} pages`);
    // A picture of the first page, to look at.
    execFileSync('pdftoppm', ['-png', '-r', '60', '-f', '1', '-l', '2', pdf, join(RESULTS, 'report-page')]);
    void BASE;
  } finally { await close(); }
});
