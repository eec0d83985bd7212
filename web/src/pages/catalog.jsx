// pages/catalog.jsx — the service catalog and billing plans as cards: what is sold, how it is
// billed (type, cycle, unit) and at what price, grouped by category when the table has one, with
// search and a switch to the plain table (every filter, sort and export). The fields shown are
// chosen from the schema by kind, so the engine's tables appear here as they land.
import { useEffect, useState } from 'preact/hooks';
import { request } from '../api.js';
import { res, rowLabel, humanize } from '../schema.js';
import { rememberLabel, useLabel } from '../labels.js';
import { money, atLeast2 } from '../format.js';
import { useSession } from '../session.js';
import { navigate } from '../router.js';
import { ResourceList } from '../table.jsx';
import { Badge, Button, Card, Empty, ErrorBanner, Icon, Link, LinkButton, Spinner } from '../ui.jsx';
import { PageHead, NotFound } from './resource.jsx';

const PRICE = /^(default_rate|rate|price|amount|base_price|unit_price|bundle_price|setup_fee|overage_rate)$/;
const KIND = /(^service_type$|^plan_type$|^billing_frequency$|^billing_cycle$|^frequency$|^type$|^pricing_model$)/;

function CategoryName({ table, id }) {
  const l = useLabel(table, id);
  return <>{id ? l || '…' : 'Uncategorised'}</>;
}

export function CatalogPage({ table }) {
  const r = res(table);
  const { tenant } = useSession();
  const [view, setView] = useState('cards');
  const [q, setQ] = useState('');
  const [rows, setRows] = useState(null);
  const [err, setErr] = useState(null);
  const cat = r && r.fields.find((f) => f.type === 'ref' && /categor/.test(f.name));
  useEffect(() => {
    if (!r || view !== 'cards') return;
    const t = setTimeout(() => {
      const query = { limit: 200 };
      if (q && r.search) query.q = q;
      request('GET', r.path, { query }).then((p) => { p.data.forEach((x) => rememberLabel(table, x)); setRows(p.data); }).catch(setErr);
    }, 200);
    return () => clearTimeout(t);
  }, [q, view, table]);
  if (!r) return <NotFound />;
  const prices = r.fields.filter((f) => PRICE.test(f.name) && (f.type === 'money' || f.type === 'decimal'));
  const kinds = r.fields.filter((f) => KIND.test(f.name) && f.type === 'enum');
  const unit = r.fieldMap.unit_of_measure || r.fieldMap.unit;
  const shown = rows ? rows.filter((x) => r.search || !q || rowLabel(r, x).toLowerCase().includes(q.toLowerCase())) : null;
  const groups = new Map();
  for (const x of shown || []) {
    const k = cat ? x[cat.name] || '' : '';
    if (!groups.has(k)) groups.set(k, []);
    groups.get(k).push(x);
  }
  return (
    <div class="page">
      <PageHead title={table === 'services' ? 'Service catalog' : r.label} sub={r.doc}>
        <div class="seg" role="group" aria-label="View">
          <button type="button" class={view === 'cards' ? 'on' : ''} aria-pressed={view === 'cards'} onClick={() => setView('cards')}>Cards</button>
          <button type="button" class={view === 'table' ? 'on' : ''} aria-pressed={view === 'table'} onClick={() => setView('table')}>Table</button>
        </div>
        {r.canCreate && <LinkButton kind="primary" icon="plus" href={`/r/${table}/new`}>New {r.one.toLowerCase()}</LinkButton>}
      </PageHead>
      {view === 'table' ? <Card><ResourceList resource={r} inUrl /></Card> : (
        <>
          <div class="search search-lg">
            <Icon name="search" size={16} />
            <input type="search" aria-label={`Search ${r.label.toLowerCase()}`} placeholder={`Search ${r.label.toLowerCase()}…`} value={q} onInput={(e) => setQ(e.target.value)} />
          </div>
          <ErrorBanner error={err} />
          {!shown ? <Spinner /> : shown.length === 0 ? (
            <Empty icon="box" title={q ? `No ${r.label.toLowerCase()} match` : `No ${r.label.toLowerCase()} yet`}
              action={r.canCreate && !q && <LinkButton kind="primary" icon="plus" href={`/r/${table}/new`}>New {r.one.toLowerCase()}</LinkButton>}>{r.doc}</Empty>
          ) : [...groups.entries()].map(([k, xs]) => (
            <section key={k} class="cat-group" aria-label={cat ? 'Category' : r.label}>
              {cat && <h2 class="cat-title"><CategoryName table={cat.ref} id={k} /> <span class="muted small">{xs.length}</span></h2>}
              <div class="cat-grid">
                {xs.map((x) => (
                  <a key={x.id} href={`/r/${table}/${x.id}`} class={'cat-card' + (x.is_active === false ? ' inactive' : '')}
                    onClick={(e) => { e.preventDefault(); navigate(`/r/${table}/${x.id}`); }}>
                    <div class="cat-top">
                      <strong>{rowLabel(r, x)}</strong>
                      {x.is_active === false && <Badge value="inactive" />}
                    </div>
                    {x.code && x.code !== rowLabel(r, x) && <div class="muted small mono">{x.code}</div>}
                    <div class="cat-kinds">{kinds.map((f) => x[f.name] && <Badge key={f.name} value={x[f.name]} tone="blue" />)}</div>
                    {prices.filter((f) => x[f.name] != null).slice(0, 2).map((f, i) => (
                      <div key={f.name} class={i === 0 ? 'cat-price' : 'muted small'}>
                        {money(f.type === 'decimal' ? atLeast2(x[f.name]) : x[f.name], x.currency || tenant?.base_currency)}{i === 0 && unit && x[unit.name] ? <span class="muted small"> / {x[unit.name]}</span> : ''}
                        {i > 0 && ` ${humanize(f.name).toLowerCase()}`}
                      </div>
                    ))}
                    {x.description && <p class="muted small cat-desc">{x.description}</p>}
                  </a>
                ))}
              </div>
            </section>
          ))}
        </>
      )}
    </div>
  );
}
