// The registry's field definitions, read from the API's own OpenAPI document
// (internal/server/openapi/registry.json), so the editor's form is always the API's:
// types, enums, required and read-only (computed) fields.
import { api } from './api.js';

let doc = null;
const pascal = (layer) => layer.split('_').map((w) => w[0].toUpperCase() + w.slice(1)).join('');

export async function layerSchema(layer) {
  doc ||= (await api('GET', '/api/openapi.json')).data;
  const s = doc.components.schemas;
  const props = s[`${pascal(layer)}Properties`];
  const feature = s[pascal(layer)];
  const geomTypes = feature?.properties?.geometry?.properties?.type?.enum || ['Point'];
  return {
    title: feature?.title || layer,
    required: new Set(props?.required || []),
    geometryTypes: geomTypes,
    fields: Object.entries(props?.properties || {}).map(([name, p]) => ({
      name,
      readOnly: !!p.readOnly,
      // Set on create only; on edit the server refuses a change (a team's
      // status and position move through dispatch and position ingest).
      createOnly: !!p['x-create-only'],
      type: [].concat(p.type || 'string').find((t) => t !== 'null') || 'string',
      nullable: [].concat(p.type || []).includes('null'),
      enum: p.enum?.filter((v) => v !== null),
      items: p.items,
      format: p.format,
      description: p.description,
      minimum: p.minimum,
    })),
  };
}
