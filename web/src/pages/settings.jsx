// pages/settings.jsx — the organisation: company profile, tax settings and number series (when the
// server has those tables: each is found by name in the schema), users, roles with their
// permission matrix (GET /api/v1/permissions), API keys (the secret is shown once), subscription.
import { useEffect, useState } from 'preact/hooks';
import { request } from '../api.js';
import { res, has, humanize, endpoint } from '../schema.js';
import { navigate } from '../router.js';
import { useSession, setSession } from '../session.js';
import { date } from '../format.js';
import { ResourceList } from '../table.jsx';
import { ResourceForm } from '../form.jsx';
import { Badge, Button, Card, Empty, ErrorBanner, Icon, Modal, Spinner, Tabs, toast } from '../ui.jsx';
import { PageHead, ReadView } from './resource.jsx';

const firstOf = (...names) => names.find((n) => has(n));

// A table that holds one row per organisation (company profile, tax settings): edit it, or create it.
function SingleRow({ table }) {
  const r = res(table);
  const [row, setRow] = useState(undefined);
  const [err, setErr] = useState(null);
  useEffect(() => { request('GET', r.path, { query: { limit: 1 } }).then((p) => setRow(p.data[0] || null)).catch(setErr); }, [table]);
  if (err) return <ErrorBanner error={err} />;
  if (row === undefined) return <Spinner />;
  return <ResourceForm key={row ? row.id + row.version : 'new'} resource={r} row={row || undefined} submitLabel={row ? 'Save' : `Save ${r.one.toLowerCase()}`}
    onSaved={(x) => { setRow(x); toast('Saved'); }} />;
}

