// pages/customer.jsx — customer 360: who they are, what they owe (outstanding, overdue, aging),
// their statement for a period, and everything that points at them (contacts, plans, invoices,
// receipts, credit notes, ... — found through the schema's references, so new tables join in).
import { useEffect, useState } from 'preact/hooks';
import { request, listAll, download } from '../api.js';
import { has, res, endpoint, hasAction, rowLabel, humanize } from '../schema.js';
import { money, date, today, addDays, addMoney } from '../format.js';
import { navigate } from '../router.js';
import { HBars } from '../charts.jsx';
import { ResourceForm } from '../form.jsx';
import { Badge, Button, Card, ErrorBanner, Icon, Link, LinkButton, Modal, Spinner, Stat, toast } from '../ui.jsx';
import { PageHead, ReadView, RecordInfo, RelatedTabs, NotFound, useRow, ActionButtons } from './resource.jsx';
import { agingBuckets, invBalance } from './dashboard.jsx';

const OPEN = ['pending', 'partially_paid', 'overdue', 'sent', 'issued', 'unpaid', 'finalized', 'open'];

function Statement({ id, currency }) {
  const [from, setFrom] = useState(addDays(today(), -90));
  const [to, setTo] = useState(today());
  const [data, setData] = useState(null);
  const [err, setErr] = useState(null);
  const path = `customers/${id}/statement`;
  useEffect(() => {
    setErr(null);
    request('GET', path, { query: { from, to } }).then(setData).catch((e) => { setErr(e); setData(null); });
  }, [from, to]);
  if (err && err.status === 404) return null;   // a server without statements
  const lines = data ? data.entries || data.lines || [] : [];
  return (
    <Card title="Statement" actions={<>
      <label class="sr-only" for="st-from">From</label><input id="st-from" type="date" value={from} onInput={(e) => setFrom(e.target.value)} />
      <label class="sr-only" for="st-to">To</label><input id="st-to" type="date" value={to} onInput={(e) => setTo(e.target.value)} />
      <Button icon="download" onClick={() => download(`/api/v1/${path}?from=${from}&to=${to}&format=csv`, `statement-${from}-${to}.csv`)}>CSV</Button>
    </>}>
      <ErrorBanner error={err} />
      {!data ? (!err && <Spinner />) : (
        <>
          <div class="table-wrap">
            <table class="dtable statement">
              <thead><tr><th scope="col">Date</th><th scope="col">Document</th><th scope="col" class="num">Debit</th><th scope="col" class="num">Credit</th><th scope="col" class="num">Balance</th></tr></thead>
              <tbody>
                <tr class="st-open"><td data-label="Date">{date(data.from)}</td><td data-label="Document">Opening balance</td><td /><td /><td data-label="Balance" class="num">{money(data.opening_balance, currency)}</td></tr>
                {lines.map((l, i) => (
                  <tr key={i}>
                    <td data-label="Date">{date(l.date)}</td>
                    <td data-label="Document">{humanize(l.type || '')} {l.document_id && l.type === 'invoice' ? <Link href={`/r/invoices/${l.document_id}`}>{l.number}</Link> : l.number}{l.description && <span class="muted small"> · {l.description}</span>}</td>
                    <td data-label="Debit" class="num">{l.debit ? money(l.debit, currency) : ''}</td>
                    <td data-label="Credit" class="num">{l.credit ? money(l.credit, currency) : ''}</td>
                    <td data-label="Balance" class="num">{money(l.balance, currency)}</td>
                  </tr>
                ))}
                <tr class="st-close"><td data-label="Date">{date(data.to)}</td><td data-label="Document"><strong>Closing balance</strong></td><td data-label="Debits" class="num">{money(data.total_debits, currency)}</td><td data-label="Credits" class="num">{money(data.total_credits, currency)}</td><td data-label="Balance" class="num"><strong>{money(data.closing_balance, currency)}</strong></td></tr>
              </tbody>
            </table>
          </div>
        </>
      )}
    </Card>
  );
}

