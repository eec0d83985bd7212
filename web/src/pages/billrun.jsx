// pages/billrun.jsx — bill runs: preview one customer's invoice for a period with the calculation
// trace of every line (POST /api/v1/billing/preview, which changes nothing), then run billing for
// a date (POST /api/v1/billing/runs) with its progress and result, and the runs made before.
//
// The shapes read here are those issue 5 describes; fields are looked up defensively (a line's
// trace may be an object, a list of steps or a sentence) so the screen survives additions.
import { useEffect, useRef, useState } from 'preact/hooks';
import { request } from '../api.js';
import { res, has, endpoint, humanize, rowLabel } from '../schema.js';
import { rememberLabel } from '../labels.js';
import { money, date, today, addDays } from '../format.js';
import { RefPicker } from '../form.jsx';
import { ResourceList, RefCell } from '../table.jsx';
import { Badge, Button, Card, Empty, ErrorBanner, Icon, Link, Modal, Progress } from '../ui.jsx';
import { PageHead } from './resource.jsx';

function monthBounds() {
  const d = new Date();
  const s = new Date(d.getFullYear(), d.getMonth(), 1);
  const e = new Date(d.getFullYear(), d.getMonth() + 1, 1);
  const iso = (x) => `${x.getFullYear()}-${String(x.getMonth() + 1).padStart(2, '0')}-${String(x.getDate()).padStart(2, '0')}`;
  return [iso(s), iso(e)];
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-/i;
const QUIET = /(_id$|^kind$|^amount_base$|^explain$|^late$|^sources$|^minutes$)/;
// A line's calculation: the server's own sentence when it gives one ("explain"), and the few
// numbers that decide the amount as chips; identifiers and empty parts are left out.
function Trace({ t }) {
  if (t == null) return null;
  if (typeof t === 'string') return <div class="trace">{t}</div>;
  if (Array.isArray(t)) return t.length ? <ul class="trace trace-list">{t.map((x, i) => <li key={i}><Trace t={x} /></li>)}</ul> : null;
  if (typeof t === 'object') {
    const chips = Object.entries(t).filter(([k, v]) => !QUIET.test(k) && v !== null && v !== '' && v !== false && v !== 0 && typeof v !== 'object' && !UUID.test(String(v)));
    const nested = Object.entries(t).filter(([, v]) => v && typeof v === 'object' && (!Array.isArray(v) || v.length));
    return (
      <div class="trace">
        {t.explain && <p class="trace-explain">{t.explain}</p>}
        <div class="chips">{chips.map(([k, v]) => <span class="chip-soft" key={k}><span class="muted">{humanize(k)}</span> {String(v)}</span>)}</div>
        {nested.map(([k, v]) => <div key={k}><span class="muted small">{humanize(k)}:</span> <Trace t={v} /></div>)}
      </div>
    );
  }
  return <div class="trace">{String(t)}</div>;
}

export function PreviewResult({ data }) {
  const inv = data.invoice || data;
  const lines = inv.lines || data.lines || [];
  const cur = inv.currency || data.currency;
  if (!lines.length) return <Empty icon="file" title="Nothing to bill">No plan, time or usage of this customer falls in this period.</Empty>;
  return (
    <div class="preview">
      <table class="lines">
        <thead><tr><th scope="col">Line and how it was computed</th><th scope="col" class="num">Qty</th><th scope="col" class="num">Rate</th><th scope="col" class="num">Amount</th></tr></thead>
        <tbody>
          {lines.map((l, i) => (
            <tr key={i}>
              <td data-label="Line"><strong>{l.description}</strong><Trace t={l.trace || l.calculation || l.explanation} /></td>
              <td data-label="Qty" class="num">{l.quantity}</td>
              <td data-label="Rate" class="num">{l.rate != null ? money(l.rate, cur) : ''}</td>
              <td data-label="Amount" class="num">{money(l.amount ?? l.total, cur)}{l.tax_amount && l.tax_amount !== '0.00' && <div class="muted small">+ {money(l.tax_amount, cur)} tax</div>}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <div class="totals">
        {inv.subtotal && <div class="trow"><span>Subtotal</span><span>{money(inv.subtotal, cur)}</span></div>}
        {inv.discount_total && inv.discount_total !== '0.00' && <div class="trow"><span>Discounts</span><span>−{money(inv.discount_total, cur)}</span></div>}
        {inv.tax_total && <div class="trow"><span>Tax</span><span>{money(inv.tax_total, cur)}</span></div>}
        <div class="trow grand"><span>Total</span><span data-testid="preview-total">{money(inv.total, cur)}</span></div>
      </div>
    </div>
  );
}

function Preview() {
  const [s, e] = monthBounds();
  const [v, setV] = useState({ customer_id: null, period_start: s, period_end: e });
  const [data, setData] = useState(null);
  const [err, setErr] = useState(null);
  const [busy, setBusy] = useState(false);
  const go = async (ev) => {
    ev && ev.preventDefault();
    setBusy(true); setErr(null); setData(null);
    try { setData(await request('POST', 'billing/preview', { body: v })); } catch (x) { setErr(x); }
    setBusy(false);
  };
  return (
    <Card title="Preview a customer's invoice" id="pv-h">
      <p class="muted">What the next run would bill, line by line with its calculation. Nothing is saved.</p>
      <form class="toolbar" onSubmit={go}>
        <div class="field grow" data-field="customer_id"><label for="pv-customer">Customer</label>
          <RefPicker id="pv-customer" table="customers" value={v.customer_id} onChange={(x) => setV({ ...v, customer_id: x })} invalid={err?.field === 'customer_id'} /></div>
        <div class="field" data-field="period_start"><label for="pv-start">Period start</label><input id="pv-start" type="date" value={v.period_start} onInput={(x) => setV({ ...v, period_start: x.target.value })} /></div>
        <div class="field" data-field="period_end"><label for="pv-end">Period end (exclusive)</label><input id="pv-end" type="date" value={v.period_end} onInput={(x) => setV({ ...v, period_end: x.target.value })} /></div>
        <div class="field"><span class="label-spacer" aria-hidden="true">&nbsp;</span><Button kind="primary" type="submit" icon="search" busy={busy} disabled={!v.customer_id}>Preview</Button></div>
      </form>
      {err && (err.field ? <div class="field-error" role="alert">{humanize(err.field)}: {err.message}</div> : <ErrorBanner error={err} />)}
      {data && <PreviewResult data={data} />}
    </Card>
  );
}

function RunBilling({ onDone }) {
  const [day, setDay] = useState(today());
  const [confirm, setConfirm] = useState(false);
  const [run, setRun] = useState(null);     // {started, result, error}
  const [tick, setTick] = useState(0);
  const timer = useRef(null);
  useEffect(() => () => clearInterval(timer.current), []);
  const start = async () => {
    setConfirm(false);
    const started = Date.now();
    setRun({ started });
    timer.current = setInterval(() => setTick((t) => t + 1), 250);
    try {
      let out = await request('POST', 'billing/runs', { body: { date: day } });
      // an asynchronous run answers with its id and a status: follow it until it ends
      const runsTable = ['billing_runs', 'bill_runs'].find((t) => has(t));
      while (out && out.id && runsTable && ['queued', 'running', 'pending', 'started'].includes(out.status)) {
        setRun({ started, progress: out });
        await new Promise((r) => setTimeout(r, 700));
        out = await request('GET', `${runsTable}/${out.id}`);
      }
      // the invoices this run made, when invoices say which run made them
      let made = null;
      const ir = res('invoices');
      if (out && out.id && ir && ir.filters.includes('billing_run_id')) {
        try { made = (await request('GET', 'invoices', { query: { billing_run_id: out.id, limit: 50 } })).data; made.forEach((x) => rememberLabel('invoices', x)); } catch { made = null; }
      }
      setRun({ started, result: out, made, ms: Date.now() - started });
      onDone && onDone();
    } catch (e) { setRun({ started, error: e }); }
    clearInterval(timer.current);
  };
  const r = run?.result;
  const invoices = r && (run.made || r.invoices || r.invoice_ids || []);
  const count = r && (r.invoices_created ?? r.invoice_count ?? r.created ?? (Array.isArray(invoices) ? invoices.length : null));
  return (
    <Card title="Run billing" id="run-h">
      <p class="muted">Invoices every customer whose billing cycle ends on or before the date. A run is idempotent: what was billed is never billed twice.</p>
      <div class="toolbar">
        <div class="field" data-field="date"><label for="run-date">Bill through</label><input id="run-date" type="date" value={day} onInput={(e) => setDay(e.target.value)} /></div>
        <div class="field"><span class="label-spacer" aria-hidden="true">&nbsp;</span><Button kind="primary" icon="play" onClick={() => setConfirm(true)} busy={run && !run.result && !run.error}>Run bill run</Button></div>
      </div>
      {run && !run.result && !run.error && (
        <Progress value={run.progress?.processed ?? 0} max={run.progress?.total || undefined}
          label={`Running… ${Math.round((Date.now() - run.started) / 1000)} s${run.progress?.processed != null ? ` · ${run.progress.processed} customers done` : ''}`} />
      )}
      {run?.error && <ErrorBanner error={run.error} />}
      {r && (
        <div class="banner banner-ok" role="status" data-testid="run-result">
          <Icon name="check" size={18} />
          <div>
            <strong>Bill run finished{count != null ? `: ${count} invoice${count === 1 ? '' : 's'} made` : ''}.</strong>
            <div class="small">{[r.customers != null && `${r.customers} customer${r.customers === 1 ? '' : 's'} looked at`, r.customers_billed != null && `${r.customers_billed} customers billed`, r.skipped ? `${r.skipped} with nothing new to bill` : null, r.customers_failed ? `${r.customers_failed} failed` : null, r.total && `total ${money(r.total, r.currency)}`, `${(run.ms / 1000).toFixed(1)} s`].filter(Boolean).join(' · ')}</div>
            {Array.isArray(invoices) && invoices.length > 0 && (
              <ul class="run-invoices run-list">
                {invoices.slice(0, 20).map((x) => {
                  const id = typeof x === 'string' ? x : x.id || x.invoice_id;
                  if (typeof x === 'object') rememberLabel('invoices', x);
                  return <li key={id}><RefCell table="invoices" id={id} />{typeof x === 'object' && x.customer_id && <> · <RefCell table="customers" id={x.customer_id} link={false} /></>}{typeof x === 'object' && x.total && <span class="muted"> · {money(x.total, x.currency)}</span>}</li>;
                })}
              </ul>
            )}
          </div>
        </div>
      )}
      {confirm && (
        <Modal title="Run billing?" onClose={() => setConfirm(false)}
          footer={<><Button onClick={() => setConfirm(false)}>Cancel</Button><Button kind="primary" onClick={start}>Run now</Button></>}>
          <p>Invoices are made for every customer with a billing period ending on or before <strong>{date(day)}</strong>. Drafts or finalized invoices follow your billing settings.</p>
        </Modal>
      )}
      <span hidden>{tick}</span>
    </Card>
  );
}

export function BillRun() {
  const [k, setK] = useState(0);
  const runsTable = ['billing_runs', 'bill_runs'].find((t) => has(t));
  const canPreview = endpoint('billing/preview', 'POST') || has('billing_plans');
  const canRun = endpoint('billing/runs', 'POST') || has('billing_plans');
  return (
    <div class="page">
      <PageHead title="Bill runs" sub="Plans, time and usage turned into invoices, on schedule or now." />
      {!canPreview && !canRun && <Empty icon="play" title="The billing engine is not on this server yet">Previews and runs appear here when it is.</Empty>}
      {canPreview && <Preview />}
      {canRun && <RunBilling onDone={() => setK(k + 1)} />}
      {runsTable && <Card title="Past runs"><ResourceList key={k} resource={res(runsTable)} embedded newHref={false} pageSize={10} /></Card>}
      {has('invoices') && <Card title="Invoices made by runs, newest first"><ResourceList key={'i' + k} resource={res('invoices')} embedded newHref={false} pageSize={5} compact /></Card>}
    </div>
  );
}
