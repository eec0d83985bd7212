// pages/audit.jsx — the audit log viewer: who changed what and when, each entry's before/after,
// and the hash-chain check (GET /api/v1/audit_logs/verify) that names the first broken row.
import { useEffect, useState } from 'preact/hooks';
import { request } from '../api.js';
import { res, humanize, schema } from '../schema.js';
import { query, setQuery } from '../router.js';
import { dateTime } from '../format.js';
import { Badge, Button, Card, Empty, ErrorBanner, Icon, Link, Spinner } from '../ui.jsx';
import { PageHead } from './resource.jsx';

function Diff({ a }) {
  const oldV = a.old_values || {};
  const newV = a.new_values || {};
  const keys = [...new Set([...Object.keys(oldV), ...Object.keys(newV)])]
    .filter((k) => !['updated_at', 'version'].includes(k) && JSON.stringify(oldV[k]) !== JSON.stringify(newV[k]));
  if (!keys.length) return <p class="muted small">No field changes recorded.</p>;
  const show = (v) => (v === null || v === undefined ? <span class="muted">—</span> : typeof v === 'object' ? JSON.stringify(v) : String(v));
  return (
    <table class="diff">
      <thead><tr><th scope="col">Field</th>{a.action !== 'create' && <th scope="col">Before</th>}<th scope="col">{a.action === 'delete' ? '' : 'After'}</th></tr></thead>
      <tbody>
        {keys.map((k) => (
          <tr key={k}><th scope="row">{humanize(k)}</th>{a.action !== 'create' && <td class="del">{show(oldV[k])}</td>}<td class="add">{a.action === 'delete' ? '' : show(newV[k])}</td></tr>
        ))}
      </tbody>
    </table>
  );
}

export function AuditLog() {
  const q = query();
  const [filters, setFilters] = useState({ entity_type: q.entity_type || '', entity_id: q.entity_id || '', action: q.action || '' });
  const [rows, setRows] = useState(null);
  const [cursor, setCursor] = useState(null);
  const [err, setErr] = useState(null);
  const [open, setOpen] = useState(null);
  const [verify, setVerify] = useState(null);
  const [checking, setChecking] = useState(false);
  const load = async (more) => {
    try {
      const page = await request('GET', 'audit_logs', { query: { ...filters, limit: 30, cursor: more ? cursor : undefined } });
      setRows(more ? [...rows, ...page.data] : page.data);
      setCursor(page.next_cursor);
    } catch (e) { setErr(e); setRows([]); }
  };
  useEffect(() => { setRows(null); load(false); setQuery(filters); }, [filters]);
  const check = async () => {
    setChecking(true);
    try { setVerify(await request('GET', 'audit_logs/verify')); } catch (e) { setVerify({ error: e }); }
    setChecking(false);
  };
  const tables = Object.values(schema().resources).filter((r) => r.canList).map((r) => r.name).sort();
  const ar = res('audit_logs');
  return (
    <div class="page">
      <PageHead title="Audit log" sub="Every change to business data, hash-chained per organisation so tampering is detectable.">
        <Button icon="shield" busy={checking} onClick={check}>Verify chain</Button>
      </PageHead>
      {verify && (verify.error ? <ErrorBanner error={verify.error} /> : verify.ok ? (
        <div class="banner banner-ok" role="status"><Icon name="shield" size={18} /><div><strong>The chain is intact.</strong> {verify.rows_checked} entries checked; every hash matches its predecessor.</div></div>
      ) : (
        <div class="banner banner-error" role="alert"><Icon name="alert" size={18} /><div><strong>The chain is broken.</strong> First broken entry: <code>{JSON.stringify(verify.first_broken)}</code>. {verify.rows_checked} entries checked.</div></div>
      ))}
      <Card>
        <div class="toolbar">
          <select aria-label="Table" value={filters.entity_type} onChange={(e) => setFilters({ ...filters, entity_type: e.target.value })}>
            <option value="">All tables</option>
            {tables.map((t) => <option key={t} value={t}>{humanize(t)}</option>)}
          </select>
          <select aria-label="Action" value={filters.action} onChange={(e) => setFilters({ ...filters, action: e.target.value })}>
            <option value="">All actions</option>
            {(ar?.fieldMap.action?.enum || ['create', 'update', 'delete']).map((a) => <option key={a} value={a}>{humanize(a)}</option>)}
          </select>
          {filters.entity_id && <span class="chip">Record {filters.entity_id.slice(-8)}<button type="button" class="icon-btn" aria-label="Show all records" onClick={() => setFilters({ ...filters, entity_id: '' })}><Icon name="x" size={12} /></button></span>}
        </div>
        <ErrorBanner error={err} />
        {!rows ? <Spinner /> : rows.length === 0 ? <Empty icon="shield" title="No entries" /> : (
          <ul class="audit">
            {rows.map((a) => (
              <li key={a.id} class={open === a.id ? 'open' : ''}>
                <button type="button" class="audit-row" aria-expanded={open === a.id} onClick={() => setOpen(open === a.id ? null : a.id)}>
                  <Badge value={a.action} />
                  <span class="audit-what"><strong>{humanize(a.entity_type || '')}</strong> <span class="muted mono small">{String(a.entity_id || '').slice(-8)}</span></span>
                  <span class="audit-who">{a.user_email || 'system'}</span>
                  <span class="audit-when muted">{dateTime(a.created_at)}</span>
                  <Icon name={open === a.id ? 'chevronDown' : 'chevronRight'} size={14} />
                </button>
                {open === a.id && (
                  <div class="audit-detail">
                    <Diff a={a} />
                    <dl class="dl dl-compact">
                      <div class="dl-row"><dt>Sequence</dt><dd>{a.seq}</dd></div>
                      <div class="dl-row"><dt>Hash</dt><dd><code class="small">{a.hash}</code></dd></div>
                      <div class="dl-row"><dt>Previous</dt><dd><code class="small">{a.prev_hash}</code></dd></div>
                      <div class="dl-row"><dt>From</dt><dd>{a.ip_address} · {a.user_agent}</dd></div>
                    </dl>
                    {a.entity_id && res(a.entity_type) && a.action !== 'delete' && <Link href={`/r/${a.entity_type}/${a.entity_id}`}>Open the {res(a.entity_type).one.toLowerCase()}</Link>}
                  </div>
                )}
              </li>
            ))}
          </ul>
        )}
        {cursor && <div class="pager"><Button onClick={() => load(true)}>Load older entries</Button></div>}
      </Card>
    </div>
  );
}
