// A gas detector at a hazard source crosses its set point: the wall shows
// the alarm at the sensor and in the alarm box, and sounds; the duty
// officer acknowledges it (the box names them) and drafts an incident from
// it, which opens in the console prefilled, is recorded, and opens its zone
// form prefilled too: a chlorine detector's on the plume model with
// chlorine and the nearest weather station's wind, an LPG detector's on the
// explosion model with LPG. The station's wind shows as an arrow.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { launch, openAs, shot, call, until, raiseAlarm, layoutProblems, LAPTOP, WALL, viewportName } from './lib.js';

const secondsAgo = (s) => new Date(Date.now() - s * 1000).toISOString();

for (const viewport of [WALL, LAPTOP]) {
  test(`an alarm on the wall, acknowledged and drafted into an incident (${viewportName(viewport)})`, async () => {
    const { context, close } = await launch({ viewport });
    try {
      const { page, errors } = await openAs(context, 'duty');
      const code = viewport === WALL ? 'demo-gt-01' : 'demo-gt-03';
      const raised = await raiseAlarm(code);
      assert.equal(raised.action, 'raise', JSON.stringify(raised.result));
      const alarm = raised.alarm;
      // On the wall a second detector at the same hazard source alarms too:
      // one row for the source, which counts it and acknowledges both.
      const second = viewport === WALL ? (await raiseAlarm('demo-gt-02')).alarm : null;
      const stations = (await call('admin', 'GET', '/api/v1/weather_stations?limit=10')).data;
      await call('editor', 'POST', '/api/v1/weather-observations', { observations: [{ station: Number(stations.features[0].id), observed_at: secondsAgo(5), wind_from_deg: 315, wind_speed_ms: 3.2, cloud_oktas: 2 }] });

      await until(page, (id) => document.querySelector(`#alarm-box li[data-alarms~="${id}"]`) && document.querySelector('.alarm-pin.alarm'), alarm, 'the alarm in the box and at the sensor');
      await until(page, () => window.__sitrep.alarms.sounded > 0, null, 'the alarm sounding');
      await until(page, () => document.querySelector('.wind-pin svg'), null, 'the wind arrow');
      const text = await page.textContent(`#alarm-box li[data-alarms~="${alarm}"]`);
      assert.match(text, /二级报警/);
      if (second) {
        await until(page, ([a, b]) => document.querySelector(`#alarm-box li[data-alarms~="${a}"][data-alarms~="${b}"]`), [alarm, second], 'both alarms in one row');
        assert.match(await page.textContent(`#alarm-box li[data-alarms~="${alarm}"]`), /另有二级报警 1/);
        // The row acknowledges every alarm it holds: these two, and any
        // 失联 alarm the watcher raised meanwhile (the demo's detectors go
        // silent 60 s after the demo loads, and no simulator feeds them here).
        const [held, ack] = await page.$eval(`#alarm-box li[data-alarms~="${alarm}"]`,
          (li) => [li.dataset.alarms.trim().split(/\s+/).length, li.querySelector('button[data-act=ack]').textContent]);
        assert.ok(held >= 2, `the row holds ${held} alarms`);
        assert.match(ack, new RegExp(`确认（${held}）`));
      }
      assert.deepEqual(await layoutProblems(page), [], 'the alarm strip covers none of the tools');
      await shot(page, `alarm-wall-${viewportName(viewport)}`);

      await page.click(`#alarm-box li[data-alarms~="${alarm}"] button[data-act=ack]`);
      await until(page, (id) => /已确认/.test(document.querySelector(`#alarm-box li[data-alarms~="${id}"]`)?.textContent || ''), alarm, 'the acknowledgement named');
      const acked = (await call('viewer', 'GET', '/api/v1/alarms')).data.features.filter((f) => [alarm, second].includes(f.properties.id));
      assert.ok(acked.length === (second ? 2 : 1) && acked.every((f) => f.properties.acked_by), JSON.stringify(acked.map((f) => f.properties)));

      await page.click(`#alarm-box li[data-alarms~="${alarm}"] button[data-act=draft]`);
      await until(page, () => document.body.dataset.mode === 'dispatch' && document.querySelector('.incident-form input[name=place]')?.value, null, 'the console with the drafted incident');
      const place = await page.inputValue('.incident-form input[name=place]');
      assert.match(place, /〔演示〕|演示|LPG|供水/);
      assert.match(await page.textContent('.incident-form .loc'), /位置：87\./);
      await shot(page, `alarm-draft-${viewportName(viewport)}`);

      // Recorded as drafted; its zone form opens prefilled from the alarm:
      // the model for the sensor's gas, the hazard source's substance, and
      // (for a model that takes a wind) the nearest station's wind.
      await page.click('.incident-form .record');
      const id = await (await until(page, () => document.querySelector('.incident-detail')?.dataset.id, null, 'the new incident selected')).jsonValue();
      const inc = (await call('viewer', 'GET', `/api/v1/incidents/${id}`)).data;
      assert.equal(inc.properties.place, place);
      const want = viewport === WALL ? { model: 'plume', field: 'substance', substance: 'chlorine', station: true }
        : { model: 'explosion', field: 'fuel', substance: 'lpg', station: false };
      await until(page, () => document.querySelector('.zone-form .zone-draft'), null, 'the zone form prefilled from the alarm');
      const form = await page.evaluate((field) => {
        const zf = document.querySelector('.zone-form');
        return { model: zf.elements.model.value, substance: zf.querySelector(`.model-fields [name="${field}"]`)?.value,
          station: zf.querySelector('.station-wind').offsetParent !== null && zf.elements.station.checked, note: zf.querySelector('.zone-draft').textContent };
      }, want.field);
      assert.deepEqual({ model: form.model, substance: form.substance, station: form.station },
        { model: want.model, substance: want.substance, station: want.station }, JSON.stringify(form));
      assert.match(form.note, /已按报警预填/);
      await page.click('.zone-form .compute');
      await until(page, (station) => { const t = document.querySelector('.dispatch .msgs')?.textContent || ''; return /已计算/.test(t) && (!station || /风取自/.test(t)); },
        want.station, want.station ? 'the zone run saying which station its wind came from' : 'the zone run computed');
      const runs = (await call('viewer', 'GET', `/api/v1/incidents/${id}/zones`)).data.features;
      assert.ok(runs.length > 0);
      assert.ok(runs.every((z) => z.properties.model === want.model), JSON.stringify(runs.map((z) => z.properties.model)));
      await shot(page, `alarm-zone-${viewportName(viewport)}`);
      assert.deepEqual(errors, []);
    } finally { await close(); }
  });
}
