// The zone form of the dispatch console: the four models the API computes
// (zones/models.go) with their inputs in Chinese and their units, read into
// the model's own inputs (camelCase, as geo/protective, geo/plume and
// geo/blast decode them). An API error naming /inputs/<member> shows at that
// member's field. The wind is always the direction it blows FROM.
import { esc } from './labels.js';
import { term, terms, has } from './vocab.js';

// ERG protective-action table keys (geo/protective) and the cases each has;
// their names come from the vocabulary (protective.substance).
const PROTECTIVE_CASES = { chlorine: ['small', 'large'], ammonia: ['small', 'large'], 'hydrogen-sulfide': ['small', 'large'],
  'flammable-gas': ['small', 'large', 'fire'], 'flammable-liquid': ['small', 'large', 'fire'], 'explosives-1.1': ['small', 'large', 'fire'] };
const CASES = { small: '小量泄漏', large: '大量泄漏', fire: '着火' };

// The plume model's inputs per substance: geo/plume/substances.go, the
// molecular weights and 60-minute AEGL levels the server ships (the model
// needs them in its inputs, so the page sends them; keep equal to the Go
// list). Names come from the vocabulary (plume.substance).
export const PLUME_SUBSTANCES = {
  chlorine: { un: '1017', mw: 70.90, dense: true, levels: [['AEGL-3 (60 min)', 20], ['AEGL-2 (60 min)', 2.0], ['AEGL-1 (60 min)', 0.50]] },
  ammonia: { un: '1005', mw: 17.03, dense: false, levels: [['AEGL-3 (60 min)', 1100], ['AEGL-2 (60 min)', 160], ['AEGL-1 (60 min)', 30]] },
  'hydrogen-sulfide': { un: '1053', mw: 34.08, dense: true, levels: [['AEGL-3 (60 min)', 50], ['AEGL-2 (60 min)', 27], ['AEGL-1 (60 min)', 0.51]] },
};

// Lower heats of combustion (MJ/kg) to fill the explosion form; the API
// takes J/kg and the substance as free text. Propane and methane are the
// values geo/blast documents; the others are common handbook values.
const FUELS = { propane: ['丙烷', 46.35], methane: ['甲烷（天然气）', 50.0], lpg: ['液化石油气', 46.0], butane: ['丁烷', 45.7],
  hydrogen: ['氢气', 120.0], gasoline: ['汽油（蒸气）', 43.7], other: ['其他（手填热值）', null] };

const ZONE_NAME = {
  'initial isolation zone': '初始隔离区', 'protective action zone (day)': '防护行动区（白天）', 'protective action zone (night)': '防护行动区（夜间）',
  'AEGL-3 (60 min)': 'AEGL-3：危及生命', 'AEGL-2 (60 min)': 'AEGL-2：严重/不可逆伤害', 'AEGL-1 (60 min)': 'AEGL-1：不适',
  '8 psi (55.2 kPa): destruction of buildings': '55.2 kPa：建筑物摧毁', '3.5 psi (24.1 kPa): serious injury likely': '24.1 kPa：可能重伤',
  '1 psi (6.9 kPa): shatters glass': '6.9 kPa：玻璃破碎',
  '10 kW/m2: potentially lethal within 60 s': '10 kW/㎡：60 秒内可致死', '5 kW/m2: second-degree burns within 60 s': '5 kW/㎡：60 秒内二度烧伤',
  '2 kW/m2: pain within 60 s': '2 kW/㎡：60 秒内灼痛',
};
export const zoneName = (p) => ZONE_NAME[p.name] || p.name;

export const modelOptions = () => ['protective', 'plume', 'explosion', 'fireball'].map((m) => `<option value="${m}">${esc(term('zone.model', m))}</option>`).join('');
// {code: label} of a vocabulary, limited to the codes the form knows.
const vocabOf = (name, known) => Object.fromEntries(terms(name).filter((t) => known[t.code]).map((t) => [t.code, t.label]));

const opts = (o, sel) => Object.entries(o).map(([k, v]) => `<option value="${k}"${k === sel ? ' selected' : ''}>${esc(Array.isArray(v) ? v[0] : v.name ?? v)}</option>`).join('');
// One labelled input; data-for is the JSON Pointer the API names it by.
const num = (key, label, unit, value, { min, max, step = 'any', ptr = key } = {}) => `<label class="field zf" data-field="${ptr}"><span>${label}${unit ? `（${unit}）` : ''}</span>
  <input name="${key}" type="number" inputmode="decimal" step="${step}"${min != null ? ` min="${min}"` : ''}${max != null ? ` max="${max}"` : ''} value="${value}">
  <span class="field-err" data-for="/inputs/${ptr}"></span></label>`;
