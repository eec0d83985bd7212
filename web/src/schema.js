// schema.js — the console's model of the API, read from GET /api/v1/openapi.json at start-up.
//
// Every screen that is not hand-made is derived from this: a resource per table (its fields with
// type, required, enum, reference, currency field, read-only; its filters, sortable keys, search,
// actions and sub-resources), plus the endpoints that are not a table's (reports, billing runs).
// A table added to the registry appears here, and so in the console, with no front-end change.

const SYSTEM = new Set(['id', 'version', 'created_by', 'created_at', 'updated_at', 'deleted_at']);

function fieldFrom(name, s, requiredSet) {
  const types = Array.isArray(s.type) ? s.type : s.type ? [s.type] : [];
  const nullable = types.includes('null');
  const t = types.find((x) => x !== 'null');
  let type = 'text';
  if (s['x-references']) type = 'ref';
  else if (s.enum) type = 'enum';
  else if (t === 'boolean') type = 'bool';
  else if (t === 'integer') type = 'int';
  else if (s.format === 'money') type = 'money';
  else if (s.format === 'decimal') type = 'decimal';
  else if (s.format === 'date') type = 'date';
  else if (s.format === 'date-time') type = 'timestamp';
  else if (s.format === 'email') type = 'email';
  else if (s.format === 'uuid') type = 'uuid';
  else if (!t) type = 'json';
  let scale = null;
  if (type === 'decimal' && s.pattern) {
    const m = /\{1,(\d+)\}/.exec(s.pattern);
    scale = m ? Number(m[1]) : 0;
  }
  return {
    name, type, nullable,
    label: !s['x-references'] && /_id$/.test(name) ? humanize(name.replace(/_id$/, '')) + ' ID' : humanize(name),
    enum: s.enum ? s.enum.filter((v) => v !== null) : null,
    ref: s['x-references'] || null,
    currencyField: s['x-currency-field'] || null,
    maxLength: s.maxLength || null,
    min: s.minimum, max: s.maximum,
    scale,
    readOnly: !!s.readOnly,
    required: requiredSet.has(name),
    def: s['x-default'] ?? null,
    description: s.description || '',
    system: SYSTEM.has(name),
  };
}

const ACRONYMS = { api: 'API', id: 'ID', gst: 'GST', gstin: 'GSTIN', pan: 'PAN', csv: 'CSV', pdf: 'PDF', url: 'URL',
  ip: 'IP', upi: 'UPI', sgst: 'SGST', cgst: 'CGST', igst: 'IGST', hsn: 'HSN', sac: 'SAC', tds: 'TDS', vat: 'VAT', uom: 'UoM' };

export function humanize(name) {
  const words = String(name).replace(/_id$/, '').split('_').filter(Boolean);
  return words.map((w, i) => ACRONYMS[w] || (i === 0 ? w[0].toUpperCase() + w.slice(1) : w)).join(' ');
}

export function singular(label) {
  if (/ies$/.test(label)) return label.replace(/ies$/, 'y');
  if (/(ss|us)$/.test(label)) return label;
  if (/(ches|shes|xes|sses)$/.test(label)) return label.replace(/es$/, '');
  return label.replace(/s$/, '');
}

