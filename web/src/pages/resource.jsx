// pages/resource.jsx — the generic screens every table gets: list, new, detail (read view, edit
// form, actions, sub-resources and every table that points at this row), and the "All data"
// index. Hand-made screens (pages/*.jsx) replace or extend these for the main flows.
import { useEffect, useState } from 'preact/hooks';
import { request, download, ApiError } from '../api.js';
import { res, schema, rowLabel, humanize } from '../schema.js';
import { rememberLabel } from '../labels.js';
import { navigate, query } from '../router.js';
import { ResourceList, Cell, RefCell } from '../table.jsx';
import { ResourceForm, groupFields, FormField } from '../form.jsx';
import { Badge, Button, Card, Empty, ErrorBanner, Icon, Link, Modal, Spinner, Tabs, toast } from '../ui.jsx';
import { dateTime } from '../format.js';

export function PageHead({ title, crumbs, children, badge, sub }) {
  return (
    <header class="page-head">
      <div>
        {crumbs && (
          <nav aria-label="Breadcrumb" class="crumbs">
            {crumbs.map(([label, href], i) => <span key={i}>{href ? <Link href={href}>{label}</Link> : label}<Icon name="chevronRight" size={12} /></span>)}
          </nav>
        )}
        <h1>{title} {badge}</h1>
        {sub && <p class="page-sub">{sub}</p>}
      </div>
      {children && <div class="page-actions">{children}</div>}
    </header>
  );
}

export function NotFound({ what = 'page' }) {
  return <Empty icon="alert" title={`This ${what} does not exist`}>It may have been deleted, or it belongs to another organisation.<br /><Link href="/">Go to the dashboard</Link></Empty>;
}

export function ListPage({ table }) {
  const r = res(table);
  if (!r || !r.canList) return <NotFound what="list" />;
  if (r.parent) {
    return (
      <div class="page">
        <PageHead title={r.label} sub={r.doc} />
        <Empty title={`${r.label} belong to ${humanize(r.parent).toLowerCase()}`}>Open one of the <Link href={`/r/${r.parent}`}>{humanize(r.parent).toLowerCase()}</Link> to see them.</Empty>
      </div>
    );
  }
  return (
    <div class="page">
      <PageHead title={r.label} sub={r.doc} />
      <Card><ResourceList resource={r} inUrl /></Card>
    </div>
  );
}

export function NewPage({ table }) {
  const r = res(table);
  const q = query();
  if (!r || !r.canCreate) return <NotFound />;
  const parentId = q.parent;
  const initial = {};
  for (const [k, v] of Object.entries(q)) if (r.fieldMap[k] && r.createFields.has(k)) initial[k] = v;
  const back = r.parent ? `/r/${r.parent}/${parentId}` : `/r/${r.name}`;
  return (
    <div class="page page-narrow">
      <PageHead title={`New ${r.one.toLowerCase()}`} crumbs={[[r.parent ? humanize(r.parent) : r.label, r.parent ? `/r/${r.parent}` : back]]} sub={r.doc} />
      <Card>
        <ResourceForm resource={r} parentId={parentId} initial={initial} onCancel={() => history.back()}
          onSaved={(row) => { toast(`${r.one} created`); navigate(r.parent ? back : q.return || `/r/${r.name}/${row.id}`, { replace: true }); }} />
      </Card>
    </div>
  );
}

const isEmpty = (v) => v === null || v === undefined || v === '';
export function ReadView({ r, row, only, exclude = [] }) {
  const [all, setAll] = useState(false);
  const fields = r.fields.filter((f) => !f.writeOnly && !f.system && !exclude.includes(f.name) && (!only || only.includes(f.name)));
  const shown = all ? fields : fields.filter((f) => !isEmpty(row[f.name]));
  const hidden = fields.length - shown.length;
  return (
    <div class="readview">
      {shown.length === 0 && <p class="muted">Nothing filled in yet.</p>}
      {groupFields(shown).map(([g, fs]) => (
        <section key={g} class="rgroup">
          <h3>{g}</h3>
          <dl class="dl">
            {fs.map((f) => (
              <div key={f.name} class="dl-row">
                <dt>{f.label}</dt>
                <dd><Cell field={f} row={row} /></dd>
              </div>
            ))}
          </dl>
        </section>
      ))}
      {(hidden > 0 || all) && <button type="button" class="link-btn small" onClick={() => setAll(!all)}>{all ? 'Hide empty fields' : `Show ${hidden} empty field${hidden === 1 ? '' : 's'}`}</button>}
    </div>
  );
}