const pick = (key, label, options, sel, ptr = key) => `<label class="field zf" data-field="${ptr}"><span>${label}</span><select name="${key}">${opts(options, sel)}</select>
  <span class="field-err" data-for="/inputs/${ptr}"></span></label>`;
const WIND_FROM = (v) => num('windFromDeg', '风向，来向（风从哪个方向吹来，0°=北风，90°=东风）', '°', v, { min: 0, max: 360 });

const FIELDS = {
  protective: () => `${pick('key', '物质', vocabOf('protective.substance', PROTECTIVE_CASES), 'chlorine')}${pick('case', '情形', CASES, 'large')}${WIND_FROM(300)}
    <label class="row"><input type="checkbox" name="variableWind"> 风向不定/静风（按全向划定）</label>`,
  plume: () => `${pick('substance', '物质', vocabOf('plume.substance', PLUME_SUBSTANCES), 'chlorine')}
    ${num('releaseRateGS', '泄漏速率', 'g/s，克每秒', 2000, { min: 0 })}${num('releaseHeightM', '泄漏高度', 'm，地面为 0', 0, { min: 0, max: 1000 })}
    ${WIND_FROM(300)}${num('windSpeedMS', '风速（10 m 高处）', 'm/s', 3, { min: 0 })}
    ${num('cloudOktas', '云量', '0–8 成，0 晴、8 阴', 2, { min: 0, max: 8, step: 1 })}
    ${pick('terrain', '地表', { rural: '乡村/开阔地', urban: '城区/建成区' }, 'rural')}`,
  explosion: () => `${pick('fuel', '可燃物质', FUELS, 'propane', 'substance')}
    ${num('flammableMassKg', '云团中可燃物质量', 'kg', 1000, { min: 0 })}${num('heatMJ', '燃烧热（低热值）', 'MJ/kg', 46.35, { min: 0, ptr: 'heatOfCombustionJPerKg' })}
    ${num('yieldFactor', '爆炸效率 η', '0–1，缺省 0.10 偏保守', 0.1, { min: 0, max: 1 })}`,
  fireball: () => `${pick('fuel', '可燃物质', FUELS, 'lpg', 'substance')}${num('fuelMassKg', '容器内可燃物质量', 'kg', 5000, { min: 0 })}`,
};

// The form's substance for a hazard-catalogue id (hazards/catalogue.json),
// per model: what an alarm's draft names (GET /alarms/{id}/draft).
const FROM_CATALOGUE = {
  protective: { chlorine: 'chlorine', ammonia: 'ammonia', 'hydrogen-sulphide': 'hydrogen-sulfide', lpg: 'flammable-gas',
    'methane-natural-gas': 'flammable-gas', hydrogen: 'flammable-gas', gasoline: 'flammable-liquid', tnt: 'explosives-1.1' },
  plume: { chlorine: 'chlorine', ammonia: 'ammonia', 'hydrogen-sulphide': 'hydrogen-sulfide' },
  explosion: { lpg: 'lpg', 'methane-natural-gas': 'methane', hydrogen: 'hydrogen', gasoline: 'gasoline' },
};
FROM_CATALOGUE.fireball = FROM_CATALOGUE.explosion;
const SUBSTANCE_FIELD = { protective: 'key', plume: 'substance', explosion: 'fuel', fireball: 'fuel' };

// prefillModel sets a zone form (its model select and .model-fields) from
// an alarm's zone draft: the model, and the substance when the model knows
// it. Returns what a person should check, in Chinese.
export function prefillModel(form, zone) {
  const model = FIELDS[zone.model] ? zone.model : 'protective';
  form.elements.model.value = model;
  form.elements.model.dispatchEvent(new Event('change'));
  const key = FROM_CATALOGUE[model][zone.catalogue_id];
  const sel = form.querySelector(`.model-fields [name="${SUBSTANCE_FIELD[model]}"]`);
  const chem = zone.chemical || '未登记';
  if (key && sel?.querySelector(`option[value="${CSS.escape(key)}"]`)) {
    sel.value = key;
    sel.dispatchEvent(new Event('change'));
    return `已按报警预填：${term('zone.model', model)}，${chem}。请核对泄漏量等数值后计算。`;
  }
  return `已按报警预填：${term('zone.model', model)}。此模型没有“${chem}”，请选择物质并核对数值后计算。`;
}

