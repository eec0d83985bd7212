// pages/invoice.jsx — the invoice editor and the invoice page.
//
// Editor: a draft is saved to the server as soon as it has a customer and a line, and after
// every change (debounced, one save at a time, If-Match on the version): the server computes
// every amount — line amounts, tax per rate and kind (CGST/SGST or IGST), totals — and the
// editor shows what it answered, never its own arithmetic. Errors come back naming the field,
// "lines[2].rate" included, and are shown on that cell.
//
// Page: the document as the customer sees it, its PDF (preview and download), and the actions of
// its state: finalize, record a payment (a receipt allocated to this invoice), issue a credit
// note (lines to reverse, then issued and applied), cancel with a reason.
import { useEffect, useRef, useState } from 'preact/hooks';
import { request, download, ApiError } from '../api.js';
import { res, has, hasAction, humanize } from '../schema.js';
import { rememberLabel, useLabel } from '../labels.js';
import { navigate, query } from '../router.js';
import { money, date, today, dateTime, toUnits, fromUnits, atLeast2 } from '../format.js';
import { FormField, RefPicker } from '../form.jsx';
import { ResourceList, RefCell } from '../table.jsx';
import { Badge, Button, Card, Empty, ErrorBanner, Icon, Link, LinkButton, Modal, Spinner, toast } from '../ui.jsx';
import { PageHead, NotFound, PdfPreview } from './resource.jsx';

const LINE_KEYS = ['service_id', 'description', 'quantity', 'rate', 'tax_rate'];
const HEAD_KEYS = ['invoice_date', 'due_date', 'reference_number', 'currency', 'place_of_supply'];
const emptyLine = () => ({ key: Math.random(), description: '', quantity: '1', rate: '', tax_rate: '', service_id: null });

function fieldErr(err) {
  if (!(err instanceof ApiError) || !err.field) return null;
  const m = /^lines\[(\d+)\]\.(\w+)$/.exec(err.field);
  return m ? { line: Number(m[1]), field: m[2], message: err.message } : { field: err.field, message: err.message };
}

export function TaxSummary({ inv, cur }) {
  const details = Array.isArray(inv.tax_details) ? inv.tax_details : [];
  return (
    <div class="totals" aria-label="Totals">
      <div class="trow"><span>Subtotal</span><span>{money(inv.subtotal, cur)}</span></div>
      {details.map((d, i) => (
        <div class="trow muted" key={i}><span>{d.kind === 'TAX' ? 'Tax' : d.kind} {d.rate}%{d.taxable ? <span class="small"> on {money(d.taxable, cur)}</span> : null}</span><span>{money(d.amount, cur)}</span></div>
      ))}
      {!details.length && inv.tax_total && <div class="trow muted"><span>Tax</span><span>{money(inv.tax_total, cur)}</span></div>}
      <div class="trow grand"><span>Total</span><span>{money(inv.total, cur)}</span></div>
      {inv.status && inv.status !== 'draft' && <>
        {inv.paid_amount && inv.paid_amount !== '0.00' && <div class="trow"><span>Paid</span><span>−{money(inv.paid_amount, cur)}</span></div>}
        {inv.credits_applied && inv.credits_applied !== '0.00' && <div class="trow"><span>Credits applied</span><span>−{money(inv.credits_applied, cur)}</span></div>}
        <div class="trow due"><span>Balance due</span><span data-testid="balance-due">{money(inv.balance_due, cur)}</span></div>
      </>}
    </div>
  );
}

function CustomerCard({ id }) {
  const [c, setC] = useState(null);
  useEffect(() => { if (id) request('GET', 'customers/' + id).then(setC).catch(() => setC(null)); else setC(null); }, [id]);
  if (!c) return null;
  return (
    <div class="muted small cust-card">
      {[c.legal_name || c.name, c.address || [c.address_line_1, c.city, c.state].filter(Boolean).join(', '), c.gst_number && `GSTIN ${c.gst_number}`, c.email].filter(Boolean).map((l, i) => <div key={i}>{l}</div>)}
    </div>
  );
}