export function RecordInfo({ r, row }) {
  return (
    <Card title="Record" class="card-side">
      <dl class="dl dl-compact">
        <div class="dl-row"><dt>ID</dt><dd><code class="small selectable">{row.id}</code></dd></div>
        {row.version != null && <div class="dl-row"><dt>Version</dt><dd>{row.version}</dd></div>}
        {row.created_at && <div class="dl-row"><dt>Created</dt><dd>{dateTime(row.created_at)}</dd></div>}
        {row.created_by && <div class="dl-row"><dt>Created by</dt><dd><RefCell table="users" id={row.created_by} /></dd></div>}
        {row.updated_at && <div class="dl-row"><dt>Updated</dt><dd>{dateTime(row.updated_at)}</dd></div>}
      </dl>
      {res('audit_logs') && <Link href={`/audit?entity_id=${row.id}`} class="side-link"><Icon name="shield" size={14} /> History of this {r.one.toLowerCase()}</Link>}
    </Card>
  );
}

// Runs an action. POST actions start with {}; when the server answers that a field is required
// or invalid, the dialog asks for that field (shown with the server's message) and tries again.
export function ActionDialog({ r, row, action, onDone, onClose }) {
  const [extra, setExtra] = useState([]);
  const [values, setValues] = useState({});
  const [err, setErr] = useState(null);
  const [fieldErr, setFieldErr] = useState({});
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState(null);
  const run = async (e) => {
    e && e.preventDefault();
    setBusy(true); setErr(null); setFieldErr({});
    try {
      const out = await request('POST', `${r.path}/${row.id}/${action.verb}`, { body: values });
      if (out && out.id === row.id) { onDone(out); return; }
      setResult(out);
      onDone(null);
    } catch (x) {
      if (x instanceof ApiError && x.field && /^[a-z_]+$/.test(x.field) && x.status === 422) {
        if (!extra.includes(x.field)) setExtra([...extra, x.field]);
        setFieldErr({ [x.field]: x.message });
      } else setErr(x);
    }
    setBusy(false);
  };
  const label = humanize(action.verb);
  return (
    <Modal title={`${label} ${r.one.toLowerCase()}`} onClose={onClose}
      footer={result ? <Button kind="primary" onClick={onClose}>Done</Button> : <><Button onClick={onClose}>Cancel</Button><Button kind={/cancel|delete|revoke|void|bounce/.test(action.verb) ? 'danger' : 'primary'} busy={busy} onClick={run}>{label}</Button></>}>
      {result ? <pre class="json">{JSON.stringify(result, null, 2)}</pre> : (
        <form onSubmit={run}>
          <p>{action.doc || `${label} “${rowLabel(r, row)}”?`}</p>
          <ErrorBanner error={err} />
          {extra.map((name) => {
            const f = r.fieldMap[name] || { name, label: humanize(name), type: /date$/.test(name) ? 'date' : /amount|total/.test(name) ? 'money' : 'text', maxLength: 1000 };
            return <FormField key={name} field={{ ...f, required: true, readOnly: false }} value={values[name]} onChange={(v) => setValues({ ...values, [name]: v })} error={fieldErr[name]} />;
          })}
        </form>
      )}
    </Modal>
  );
}

export function PdfPreview({ url, name, onClose }) {
  return (
    <Modal title={name} wide onClose={onClose}
      footer={<><a class="btn btn-secondary" href={url} target="_blank" rel="noopener"><Icon name="external" size={16} /><span>Open in a new tab</span></a>
        <Button kind="primary" icon="download" onClick={() => download(url, name)}>Download PDF</Button></>}>
      <iframe class="pdf-frame" src={url} title={name} />
    </Modal>
  );
}