export function parseSchema(doc) {
  const schemas = doc.components?.schemas || {};
  const paths = doc.paths || {};
  const resources = {};
  const endpoints = [];
  // tables: components named X with X_list beside them
  for (const name of Object.keys(schemas)) {
    if (!schemas[name + '_list']) continue;
    const out = schemas[name];
    const create = schemas[name + '_create'] || { properties: {} };
    const patchS = schemas[name + '_patch'] || { properties: {} };
    const createReq = new Set(create.required || []);
    const fields = Object.entries(out.properties || {}).map(([f, s]) => fieldFrom(f, s, createReq));
    const fieldMap = Object.fromEntries(fields.map((f) => [f.name, f]));
    // input-only fields (e.g. a password) exist in create but not in the output
    for (const [f, s] of Object.entries(create.properties || {})) {
      if (!fieldMap[f]) {
        const fd = fieldFrom(f, s, createReq);
        fd.writeOnly = true;
        fields.push(fd);
        fieldMap[f] = fd;
      }
    }
    resources[name] = {
      name,
      label: humanize(name),
      one: singular(humanize(name)),
      doc: out.description || '',
      fields, fieldMap,
      createFields: new Set(Object.keys(create.properties || {})),
      patchFields: new Set(Object.keys(patchS.properties || {})),
      filters: [], sortable: [], search: false,
      canList: false, canCreate: false, canUpdate: false, canDelete: false,
      parent: null, parentField: null, children: [], actions: [], collectionActions: [],
      referencedBy: [], path: null,
    };
  }
  // A sub-resource's URL segment may differ from its table's name (invoices/{id}/line_items is
  // the table invoice_line_items): the list response's $ref names the table.
  const bySegment = {};
  for (const [p, item] of Object.entries(paths)) {
    const ref = item.get?.responses?.['200']?.content?.['application/json']?.schema?.$ref || '';
    const mm = /\/([^/]+)_list$/.exec(ref);
    const seg = p.split('/').pop();
    if (mm && resources[mm[1]] && seg !== mm[1]) bySegment[p] = mm[1];
  }
  for (const [p0, item] of Object.entries(paths)) {
    const m = /^\/api\/v1\/(.+)$/.exec(p0);
    if (!m) continue;
    const seg = m[1].split('/');
    const p = p0;
    if (seg.length === 3 && seg[1] === '{parent_id}' && bySegment[p0]) seg[2] = bySegment[p0];
    if (seg.length === 4 && seg[1] === '{parent_id}' && bySegment[p0.replace(/\/\{id\}$/, '')]) seg[2] = bySegment[p0.replace(/\/\{id\}$/, '')];
    const res = resources[seg[0]];
    if (seg.length === 1 && res) {
      res.path = p;
      if (item.get) {
        res.canList = true;
        for (const prm of item.get.parameters || []) {
          if (prm.name === 'order') res.sortable = prm['x-sortable'] || parseSortable(prm.description);
          else if (prm.name === 'q') res.search = true;
          else if (!['limit', 'cursor'].includes(prm.name) && prm.in === 'query') res.filters.push(prm.name);
        }
      }
      if (item.post) res.canCreate = true;
    } else if (seg.length === 3 && seg[1] === '{parent_id}' && resources[seg[2]]) {
      const child = resources[seg[2]];
      child.parent = seg[0];
      child.path = p;
      if (item.get) {
        child.canList = true;
        for (const prm of item.get.parameters || []) {
          if (prm.name === 'order') child.sortable = prm['x-sortable'] || parseSortable(prm.description);
          else if (prm.name === 'q') child.search = true;
          else if (!['limit', 'cursor', 'parent_id'].includes(prm.name) && prm.in === 'query') child.filters.push(prm.name);
        }
      }
      if (item.post) child.canCreate = true;
      if (res && !res.children.includes(child.name)) res.children.push(child.name);
    } else if (seg.length === 2 && seg[1] === '{id}' && res) {
      res.canUpdate = !!item.patch;
      res.canDelete = !!item.delete;
    } else if (seg.length === 4 && seg[1] === '{parent_id}' && seg[3] === '{id}' && resources[seg[2]]) {
      resources[seg[2]].canUpdate = !!item.patch;
      resources[seg[2]].canDelete = !!item.delete;
    } else if (seg.length === 3 && seg[1] === '{id}' && res) {
      for (const method of ['get', 'post']) {
        if (item[method]) res.actions.push({ verb: seg[2], method: method.toUpperCase(), doc: item[method].summary || '' });
      }
    } else if (seg.length === 2 && res && !seg[1].startsWith('{')) {
      for (const method of ['get', 'post']) {
        if (item[method]) res.collectionActions.push({ verb: seg[1], method: method.toUpperCase(), doc: item[method].summary || '' });
      }
      for (const method of ['get', 'post']) {
        if (item[method]) endpoints.push({ path: m[1], method: method.toUpperCase(), doc: item[method].summary || '', tag: seg[0] });
      }
    } else {
      for (const method of ['get', 'post']) {
        if (item[method]) endpoints.push({ path: m[1], method: method.toUpperCase(), doc: item[method].summary || '', tag: seg[0] });
      }
    }
  }
  for (const r of Object.values(resources)) {
    if (r.parent) {
      const pf = r.fields.find((f) => f.ref === r.parent);
      r.parentField = pf ? pf.name : null;
    }
    for (const f of r.fields) {
      if (f.ref && resources[f.ref] && !f.system && r.name !== f.ref) {
        resources[f.ref].referencedBy.push({ table: r.name, field: f.name, filterable: r.filters.includes(f.name) || !!r.parent });
      }
    }
  }
  return { resources, endpoints, title: doc.info?.title || 'Remit' };
}

function parseSortable(desc) {
  const m = /Sortable:\s*(.*)$/.exec(desc || '');
  return m ? m[1].split(',').map((s) => s.trim()).filter(Boolean) : [];
}

let model = null;
export function setModel(m) { model = m; }
export function schema() { return model; }
export function res(name) { return model && model.resources[name]; }
export function has(name) { return !!(model && model.resources[name] && model.resources[name].canList); }
export function endpoint(path, method = 'GET') {
  return model && model.endpoints.find((e) => e.path === path && e.method === method);
}
export function hasAction(table, verb) {
  const r = res(table);
  return !!(r && r.actions.find((a) => a.verb === verb));
}

// The words a person uses for a row: its name, number or title; the id only as a last resort.
const TITLE_FIELDS = ['display_name', 'name', 'title', 'invoice_number', 'receipt_number', 'credit_note_number',
  'number', 'subject', 'code', 'email', 'codename', 'plan_name', 'plan_code', 'description', 'job', 'action'];

export function titleField(r) {
  if (!r) return null;
  for (const f of TITLE_FIELDS) if (r.fieldMap[f] && !r.fieldMap[f].writeOnly) return f;
  return null;
}

export function rowLabel(r, row) {
  if (!row) return '';
  if (r && r.fieldMap.first_name && row.first_name) return [row.first_name, row.last_name].filter(Boolean).join(' ');
  for (const f of TITLE_FIELDS) {
    if (r && !r.fieldMap[f]) continue;
    const v = row[f];
    if (v !== null && v !== undefined && v !== '') return String(v);
  }
  if (r && row.status && (r.name.includes('invoice') || r.name.includes('note'))) return `Draft ${r.one.toLowerCase()}`;
  return row.id ? `${r ? r.one : 'Row'} ${String(row.id).slice(-6)}` : '';
}
