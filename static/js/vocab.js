// The words people read for the API's codes: every code → label mapping
// comes from the server (GET /api/v1/vocabulary), loaded once at start, so
// the page never keeps a copy of its own that could drift. A code the
// vocabulary does not know is shown as "未知（code）" rather than silently as
// the English code.
import { api } from './api.js';

let vocabularies = {};

export async function loadVocabulary() {
  vocabularies = (await api('GET', '/api/v1/vocabulary')).data.vocabularies || {};
}

// The label of one code in a vocabulary ("sensitive_sites.kind", "township", …).
export function term(name, code) {
  if (code == null || code === '') return '';
  const t = vocabularies[name]?.terms?.find((x) => String(x.code) === String(code));
  return t ? t.label : `未知（${code}）`;
}

// For free tags: the word when the vocabulary has one, else the tag as written.
export function tagLabel(name, code) {
  return vocabularies[name]?.terms?.find((x) => String(x.code) === String(code))?.label ?? String(code);
}

// Every term of a vocabulary, in the server's order: [{code, label}].
export function terms(name) { return vocabularies[name]?.terms || []; }

export function title(name) { return vocabularies[name]?.title || ''; }

export function has(name) { return !!vocabularies[name]; }

// Which vocabulary names a registry field's codes: township_code fields all
// share "township"; other enums are "<layer>.<field>".
export function vocabularyOf(layer, field) {
  return field === 'township_code' ? 'township' : `${layer}.${field}`;
}

// <option>s for a vocabulary; codes as values, labels as text.
export function options(name, selected, esc) {
  return terms(name).map((t) => `<option value="${esc(t.code)}"${String(t.code) === String(selected) ? ' selected' : ''}>${esc(t.label)}</option>`).join('');
}
