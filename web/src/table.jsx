// table.jsx — the generic list of any resource: search (?q=), filters (field + operator + value,
// as the API's ?field[op]=v), sortable headers (?order=), cursor paging, column choice (kept per
// table in localStorage: a preference, not a secret), and CSV export of every matching row with
// progress. On a phone the rows become cards (CSS), each cell labelled.
import { useEffect, useMemo, useState } from 'preact/hooks';
import { request, listAll, saveBlob, upload } from './api.js';
import { rowLabel, titleField, humanize } from './schema.js';
import { rememberLabel, useLabel } from './labels.js';
import { money, date, dateTime } from './format.js';
import { navigate, query as readQuery, setQuery } from './router.js';
import { Badge, Button, Empty, ErrorBanner, Icon, Link, LinkButton, Menu, Modal, Progress, Spinner } from './ui.jsx';
import { FieldInput } from './form.jsx';

export function RefCell({ table, id, link = true }) {
  const label = useLabel(table, id);
  if (!id) return <span class="muted">—</span>;
  if (!link) return <span>{label || '…'}</span>;
  return <Link href={`/r/${table}/${id}`} class="reflink" onClick={(e) => e.stopPropagation()}>{label || '…'}</Link>;
}

export function Cell({ field: f, row }) {
  const v = row[f.name];
  if (f.type === 'ref') return <RefCell table={f.ref} id={v} />;
  if (v === null || v === undefined || v === '') return <span class="muted">—</span>;
  switch (f.type) {
    case 'money': return <span class="num">{money(v, f.currencyField ? row[f.currencyField] : null)}</span>;
    case 'decimal': case 'int': return <span class="num">{String(v)}</span>;
    case 'date': return <span class="nowrap">{date(v)}</span>;
    case 'timestamp': return <span class="nowrap">{dateTime(v)}</span>;
    case 'bool': return v ? <span class="yes"><Icon name="check" size={15} /><span class="sr-only">Yes</span></span> : <span class="muted">No</span>;
    case 'enum': return f.name === 'status' || f.name.endsWith('_status') || f.name === 'action' ? <Badge value={v} /> : <span>{humanize(v)}</span>;
    case 'json': return <code class="small">{JSON.stringify(v).slice(0, 60)}</code>;
    default: return <span class="clip">{String(v)}</span>;
  }
}

export function defaultColumns(r, skip = []) {
  const out = [];
  const orig = skip;
  skip = new Set(orig);
  const t = titleField(r);
  if (r.fieldMap.first_name) out.push('first_name', 'last_name');
  else if (t) out.push(t);
  const take = (pred, n) => {
    let k = 0;
    for (const f of r.fields) {
      if (k >= n) break;
      if (out.includes(f.name) || f.writeOnly || f.system || f.name === r.parentField || skip.has(f.name)) continue;
      if (pred(f)) { out.push(f.name); k++; }
    }
  };
  if (!/_number$/.test(t || '')) take((f) => /(^code$|_number$)/.test(f.name) && f.name !== t, 1);
  take((f) => f.type === 'ref' && f.required, 2);
  take((f) => f.name === 'status' || f.name === 'action' || f.name === 'role', 1);
  take((f) => f.type === 'date' && /(^date$|_date$)/.test(f.name) && f.name !== 'date_of_birth', 2);
  take((f) => f.type === 'money' && /^(total|total_amount|amount|total_credit|amount_applied|allocated_amount)$/.test(f.name), 1);
  take((f) => f.type === 'money' && /^(balance_due|balance_remaining|unallocated_amount)$/.test(f.name), 1);
  take((f) => f.type === 'money' && (f.required || /total|amount|balance|due/.test(f.name)), out.some((n) => r.fieldMap[n].type === 'money') ? 0 : 2);
  take((f) => f.name === 'email' || f.name === 'phone' || f.name === 'job_title', 2);
  take((f) => f.type === 'ref', 1);
  take((f) => f.type === 'enum' && f.required, 1);
  take((f) => f.type === 'int' && /(invoices_created|customers_billed|_count$|^customers$|failed)/.test(f.name), 3);
  take((f) => ['city', 'currency', 'payment_terms', 'prefix', 'last_used_at', 'expires_at', 'quantity', 'rate', 'unit_price', 'default_rate'].includes(f.name), 3);
  take((f) => f.type === 'text' && (!f.maxLength || f.maxLength <= 255), Math.max(0, Math.min(2, 7 - out.length)));
  if (out.length < 4) take((f) => f.type === 'bool' && /^is_/.test(f.name), 1);
  if (out.length < 3 && r.fieldMap.created_at) out.push('created_at');
  return out.slice(0, 8);
}

