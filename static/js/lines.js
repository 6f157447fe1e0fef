// A list of lines in the registry editor (a hazard source's inventory, a
// team's equipment, a depot's stock): one row per line with an input per
// field, rows added and removed with buttons, never raw JSON. An inventory's
// chemical is picked by Chinese name, alias or CAS number from the server's
// catalogue (GET /api/v1/chemicals?q=), which fills in CAS and UN too.
import { api } from './api.js';
import { esc } from './labels.js';

let pickerSeq = 0;

export class LinesEditor {
  constructor(box, field, value, { chemicals = false } = {}) {
    this.box = box;
    this.field = field;
    // hazard_classes is a list of codes: typed as "W2, J1" in its cell.
    this.cols = field.lines;
    this.chemicals = chemicals;
    this.list = `chem-${++pickerSeq}`;
    box.innerHTML = `<table class="lines-table"><thead><tr>${this.cols.map((c) => `<th>${esc(c.title)}${c.required ? ' *' : ''}</th>`).join('')}<th></th></tr></thead><tbody></tbody></table>
      <button type="button" class="add-line">添加一行</button>${chemicals ? `<datalist id="${this.list}"></datalist>` : ''}`;
    for (const line of value) this.add(line);
    box.querySelector('.add-line').onclick = () => this.add({})?.querySelector('input')?.focus();
    box.addEventListener('click', (e) => { if (e.target.matches('.del-line')) e.target.closest('tr').remove(); });
    if (chemicals) {
      box.addEventListener('input', (e) => { if (e.target.dataset.col === 'chemical') this.suggest(e.target); });
      box.addEventListener('change', (e) => { if (e.target.dataset.col === 'chemical') this.picked(e.target); });
    }
  }

  add(line) {
    const tr = document.createElement('tr');
    tr.innerHTML = this.cols.map((c) => {
      const v = line[c.name];
      const shown = Array.isArray(v) ? v.join(', ') : v ?? '';
      const type = c.type === 'number' || c.type === 'integer' ? ' type="number" step="any" min="0"' : '';
      const list = this.chemicals && c.name === 'chemical' ? ` list="${this.list}" placeholder="名称或 CAS 号"` : '';
      return `<td><input data-col="${esc(c.name)}" aria-label="${esc(c.title)}" value="${esc(shown)}"${type}${list}></td>`;
    }).join('') + '<td><button type="button" class="del-line" aria-label="删除此行">删除</button></td>';
    this.box.querySelector('tbody').appendChild(tr);
    return tr;
  }

  async suggest(input) {
    const q = input.value.trim();
    if (!q) return;
    try {
      const got = (await api('GET', `/api/v1/chemicals?q=${encodeURIComponent(q)}`)).data.chemicals || [];
      this.found = got;
      this.box.querySelector('datalist').innerHTML = got.map((c) => `<option value="${esc(c.name)}">${esc(c.name)}${c.cas ? ` · CAS ${esc(c.cas)}` : ''}${c.un ? ` · UN ${esc(c.un)}` : ''}</option>`).join('');
    } catch { /* the picker is a help; typing still works */ }
  }

  // A name picked from the list fills CAS and UN from the catalogue.
  picked(input) {
    const c = (this.found || []).find((x) => x.name === input.value.trim() || x.cas === input.value.trim());
    if (!c) return;
    const tr = input.closest('tr');
    const set = (col, v) => { const el = tr.querySelector(`[data-col="${col}"]`); if (el && v && !el.value) el.value = v; };
    set('cas', c.cas);
    set('un', c.un);
  }

  mark(row, col) {
    const tr = this.box.querySelectorAll('tbody tr')[row];
    (col ? tr?.querySelector(`[data-col="${CSS.escape(col)}"]`) : tr)?.classList.add('bad');
  }

  // The lines as the API takes them; blank rows dropped.
  value() {
    return [...this.box.querySelectorAll('tbody tr')].map((tr) => {
      const out = {};
      for (const c of this.cols) {
        const s = tr.querySelector(`[data-col="${CSS.escape(c.name)}"]`).value.trim();
        if (s === '') continue;
        if (c.type === 'number' || c.type === 'integer') out[c.name] = Number(s);
        else if (c.type === 'array') out[c.name] = s.split(/[,，;；\s]+/).filter(Boolean);
        else out[c.name] = s;
      }
      return out;
    }).filter((l) => Object.keys(l).length);
  }
}