// The customer's account in the ledger (GET customers/{id}/balance): what they owe net of every
// credit, the credit they can still use, and the adjustments the next bill run will invoice.
function Account({ id, version }) {
  const [data, setData] = useState(null);
  useEffect(() => {
    request('GET', `customers/${id}/balance`).then(setData).catch(() => setData(null));
  }, [id, version]);
  if (!data) return null;
  const rows = data.balances || [];
  const add = has('transactions') ? `/r/transactions/new?customer_id=${id}&return=${encodeURIComponent(location.pathname)}` : null;
  return (
    <Card title="Account" actions={add && <LinkButton icon="plus" href={add} data-testid="account-entry">Credit or adjustment</LinkButton>}>
      {rows.length === 0 ? <p class="muted small">Nothing posted yet.</p> : rows.map((b) => (
        <dl class="dl dl-compact account" key={b.currency} data-testid={`account-${b.currency}`}>
          <div class="dl-row"><dt>Balance{rows.length > 1 ? ` (${b.currency})` : ''}</dt><dd class="num" data-testid="account-balance"><strong>{money(b.balance, b.currency)}</strong></dd></div>
          <div class="dl-row"><dt>Credit available</dt><dd class="num" data-testid="account-credit">{money(b.unapplied_credits, b.currency)}</dd></div>
          <div class="dl-row"><dt title="Billed as invoice lines by the next bill run">Adjustments waiting</dt><dd class="num" data-testid="account-adjustments">{money(b.unbilled_adjustments, b.currency)}</dd></div>
          {b.last_transaction_date && <div class="dl-row"><dt>Last entry</dt><dd class="num">{date(b.last_transaction_date)}</dd></div>}
        </dl>
      ))}
      {has('transactions') && <p class="small"><Link href={`/r/transactions?customer_id=${id}`}>The ledger</Link></p>}
    </Card>
  );
}

