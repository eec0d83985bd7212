// pages/receipt.jsx — recording money received, with its allocation across the customer's open
// invoices (oldest due first, or by hand), and the receipt page: allocations, state actions
// (clear, bounce, cancel — the server asks for a reason where it needs one), the rest allocated
// later, the PDF.
import { useEffect, useState } from 'preact/hooks';
import { request, listAll, ApiError } from '../api.js';
import { res, rowLabel } from '../schema.js';
import { rememberLabel, useLabel } from '../labels.js';
import { navigate, query } from '../router.js';
import { money, date, today, toUnits, fromUnits } from '../format.js';
import { FormField, RefPicker, useServerErrors } from '../form.jsx';
import { ResourceList } from '../table.jsx';
import { Badge, Button, Card, ErrorBanner, Icon, Link, Spinner, toast } from '../ui.jsx';
import { PageHead, NotFound, ActionButtons, ReadView, RecordInfo } from './resource.jsx';

const OPEN = ['pending', 'partially_paid', 'overdue'];
const SHOWN = ['receipt_date', 'amount', 'payment_method', 'reference_number', 'currency', 'status', 'bank_name', 'cheque_number', 'cheque_date', 'notes'];

export function ReceiptNew() {
  const rr = res('receipts');
  const q = query();
  const [v, setV] = useState({ customer_id: q.customer_id || null, receipt_date: today(), payment_method: 'bank_transfer', amount: '' });
  const [open, setOpen] = useState(null);
  const [alloc, setAlloc] = useState({});
  const [allocErr, setAllocErr] = useState({});
  const [busy, setBusy] = useState(false);
  const { fieldErrors, setFieldErrors, banner, setBanner, apply } = useServerErrors();
  useEffect(() => {
    setOpen(null); setAlloc({});
    if (!v.customer_id || !res('invoices')) return;
    listAll('invoices', { customer_id: v.customer_id, 'status[in]': OPEN.join(','), order: 'due_date' }, { max: 500 })
      .then((rows) => { rows.forEach((r) => rememberLabel('invoices', r)); setOpen(rows); }).catch(() => setOpen([]));
  }, [v.customer_id]);
  if (!rr) return <NotFound />;
  const cur = v.currency || open?.[0]?.currency || 'INR';
  const allocated = Object.values(alloc).reduce((s, a) => s + toUnits(a || '0', 2), 0n);
  const left = toUnits(v.amount || '0', 2) - allocated;
  const auto = () => {
    let rest = toUnits(v.amount || '0', 2);
    const out = {};
    for (const inv of open || []) {
      if (rest <= 0n) break;
      const b = toUnits(inv.balance_due, 2);
      const take = b < rest ? b : rest;
      out[inv.id] = fromUnits(take, 2);
      rest -= take;
    }
    setAlloc(out);
  };
  const set = (k, x) => { setV({ ...v, [k]: x }); if (fieldErrors[k]) setFieldErrors({}); };
  const submit = async (e) => {
    e.preventDefault();
    setBusy(true); setBanner(null); setAllocErr({});
    const list = Object.entries(alloc).filter(([, a]) => a && toUnits(a, 2) > 0n);
    try {
      const body = {};
      for (const [k, x] of Object.entries(v)) if (x !== null && x !== '' && rr.createFields.has(k)) body[k] = x;
      if (list.length) body.allocations = list.map(([invoice_id, amount]) => ({ invoice_id, amount }));
      const r = await request('POST', 'receipts', { body });
      rememberLabel('receipts', r);
      toast(`Receipt ${r.receipt_number || ''} recorded`);
      navigate('/r/receipts/' + r.id, { replace: true });
    } catch (x) {
      const m = x instanceof ApiError && /^allocations\[(\d+)\]\.?(\w*)$/.exec(x.field || '');
      if (m) setAllocErr({ [list[Number(m[1])][0]]: x.message });
      else apply(x, Object.keys(v));
    }
    setBusy(false);
  };
  const f = (k) => rr.fieldMap[k] && rr.createFields.has(k) && <FormField key={k} field={rr.fieldMap[k]} value={v[k] ?? null} onChange={(x) => set(k, x)} error={fieldErrors[k]} />;
  return (
    <div class="page page-narrow">
      <PageHead title="Record a payment" crumbs={[['Receipts', '/r/receipts']]} sub="Money received from a customer, allocated to their open invoices. What is not allocated stays as their credit." />
      <form class="rform" onSubmit={submit} noValidate>
        <Card>
          <ErrorBanner error={banner} />
          <div class="fgrid">
            <div class={'field' + (fieldErrors.customer_id ? ' has-error' : '')} data-field="customer_id">
              <label for="rc-customer">Customer <span class="req">*</span></label>
              <RefPicker id="rc-customer" table="customers" value={v.customer_id} required onChange={(x) => set('customer_id', x)} invalid={!!fieldErrors.customer_id} />
              {fieldErrors.customer_id && <div class="field-error" role="alert">{fieldErrors.customer_id}</div>}
            </div>
            {['amount', 'receipt_date', 'payment_method', 'reference_number', 'currency', 'status'].map(f)}
          </div>
          <details class="fgroup"><summary><Icon name="chevronRight" size={14} />Bank and cheque details</summary>
            <div class="fgrid">{['bank_name', 'cheque_number', 'cheque_date', 'card_last_four', 'card_brand', 'processing_fee', 'notes'].map(f)}</div>
          </details>
        </Card>
        <Card title="Allocate to invoices" actions={open && open.length > 0 && <Button icon="layers" onClick={auto}>Oldest first</Button>}>
          {!v.customer_id ? <p class="muted">Choose a customer to see their open invoices.</p> : !open ? <Spinner /> : open.length === 0 ? <p class="muted">This customer has no open invoices: the whole amount becomes their credit.</p> : (
            <table class="lines alloc-table">
              <thead><tr><th scope="col">Invoice</th><th scope="col">Due</th><th scope="col" class="num">Balance due</th><th scope="col" class="num">Allocate</th></tr></thead>
              <tbody>
                {open.map((inv) => (
                  <tr key={inv.id}>
                    <td data-label="Invoice"><Link href={`/r/invoices/${inv.id}`}>{inv.invoice_number}</Link> <Badge value={inv.status} /></td>
                    <td data-label="Due">{date(inv.due_date)}</td>
                    <td data-label="Balance due" class="num">{money(inv.balance_due, inv.currency)}</td>
                    <td data-label="Allocate" class="num">
                      <label class="sr-only" for={`al-${inv.id}`}>Allocate to {inv.invoice_number}</label>
                      <input id={`al-${inv.id}`} class="num" inputMode="decimal" placeholder="0.00" value={alloc[inv.id] || ''} aria-invalid={allocErr[inv.id] ? 'true' : undefined}
                        onInput={(e) => setAlloc({ ...alloc, [inv.id]: e.target.value })} />
                      {allocErr[inv.id] && <div class="field-error" role="alert">{allocErr[inv.id]}</div>}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <div class="totals">
            <div class="trow"><span>Received</span><span>{money(v.amount || '0.00', cur)}</span></div>
            <div class="trow"><span>Allocated</span><span>{money(fromUnits(allocated, 2), cur)}</span></div>
            <div class={'trow grand' + (left < 0n ? ' over' : '')}><span>{left < 0n ? 'Over-allocated' : 'Left as credit'}</span><span>{money(fromUnits(left, 2), cur)}</span></div>
          </div>
        </Card>
        <div class="form-actions">
          <Button onClick={() => history.back()}>Cancel</Button>
          <Button kind="primary" type="submit" busy={busy}>Record payment</Button>
        </div>
      </form>
    </div>
  );
}

export function ReceiptView({ id }) {
  const rr = res('receipts');
  const [row, setRow] = useState(null);
  const [error, setError] = useState(null);
  const [k, setK] = useState(0);
  const load = () => request('GET', 'receipts/' + id).then((x) => { rememberLabel('receipts', x); setRow(x); }).catch(setError);
  useEffect(() => { load(); }, [id]);
  const customer = useLabel('customers', row?.customer_id);
  if (!rr) return <NotFound />;
  if (error) return error.status === 404 ? <NotFound what="receipt" /> : <ErrorBanner error={error} />;
  if (!row) return <Spinner />;
  const cur = row.currency;
  return (
    <div class="page">
      <PageHead title={`Receipt ${row.receipt_number || ''}`} crumbs={[['Receipts', '/r/receipts']]} badge={<Badge value={row.status} />}
        sub={<><Link href={`/r/customers/${row.customer_id}`}>{customer || '…'}</Link> · {money(row.amount, cur)} on {date(row.receipt_date)}</>}>
        <ActionButtons r={rr} row={row} onChanged={(x) => { if (x) setRow(x); else load(); setK(k + 1); }} />
      </PageHead>
      <section class="stats" aria-label="Amounts">
        <div class="stat"><div class="stat-label">Received</div><div class="stat-value">{money(row.amount, cur)}</div></div>
        <div class="stat"><div class="stat-label">Allocated</div><div class="stat-value">{money(row.allocated_amount, cur)}</div></div>
        <div class="stat"><div class="stat-label">Customer credit</div><div class="stat-value">{money(row.unallocated_amount, cur)}</div></div>
      </section>
      <div class="detail-grid">
        <div class="detail-main">
          <Card title="Allocations">
            <ResourceList key={k} resource={res('receipt_allocations')} fixed={{ receipt_id: id }} embedded pageSize={10}
              newHref={`/r/receipt_allocations/new?receipt_id=${id}&return=${encodeURIComponent('/r/receipts/' + id)}`} />
          </Card>
          <Card title="Details"><ReadView r={rr} row={row} only={SHOWN.concat(['bounce_reason', 'cancellation_reason', 'cleared_at', 'bounced_at'])} /></Card>
        </div>
        <div class="detail-side"><RecordInfo r={rr} row={row} /></div>
      </div>
    </div>
  );
}