export function InvoiceEditor({ id }) {
  const ir = res('invoices');
  const lr = ir && res(ir.children.find((c) => res(c).fieldMap.quantity) || 'invoice_line_items');
  const q = query();
  const [inv, setInv] = useState(null);            // the server's copy
  const [head, setHead] = useState({ customer_id: q.customer_id || null, invoice_date: today() });
  const [lines, setLines] = useState([emptyLine()]);
  const [state, setState] = useState(id ? 'loading' : 'new');   // new | dirty | saving | saved | error | loading
  const [err, setErr] = useState(null);
  const [ferr, setFerr] = useState(null);
  const [busy, setBusy] = useState(false);
  const [pdf, setPdf] = useState(false);
  const saving = useRef(Promise.resolve());
  const invRef = useRef(null);
  const timer = useRef(null);
  const editsRef = useRef(0);

  useEffect(() => {
    if (!id) return;
    request('GET', 'invoices/' + id).then((x) => {
      if (x.status !== 'draft') { navigate('/r/invoices/' + id, { replace: true }); return; }
      invRef.current = x; setInv(x);
      const h = { customer_id: x.customer_id };
      for (const k of HEAD_KEYS.concat(['notes', 'terms_and_conditions'])) if (x[k] != null) h[k] = x[k];
      setHead(h);
      setLines((x.lines || []).map((l) => ({ key: l.id, ...Object.fromEntries(LINE_KEYS.map((k) => [k, l[k] ?? (k === 'tax_rate' && l.tax_rate_source !== 'line' ? '' : null)])), tax_rate: l.tax_rate_source === 'line' ? l.tax_rate : '', server: l })));
      setState('saved');
    }).catch((e) => { setErr(e); setState('error'); });
  }, [id]);

  if (!ir) return <NotFound />;
  const cur = inv?.currency || head.currency || 'INR';
  const usable = (ls) => ls.filter((l) => (l.description && l.description.trim()) || l.service_id);
  const body = (h, ls) => {
    const b = {};
    for (const [k, v] of Object.entries(h)) if (v !== undefined && (ir.createFields.has(k) || k === 'customer_id')) b[k] = v === '' ? null : v;
    b.lines = usable(ls).map((l) => {
      const o = {};
      for (const k of LINE_KEYS) if (l[k] !== null && l[k] !== '' && l[k] !== undefined && (!lr || lr.createFields.has(k))) o[k] = typeof l[k] === 'string' ? l[k].trim() : l[k];
      return o;
    });
    return b;
  };
  const save = (h, ls) => {
    // one save at a time; each takes the newest copy of the form
    saving.current = saving.current.then(async () => {
      if (!h.customer_id || !usable(ls).length) return invRef.current;
      setState('saving');
      const mine = editsRef.current;
      try {
        const x = invRef.current
          ? await request('PATCH', 'invoices/' + invRef.current.id, { body: body(h, ls), ifMatch: invRef.current.version })
          : await request('POST', 'invoices', { body: body(h, ls) });
        invRef.current = x; setInv(x); rememberLabel('invoices', x);
        if (!id && !location.pathname.endsWith('/edit')) history.replaceState(null, '', `/invoices/${x.id}/edit`);
        setLines((cur2) => cur2.map((l, i) => ({ ...l, server: usable(cur2).includes(l) ? x.lines?.[usable(cur2).indexOf(l)] : null })));
        setErr(null); setFerr(null);
        setState(editsRef.current === mine ? 'saved' : 'dirty');
        return x;
      } catch (e) {
        setState('error');
        const fe = fieldErr(e);
        if (fe) setFerr(fe); else setErr(e);
        if (e.status === 412) setErr(new Error('Someone else changed this draft; reload to see their changes'));
        throw e;
      }
    }).catch(() => invRef.current);
    return saving.current;
  };
  const changed = (h, ls) => {
    editsRef.current++;
    setState('dirty');
    clearTimeout(timer.current);
    timer.current = setTimeout(() => save(h, ls), 700);
  };
  const setH = (k, v) => { const h = { ...head, [k]: v }; setHead(h); if (ferr && ferr.field === k) setFerr(null); changed(h, lines); };
  const setL = (i, k, v, extra = {}) => {
    const ls = lines.map((l, j) => (j === i ? { ...l, [k]: v, ...extra } : l));
    setLines(ls);
    if (ferr && ferr.line === i) setFerr(null);
    changed(head, ls);
  };
  const pickService = (i, sid, row) => {
    const extra = {};
    if (row) {
      if (!lines[i].description) extra.description = row.name;
      if (!lines[i].rate && row.default_rate) extra.rate = row.default_rate;
    }
    setL(i, 'service_id', sid, extra);
  };
  const addLine = () => { setLines([...lines, emptyLine()]); setTimeout(() => document.querySelector(`#line-desc-${lines.length}`)?.focus()); };
  const removeLine = (i) => { const ls = lines.filter((_, j) => j !== i); setLines(ls.length ? ls : [emptyLine()]); changed(head, ls); };
  const flush = async () => { clearTimeout(timer.current); return save(head, lines); };
  const finalize = async () => {
    setBusy(true);
    try {
      const x = await flush();
      if (!x || state === 'error') { setBusy(false); return; }
      const out = await request('POST', `invoices/${x.id}/finalize`);
      rememberLabel('invoices', out);
      toast(`Invoice ${out.invoice_number || ''} finalized`);
      navigate('/r/invoices/' + x.id, { replace: true });
    } catch (e) { const fe = fieldErr(e); if (fe && fe.field !== 'lines') setFerr(fe); else setErr(e); }
    setBusy(false);
  };
  if (state === 'loading') return <Spinner />;
  const headField = (k) => ir.fieldMap[k] && ir.createFields.has(k) && (
    <FormField key={k} field={ir.fieldMap[k]} value={head[k] ?? null} onChange={(v) => setH(k, v)} error={ferr && !('line' in ferr) && ferr.field === k ? ferr.message : null} />
  );
  const stateText = { new: 'Not saved yet', dirty: 'Unsaved changes…', saving: 'Saving…', saved: 'Draft saved', error: 'Not saved' }[state];
  return (
    <div class="page">
      <PageHead title={inv?.invoice_number || (id || inv ? 'Draft invoice' : 'New invoice')} crumbs={[['Invoices', '/r/invoices']]}
        badge={<Badge value="draft" />}
        sub={<span class={'save-state save-' + state} role="status" aria-live="polite">{state === 'saving' && <span class="spinner" />} {stateText}</span>}>
        {inv && ir.canDelete && <Button icon="trash" kind="ghost-danger" onClick={async () => {
          if (!confirm('Discard this draft invoice?')) return;
          clearTimeout(timer.current);
          await saving.current;
          try { await request('DELETE', 'invoices/' + invRef.current.id, { ifMatch: invRef.current.version }); toast('Draft discarded'); navigate('/r/invoices', { replace: true }); }
          catch (e) { setErr(e); }
        }}>Discard</Button>}
        {inv && hasAction('invoices', 'pdf') && <Button icon="file" onClick={async () => { await flush(); setPdf(true); }}>Preview</Button>}
        <Button kind="primary" icon="check" busy={busy} onClick={finalize} disabled={!head.customer_id || !usable(lines).length}>Finalize invoice</Button>
      </PageHead>
      <ErrorBanner error={err} />
      <div class="editor-grid">
        <div class="doc">
          <div class="doc-parties">
            <div>
              <div class={'field' + (ferr?.field === 'customer_id' ? ' has-error' : '')} data-field="customer_id">
                <label for="inv-customer">Bill to <span class="req">*</span></label>
                <RefPicker id="inv-customer" table="customers" value={head.customer_id} required onChange={(v) => setH('customer_id', v)} invalid={ferr?.field === 'customer_id'} />
                {ferr?.field === 'customer_id' && <div class="field-error" role="alert">{ferr.message}</div>}
              </div>
              <CustomerCard id={head.customer_id} />
            </div>
            <div class="fgrid fgrid-2">
              {HEAD_KEYS.map(headField)}
            </div>
          </div>
          <table class="lines" aria-label="Lines">
            <thead>
              <tr><th scope="col">Item</th><th scope="col" class="num">Qty</th><th scope="col" class="num">Rate</th><th scope="col" class="num">Tax %</th><th scope="col" class="num">Amount</th><th scope="col"><span class="sr-only">Remove</span></th></tr>
            </thead>
            <tbody>
              {lines.map((l, i) => {
                const e = ferr && ferr.line === usable(lines).indexOf(l) && usable(lines).includes(l) ? ferr : null;
                const cellErr = (k) => e && e.field === k ? <div class="field-error" role="alert">{e.message}</div> : null;
                return (
                  <tr key={l.key} data-line={i}>
                    <td data-label="Item">
                      {res('services') && (
                        <RefPicker id={`line-svc-${i}`} table="services" value={l.service_id} onChange={(v, row) => pickService(i, v, row)} placeholder="Service (optional)" />
                      )}
                      <label class="sr-only" for={`line-desc-${i}`}>Description of line {i + 1}</label>
                      <input id={`line-desc-${i}`} class="line-desc" placeholder="Description" value={l.description || ''} aria-invalid={e?.field === 'description' ? 'true' : undefined}
                        onInput={(ev) => setL(i, 'description', ev.target.value)} />
                      {cellErr('description')}{cellErr('service_id')}
                    </td>
                    <td data-label="Quantity" class="num">
                      <label class="sr-only" for={`line-qty-${i}`}>Quantity of line {i + 1}</label>
                      <input id={`line-qty-${i}`} class="num" inputMode="decimal" value={l.quantity ?? ''} aria-invalid={e?.field === 'quantity' ? 'true' : undefined} onInput={(ev) => setL(i, 'quantity', ev.target.value)} />
                      {cellErr('quantity')}
                    </td>
                    <td data-label="Rate" class="num">
                      <label class="sr-only" for={`line-rate-${i}`}>Rate of line {i + 1}</label>
                      <input id={`line-rate-${i}`} class="num" inputMode="decimal" placeholder="0.00" value={l.rate ?? ''} aria-invalid={e?.field === 'rate' ? 'true' : undefined} onInput={(ev) => setL(i, 'rate', ev.target.value)} />
                      {cellErr('rate')}
                    </td>
                    <td data-label="Tax %" class="num">
                      <label class="sr-only" for={`line-tax-${i}`}>Tax rate of line {i + 1}</label>
                      <input id={`line-tax-${i}`} class="num" inputMode="decimal" placeholder={l.server?.tax_rate ? `${l.server.tax_rate} (${l.server.tax_rate_source})` : 'auto'} value={l.tax_rate ?? ''} aria-invalid={e?.field === 'tax_rate' ? 'true' : undefined} onInput={(ev) => setL(i, 'tax_rate', ev.target.value)} />
                      {cellErr('tax_rate')}
                    </td>
                    <td data-label="Amount" class="num line-amount">{l.server ? money(l.server.amount, cur) : <span class="muted">—</span>}
                      {l.server && l.server.tax_amount !== '0.00' && <div class="muted small">+ {money(l.server.tax_amount, cur)} tax</div>}</td>
                    <td><button type="button" class="icon-btn" aria-label={`Remove line ${i + 1}`} onClick={() => removeLine(i)}><Icon name="trash" size={15} /></button></td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          {ferr && ferr.field === 'lines' && <div class="field-error" role="alert">{ferr.message}</div>}
          <div class="lines-foot">
            <Button icon="plus" onClick={addLine}>Add line</Button>
          </div>
          <div class="fgrid fgrid-2 doc-notes">
            {['notes', 'terms_and_conditions'].map(headField)}
          </div>
        </div>
        <aside class="sticky">
          <Card title="Summary">
            {inv ? <TaxSummary inv={inv} cur={cur} /> : <p class="muted">Totals appear as soon as the draft has a customer and a line.</p>}
            {inv && <p class="muted small">Amounts, tax per rate and totals are computed by the server{inv.supply_type ? ` (${humanize(inv.supply_type).toLowerCase()})` : ''}.</p>}
          </Card>
        </aside>
      </div>
      {pdf && inv && <PdfPreview url={`/api/v1/invoices/${inv.id}/pdf`} name="draft-invoice.pdf" onClose={() => setPdf(false)} />}
    </div>
  );
}

// ---- the invoice page ----------------------------------------------------------------------

const OPEN = ['pending', 'partially_paid', 'overdue'];

export function RecordPayment({ inv, onClose, onDone }) {
  const rr = res('receipts');
  const [v, setV] = useState({ amount: inv.balance_due, receipt_date: today(), payment_method: 'bank_transfer', reference_number: '' });
  const [errs, setErrs] = useState({});
  const [err, setErr] = useState(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e) => {
    e && e.preventDefault();
    setBusy(true); setErr(null); setErrs({});
    try {
      const body = { customer_id: inv.customer_id, invoice_id: inv.id, amount: v.amount, receipt_date: v.receipt_date, payment_method: v.payment_method };
      if (v.reference_number) body.reference_number = v.reference_number;
      if (inv.currency) body.currency = inv.currency;
      const r = await request('POST', 'receipts', { body });
      onDone(r);
    } catch (x) { if (x.field && ['amount', 'receipt_date', 'payment_method', 'reference_number'].includes(x.field)) setErrs({ [x.field]: x.message }); else setErr(x); }
    setBusy(false);
  };
  const f = (k) => rr.fieldMap[k] && <FormField field={{ ...rr.fieldMap[k], required: k === 'amount' }} value={v[k]} onChange={(x) => setV({ ...v, [k]: x })} error={errs[k]} />;
  return (
    <Modal title={`Record a payment for ${inv.invoice_number}`} onClose={onClose}
      footer={<><Button onClick={onClose}>Cancel</Button><Button kind="primary" busy={busy} onClick={submit}>Record payment</Button></>}>
      <form onSubmit={submit}>
        <ErrorBanner error={err} />
        <p class="muted">Balance due: <strong>{money(inv.balance_due, inv.currency)}</strong>. The payment is recorded as a receipt and allocated to this invoice; anything above the balance stays as the customer's credit.</p>
        <div class="fgrid fgrid-2">{f('amount')}{f('receipt_date')}{f('payment_method')}{f('reference_number')}</div>
      </form>
    </Modal>
  );
}

export function IssueCreditNote({ inv, onClose, onDone }) {
  const [qty, setQty] = useState(() => Object.fromEntries((inv.lines || []).map((l) => [l.id, ''])));
  const [reason, setReason] = useState('');
  const [steps, setSteps] = useState([]);
  const [err, setErr] = useState(null);
  const [ferr, setFerr] = useState({});
  const [busy, setBusy] = useState(false);
  const all = () => setQty(Object.fromEntries((inv.lines || []).map((l) => [l.id, l.quantity])));
  const submit = async () => {
    setBusy(true); setErr(null); setFerr({}); setSteps([]);
    const chosen = (inv.lines || []).filter((l) => qty[l.id] && qty[l.id] !== '0');
    if (!chosen.length) { setErr(new Error('Choose what to credit: a quantity on at least one line')); setBusy(false); return; }
    let cn = null;
    try {
      setSteps(['Creating the credit note…']);
      cn = await request('POST', 'credit_notes', { body: { customer_id: inv.customer_id, invoice_id: inv.id, reason: reason || null, lines: chosen.map((l) => ({ invoice_line_item_id: l.id, quantity: qty[l.id] })) } });
      setSteps((s) => [...s, `Issuing ${money(cn.total_credit, inv.currency)}…`]);
      cn = await request('POST', `credit_notes/${cn.id}/issue`);
      const fresh = await request('GET', 'invoices/' + inv.id);
      if (OPEN.includes(fresh.status) && toUnits(fresh.balance_due, 2) > 0n) {
        const t = toUnits(cn.balance_remaining ?? cn.total_credit, 2), b = toUnits(fresh.balance_due, 2);
        const amount = fromUnits(t < b ? t : b, 2);
        setSteps((s) => [...s, `Applying ${money(amount, inv.currency)} to ${inv.invoice_number}…`]);
        await request('POST', `credit_notes/${cn.id}/apply`, { body: { invoice_id: inv.id, amount } });
      }
      setSteps((s) => [...s, 'Done']);
      onDone(cn);
    } catch (x) {
      const fe = fieldErr(x);
      if (fe && 'line' in fe) setFerr({ [fe.line]: fe.message });
      else setErr(x);
      if (cn) setErr(new Error(`Credit note ${cn.credit_note_number || ''} was created but not finished: ${x.message}. Open it from the credit notes list.`));
    }
    setBusy(false);
  };
  return (
    <Modal title={`Issue a credit note against ${inv.invoice_number}`} wide onClose={onClose}
      footer={<><Button onClick={onClose}>Cancel</Button><Button kind="primary" busy={busy} onClick={submit}>Issue credit note</Button></>}>
      <ErrorBanner error={err} />
      <p class="muted">Choose the quantity to credit on each line. GST is reversed at each line's rate; the note is issued and applied to this invoice's balance.</p>
      <table class="lines">
        <thead><tr><th scope="col">Line</th><th scope="col" class="num">Invoiced</th><th scope="col" class="num">Rate</th><th scope="col" class="num">Quantity to credit</th></tr></thead>
        <tbody>
          {(inv.lines || []).map((l, i) => (
            <tr key={l.id}>
              <td data-label="Line">{l.description}</td>
              <td data-label="Invoiced" class="num">{l.quantity}</td>
              <td data-label="Rate" class="num">{money(atLeast2(l.rate), inv.currency)} <span class="muted small">+{l.tax_rate}%</span></td>
              <td data-label="Quantity to credit" class="num">
                <label class="sr-only" for={`cn-qty-${i}`}>Quantity to credit on {l.description}</label>
                <input id={`cn-qty-${i}`} class="num" inputMode="decimal" value={qty[l.id]} onInput={(e) => setQty({ ...qty, [l.id]: e.target.value })} />
                {ferr[i] && <div class="field-error" role="alert">{ferr[i]}</div>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <div class="lines-foot"><Button onClick={all}>Credit every line in full</Button></div>
      <div class="field"><label for="cn-reason">Reason</label><input id="cn-reason" value={reason} onInput={(e) => setReason(e.target.value)} placeholder="e.g. service not delivered in October" /></div>
      {steps.length > 0 && <ol class="steps-log" aria-live="polite">{steps.map((s, i) => <li key={i}>{s}</li>)}</ol>}
    </Modal>
  );
}

function CancelInvoice({ inv, onClose, onDone }) {
  const [reason, setReason] = useState('');
  const [err, setErr] = useState(null);
  const [busy, setBusy] = useState(false);
  const go = async () => {
    setBusy(true); setErr(null);
    try { onDone(await request('POST', `invoices/${inv.id}/cancel`, { body: { reason } })); } catch (x) { setErr(x); }
    setBusy(false);
  };
  return (
    <Modal title={`Cancel ${inv.invoice_number}?`} onClose={onClose}
      footer={<><Button onClick={onClose}>Keep it</Button><Button kind="danger" busy={busy} onClick={go}>Cancel invoice</Button></>}>
      <p>The number stays used. An invoice with payments or credits must be corrected with a credit note instead.</p>
      <div class={'field' + (err?.field === 'reason' ? ' has-error' : '')} data-field="reason">
        <label for="cancel-reason">Reason <span class="req">*</span></label>
        <input id="cancel-reason" value={reason} onInput={(e) => setReason(e.target.value)} aria-invalid={err?.field === 'reason' ? 'true' : undefined} />
        {err?.field === 'reason' && <div class="field-error" role="alert">{err.message}</div>}
      </div>
      {err && err.field !== 'reason' && <ErrorBanner error={err} />}
    </Modal>
  );
}

export function InvoiceView({ id }) {
  const [inv, setInv] = useState(null);
  const [error, setError] = useState(null);
  const [modal, setModal] = useState(null);
  const [busy, setBusy] = useState(false);
  const [k, setK] = useState(0);
  const load = () => request('GET', 'invoices/' + id).then((x) => { rememberLabel('invoices', x); setInv(x); }).catch(setError);
  useEffect(() => { load(); }, [id]);
  const customer = useLabel('customers', inv?.customer_id);
  if (error) return error.status === 404 ? <NotFound what="invoice" /> : <ErrorBanner error={error} />;
  if (!inv) return <Spinner />;
  const cur = inv.currency;
  const draft = inv.status === 'draft';
  const open = OPEN.includes(inv.status);
  const refresh = () => { load(); setK(k + 1); };
  const finalize = async () => {
    setBusy(true);
    try { setInv(await request('POST', `invoices/${id}/finalize`)); toast('Invoice finalized'); } catch (e) { toast(e.message, 'error'); }
    setBusy(false);
  };
  const pdfName = `${(inv.invoice_number || 'draft-invoice').replace(/[^\w.-]+/g, '_')}.pdf`;
  return (
    <div class="page">
      <PageHead title={inv.invoice_number || 'Draft invoice'} crumbs={[['Invoices', '/r/invoices']]} badge={<Badge value={inv.status} />}
        sub={<>{customer ? <Link href={`/r/customers/${inv.customer_id}`}>{customer}</Link> : '…'} · {money(inv.total, cur)} · due {date(inv.due_date)}</>}>
        {draft && <LinkButton icon="edit" href={`/invoices/${id}/edit`}>Edit</LinkButton>}
        {draft && <Button kind="primary" icon="check" busy={busy} onClick={finalize}>Finalize</Button>}
        {!draft && <Button icon="file" onClick={() => setModal('pdf')}>Preview PDF</Button>}
        {!draft && <Button icon="download" onClick={() => download(`/api/v1/invoices/${id}/pdf`, pdfName)}>Download PDF</Button>}
        {!draft && hasAction('invoices', 'ubl') && <Button icon="download" onClick={() => download(`/api/v1/invoices/${id}/ubl`, pdfName.replace(/\.pdf$/, '.xml'))}>Download UBL e-invoice</Button>}
        {!draft && inv.status !== 'cancelled' && has('credit_notes') && <Button icon="credit" onClick={() => setModal('credit')}>Credit note</Button>}
        {open && <Button icon="x" kind="ghost-danger" onClick={() => setModal('cancel')}>Cancel</Button>}
        {open && has('receipts') && <Button kind="primary" icon="receipt" onClick={() => setModal('pay')}>Record payment</Button>}
      </PageHead>
      {inv.status === 'cancelled' && <div class="banner banner-warn" role="status"><Icon name="alert" size={18} /><div><strong>Cancelled</strong> {dateTime(inv.cancelled_at)}: {inv.cancellation_reason}</div></div>}
      <div class="editor-grid">
        <article class="doc" aria-label="Invoice">
          <div class="doc-head">
            <div><div class="doc-title">Tax invoice</div><div class="doc-number">{inv.invoice_number || 'Draft'}</div></div>
            <dl class="dl dl-compact doc-dates">
              <div class="dl-row"><dt>Invoice date</dt><dd>{date(inv.invoice_date)}</dd></div>
              <div class="dl-row"><dt>Due date</dt><dd>{date(inv.due_date)}</dd></div>
              {inv.place_of_supply && <div class="dl-row"><dt>Place of supply</dt><dd>{inv.place_of_supply}</dd></div>}
              {inv.reference_number && <div class="dl-row"><dt>Reference</dt><dd>{inv.reference_number}</dd></div>}
            </dl>
          </div>
          <div class="doc-parties">
            <div><h3>From</h3><strong>{inv.seller_name || '—'}</strong><div class="muted small pre">{inv.seller_address}</div>{inv.seller_gstin && <div class="small">GSTIN {inv.seller_gstin}</div>}</div>
            <div><h3>Bill to</h3><strong>{inv.billing_name || customer}</strong><div class="muted small pre">{inv.billing_address}</div>{inv.customer_gst && <div class="small">GSTIN {inv.customer_gst}</div>}</div>
          </div>
          <div class="table-wrap">
            <table class="lines">
              <thead><tr><th scope="col">Description</th><th scope="col" class="num">Qty</th><th scope="col" class="num">Rate</th><th scope="col" class="num">Tax</th><th scope="col" class="num">Amount</th></tr></thead>
              <tbody>
                {(inv.lines || []).map((l) => (
                  <tr key={l.id}>
                    <td data-label="Description">{l.description}{l.sac_code && <div class="muted small">SAC {l.sac_code}</div>}</td>
                    <td data-label="Qty" class="num">{l.quantity}{l.unit ? ' ' + l.unit : ''}</td>
                    <td data-label="Rate" class="num">{money(atLeast2(l.rate), cur)}</td>
                    <td data-label="Tax" class="num">{l.tax_rate}%</td>
                    <td data-label="Amount" class="num">{money(l.amount, cur)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <TaxSummary inv={inv} cur={cur} />
          {inv.notes && <p class="doc-notes-text">{inv.notes}</p>}
        </article>
        <aside class="detail-side">
          {has('receipt_allocations') && (
            <Card title="Payments">
              <ResourceList key={'p' + k} resource={res('receipt_allocations')} fixed={{ invoice_id: id }} pageSize={5} embedded compact newHref={false} empty="No payments yet" />
            </Card>
          )}
          {has('credit_note_applications') && (
            <Card title="Credits">
              <ResourceList key={'c' + k} resource={res('credit_note_applications')} fixed={{ invoice_id: id }} pageSize={5} embedded compact newHref={false} empty="No credit notes applied" />
            </Card>
          )}
          <Card title="History">
            <Link href={`/audit?entity_id=${id}`} class="side-link"><Icon name="shield" size={14} /> Every change to this invoice</Link>
            {inv.finalized_at && <div class="muted small">Finalized {dateTime(inv.finalized_at)}</div>}
          </Card>
        </aside>
      </div>
      {modal === 'pdf' && <PdfPreview url={`/api/v1/invoices/${id}/pdf`} name={pdfName} onClose={() => setModal(null)} />}
      {modal === 'pay' && <RecordPayment inv={inv} onClose={() => setModal(null)} onDone={(r) => { setModal(null); toast(`Payment ${r.receipt_number || ''} recorded`); refresh(); }} />}
      {modal === 'credit' && <IssueCreditNote inv={inv} onClose={() => setModal(null)} onDone={(cn) => { setModal(null); toast(`Credit note ${cn.credit_note_number || ''} issued`); refresh(); }} />}
      {modal === 'cancel' && <CancelInvoice inv={inv} onClose={() => setModal(null)} onDone={(x) => { setModal(null); setInv(x); toast('Invoice cancelled'); refresh(); }} />}
    </div>
  );
}
