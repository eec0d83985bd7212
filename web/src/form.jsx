// form.jsx — forms derived from the schema: one input per field, by type (enums as selects,
// references as searchable pickers, money and decimals as exact strings), required marks, help
// text, and the server's validation error shown under the field it names (aria-invalid +
// aria-describedby, focus moved there).
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { request, ApiError } from './api.js';
import { res, rowLabel, humanize } from './schema.js';
import { rememberLabel, useLabel } from './labels.js';
import { Icon, Button, ErrorBanner } from './ui.jsx';

let uid = 0;
const nextId = () => 'f' + (++uid);

// Groups for long forms, by the field's name: generic, so new tables get them too.
const GROUPS = [
  ['Shipping address', /^shipping_/],
  ['Bank', /(^bank_|^upi_|_ifsc$|_swift$|iban|^account_number$)/],
  ['Address', /(^address|_address$|^city$|^state$|^postal_code$|^country$|^state_code$|^place_of_supply$|^pincode$)/],
  ['Tax', /(gst|pan_number|^tax_|_tax|tax_id|^is_tax|hsn|sac|tds)/],
  ['Billing', /(currency|payment|credit_limit|billing|terms|rate$|price|amount|discount|^invoice_delivery|reminder)/],
  ['Notes', /(^notes$|^description$|^terms_and|^comments?$|^memo$|^internal_notes$)/],
];
export function groupFields(fields) {
  const groups = new Map([['Details', []]]);
  for (const f of fields) {
    let g = 'Details';
    if (!f.required) for (const [name, re] of GROUPS) if (re.test(f.name)) { g = name; break; }
    if (!groups.has(g)) groups.set(g, []);
    groups.get(g).push(f);
  }
  return [...groups.entries()].filter(([, fs]) => fs.length);
}

// The fields a person fills in most: required ones, names, codes, contact points, references,
// states, dates and amounts. The rest of the "Details" group folds into "More details"; the
// shipping address and notes fold too. Folded groups open when they hold a value or an error.
const PRIMARY = /^(name|title|code|email|phone|status|currency|first_name|last_name|display_name|description|role|is_active|amount|rate|quantity|total|notes)$|(_id|_date|_number|_type)$/;
export function formGroups(fields, creating) {
  const out = [];
  for (const [g, fs] of groupFields(fields)) {
    if (g === 'Details' && fs.length > 8) {
      const main = fs.filter((f) => f.required || PRIMARY.test(f.name) || f.type === 'ref' || f.type === 'enum');
      const rest = fs.filter((f) => !main.includes(f));
      out.push([g, main, false]);
      if (rest.length) out.push(['More details', rest, true]);
    } else {
      out.push([g, fs, g === 'Shipping address' || (g === 'Notes' && creating) || (fs.length > 12 && !fs.some((f) => f.required))]);
    }
  }
  // "More details" goes last
  out.sort((a, b) => (a[0] === 'More details') - (b[0] === 'More details'));
  return out;
}

