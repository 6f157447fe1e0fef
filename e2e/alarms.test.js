// A gas detector at a hazard source crosses its set point: the wall shows
// the alarm at the sensor and in the alarm box, and sounds; the duty
// officer acknowledges it (the box names them) and drafts an incident from
// it, which opens in the console prefilled, is recorded, and is zoned with
// the nearest weather station's wind. The station's wind shows as an arrow.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { launch, openAs, shot, call, until, LAPTOP, WALL, viewportName } from './lib.js';

const secondsAgo = (s) => new Date(Date.now() - s * 1000).toISOString();

async function demoSensor(code) {
  const fc = (await call('admin', 'GET', '/api/v1/sensors?limit=100')).data;
  return fc.features.find((f) => f.properties.code === code);
}

for (const viewport of [WALL, LAPTOP]) {
  test(`an alarm on the wall, acknowledged and drafted into an incident (${viewportName(viewport)})`, async () => {
    const { context, close } = await launch({ viewport });
    try {
      const { page, errors } = await openAs(context, 'duty');
      const code = viewport === WALL ? 'demo-gt-01' : 'demo-gt-03';
      const s = await demoSensor(code);
      assert.ok(s, `demo sensor ${code}`);
      const p = s.properties;
      // Held above the 二级 set point for longer than the hold time.
      const readings = [30, 20, 10, 0].map((ago) => ({ sensor: Number(s.id), at: secondsAgo(ago), value: p.alarm_high * 1.5, unit: p.unit }));
      const res = (await call('editor', 'POST', '/api/v1/sensor-readings', { readings })).data;
      assert.equal(res.alarms[0]?.action, 'raise', JSON.stringify(res));
      const alarm = res.alarms[0].alarm;
      const stations = (await call('admin', 'GET', '/api/v1/weather_stations?limit=10')).data;
      await call('editor', 'POST', '/api/v1/weather-observations', { observations: [{ station: Number(stations.features[0].id), observed_at: secondsAgo(5), wind_from_deg: 315, wind_speed_ms: 3.2, cloud_oktas: 2 }] });

      await until(page, (id) => document.querySelector(`#alarm-box li[data-id="${id}"]`) && document.querySelector('.alarm-pin.alarm'), alarm, 'the alarm in the box and at the sensor');
      await until(page, () => window.__sitrep.alarms.sounded > 0, null, 'the alarm sounding');
      await until(page, () => document.querySelector('.wind-pin svg'), null, 'the wind arrow');
      const text = await page.textContent(`#alarm-box li[data-id="${alarm}"]`);
      assert.match(text, /二级报警/);
      await shot(page, `alarm-wall-${viewportName(viewport)}`);

      await page.click(`#alarm-box li[data-id="${alarm}"] button[data-act=ack]`);
      await until(page, (id) => /已确认/.test(document.querySelector(`#alarm-box li[data-id="${id}"]`)?.textContent || ''), alarm, 'the acknowledgement named');

      await page.click(`#alarm-box li[data-id="${alarm}"] button[data-act=draft]`);
      await until(page, () => document.body.dataset.mode === 'dispatch' && document.querySelector('.incident-form input[name=place]')?.value, null, 'the console with the drafted incident');
      const place = await page.inputValue('.incident-form input[name=place]');
      assert.match(place, /〔演示〕|演示|LPG|供水/);
      assert.match(await page.textContent('.incident-form .loc'), /位置：87\./);
      await shot(page, `alarm-draft-${viewportName(viewport)}`);

      // Recorded as drafted; its zone takes the wind of the nearest station.
      await page.click('.incident-form .record');
      const id = await (await until(page, () => document.querySelector('.incident-detail')?.dataset.id, null, 'the new incident selected')).jsonValue();
      const inc = (await call('viewer', 'GET', `/api/v1/incidents/${id}`)).data;
      assert.equal(inc.properties.place, place);
      await page.check('.zone-form input[name=station]');
      await page.click('.zone-form .compute');
      await until(page, () => /风取自/.test(document.querySelector('.dispatch .msgs')?.textContent || ''), null, 'the zone run saying which station its wind came from');
      const runs = (await call('viewer', 'GET', `/api/v1/incidents/${id}/zones`)).data.features;
      assert.ok(runs.length > 0);
      await shot(page, `alarm-zone-${viewportName(viewport)}`);
      assert.deepEqual(errors, []);
    } finally { await close(); }
  });
}
