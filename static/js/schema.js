// The registry's field definitions, read from the API's own OpenAPI document
// (internal/server/openapi/registry.json), so the editor's form is always the
// API's: each field's Chinese title, the order the layer defines them in
// (x-order), types, enums, required and read-only (computed) fields, and the
// fields of a list's lines (an inventory's chemical and tonnes).
import { api } from './api.js';

let doc = null;
const pascal = (layer) => layer.split('_').map((w) => w[0].toUpperCase() + w.slice(1)).join('');

function field(name, p, required) {
  return {
    name,
    title: p.title || name,
    required: required.has(name),
    readOnly: !!p.readOnly,
    // Set on create only; on edit the server refuses a change (a team's
    // status and position move through dispatch and position ingest).
    createOnly: !!p['x-create-only'],
    type: [].concat(p.type || 'string').find((t) => t !== 'null') || 'string',
    nullable: [].concat(p.type || []).includes('null'),
    enum: p.enum?.filter((v) => v !== null),
    items: p.items,
    // A list of lines: its own fields, in order (no x-order there: the
    // required ones first, as the line is read).
    lines: p.items?.type === 'object' ? Object.entries(p.items.properties || {}).map(([n, q]) => field(n, q, new Set(p.items.required || [])))
      .sort((a, b) => Number(b.required) - Number(a.required)) : null,
    format: p.format,
    minimum: p.minimum,
  };
}

export async function layerSchema(layer) {
  doc ||= (await api('GET', '/api/openapi.json')).data;
  const s = doc.components.schemas;
  const props = s[`${pascal(layer)}Properties`] || {};
  const feature = s[pascal(layer)];
  const geom = feature?.properties?.geometry;
  const geomTypes = geom?.properties?.type?.enum || (geom?.description || '').split('one of ')[1]?.split(', ') || ['Point'];
  const required = new Set(props.required || []);
  const order = props['x-order'] || Object.keys(props.properties || {});
  return {
    required,
    geometryTypes: geomTypes,
    fields: order.filter((n) => props.properties?.[n]).map((n) => field(n, props.properties[n], required)),
  };
}