export function RefPicker({ id, table, value, onChange, invalid, describedBy, required, placeholder, filter }) {
  const r = res(table);
  const label = useLabel(table, value);
  const [open, setOpen] = useState(false);
  const [text, setText] = useState('');
  const [items, setItems] = useState([]);
  const [active, setActive] = useState(0);
  const [loading, setLoading] = useState(false);
  const timer = useRef(null);
  const listId = id + '-list';

  const search = (q) => {
    clearTimeout(timer.current);
    timer.current = setTimeout(async () => {
      if (!r || !r.path) return;
      setLoading(true);
      try {
        const query = { limit: 12, ...(filter || {}) };
        if (q && r.search) query.q = q;
        const page = await request('GET', r.path, { query });
        let rows = page.data;
        if (q && !r.search) rows = rows.filter((x) => rowLabel(r, x).toLowerCase().includes(q.toLowerCase()));
        rows.forEach((x) => rememberLabel(table, x));
        setItems(rows);
        setActive(0);
      } catch { setItems([]); }
      setLoading(false);
    }, 150);
  };
  const choose = (row) => {
    onChange(row ? row.id : null, row);
    setOpen(false);
    setText('');
  };
  const onKey = (e) => {
    if (e.key === 'ArrowDown') { e.preventDefault(); if (!open) { setOpen(true); search(text); } else setActive(Math.min(active + 1, items.length - 1)); }
    else if (e.key === 'ArrowUp') { e.preventDefault(); setActive(Math.max(active - 1, 0)); }
    else if (e.key === 'Enter' && open) { e.preventDefault(); if (items[active]) choose(items[active]); }
    else if (e.key === 'Escape' && open) { e.preventDefault(); e.stopPropagation(); setOpen(false); setText(''); }
  };
  return (
    <div class="combo">
      <div class={'combo-field' + (invalid ? ' invalid' : '')}>
        <Icon name="search" size={15} class="combo-icon" />
        <input id={id} type="text" role="combobox" aria-expanded={open} aria-controls={listId} aria-autocomplete="list"
          aria-activedescendant={open && items[active] ? `${listId}-${active}` : undefined}
          aria-invalid={invalid ? 'true' : undefined} aria-describedby={describedBy} aria-required={required ? 'true' : undefined}
          autocomplete="off" placeholder={value ? label || '…' : placeholder || `Search ${r ? r.label.toLowerCase() : table}…`}
          value={open ? text : (value ? label || '' : '')}
          onFocus={() => { setOpen(true); setText(''); search(''); }}
          onInput={(e) => { setText(e.target.value); setOpen(true); search(e.target.value); }}
          onBlur={() => setTimeout(() => setOpen(false), 150)}
          onKeyDown={onKey} />
        {value && !required && <button type="button" class="icon-btn combo-clear" aria-label="Clear" onClick={() => choose(null)}><Icon name="x" size={14} /></button>}
      </div>
      {open && (
        <ul class="combo-list" role="listbox" id={listId} aria-label={r ? r.label : table}>
          {loading && !items.length && <li class="combo-empty">Searching…</li>}
          {!loading && !items.length && <li class="combo-empty">No {r ? r.label.toLowerCase() : 'matches'} found</li>}
          {items.map((row, i) => (
            <li key={row.id} id={`${listId}-${i}`} role="option" aria-selected={i === active} class={i === active ? 'active' : ''}
              onMouseDown={(e) => { e.preventDefault(); choose(row); }} onMouseEnter={() => setActive(i)}>
              <span>{rowLabel(r, row)}</span>
              {row.email && rowLabel(r, row) !== row.email && <span class="muted small">{row.email}</span>}
              {row.code && rowLabel(r, row) !== row.code && <span class="muted small">{row.code}</span>}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

function toLocalInput(ts) {
  if (!ts) return '';
  const d = new Date(ts);
  if (isNaN(d)) return '';
  const p = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}

export function FieldInput({ field: f, value, onChange, id, invalid, describedBy, disabled }) {
  const common = { id, 'aria-invalid': invalid ? 'true' : undefined, 'aria-describedby': describedBy, disabled, required: f.required };
  switch (f.type) {
    case 'ref':
      return <RefPicker id={id} table={f.ref} value={value} onChange={(v) => onChange(v)} invalid={invalid} describedBy={describedBy} required={f.required} />;
    case 'enum':
      return (
        <select {...common} value={value ?? ''} onChange={(e) => onChange(e.target.value === '' ? null : e.target.value)}>
          {(!f.required || value == null) && <option value="">{f.required ? 'Choose…' : '—'}</option>}
          {f.enum.map((v) => <option key={v} value={v}>{humanize(v)}</option>)}
        </select>
      );
    case 'bool':
      return (
        <label class="switch">
          <input type="checkbox" {...common} required={false} checked={!!value} onChange={(e) => onChange(e.target.checked)} />
          <span class="switch-track" aria-hidden="true" /><span class="switch-text">{value ? 'Yes' : 'No'}</span>
        </label>
      );
    case 'int':
      return <input type="number" step="1" {...common} min={f.min} max={f.max} value={value ?? ''} onInput={(e) => onChange(e.target.value === '' ? null : Number(e.target.value))} />;
    case 'money':
    case 'decimal':
      return <input type="text" inputMode="decimal" class="num" {...common} value={value ?? ''} placeholder={f.type === 'money' ? '0.00' : '0'}
        onInput={(e) => onChange(e.target.value.trim() === '' ? null : e.target.value.trim())} />;
    case 'date':
      return <input type="date" {...common} value={value ?? ''} onInput={(e) => onChange(e.target.value || null)} />;
    case 'timestamp':
      return <input type="datetime-local" {...common} value={toLocalInput(value)} onInput={(e) => onChange(e.target.value ? new Date(e.target.value).toISOString() : null)} />;
    case 'json':
      return <textarea rows={4} class="mono" {...common} value={value == null ? '' : typeof value === 'string' ? value : JSON.stringify(value, null, 2)}
        onInput={(e) => onChange(e.target.value)} />;
    case 'email':
      return <input type="email" autocomplete="off" {...common} maxLength={f.maxLength} value={value ?? ''} onInput={(e) => onChange(e.target.value || null)} />;
    default:
      if (f.name === 'password') return <input type="password" autocomplete="new-password" {...common} value={value ?? ''} onInput={(e) => onChange(e.target.value || null)} />;
      if (f.maxLength && f.maxLength > 500) return <textarea rows={3} {...common} maxLength={f.maxLength} value={value ?? ''} onInput={(e) => onChange(e.target.value || null)} />;
      return <input type="text" {...common} maxLength={f.maxLength} value={value ?? ''} onInput={(e) => onChange(e.target.value === '' ? null : e.target.value)} />;
  }
}

export function FormField({ field: f, value, onChange, error, disabled, idPrefix = '' }) {
  const id = useMemo(() => idPrefix + 'field-' + f.name + '-' + nextId(), [f.name]);
  const errId = id + '-err';
  const helpId = id + '-help';
  const describedBy = [error ? errId : null, f.description ? helpId : null].filter(Boolean).join(' ') || undefined;
  const wide = f.type === 'json' || (f.maxLength && f.maxLength > 500);
  return (
    <div class={'field' + (wide ? ' field-wide' : '') + (error ? ' has-error' : '')} data-field={f.name}>
      <label for={id}>{f.label}{f.required && <span class="req" aria-hidden="true"> *</span>}</label>
      <FieldInput field={f} value={value} onChange={onChange} id={id} invalid={!!error} describedBy={describedBy} disabled={disabled} />
      {error && <div class="field-error" id={errId} role="alert"><Icon name="alert" size={14} />{error}</div>}
      {f.description && !error && <div class="help" id={helpId}>{f.description}</div>}
    </div>
  );
}

// Checks the browser can make without the server; the server stays the judge.
export function clientCheck(fields, values, creating) {
  const errs = {};
  for (const f of fields) {
    const v = values[f.name];
    if (creating && f.required && f.def == null && (v === null || v === undefined || v === '')) errs[f.name] = `${f.label} is required`;
    else if ((f.type === 'money' || f.type === 'decimal') && v != null && v !== '' && !/^-?\d+(\.\d+)?$/.test(String(v))) errs[f.name] = `${f.label} must be a number such as 1250.00`;
    else if (f.type === 'json' && typeof v === 'string' && v.trim()) { try { JSON.parse(v); } catch { errs[f.name] = `${f.label} is not valid JSON`; } }
  }
  return errs;
}

export function prepare(fields, values) {
  const body = {};
  for (const f of fields) {
    if (!(f.name in values)) continue;
    let v = values[f.name];
    if (f.type === 'json' && typeof v === 'string') v = v.trim() ? JSON.parse(v) : null;
    body[f.name] = v;
  }
  return body;
}

// Shows a server error on its field when the form has that field; otherwise as a banner.
export function useServerErrors() {
  const [fieldErrors, setFieldErrors] = useState({});
  const [banner, setBanner] = useState(null);
  const apply = (err, knownFields) => {
    if (err instanceof ApiError && err.field && knownFields.includes(err.field.split(/[.[]/)[0])) {
      setFieldErrors({ [err.field.split(/[.[]/)[0]]: err.message });
      setBanner(null);
      setTimeout(() => {
        const el = document.querySelector(`[data-field="${err.field.split(/[.[]/)[0]}"] input, [data-field="${err.field.split(/[.[]/)[0]}"] select, [data-field="${err.field.split(/[.[]/)[0]}"] textarea`);
        if (el) { el.focus(); el.scrollIntoView({ block: 'center' }); }
      });
    } else {
      setBanner(err);
    }
  };
  return { fieldErrors, setFieldErrors, banner, setBanner, apply };
}

// The generic create/edit form for a resource. `fields` limits which fields show.
export function ResourceForm({ resource: r, row, parentId, onSaved, onCancel, fields: only, initial = {}, submitLabel, compact }) {
  const creating = !row;
  const fields = r.fields.filter((f) => {
    if (only && !only.includes(f.name)) return false;
    if (creating) return r.createFields.has(f.name);
    return r.patchFields.has(f.name);
  });
  const [values, setValues] = useState(() => {
    const v = {};
    for (const f of fields) {
      if (row) v[f.name] = row[f.name];
      else if (initial[f.name] !== undefined) v[f.name] = initial[f.name];
      else if (f.def != null) v[f.name] = f.type === 'bool' ? f.def === 'true' : f.type === 'int' ? Number(f.def) : f.def;
    }
    return v;
  });
  const [dirty, setDirty] = useState(new Set(Object.keys(initial)));
  const [busy, setBusy] = useState(false);
  const { fieldErrors, setFieldErrors, banner, setBanner, apply } = useServerErrors();
  const set = (name, v) => {
    setValues((x) => ({ ...x, [name]: v }));
    setDirty((d) => new Set(d).add(name));
    if (fieldErrors[name]) setFieldErrors((e) => { const n = { ...e }; delete n[name]; return n; });
  };
  const submit = async (e) => {
    e.preventDefault();
    const errs = clientCheck(fields, values, creating);
    setFieldErrors(errs);
    if (Object.keys(errs).length) {
      setTimeout(() => document.querySelector('.field.has-error input, .field.has-error select, .field.has-error textarea')?.focus());
      return;
    }
    setBusy(true);
    setBanner(null);
    try {
      const path = r.parent ? r.path.replace('{parent_id}', parentId) : r.path;
      let saved;
      if (creating) {
        const body = prepare(fields.filter((f) => dirty.has(f.name) || values[f.name] != null), values);
        saved = await request('POST', path, { body });
      } else {
        const body = prepare(fields.filter((f) => dirty.has(f.name)), values);
        saved = await request('PATCH', path + '/' + row.id, { body, ifMatch: row.version });
      }
      rememberLabel(r.name, saved);
      onSaved && onSaved(saved);
    } catch (err) {
      apply(err, fields.map((f) => f.name));
    }
    setBusy(false);
  };
  const groups = compact ? [['', fields]] : formGroups(fields, creating);
  const grid = (fs) => (
    <div class="fgrid">
      {fs.map((f) => <FormField key={f.name} field={f} value={values[f.name]} onChange={(v) => set(f.name, v)} error={fieldErrors[f.name]} />)}
    </div>
  );
  return (
    <form class="rform" onSubmit={submit} noValidate>
      <ErrorBanner error={banner} />
      {groups.map(([g, fs, collapsed]) => collapsed ? (
        <details class="fgroup" key={g} open={fs.some((f) => fieldErrors[f.name]) || (!creating && fs.some((f) => values[f.name] != null && values[f.name] !== '' && values[f.name] !== false))}>
          <summary><Icon name="chevronRight" size={14} />{g} <span class="count">({fs.length})</span></summary>
          {grid(fs)}
        </details>
      ) : (
        <fieldset class="fgroup" key={g}>
          {g && <legend>{g}</legend>}
          {grid(fs)}
        </fieldset>
      ))}
      <div class="form-actions">
        {onCancel && <Button onClick={onCancel}>Cancel</Button>}
        <Button kind="primary" type="submit" busy={busy}>{submitLabel || (creating ? `Create ${r.one.toLowerCase()}` : 'Save changes')}</Button>
      </div>
    </form>
  );
}
