// Registry upkeep (editor): list, search and filter a layer; open a feature;
// edit its fields and its geometry on the map; save with If-Match (a stale
// edit, 412, is explained with a reload); the API's validation errors shown
// at their fields; hazard sources' grade, S and R shown with how they were
// reached; import a file with a dry run first.
import { api, Problem } from './api.js';
import { layerSchema } from './schema.js';
import { Draft } from './draw.js';
import { esc } from './labels.js';
import { term, terms, has, vocabularyOf } from './vocab.js';
import { LinesEditor } from './lines.js';
import { LAYER_NAMES, REGISTRY_LAYERS, GRADE_NUMERAL } from './style.js';

const LIST_MAX = 300;
const MAP_LAYER = { hazard_sources: ['hazards', 'hazards-fill'], sensitive_sites: ['sites', 'sites-fill'], shelters: ['shelters'], rescue_teams: ['teams'],
  supply_depots: ['depots'], medical_facilities: ['medical'], experts: ['experts'], population_cells: ['population'] };

const label = (f) => f.properties.name || f.properties.code || `#${f.id}`;

export function mount(side, { store, map }) {
  side.innerHTML = `<section class="panel registry">
    <h2>登记维护</h2>
    <div class="tabs layers">${REGISTRY_LAYERS.map((l) => `<button type="button" data-layer="${l}">${LAYER_NAMES[l]}</button>`).join('')}</div>
    <div class="row"><input type="search" class="q" placeholder="名称、编码或企业" aria-label="搜索名称、编码或企业">
      <select class="filter" aria-label="筛选"></select><button type="button" class="new">新建</button></div>
    <div class="list"><table><thead><tr><th>编号</th><th>名称</th><th class="k"></th></tr></thead><tbody></tbody></table></div>
    <p class="note shown"></p>
    <div class="editor"></div>
    <h3>导入文件（先试运行检查）</h3>
    <div class="row"><label class="file-pick"><input type="file" class="file" accept=".geojson,.json,.csv"><span class="btn">选择文件</span> <span class="file-name note">未选择文件（GeoJSON 或 CSV）</span></label><button type="button" class="dry">试运行检查</button>
      <button type="button" class="commit" disabled>确认导入</button></div>
    <div class="import-report"></div>
  </section>`;
  const $ = (s) => side.querySelector(s);
  const draft = new Draft(map);
  let layer = 'hazard_sources', schema = null, open = null; // open: {feature, etag} | {feature:null} (new)
  let lines = new Map(); // field name → LinesEditor of the open form
  const word = (field, v) => term(vocabularyOf(layer, field), v);
  const titleOf = (name) => schema?.fields.find((f) => f.name === name)?.title || '';

  const filterField = () => schema?.fields.find((f) => f.enum && !f.readOnly && ['status', 'kind', 'class', 'filing_status', 'field'].includes(f.name));
  const keyField = { hazard_sources: 'grade', shelters: 'status', rescue_teams: 'status', sensitive_sites: 'kind', medical_facilities: 'kind', experts: 'field', population_cells: 'night_people', supply_depots: 'operator' };

  async function selectLayer(l) {
    layer = l;
    for (const b of side.querySelectorAll('.layers button')) b.classList.toggle('on', b.dataset.layer === l);
    schema = await layerSchema(l);
    const ff = filterField();
    $('.filter').innerHTML = `<option value="">全部</option>` + (ff ? ff.enum.map((v) => `<option value="${esc(v)}">${esc(word(ff.name, v))}</option>`).join('') : '');
    $('.filter').hidden = !ff;
    $('.k').textContent = l === 'hazard_sources' ? '等级' : titleOf(keyField[l]);
    if (l === 'population_cells') map.setLayoutProperty('population', 'visibility', 'visible');
    closeEditor();
    list();
  }

  function list() {
    const q = $('.q').value.trim().toLowerCase(), ff = filterField(), fv = $('.filter').value;
    const rows = store.features(layer).filter((f) => {
      const p = f.properties;
      if (ff && fv && p[ff.name] !== fv) return false;
      if (!q) return true;
      return [f.id, p.name, p.code, p.enterprise, p.organisation, p.address].some((v) => v != null && String(v).toLowerCase().includes(q));
    }).sort((a, b) => a.id - b.id);
    $('tbody').innerHTML = rows.slice(0, LIST_MAX).map((f) => {
      const k = f.properties[keyField[layer]];
      const kv = layer === 'hazard_sources' ? (k ? GRADE_NUMERAL[k] + '级' : '非重大') : has(vocabularyOf(layer, keyField[layer])) ? word(keyField[layer], k) : String(k ?? '');
      return `<tr data-id="${esc(f.id)}" class="${open?.feature?.id === f.id ? 'on' : ''}"><td>${esc(f.id)}</td><td>${esc(label(f))}</td><td>${esc(kv)}</td></tr>`;
    }).join('');
    $('.shown').textContent = `共 ${rows.length} 条${rows.length > LIST_MAX ? `，显示前 ${LIST_MAX} 条，请用搜索缩小范围` : ''}`;
  }

  async function openFeature(id) {
    try {
      const r = await api('GET', `/api/v1/${layer}/${id}`);
      showEditor(r.data, r.etag);
      const g = r.data.geometry;
      if (g?.type === 'Point') map.easeTo({ center: g.coordinates, zoom: Math.max(map.getZoom(), 12) });
    } catch (e) { message('bad', e.message); }
  }

  function closeEditor() { open = null; $('.editor').innerHTML = ''; draft.set(null); }

  function input(f, value) {
    const id = `f-${f.name}`;
    const v = value ?? '';
    if (f.readOnly) return '';
    if (f.createOnly && open?.feature) {
      const shown = value == null ? '—' : typeof value === 'object' ? (value.coordinates || []).map((c) => Number(c).toFixed(5)).join(', ')
        : f.enum ? word(f.name, value) : f.format === 'date-time' ? String(value).replace('T', ' ').slice(0, 16) + '（UTC）' : String(value);
      return `<output id="${id}" class="create-only" title="由调度/定位更新，不在此编辑">${esc(shown)}</output>`;
    }
    if (f.enum) return `<select id="${id}" name="${f.name}">${f.nullable ? '<option value="">（未填）</option>' : ''}${f.enum.map((o) => `<option value="${esc(o)}"${o === v ? ' selected' : ''}>${esc(word(f.name, o))}</option>`).join('')}</select>`;
    // Tags with a vocabulary: a box per word, plus any others the data has.
    if (f.type === 'array' && f.items?.type === 'string' && has(vocabularyOf(layer, f.name))) {
      const on = new Set(value || []), known = terms(vocabularyOf(layer, f.name));
      const extra = [...on].filter((x) => !known.some((t) => t.code === x));
      return `<div class="tags" id="${id}" data-name="${f.name}">${[...known, ...extra.map((x) => ({ code: x, label: x }))].map((t) =>
        `<label class="check"><input type="checkbox" value="${esc(t.code)}"${on.has(t.code) ? ' checked' : ''}> ${esc(t.label)}</label>`).join('')}</div>`;
    }
    if (f.lines) return `<div class="lines" id="${id}" data-name="${f.name}"></div>`;
    if (f.type === 'boolean') return `<input id="${id}" name="${f.name}" type="checkbox"${v ? ' checked' : ''}>`;
    if (f.type === 'integer' || f.type === 'number') return `<input id="${id}" name="${f.name}" type="number" step="${f.type === 'integer' ? 1 : 'any'}" value="${esc(v)}">`;
    if (f.type === 'array' && f.items?.type === 'string') return `<input id="${id}" name="${f.name}" value="${esc((value || []).join(', '))}">`;
    if (f.type === 'array' || f.type === 'object') return `<textarea id="${id}" name="${f.name}" rows="4">${esc(value == null ? '' : JSON.stringify(value, null, 1))}</textarea>`;
    return `<input id="${id}" name="${f.name}" value="${esc(v)}"${f.format === 'date' ? ' placeholder="如 2024-06-01"' : ''}>`;
  }

  function read(f, form) {
    if (lines.has(f.name)) return lines.get(f.name).value();
    const tags = form.querySelector(`.tags[data-name="${f.name}"]`);
    if (tags) return [...tags.querySelectorAll('input:checked')].map((i) => i.value);
    const el = form.elements[f.name];
    if (!el) return undefined;
    if (f.type === 'boolean') return el.checked;
    const s = el.value.trim();
    if (s === '') return f.type === 'array' ? [] : null;
    if (f.enum) return s;
    if (f.type === 'integer' || f.type === 'number') return Number(s);
    if (f.type === 'array' && f.items?.type === 'string') return s.split(/[,，;；]\s*/).filter(Boolean);
    if (f.type === 'array' || f.type === 'object') { try { return JSON.parse(s); } catch { throw fieldError(f.name, 'JSON 格式有误'); } }
    return s;
  }

  function fieldError(name, detail) { const p = new Problem(422, { detail: '请检查标出的字段', errors: [{ field: `/properties/${name}`, detail }] }); return p; }

  function grading(p) {
    if (layer !== 'hazard_sources') return '';
    const g = p.grading || {};
    const terms = g.terms || [];
    return `<div class="grading" aria-label="分级">
      <div><span class="big grade-val">${p.grade ? GRADE_NUMERAL[p.grade] + '级' : p.major ? '—' : '非重大危险源'}</span>
        &nbsp; S = <b class="s-val">${fmt(p.s)}</b> · R = <b class="r-val">${fmt(p.r)}</b> · α = <b>${fmt(p.alpha)}</b>（500 m 内 ${p.people_within_500m ?? '?'} 人）</div>
      <table><thead><tr><th>物质</th><th class="num">q (t)</th><th class="num">Q (t)</th><th class="num">q/Q</th><th class="num">β</th><th class="num">β·q/Q</th><th>依据</th></tr></thead><tbody>
      ${terms.map((t) => `<tr><td>${esc(t.name_zh || t.chemical)}</td><td class="num">${fmt(t.tonnes)}</td><td class="num">${fmt(t.critical_tonnes)}</td><td class="num">${fmt(t.ratio)}</td>
        <td class="num">${fmt(t.beta)}</td><td class="num">${fmt(t.weighted_ratio)}</td><td><small>${esc(t.q_source)}；${esc(t.beta_source)}</small></td></tr>`).join('')}</tbody></table>
      <small>S = Σq/Q ${p.major ? '≥ 1：重大危险源' : '< 1：不构成重大危险源'}；R = α·Σβq/Q；R ≥ 100 一级、≥ 50 二级、≥ 10 三级，其余四级（${esc(g.standard || 'GB 18218-2018')}）。<br>${esc(g.people_method || '')}</small>
    </div>`;
  }

  function showEditor(feature, etag) {
    open = { feature, etag };
    const p = feature?.properties || {};
    const polygonOK = schema.geometryTypes.some((t) => t.includes('Polygon'));
    const pointOK = schema.geometryTypes.includes('Point');
    const lineOK = schema.geometryTypes.some((t) => t.includes('LineString'));
    $('.editor').innerHTML = `<h3>${feature ? `${esc(label(feature))} <small>#${esc(feature.id)} · 版本 ${p.version}</small>` : `新建${LAYER_NAMES[layer]}`}</h3>
      <div class="msgs"></div>
      ${feature ? grading(p) : ''}
      <form class="feature-form" novalidate>
        <div class="row geom">${pointOK ? '<button type="button" class="place">在地图上放置点位</button>' : ''}${polygonOK ? '<button type="button" class="poly">绘制多边形（单击加点，双击闭合）</button>' : ''}${lineOK ? '<button type="button" class="line">绘制线（单击加点，双击结束）</button>' : ''}
          <span class="geom-note note">${feature?.geometry?.type === 'Point' ? '拖动地图上的蓝色点位可移动位置' : ''}</span></div>
        <div class="field-err" data-for="/geometry"></div>
        ${schema.fields.filter((f) => !f.readOnly).map((f) => `<${f.lines || f.type === 'array' ? 'div' : 'label'} class="field" data-field="${f.name}"><span>${esc(f.title)}${f.required ? ' *' : ''}</span>
          ${input(f, p[f.name])}<span class="field-err" data-for="/properties/${f.name}"></span></${f.lines || f.type === 'array' ? 'div' : 'label'}>`).join('')}
        <div class="row"><button type="submit" class="primary save">保存</button><button type="button" class="cancel">取消</button>
          ${feature ? '<button type="button" class="danger del">删除</button>' : ''}</div>
      </form>`;
    lines = new Map();
    for (const f of schema.fields.filter((x) => x.lines && !x.readOnly)) {
      // An inventory line names its chemical by catalogue id; people read the name.
      const zh = Object.fromEntries((p.grading?.terms || []).filter((t) => t.name_zh).map((t) => [t.chemical, t.name_zh]));
      const value = (p[f.name] || []).map((l) => (l.chemical && zh[l.chemical] ? { ...l, chemical: zh[l.chemical] } : l));
      lines.set(f.name, new LinesEditor($(`.editor .lines[data-name="${f.name}"]`), f, value, { chemicals: f.name === 'inventory' }));
    }
    draft.set(feature?.geometry || null);
    draft.onChange = () => { $('.geom-note').textContent = '位置已改动，保存后生效'; };
    const form = $('.feature-form');
    form.querySelector('.place')?.addEventListener('click', () => { draft.place(); $('.geom-note').textContent = '在地图上单击放置点位'; });
    form.querySelector('.poly')?.addEventListener('click', () => { draft.polygon(); $('.geom-note').textContent = '单击添加顶点，双击闭合'; });
    form.querySelector('.line')?.addEventListener('click', () => { draft.line(); $('.geom-note').textContent = '单击添加各点，双击结束'; });
    form.querySelector('.cancel').onclick = closeEditor;
    form.querySelector('.del')?.addEventListener('click', () => remove());
    form.onsubmit = (e) => { e.preventDefault(); save(form); };
    list();
  }

  function message(kind, html) {
    const m = $('.editor .msgs') || $('.import-report');
    m.innerHTML = `<div class="msg ${kind}">${html}</div>`;
  }

  function showProblem(e) {
    for (const el of side.querySelectorAll('.editor .field-err')) el.textContent = '';
    for (const el of side.querySelectorAll('.editor .invalid')) el.classList.remove('invalid');
    if (!(e instanceof Problem)) { message('bad', esc(e.message)); return; }
    if (e.status === 412) {
      message('bad', `此要素已被他人修改（您编辑的是版本 ${open.feature.properties.version}），您的修改未保存。
        <button type="button" class="reload">载入最新版本</button>（载入后请重新修改）`);
      $('.editor .reload').onclick = () => openFeature(open.feature.id);
      return;
    }
    const unplaced = [];
    for (const [field, detail] of e.fields) {
      // /properties/inventory/0/max_tonnes → the inventory field, its line 1.
      const m = field.match(/^\/properties\/([^/]+)(?:\/(\d+)(?:\/([^/]+))?)?/);
      const key = m ? `/properties/${m[1]}` : field.startsWith('/geometry') ? '/geometry' : null;
      const slot = key && side.querySelector(`.editor .field-err[data-for="${CSS.escape(key)}"]`);
      const where = m?.[2] != null ? `第 ${Number(m[2]) + 1} 行${m[3] ? ' ' + (schema.fields.find((f) => f.name === m[1])?.lines?.find((l) => l.name === m[3])?.title || '') : ''}：` : '';
      if (m?.[2] != null) lines.get(m[1])?.mark(Number(m[2]), m[3]);
      if (slot) {
        slot.textContent += `${slot.textContent ? '；' : ''}${where}${detail}`;
        slot.closest('.field')?.classList.add('invalid');
      } else unplaced.push(`${m ? titleOf(m[1]) || '其他字段' : field.startsWith('/geometry') ? '位置' : '其他输入'}：${detail}`);
    }
    const placed = e.fields.size - unplaced.length;
    message('bad', esc([placed ? `请检查标出的 ${placed} 项` : e.message, ...unplaced].join('；')));
    side.querySelector('.editor .invalid input, .editor .invalid select, .editor .invalid textarea')?.focus();
  }

  async function save(form) {
    const before = open.feature;
    try {
      const props = {};
      for (const f of schema.fields.filter((f) => !f.readOnly && !(before && f.createOnly))) {
        const v = read(f, form);
        if (v === undefined) continue;
        if (!before || JSON.stringify(v) !== JSON.stringify(before.properties[f.name] ?? (f.type === 'array' ? [] : null))) props[f.name] = v;
      }
      const geomChanged = JSON.stringify(draft.geometry) !== JSON.stringify(before?.geometry || null);
      let r;
      if (before) {
        const patch = {};
        if (Object.keys(props).length) patch.properties = props;
        if (geomChanged) patch.geometry = draft.geometry;
        if (!Object.keys(patch).length) { message('info', '没有改动'); return; }
        r = await api('PATCH', `/api/v1/${layer}/${before.id}`, { body: patch, etag: open.etag, contentType: 'application/merge-patch+json' });
      } else {
        r = await api('POST', `/api/v1/${layer}`, { body: { type: 'Feature', geometry: draft.geometry, properties: props } });
      }
      showEditor(r.data, r.etag);
      message('ok', `已保存（版本 ${r.data.properties.version}）`);
    } catch (e) { showProblem(e); }
  }

  async function remove() {
    if (!confirm(`删除「${label(open.feature)}」？历史版本会保留。`)) return;
    try {
      await api('DELETE', `/api/v1/${layer}/${open.feature.id}`, { etag: open.etag });
      closeEditor();
    } catch (e) { showProblem(e); }
  }

  // Import: a dry run lists every bad row; only a clean dry run enables the real import.
  async function importFile(dryRun) {
    const file = $('.file').files[0];
    const out = $('.import-report');
    if (!file) { out.innerHTML = '<div class="msg bad">请选择文件</div>'; return; }
    const csv = /\.csv$/i.test(file.name);
    try {
      const r = await api('POST', `/api/v1/${layer}/import?dry_run=${dryRun}`, { body: await file.text(), raw: true, contentType: csv ? 'text/csv' : 'application/geo+json' });
      out.innerHTML = report(r.data);
      $('.commit').disabled = !(dryRun && r.data.valid === r.data.rows && r.data.rows > 0);
    } catch (e) {
      out.innerHTML = e instanceof Problem && e.body.rows != null ? report(e.body) : `<div class="msg bad">${esc(e.message)}</div>`;
      $('.commit').disabled = true;
    }
  }
  const report = (d) => `<div class="msg ${d.errors?.length ? 'bad' : 'ok'}">${d.dry_run ? '试运行' : '导入'}：共 ${d.rows} 行，有效 ${d.valid} 行${d.dry_run ? '' : `，已创建 ${d.created}`}${d.related ? `，连带重算 ${d.related} 个危险源` : ''}</div>
    ${d.errors?.length ? `<table><thead><tr><th>行</th><th>字段</th><th>问题</th></tr></thead><tbody>${d.errors.slice(0, 200).map((e) => `<tr><td>${e.line ?? e.row}</td><td>${esc(columnTitle(e.field))}</td><td>${esc(e.detail)}</td></tr>`).join('')}</tbody></table>` : ''}`;

  // An import error names a column or a pointer; people read its title.
  function columnTitle(f) {
    const name = String(f || '').replace(/^\/properties\//, '').split('/')[0];
    if (['lon', 'lat', 'wkt', 'geometry', '/geometry'].includes(name) || String(f).startsWith('/geometry')) return '位置';
    return titleOf(name) || '整行';
  }
  side.querySelector('.layers').onclick = (e) => { if (e.target.dataset.layer) selectLayer(e.target.dataset.layer); };
  $('.q').oninput = list;
  $('.filter').onchange = list;
  $('.new').onclick = () => showEditor(null, null);
  $('tbody').onclick = (e) => { const id = e.target.closest('tr')?.dataset.id; if (id) openFeature(id); };
  $('.file').onchange = () => { $('.file-name').textContent = $('.file').files[0]?.name || '未选择文件（GeoJSON 或 CSV）'; $('.commit').disabled = true; };
  $('.dry').onclick = () => importFile(true);
  $('.commit').onclick = () => importFile(false);
  const offStore = REGISTRY_LAYERS.map((l) => store.on(l, () => { if (l === layer) list(); }));
  // Clicking a feature of the current layer on the map opens it.
  const pick = (e) => {
    if (draft.mode || e.originalEvent.sitrepDraft || Date.now() - (draft.draggedAt || 0) < 400) return;
    const ids = (MAP_LAYER[layer] || []).filter((id) => map.getLayer(id));
    const hit = map.queryRenderedFeatures(e.point, { layers: ids })[0];
    if (hit && hit.properties.id != null) openFeature(hit.properties.id);
  };
  map.on('click', pick);
  selectLayer(layer);
  window.__sitrep && (window.__sitrep.registry = { openFeature: (l, id) => selectLayer(l).then(() => openFeature(id)) });
  return () => { offStore.forEach((f) => f()); map.off('click', pick); draft.destroy(); };
}

const fmt = (x) => (x == null ? '—' : Number.isInteger(x) ? String(x) : String(Math.round(x * 1000) / 1000));