export function useRow(table, id, parentId) {
  const r = res(table);
  const [row, setRow] = useState(null);
  const [error, setError] = useState(null);
  const path = r && (r.parent ? r.path.replace('{parent_id}', parentId) : r.path);
  const reload = async () => {
    try {
      const x = await request('GET', `${path}/${id}`);
      rememberLabel(table, x);
      setRow(x);
      setError(null);
    } catch (e) { setError(e); }
  };
  useEffect(() => { setRow(null); setError(null); if (r) reload(); }, [table, id]);
  return { r, row, setRow, error, reload };
}

// Which actions make sense in a row's state, by the verbs' ordinary meaning (the server still
// decides: an action it refuses answers 409 with the reason). Rows without a status show all.
const CLOSED = ['cancelled', 'canceled', 'void', 'voided', 'paid', 'applied', 'bounced', 'released', 'rejected', 'expired'];
export function actionFits(verb, status) {
  if (!status) return true;
  if (/^(finalize|issue|submit|send|post)$/.test(verb)) return status === 'draft';
  if (/^(cancel|void)$/.test(verb)) return !CLOSED.includes(status);
  if (verb === 'apply') return status === 'issued';
  if (verb === 'clear') return status === 'pending';
  if (verb === 'bounce') return status === 'pending' || status === 'cleared';
  if (/^(approve|reject|deny|decline)$/.test(verb)) return ['pending', 'waiting', 'requested', 'open', 'submitted'].includes(status);
  if (/allocate/.test(verb)) return !['bounced', 'cancelled'].includes(status);
  return true;
}
// Documents with a draft state are edited and deleted only as drafts.
export function editable(r, row) {
  const st = r.fieldMap.status;
  return !(st && st.enum && st.enum.includes('draft') && row.status && row.status !== 'draft');
}

export function ActionButtons({ r, row, onChanged, skip = [] }) {
  const [running, setRunning] = useState(null);
  const [pdf, setPdf] = useState(null);
  const acts = r.actions.filter((a) => !skip.includes(a.verb) && (a.method === 'GET' || actionFits(a.verb, row.status)));
  if (!acts.length) return null;
  return (
    <>
      {acts.map((a) => (
        <Button key={a.verb + a.method} icon={a.verb === 'pdf' ? 'file' : a.method === 'GET' ? 'external' : 'play'}
          onClick={() => {
            if (a.method === 'GET' && a.verb === 'pdf') setPdf(`${r.path}/${row.id}/pdf`);
            else if (a.method === 'GET') download(`${r.path}/${row.id}/${a.verb}`, `${r.name}-${a.verb}`);
            else setRunning(a);
          }}>
          {a.verb === 'pdf' ? 'PDF' : humanize(a.verb)}
        </Button>
      ))}
      {running && <ActionDialog r={r} row={row} action={running} onClose={() => setRunning(null)}
        onDone={(out) => { toast(`${humanize(running.verb)}: done`); if (out) { setRunning(null); onChanged(out); } else onChanged(null); }} />}
      {pdf && <PdfPreview url={pdf} name={`${rowLabel(r, row).replace(/[^\w.-]+/g, '_')}.pdf`} onClose={() => setPdf(null)} />}
    </>
  );
}

export function RelatedTabs({ r, row, exclude = [] }) {
  const tabs = [];
  for (const c of r.children) { const cr = res(c); if (cr && cr.canList) tabs.push({ id: 'c:' + c, label: cr.label, kind: 'child', r: cr }); }
  for (const ref of r.referencedBy) {
    const rr = res(ref.table);
    if (!rr || !rr.canList || rr.parent || !ref.filterable || exclude.includes(ref.table)) continue;
    if (tabs.find((t) => t.r.name === rr.name)) continue;
    const many = r.referencedBy.filter((x) => x.table === ref.table).length > 1;
    tabs.push({ id: `r:${ref.table}:${ref.field}`, label: many ? `${rr.label} (${humanize(ref.field).toLowerCase()})` : rr.label, kind: 'ref', r: rr, field: ref.field });
  }
  const [tab, setTab] = useState(tabs[0] && tabs[0].id);
  if (!tabs.length) return null;
  const t = tabs.find((x) => x.id === tab) || tabs[0];
  return (
    <Card class="related">
      <Tabs tabs={tabs} value={t.id} onChange={setTab} label="Related records" />
      <div role="tabpanel" aria-labelledby={'tab-' + t.id}>
        {t.kind === 'child'
          ? <ResourceList key={t.id} resource={t.r} parentId={row.id} pageSize={10} embedded onRowClick={() => {}} />
          : <ResourceList key={t.id} resource={t.r} fixed={{ [t.field]: row.id }} pageSize={10} embedded
            newHref={`/r/${t.r.name}/new?${t.field}=${row.id}&return=${encodeURIComponent(location.pathname)}`} />}
      </div>
    </Card>
  );
}