function Organisation() {
  const { tenant, user } = useSession();
  const canEdit = endpoint('tenant/settings', 'POST') && user?.role === 'admin';
  const [editing, setEditing] = useState(false);
  const [v, setV] = useState({});
  const [errs, setErrs] = useState({});
  const [err, setErr] = useState(null);
  const [busy, setBusy] = useState(false);
  const start = () => { setV({ name: tenant.name, timezone: tenant.timezone, rounding: tenant.rounding || 'half_up' }); setErrs({}); setErr(null); setEditing(true); };
  const save = async (e) => {
    e.preventDefault();
    setBusy(true); setErrs({}); setErr(null);
    try {
      const body = {};
      for (const k of ['name', 'timezone', 'rounding']) if (v[k] !== tenant[k]) body[k] = v[k];
      const out = await request('POST', 'tenant/settings', { body });
      setSession({ user, tenant: { ...tenant, ...out } });
      setEditing(false);
      toast('Organisation saved');
    } catch (x) { if (x.field && ['name', 'timezone', 'rounding'].includes(x.field)) setErrs({ [x.field]: x.message }); else setErr(x); }
    setBusy(false);
  };
  const input = (k, label, el) => (
    <div class={'field' + (errs[k] ? ' has-error' : '')} data-field={k}>
      <label for={'org-' + k}>{label}</label>{el}
      {errs[k] && <div class="field-error" role="alert"><Icon name="alert" size={14} />{errs[k]}</div>}
    </div>
  );
  return (
    <Card title="Organisation" actions={canEdit && !editing && <Button icon="edit" onClick={start}>Edit</Button>}>
      {editing ? (
        <form class="rform" onSubmit={save} noValidate>
          <ErrorBanner error={err} />
          <div class="fgrid">
            {input('name', 'Name', <input id="org-name" value={v.name} aria-invalid={errs.name ? 'true' : undefined} onInput={(e) => setV({ ...v, name: e.target.value })} />)}
            {input('timezone', 'Time zone', <input id="org-timezone" value={v.timezone} aria-invalid={errs.timezone ? 'true' : undefined} onInput={(e) => setV({ ...v, timezone: e.target.value })} />)}
            {input('rounding', 'Rounding of amounts', (
              <select id="org-rounding" value={v.rounding} onChange={(e) => setV({ ...v, rounding: e.target.value })}>
                <option value="half_up">Half up (0.005 → 0.01)</option>
                <option value="half_even">Half even (banker's rounding)</option>
              </select>
            ))}
          </div>
          <div class="form-actions"><Button onClick={() => setEditing(false)}>Cancel</Button><Button kind="primary" type="submit" busy={busy}>Save</Button></div>
        </form>
      ) : (
        <dl class="dl">
          <div class="dl-row"><dt>Name</dt><dd>{tenant.name}</dd></div>
          <div class="dl-row"><dt>Sign-in name</dt><dd><code>{tenant.slug}</code></dd></div>
          <div class="dl-row"><dt>Base currency</dt><dd>{tenant.base_currency}</dd></div>
          <div class="dl-row"><dt>Time zone</dt><dd>{tenant.timezone}</dd></div>
          <div class="dl-row"><dt>Rounding</dt><dd>{humanize(tenant.rounding || 'half_up')}</dd></div>
          <div class="dl-row"><dt>Subscription</dt><dd><Badge value={tenant.subscription_status} />{tenant.trial_end_date && tenant.subscription_status === 'trial' && <span class="muted"> until {date(tenant.trial_end_date)}</span>}</dd></div>
        </dl>
      )}
    </Card>
  );
}

function RoleEditor({ role, onClose, onSaved }) {
  const [perms, setPerms] = useState(null);
  const [name, setName] = useState(role?.name || '');
  const [desc, setDesc] = useState(role?.description || '');
  const [sel, setSel] = useState(new Set(role?.permissions || []));
  const [err, setErr] = useState(null);
  const [fieldErr, setFieldErr] = useState({});
  const [busy, setBusy] = useState(false);
  useEffect(() => { request('GET', 'permissions').then((p) => setPerms(p.data || p)).catch(setErr); }, []);
  const byRes = {};
  for (const p of perms || []) { const k = p.resource || 'other'; (byRes[k] = byRes[k] || []).push(p); }
  const toggle = (c) => { const s = new Set(sel); s.has(c) ? s.delete(c) : s.add(c); setSel(s); };
  const save = async () => {
    setBusy(true); setErr(null); setFieldErr({});
    try {
      const body = { name, description: desc || null, permissions: [...sel] };
      const out = role ? await request('PATCH', `roles/${role.id}`, { body, ifMatch: role.version }) : await request('POST', 'roles', { body });
      onSaved(out);
    } catch (e) { if (e.field && ['name', 'description', 'permissions'].includes(e.field)) setFieldErr({ [e.field]: e.message }); else setErr(e); }
    setBusy(false);
  };
  return (
    <Modal title={role ? `Role: ${role.name}` : 'New role'} wide onClose={onClose}
      footer={<><Button onClick={onClose}>Cancel</Button><Button kind="primary" busy={busy} onClick={save}>Save role</Button></>}>
      <ErrorBanner error={err} />
      <div class="row2">
        <div class={'field' + (fieldErr.name ? ' has-error' : '')} data-field="name"><label for="role-name">Name <span class="req">*</span></label>
          <input id="role-name" value={name} onInput={(e) => setName(e.target.value)} aria-invalid={fieldErr.name ? 'true' : undefined} />
          {fieldErr.name && <div class="field-error" role="alert">{fieldErr.name}</div>}</div>
        <div class="field"><label for="role-desc">Description</label><input id="role-desc" value={desc} onInput={(e) => setDesc(e.target.value)} /></div>
      </div>
      {fieldErr.permissions && <div class="field-error" role="alert">{fieldErr.permissions}</div>}
      {!perms ? <Spinner /> : (
        <table class="perm-matrix">
          <thead><tr><th scope="col">Resource</th><th scope="col">Permissions</th></tr></thead>
          <tbody>
            {Object.entries(byRes).sort().map(([k, ps]) => (
              <tr key={k}><th scope="row">{humanize(k)}</th>
                <td>{ps.map((p) => (
                  <label key={p.codename} class="perm" title={p.description}>
                    <input type="checkbox" checked={sel.has(p.codename)} onChange={() => toggle(p.codename)} />
                    {p.codename.split('.').slice(1).join('.') || p.codename}
                  </label>
                ))}</td></tr>
            ))}
          </tbody>
        </table>
      )}
    </Modal>
  );
}

function Roles() {
  const [editing, setEditing] = useState(null);
  const [k, setK] = useState(0);
  return (
    <Card title="Roles" actions={<Button kind="primary" icon="plus" onClick={() => setEditing('new')}>New role</Button>}>
      <p class="muted">Built-in roles: <strong>admin</strong> (everything), <strong>manager</strong> (day-to-day writes), <strong>user</strong> (reads and own work). A custom role grants exactly the permissions ticked.</p>
      <ResourceList key={k} resource={res('roles')} embedded newHref={false} onRowClick={(row) => setEditing(row)} />
      {editing && <RoleEditor role={editing === 'new' ? null : editing} onClose={() => setEditing(null)} onSaved={() => { setEditing(null); setK(k + 1); toast('Role saved'); }} />}
    </Card>
  );
}

function ApiKeys() {
  const [creating, setCreating] = useState(false);
  const [secret, setSecret] = useState(null);
  const [k, setK] = useState(0);
  const [revoke, setRevoke] = useState(null);
  const r = res('api_keys');
  return (
    <Card title="API keys" actions={<Button kind="primary" icon="plus" onClick={() => setCreating(true)}>New API key</Button>}>
      <p class="muted">Keys let other systems use the API as <code>Authorization: Bearer rak_…</code>. A key is shown once, when it is made.</p>
      <ResourceList key={k} resource={r} embedded newHref={false} onRowClick={(row) => !row.revoked_at && setRevoke(row)} />
      {creating && (
        <Modal title="New API key" onClose={() => setCreating(false)}>
          <ResourceForm resource={r} compact submitLabel="Create key" onCancel={() => setCreating(false)}
            onSaved={(row) => { setCreating(false); setSecret(row); setK(k + 1); }} />
        </Modal>
      )}
      {secret && (
        <Modal title="Copy your new key" onClose={() => setSecret(null)} footer={<Button kind="primary" onClick={() => setSecret(null)}>I have stored it</Button>}>
          <div class="banner banner-warn" role="status"><Icon name="alert" size={18} /><div>{secret.key_notice || 'Store this key now: it is shown only once.'}</div></div>
          <label for="newkey" class="small">Key “{secret.name}”</label>
          <div class="copy-row">
            <input id="newkey" class="mono" readOnly value={secret.key} onFocus={(e) => e.target.select()} />
            <Button icon="check" onClick={() => { navigator.clipboard?.writeText(secret.key); toast('Copied'); }}>Copy</Button>
          </div>
        </Modal>
      )}
      {revoke && (
        <Modal title={`Revoke “${revoke.name}”?`} onClose={() => setRevoke(null)}
          footer={<><Button onClick={() => setRevoke(null)}>Cancel</Button><Button kind="danger" onClick={async () => {
            try { await request('POST', `api_keys/${revoke.id}/revoke`); toast('Key revoked'); setK(k + 1); } catch (e) { toast(e.message, 'error'); }
            setRevoke(null);
          }}>Revoke key</Button></>}>
          <p>Programs using <code>{revoke.prefix}…</code> stop working at once. This cannot be undone.</p>
        </Modal>
      )}
    </Card>
  );
}

// The caller's sign-in sessions (GET /api/v1/auth/sessions): where they are signed in, the
// current one marked; any other can be signed out, or all others at once.
function Sessions() {
  const [rows, setRows] = useState(null);
  const [err, setErr] = useState(null);
  const load = () => request('GET', 'auth/sessions').then((p) => setRows(p.data)).catch((e) => { setErr(e); setRows([]); });
  useEffect(() => { load(); }, []);
  const revoke = async (id) => { try { await request('POST', `auth/sessions/${id}/revoke`); toast('Session signed out'); load(); } catch (e) { toast(e.message, 'error'); } };
  const others = async () => { try { await request('POST', 'auth/sessions/revoke-others'); toast('Other sessions signed out'); load(); } catch (e) { toast(e.message, 'error'); } };
  const device = (ua) => {
    if (!ua) return 'Unknown device';
    const b = /Edg\//.test(ua) ? 'Edge' : /Firefox\//.test(ua) ? 'Firefox' : /Chrome\//.test(ua) ? 'Chrome' : /Safari\//.test(ua) ? 'Safari' : /curl/.test(ua) ? 'curl' : ua.split(' ')[0];
    const os = /Android/.test(ua) ? 'Android' : /iPhone|iPad/.test(ua) ? 'iOS' : /Mac OS/.test(ua) ? 'macOS' : /Windows/.test(ua) ? 'Windows' : /Linux/.test(ua) ? 'Linux' : '';
    return [b, os].filter(Boolean).join(' on ');
  };
  return (
    <Card title="Where you are signed in" actions={rows && rows.length > 1 && <Button onClick={others}>Sign out all other sessions</Button>}>
      <ErrorBanner error={err} />
      {!rows ? <Spinner /> : (
        <ul class="sessions">
          {rows.map((x) => (
            <li key={x.id} class="session-row">
              <Icon name={x.current ? 'check' : 'clock'} size={16} />
              <div class="grow"><strong>{device(x.user_agent)}</strong>{x.current && <Badge value="this browser" tone="green" />}
                <div class="muted small">{x.ip_address} · signed in {date(x.created_at)} · last active {date(x.last_activity_at)}</div></div>
              {!x.current && <Button onClick={() => revoke(x.id)}>Sign out</Button>}
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}

export function Settings({ tab: initial }) {
  const company = firstOf('company_profiles', 'company_profile', 'company_settings');
  const tax = firstOf('tax_settings', 'gst_settings');
  const series = firstOf('number_series', 'document_series', 'invoice_series');
  const taxRates = firstOf('tax_rates');
  const tabs = [
    { id: 'company', label: 'Company' },
    tax && { id: 'tax', label: 'Tax' },
    series && { id: 'series', label: 'Number series' },
    has('users') && { id: 'users', label: 'Users' },
    has('roles') && { id: 'roles', label: 'Roles' },
    has('api_keys') && { id: 'api_keys', label: 'API keys' },
    has('subscriptions') && { id: 'subscription', label: 'Subscription' },
    endpoint('auth/sessions') && { id: 'sessions', label: 'Sessions' },
  ].filter(Boolean);
  const tab = tabs.find((t) => t.id === initial) ? initial : 'company';
  return (
    <div class="page">
      <PageHead title="Settings" />
      <Tabs tabs={tabs} value={tab} onChange={(t) => navigate('/settings/' + t)} label="Settings sections" />
      <div class="settings-body" role="tabpanel" aria-labelledby={'tab-' + tab}>
        {tab === 'company' && <>
          <Organisation />
          {company ? <Card title={res(company).one}><SingleRow table={company} /></Card>
            : <Card title="Company profile"><Empty icon="file" title="Company profile comes with invoicing">The seller details printed on invoices (address, GSTIN, bank) are edited here once the server has the company profile table.</Empty></Card>}
        </>}
        {tab === 'tax' && <>
          <Card title={res(tax).one}><SingleRow table={tax} /></Card>
          {taxRates && <Card title="Tax rates"><ResourceList resource={res(taxRates)} embedded /></Card>}
        </>}
        {tab === 'series' && <Card title={res(series).label}><ResourceList resource={res(series)} embedded /></Card>}
        {tab === 'users' && <Card title="Users"><ResourceList resource={res('users')} embedded /></Card>}
        {tab === 'roles' && <Roles />}
        {tab === 'api_keys' && <ApiKeys />}
        {tab === 'sessions' && <Sessions />}
        {tab === 'subscription' && <Card title="Subscription"><ResourceList resource={res('subscriptions')} embedded newHref={false} /></Card>}
      </div>
    </div>
  );
}