export function Customer360({ id }) {
  const { r, row, setRow, error } = useRow('customers', id);
  const [editing, setEditing] = useState(false);
  const [money_, setMoney] = useState(null);
  useEffect(() => {
    if (!row || !has('invoices')) return;
    const ir = res('invoices');
    if (!ir.filters.includes('customer_id')) return;
    listAll(ir.path, { customer_id: id }, { max: 5000 }).then(async (invs) => {
      const open = invs.filter((i) => OPEN.includes(i.status));
      let outstanding = '0.00', overdue = '0.00', billed = '0.00';
      const t = today();
      for (const i of invs) if (!['draft', 'cancelled'].includes(i.status)) billed = addMoney(billed, i.total || '0');
      // overdue is the server's word (status), not this browser's calendar
      for (const i of open) { outstanding = addMoney(outstanding, invBalance(i) || '0'); if (i.status === 'overdue') overdue = addMoney(overdue, invBalance(i) || '0'); }
      let aging = null;
      try {
        // the server's aging report for this customer, on the server's today
        const a = await request('GET', 'reports/aging', { query: { customer_id: id } });
        const c = (a.customers || []).find((x) => x.customer_id === id) || {};
        const labels = { current: 'Current', days_1_30: '1–30 days', days_31_60: '31–60 days', days_61_90: '61–90 days', days_over_90: 'Over 90 days' };
        aging = (a.buckets || Object.keys(labels)).map((k, i) => ({ label: labels[k] || k, value: String(c[k] ?? '0.00'), tone: i }));
      } catch { aging = agingBuckets(open, t, null); }
      setMoney({ outstanding, overdue, billed, nOpen: open.length, aging });
    }).catch(() => setMoney(null));
  }, [row && row.id]);
  if (error) return error.status === 404 ? <NotFound what="customer" /> : <ErrorBanner error={error} />;
  if (!row) return <Spinner />;
  const cur = row.currency;
  const addr = [row.address_line_1 || row.address, row.address_line_2, [row.city, row.state, row.postal_code].filter(Boolean).join(' '), row.country].filter(Boolean);
  const profile = [
    ['Email', row.email && <a href={`mailto:${row.email}`}>{row.email}</a>],
    ['Phone', row.phone],
    ['Contact', row.contact_person],
    ['Address', addr.length ? addr.map((l, i) => <div key={i}>{l}</div>) : null],
    ['GSTIN', row.gst_number],
    ['PAN', row.pan_number],
    ['Tax ID', row.tax_id],
    ['Currency', row.currency],
    ['Terms', row.payment_terms != null ? `${row.payment_terms} days` : null],
    ['Credit limit', row.credit_limit && money(row.credit_limit, cur)],
  ].filter(([, v]) => v);
  const shown = ['email', 'phone', 'contact_person', 'address', 'address_line_1', 'address_line_2', 'city', 'state', 'postal_code', 'country', 'gst_number', 'pan_number', 'tax_id', 'currency', 'payment_terms', 'credit_limit', 'name', 'code', 'is_active'];
  return (
    <div class="page">
      <PageHead title={row.name} crumbs={[['Customers', '/r/customers']]} badge={row.is_active === false ? <Badge value="inactive" /> : null}
        sub={[row.code, row.legal_name, row.gst_number ? 'B2B' : null].filter(Boolean).join(' · ') || null}>
        <ActionButtons r={r} row={row} onChanged={(x) => x && setRow(x)} />
        <Button icon="edit" onClick={() => setEditing(true)}>Edit</Button>
        {has('receipts') && <LinkButton icon="receipt" href={`/r/receipts/new?customer_id=${id}`}>Record payment</LinkButton>}
        {has('invoices') && <LinkButton kind="primary" icon="plus" href={`/invoices/new?customer_id=${id}`}>New invoice</LinkButton>}
      </PageHead>
      <div class="c360">
        <div class="c360-side">
          <Card class="profile">
            <div class="profile-top">
              <span class="avatar avatar-lg">{row.name[0].toUpperCase()}</span>
              <div><strong>{row.name}</strong><div class="muted small">Customer since {date(row.created_at)}</div></div>
            </div>
            <dl class="dl dl-compact">
              {profile.map(([k, v]) => <div class="dl-row" key={k}><dt>{k}</dt><dd>{v}</dd></div>)}
            </dl>
          </Card>
          {hasAction('customers', 'balance') && <Account id={id} version={row.version} />}
          {money_ && <Card title="Aging"><HBars data={money_.aging} currency={cur} label="This customer's receivables by age" /></Card>}
          <Card title="More about this customer"><ReadView r={r} row={row} exclude={shown} /></Card>
          <RecordInfo r={r} row={row} />
        </div>
        <div class="c360-main">
          {has('invoices') && (
            <section class="stats" aria-label="Balance">
              <Stat label="Outstanding" icon="file" value={money_ ? money(money_.outstanding, cur) : '…'} sub={money_ && `${money_.nOpen} open invoice${money_.nOpen === 1 ? '' : 's'}`} />
              <Stat label="Overdue" icon="alert" tone={money_ && money_.overdue !== '0.00' ? 'red' : null} value={money_ ? money(money_.overdue, cur) : '…'} />
              <Stat label="Billed to date" icon="chart" value={money_ ? money(money_.billed, cur) : '…'} />
            </section>
          )}
          <RelatedTabs r={r} row={row} />
          {(endpoint('customers/{id}/statement') || has('invoices')) && <Statement id={id} currency={cur} />}
        </div>
      </div>
      {editing && (
        <Modal title="Edit customer" wide onClose={() => setEditing(false)}>
          <ResourceForm resource={r} row={row} onCancel={() => setEditing(false)} onSaved={(x) => { setRow(x); setEditing(false); toast('Saved'); }} />
        </Modal>
      )}
    </div>
  );
}