export function DetailPage({ table, id }) {
  const { r, row, setRow, error } = useRow(table, id);
  const [editing, setEditing] = useState(false);
  const [confirmDel, setConfirmDel] = useState(false);
  const [delErr, setDelErr] = useState(null);
  if (!r) return <NotFound />;
  if (error) return error.status === 404 ? <NotFound what={r.one.toLowerCase()} /> : <ErrorBanner error={error} />;
  if (!row) return <Spinner />;
  const status = row.status ?? null;
  const remove = async () => {
    try { await request('DELETE', `${r.path}/${row.id}`, { ifMatch: row.version }); toast(`${r.one} deleted`); navigate(`/r/${r.name}`); }
    catch (e) { setDelErr(e); }
  };
  return (
    <div class="page">
      <PageHead title={rowLabel(r, row)} crumbs={[[r.label, `/r/${r.name}`]]} badge={status && <Badge value={status} />}>
        <ActionButtons r={r} row={row} onChanged={(x) => x && setRow(x)} />
        {r.canUpdate && !editing && editable(r, row) && <Button icon="edit" onClick={() => setEditing(true)}>Edit</Button>}
        {r.canDelete && editable(r, row) && <Button icon="trash" kind="ghost-danger" onClick={() => setConfirmDel(true)} aria-label={`Delete ${r.one.toLowerCase()}`} />}
      </PageHead>
      <div class="detail-grid">
        <div class="detail-main">
          <Card title={editing ? `Edit ${r.one.toLowerCase()}` : 'Details'}>
            {editing
              ? <ResourceForm resource={r} row={row} onCancel={() => setEditing(false)} onSaved={(x) => { setRow(x); setEditing(false); toast('Saved'); }} />
              : <ReadView r={r} row={row} />}
          </Card>
        </div>
        <div class="detail-side"><RecordInfo r={r} row={row} /></div>
      </div>
      <RelatedTabs r={r} row={row} />
      {confirmDel && (
        <Modal title={`Delete ${r.one.toLowerCase()}?`} onClose={() => setConfirmDel(false)}
          footer={<><Button onClick={() => setConfirmDel(false)}>Cancel</Button><Button kind="danger" onClick={remove}>Delete</Button></>}>
          <p>“{rowLabel(r, row)}” will be deleted.</p>
          <ErrorBanner error={delErr} />
        </Modal>
      )}
    </div>
  );
}

export function AllData() {
  const [q, setQ] = useState('');
  const all = Object.values(schema().resources).filter((r) => r.canList && !r.parent)
    .filter((r) => !q || (r.label + ' ' + r.doc).toLowerCase().includes(q.toLowerCase()))
    .sort((a, b) => a.label.localeCompare(b.label));
  return (
    <div class="page">
      <PageHead title="All data" sub="Every table Remit serves. New tables appear here as soon as the server has them." />
      <div class="search search-lg">
        <Icon name="search" size={16} />
        <input type="search" aria-label="Filter tables" placeholder="Filter tables…" value={q} onInput={(e) => setQ(e.target.value)} />
      </div>
      <div class="tiles">
        {all.map((r) => (
          <Link key={r.name} href={`/r/${r.name}`} class="tile">
            <Icon name="database" size={18} />
            <div><strong>{r.label}</strong><span class="muted small">{r.doc}</span></div>
          </Link>
        ))}
      </div>
    </div>
  );
}