// Renders the form's inputs for a model into box.
export function renderModel(box, model) {
  box.innerHTML = FIELDS[model]();
  const f = (n) => box.querySelector(`[name="${n}"]`);
  if (model === 'protective') {
    const caseLabel = (c) => (has('protective.case') ? term('protective.case', c) : CASES[c]);
    const cases = () => { const k = f('key').value; f('case').innerHTML = opts(Object.fromEntries((PROTECTIVE_CASES[k] || []).map((c) => [c, caseLabel(c)])), 'large'); };
    f('key').onchange = cases;
    cases();
  }
  if (model === 'explosion') f('fuel').onchange = () => { const h = FUELS[f('fuel').value][1]; if (h) f('heatMJ').value = h; };
  if (model === 'plume') {
    const note = () => {
      const s = PLUME_SUBSTANCES[f('substance').value];
      box.querySelector('.sub-note')?.remove();
      box.querySelector('[data-field="substance"]').insertAdjacentHTML('beforeend', `<small class="sub-note note">UN ${s.un} · ${s.mw} g/mol · 分级浓度 ${s.levels.map(([n, v]) => `${n.split(' ')[0]} ${v} ppm`).join('、')}${s.dense ? ' · 比空气重，烟羽模型仅作初估' : ''}</small>`);
    };
    f('substance').onchange = note;
    note();
  }
}

// The model's inputs from the form, or null when a number is missing or not
// a number: then the field says so, and nothing is sent (an empty wind
// speed is not calm air).
export function readModel(form, model) {
  const box = form.querySelector('.model-fields');
  const v = (n) => box.querySelector(`[name="${n}"]`);
  let ok = true;
  const n = (k, ptr = k) => {
    const s = v(k).value.trim(), x = Number(s);
    if (s === '' || !Number.isFinite(x)) {
      const slot = form.querySelector(`.field-err[data-for="/inputs/${ptr}"]`);
      if (slot) { slot.textContent = s === '' ? '请填写' : '请填写数字'; slot.closest('.field')?.classList.add('invalid'); }
      ok = false;
      return null;
    }
    return x;
  };
  let inputs = {};
  switch (model) {
    case 'protective':
      inputs = { key: v('key').value, case: v('case').value };
      if (v('variableWind').checked) inputs.variableWind = true;
      else inputs.windFromDeg = n('windFromDeg');
      break;
    case 'plume': {
      const key = v('substance').value, s = PLUME_SUBSTANCES[key];
      inputs = { substance: key, molecularWeight: s.mw, levels: s.levels.map(([name, value]) => ({ name, value, unit: 'ppm' })),
        releaseRateGS: n('releaseRateGS'), releaseHeightM: n('releaseHeightM'), windFromDeg: n('windFromDeg'), windSpeedMS: n('windSpeedMS'),
        cloudOktas: n('cloudOktas'), terrain: v('terrain').value };
      break;
    }
    case 'explosion': {
      const heat = n('heatMJ', 'heatOfCombustionJPerKg');
      inputs = { substance: v('fuel').value, flammableMassKg: n('flammableMassKg'), heatOfCombustionJPerKg: heat == null ? null : heat * 1e6, yieldFactor: n('yieldFactor') };
      break;
    }
    case 'fireball':
      inputs = { substance: v('fuel').value, fuelMassKg: n('fuelMassKg') };
      break;
  }
  if (!ok) form.querySelector('.invalid input')?.focus();
  return ok ? inputs : null;
}

// Puts the API's field errors at their fields (a model's own refusal names
// /inputs: it shows under the form); returns those it could not place, by
// label. problem null: just clear.
export function showFieldErrors(form, problem) {
  for (const el of form.querySelectorAll('.field-err')) el.textContent = '';
  for (const el of form.querySelectorAll('.invalid')) el.classList.remove('invalid');
  const rest = [];
  for (const [field, detail] of problem?.fields || []) {
    const slot = form.querySelector(`.field-err[data-for="${CSS.escape(field)}"]`);
    if (slot) { slot.textContent = detail; slot.closest('.field')?.classList.add('invalid'); } else rest.push(detail);
  }
  form.querySelector('.invalid input, .invalid select')?.focus();
  return rest;
}