const OPS = [['eq', 'is'], ['ne', 'is not'], ['like', 'contains'], ['gte', '≥'], ['lte', '≤'], ['in', 'is one of'], ['null', 'is empty']];

function colsKey(r, fixed = {}) { const k = Object.keys(fixed); return 'remit.cols.' + r.name + (k.length ? '@' + k.join(',') : ''); }

function csvEscape(v) {
  if (v === null || v === undefined) return '';
  const s = typeof v === 'object' ? JSON.stringify(v) : String(v);
  return /[",\n\r]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
}

function buildQuery(st) {
  const q = {};
  if (st.q) q.q = st.q;
  if (st.order) q.order = st.order;
  for (const f of st.filters) {
    if (!f.field) continue;
    if (f.op === 'null') q[`${f.field}[null]`] = f.value === 'false' ? 'false' : 'true';
    else if (f.value !== '' && f.value != null) q[f.op === 'eq' ? f.field : `${f.field}[${f.op}]`] = f.op === 'like' ? `%${f.value}%` : f.value;
  }
  return q;
}

function filtersFromUrl(r, u) {
  const out = [];
  for (const [k, v] of Object.entries(u)) {
    const m = /^([a-z0-9_]+)(?:\[([a-z]+)\])?$/.exec(k);
    if (!m || ['q', 'order', 'cursor', 'limit', 'page'].includes(k) || !r.filters.includes(m[1])) continue;
    out.push({ field: m[1], op: m[2] || 'eq', value: m[2] === 'like' ? v.replace(/^%|%$/g, '') : v });
  }
  return out;
}

// The list. `fixed` are filters that are always applied (a parent's id); `inUrl` keeps state in
// the address bar (main lists), so back/forward and links work.
export function ResourceList({ resource: r, parentId, fixed = {}, inUrl = false, pageSize = 25, embedded = false, compact = false, newHref, onRowClick, title, actions, empty }) {
  const init = useMemo(() => {
    const u = inUrl ? readQuery() : {};
    return { q: u.q || '', order: u.order || '', filters: filtersFromUrl(r, u) };
  }, [r.name]);
  const [st, setSt] = useState(init);
  const [qText, setQText] = useState(init.q);
  const [cols, setCols] = useState(() => {
    try { const c = JSON.parse(localStorage.getItem(colsKey(r, fixed))); if (Array.isArray(c) && c.every((n) => r.fieldMap[n])) return c; } catch { /* default */ }
    return defaultColumns(r, Object.keys(fixed));
  });
  const [cursors, setCursors] = useState([null]);
  const [page, setPage] = useState({ data: null, next_cursor: null });
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState(null);
  const [showFilters, setShowFilters] = useState(init.filters.length > 0);
  const [exporting, setExporting] = useState(null);
  const [importing, setImporting] = useState(false);
  const path = r.parent ? r.path.replace('{parent_id}', parentId) : r.path;
  const fixedKey = JSON.stringify(fixed);

  useEffect(() => { setSt(init); setQText(init.q); setCursors([null]); }, [r.name]);
  const load = async (cursor) => {
    setLoading(true);
    setError(null);
    try {
      const data = await request('GET', path, { query: { ...buildQuery(st), ...fixed, limit: pageSize, cursor } });
      data.data.forEach((row) => rememberLabel(r.name, row));
      setPage(data);
    } catch (e) { setError(e); setPage({ data: [], next_cursor: null }); }
    setLoading(false);
  };
  useEffect(() => {
    setCursors([null]);
    load(null);
    if (inUrl) setQuery(buildQuery(st));
  }, [st, r.name, fixedKey, parentId]);
  useEffect(() => { const t = setTimeout(() => { if (qText !== st.q) setSt((s) => ({ ...s, q: qText })); }, 250); return () => clearTimeout(t); }, [qText]);

  const sortBy = (name) => {
    const cur = st.order;
    const next = cur === name ? '-' + name : cur === '-' + name ? '' : name;
    setSt({ ...st, order: next });
  };
  const saveCols = (c) => { setCols(c); localStorage.setItem(colsKey(r, fixed), JSON.stringify(c)); };
  const next = () => { setCursors([...cursors, page.next_cursor]); load(page.next_cursor); };
  const prev = () => { const c = cursors.slice(0, -1); setCursors(c); load(c[c.length - 1]); };

  const exportCsv = async () => {
    setExporting({ n: 0, done: false });
    try {
      const rows = await listAll(path, { ...buildQuery(st), ...fixed }, { onProgress: (n) => setExporting({ n, done: false }) });
      const fields = r.fields.filter((f) => !f.writeOnly);
      const lines = [fields.map((f) => f.name).join(',')];
      for (const row of rows) lines.push(fields.map((f) => csvEscape(row[f.name])).join(','));
      saveBlob(new Blob([lines.join('\r\n') + '\r\n'], { type: 'text/csv' }), `${r.name}-${new Date().toISOString().slice(0, 10)}.csv`);
      setExporting({ n: rows.length, done: true });
    } catch (e) { setExporting({ n: 0, done: true, error: e }); }
  };

  let colFields = cols.map((c) => r.fieldMap[c]).filter(Boolean);
  if (compact) {   // a side card: what it is, how much, when
    const pick = [colFields[0], colFields.find((f) => f.type === 'money'), colFields.find((f) => f.type === 'date' || f.name === 'status')];
    colFields = [...new Set(pick.filter(Boolean))];
  }
  const filterable = r.filters.map((n) => r.fieldMap[n]).filter(Boolean);
  const open = (row) => (onRowClick ? onRowClick(row) : navigate(`/r/${r.name}/${row.id}`));
  const rows = page.data;
  // a status with a handful of values gets one-click filters above the list
  const statusField = r.fieldMap.status && r.fieldMap.status.enum && r.fieldMap.status.enum.length <= 8 && r.filters.includes('status') && !fixed.status ? r.fieldMap.status : null;
  const activeFilters = st.filters.filter((f) => f.field && (f.value !== '' || f.op === 'null')).length;

  return (
    <div class={'rlist' + (embedded ? ' rlist-embedded' : '') + (compact ? ' rlist-compact' : '')}>
      {!compact && <div class="toolbar" role="toolbar" aria-label={`${r.label} tools`}>
        {title}
        {r.search && (
          <div class="search">
            <Icon name="search" size={16} />
            <input type="search" aria-label={`Search ${r.label.toLowerCase()}`} placeholder={`Search ${r.label.toLowerCase()}…`} value={qText}
              onInput={(e) => setQText(e.target.value)} />
          </div>
        )}
        <div class="toolbar-spacer" />
        {filterable.length > 0 && (
          <Button icon="filter" aria-expanded={showFilters} onClick={() => setShowFilters(!showFilters)}>
            Filter{activeFilters ? ` (${activeFilters})` : ''}
          </Button>
        )}
        <Menu label="Columns" icon="columns">
          <div class="menu-title">Show columns</div>
          <div class="menu-scroll">
            {r.fields.filter((f) => !f.writeOnly).map((f) => (
              <label key={f.name} class="menu-check">
                <input type="checkbox" checked={cols.includes(f.name)}
                  onChange={(e) => saveCols(e.target.checked ? [...cols, f.name] : cols.filter((c) => c !== f.name))} />
                {f.label}
              </label>
            ))}
          </div>
          <button type="button" class="menu-item" data-close onClick={() => saveCols(defaultColumns(r, Object.keys(fixed)))}>Reset to default</button>
        </Menu>
        <Button icon="download" onClick={exportCsv}>Export</Button>
        {!parentId && r.collectionActions.find((a) => a.verb === 'import' && a.method === 'POST') && <Button icon="upload" onClick={() => setImporting(true)}>Import</Button>}
        {actions}
        {r.canCreate && newHref !== false && <LinkButton kind="primary" icon="plus" href={newHref || `/r/${r.name}/new${parentId ? '?parent=' + parentId : ''}`}>New {r.one.toLowerCase()}</LinkButton>}
      </div>}
      {!compact && statusField && (
        <div class="chips-bar" role="group" aria-label={`${r.one} status`}>
          {['', ...statusField.enum].map((v) => {
            const cur = st.filters.find((f) => f.field === statusField.name && f.op === 'eq')?.value || '';
            return (
              <button type="button" key={v || 'all'} class={'chip-btn' + (cur === v ? ' on' : '')} aria-pressed={cur === v}
                onClick={() => setSt({ ...st, filters: [...st.filters.filter((f) => f.field !== statusField.name), ...(v ? [{ field: statusField.name, op: 'eq', value: v }] : [])] })}>
                {v ? humanize(v) : 'All'}
              </button>
            );
          })}
        </div>
      )}
      {showFilters && <FilterBar r={r} fields={filterable} filters={st.filters} onChange={(filters) => setSt({ ...st, filters })} />}
      <ErrorBanner error={error} />
      <div class="table-wrap">
        <table class="dtable">
          <caption class="sr-only">{r.label}</caption>
          <thead>
            <tr>
              {colFields.map((f) => {
                const sortable = r.sortable.includes(f.name);
                const dir = st.order === f.name ? 'ascending' : st.order === '-' + f.name ? 'descending' : 'none';
                const num = f.type === 'money' || f.type === 'decimal' || f.type === 'int';
                return (
                  <th key={f.name} scope="col" aria-sort={sortable ? dir : undefined} class={num ? 'num' : ''}>
                    {sortable ? (
                      <button type="button" class="th-sort" onClick={() => sortBy(f.name)}>
                        {f.label}
                        <Icon name={dir === 'descending' ? 'arrowDown' : 'arrowUp'} size={13} class={dir === 'none' ? 'sort-idle' : ''} />
                      </button>
                    ) : f.label}
                  </th>
                );
              })}
            </tr>
          </thead>
          <tbody>
            {rows && rows.map((row) => (
              <tr key={row.id} class="clickable" onClick={() => open(row)}>
                {colFields.map((f, i) => (
                  <td key={f.name} data-label={f.label} class={(f.type === 'money' || f.type === 'decimal' || f.type === 'int' ? 'num' : '') + (i === 0 ? ' first' : '') + (row[f.name] == null || row[f.name] === '' ? ' empty-cell' : '')}>
                    {i === 0 ? (
                      <a href={`/r/${r.name}/${row.id}`} class="row-link" onClick={(e) => { e.preventDefault(); e.stopPropagation(); open(row); }}>
                        {f.type === 'ref' || f.type === 'money' || f.type === 'enum' ? <Cell field={f} row={row} /> : (row[f.name] ?? rowLabel(r, row)) + (f.name === 'first_name' && row.last_name && !cols.includes('last_name') ? ' ' + row.last_name : '')}
                      </a>
                    ) : <Cell field={f} row={row} />}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
        {loading && !rows && <Spinner />}
        {rows && rows.length === 0 && !loading && compact && <p class="muted compact-empty">{empty || `No ${r.label.toLowerCase()} yet`}</p>}
        {rows && rows.length === 0 && !loading && !compact && (
          <Empty title={st.q || activeFilters ? `No ${r.label.toLowerCase()} match` : `No ${r.label.toLowerCase()} yet`}>
            {st.q || activeFilters ? 'Try another search or remove a filter.' : r.doc}
          </Empty>
        )}
      </div>
      {(cursors.length > 1 || page.next_cursor) && (
        <nav class="pager" aria-label="Pages">
          <span class="muted">Page {cursors.length}</span>
          <Button icon="chevronLeft" disabled={cursors.length <= 1 || loading} onClick={prev}>Previous</Button>
          <Button disabled={!page.next_cursor || loading} onClick={next}>Next <Icon name="chevronRight" size={14} /></Button>
        </nav>
      )}
      {importing && <ImportDialog r={r} onClose={() => setImporting(false)} onImported={() => load(null)} />}
      {exporting && (
        <Modal title={`Export ${r.label.toLowerCase()}`} onClose={exporting.done ? () => setExporting(null) : undefined}
          footer={exporting.done && <Button kind="primary" onClick={() => setExporting(null)}>Done</Button>}>
          {exporting.error ? <ErrorBanner error={exporting.error} />
            : exporting.done ? <p><Icon name="check" /> {exporting.n} rows exported to CSV.</p>
              : <Progress value={exporting.n} label={`${exporting.n} rows fetched…`} />}
        </Modal>
      )}
    </div>
  );
}

function FilterBar({ r, fields, filters, onChange }) {
  const [draft, setDraft] = useState(filters.length ? filters : [{ field: fields[0]?.name, op: 'eq', value: '' }]);
  const upd = (i, k, v) => setDraft(draft.map((f, j) => (j === i ? { ...f, [k]: v, ...(k === 'field' ? { value: '' } : {}) } : f)));
  const apply = (e) => { e && e.preventDefault(); onChange(draft.filter((f) => f.field)); };
  return (
    <form class="filterbar" onSubmit={apply} aria-label="Filters">
      {draft.map((f, i) => {
        const fd = r.fieldMap[f.field] || fields[0];
        return (
          <div class="filter-row" key={i}>
            <select aria-label="Field" value={f.field} onChange={(e) => upd(i, 'field', e.target.value)}>
              {fields.map((x) => <option key={x.name} value={x.name}>{x.label}</option>)}
            </select>
            <select aria-label="Operator" value={f.op} onChange={(e) => upd(i, 'op', e.target.value)}>
              {OPS.filter(([o]) => !(fd.type === 'bool' && !['eq', 'null'].includes(o))).map(([o, l]) => <option key={o} value={o}>{l}</option>)}
            </select>
            {f.op === 'null' ? (
              <select aria-label="Value" value={f.value || 'true'} onChange={(e) => upd(i, 'value', e.target.value)}>
                <option value="true">yes</option><option value="false">no</option>
              </select>
            ) : fd.type === 'bool' ? (
              <select aria-label="Value" value={f.value} onChange={(e) => upd(i, 'value', e.target.value)}>
                <option value="">—</option><option value="true">Yes</option><option value="false">No</option>
              </select>
            ) : fd.type === 'ref' && f.op === 'eq' ? (
              <div class="filter-val"><FieldInput field={{ ...fd, required: false }} id={'flt-' + i} value={f.value || null} onChange={(v) => upd(i, 'value', v || '')} /></div>
            ) : fd.type === 'enum' && (f.op === 'eq' || f.op === 'ne') ? (
              <select aria-label="Value" value={f.value} onChange={(e) => upd(i, 'value', e.target.value)}>
                <option value="">—</option>{fd.enum.map((v) => <option key={v} value={v}>{humanize(v)}</option>)}
              </select>
            ) : (
              <input aria-label="Value" type={fd.type === 'date' ? 'date' : 'text'} value={f.value} onInput={(e) => upd(i, 'value', e.target.value)}
                placeholder={f.op === 'in' ? 'a,b,c' : 'Value'} />
            )}
            <button type="button" class="icon-btn" aria-label="Remove filter" onClick={() => setDraft(draft.filter((_, j) => j !== i))}><Icon name="x" size={15} /></button>
          </div>
        );
      })}
      <div class="filter-actions">
        <Button icon="plus" onClick={() => setDraft([...draft, { field: fields[0].name, op: 'eq', value: '' }])}>Add filter</Button>
        <Button onClick={() => { setDraft([]); onChange([]); }}>Clear</Button>
        <Button kind="primary" type="submit">Apply</Button>
      </div>
    </form>
  );
}

// CSV import (a table's POST /<table>/import): the file is checked row by row by the server with
// the same rules as the API; nothing is imported from a file with errors unless asked to skip them.
function ImportDialog({ r, onClose, onImported }) {
  const [file, setFile] = useState(null);
  const [skip, setSkip] = useState(false);
  const [dry, setDry] = useState(false);
  const [progress, setProgress] = useState(null);
  const [result, setResult] = useState(null);
  const [err, setErr] = useState(null);
  const go = async () => {
    if (!file) { setErr(new Error('Choose a CSV file first')); return; }
    setErr(null); setResult(null); setProgress(0);
    try {
      const q = {};
      if (skip) q.skip_errors = 'true';
      if (dry) q.dry_run = 'true';
      const out = await upload(`${r.name}/import`, file, { query: q, contentType: 'text/csv', onProgress: setProgress });
      if (out.status >= 400 && !(out.body && 'rows' in out.body)) setErr(new Error(out.body?.error?.message || `the import failed (${out.status})`));
      else { setResult(out.body); if (out.body.imported > 0) onImported(); }
    } catch (e) { setErr(e); }
    setProgress(null);
  };
  return (
    <Modal title={`Import ${r.label.toLowerCase()} from CSV`} wide onClose={onClose}
      footer={<><Button onClick={onClose}>{result ? 'Close' : 'Cancel'}</Button><Button kind="primary" icon="upload" busy={progress !== null} onClick={go}>{dry ? 'Check the file' : 'Import'}</Button></>}>
      <p class="muted">The first row names the columns, with the field names of {r.label.toLowerCase()} (as in the CSV export). Each row is checked like the form.</p>
      <div class="field"><label for="imp-file">CSV file</label><input id="imp-file" type="file" accept=".csv,text/csv" onChange={(e) => { setFile(e.target.files[0] || null); setResult(null); }} /></div>
      <label class="menu-check"><input type="checkbox" checked={skip} onChange={(e) => setSkip(e.target.checked)} /> Import the valid rows even if some rows have errors</label>
      <label class="menu-check"><input type="checkbox" checked={dry} onChange={(e) => setDry(e.target.checked)} /> Only check the file (import nothing)</label>
      {progress !== null && <Progress value={Math.round(progress * 100)} max={100} label={progress < 1 ? `Uploading… ${Math.round(progress * 100)}%` : 'Checking and importing rows…'} />}
      <ErrorBanner error={err} />
      {result && (
        <div class={'banner ' + (result.rejected && !result.imported ? 'banner-error' : 'banner-ok')} role="status" data-testid="import-result">
          <Icon name={result.rejected && !result.imported ? 'alert' : 'check'} size={18} />
          <div>
            <strong>{result.dry_run ? `${result.would_import ?? 0} of ${result.rows} rows would be imported` : `${result.imported} of ${result.rows} rows imported`}{result.rejected ? `, ${result.rejected} with errors` : ''}.</strong>
            {result.error && <div>Nothing was imported. Fix the rows below and import again, or tick “Import the valid rows”.</div>}
          </div>
        </div>
      )}
      {result && result.errors && result.errors.length > 0 && (
        <div class="table-wrap">
          <table class="dtable"><thead><tr><th scope="col">Row</th><th scope="col">Field</th><th scope="col">Problem</th></tr></thead>
            <tbody>{result.errors.slice(0, 200).map((e, i) => <tr key={i}><td data-label="Row">{e.row}</td><td data-label="Field">{e.field}</td><td data-label="Problem">{e.message}</td></tr>)}</tbody>
          </table>
        </div>
      )}
    </Modal>
  );
}
