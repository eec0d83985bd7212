// pages/dashboard.jsx — receivables (outstanding, overdue, due this week), revenue by month for
// the last 12 months, AR aging, recent activity and upcoming bill runs.
//
// Sources, in order of preference: the report endpoints when the server has them
// (reports/receivables, reports/revenue, reports/aging, billing/upcoming), otherwise computed
// here from the list endpoints (every open invoice; the last 12 months of finalized invoices;
// the audit log; customer billing plans). Each card says which one it used, in its footnote.
import { useEffect, useState } from 'preact/hooks';
import { request, listAll } from '../api.js';
import { has, endpoint, res, humanize, rowLabel } from '../schema.js';
import { useSession } from '../session.js';
import { money, date, ago, today, addDays, addMoney, toUnits } from '../format.js';
import { BarChart, HBars } from '../charts.jsx';
import { Badge, Card, Empty, Icon, Link, LinkButton, Spinner, Stat } from '../ui.jsx';
import { PageHead } from './resource.jsx';
import { RefCell } from '../table.jsx';
import { useLabel } from '../labels.js';

const OPEN = ['pending', 'partially_paid', 'overdue', 'sent', 'issued', 'unpaid', 'finalized', 'open'];
export const invBalance = (i) => i.balance_due ?? i.amount_due ?? i.balance ?? i.outstanding_amount ?? i.total;
export const invTotal = (i) => i.total ?? i.total_amount ?? '0';

function monthKey(d) { return String(d).slice(0, 7); }
function lastMonths(n) {
  const out = [];
  const now = new Date();
  for (let i = n - 1; i >= 0; i--) {
    const d = new Date(now.getFullYear(), now.getMonth() - i, 1);
    out.push({ key: `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}`, label: d.toLocaleDateString(undefined, { month: 'short', year: 'numeric' }), short: d.toLocaleDateString(undefined, { month: 'short' }) });
  }
  return out;
}
export function agingBuckets(invoices, asOf, currency) {
  const names = ['Current', '1–30 days', '31–60 days', '61–90 days', 'Over 90 days'];
  const sums = names.map(() => '0.00');
  for (const inv of invoices) {
    if (currency && inv.currency && inv.currency !== currency) continue;
    const due = inv.due_date || inv.invoice_date;
    const days = due ? Math.floor((Date.parse(asOf) - Date.parse(due)) / 86400000) : 0;
    const b = days <= 0 ? 0 : days <= 30 ? 1 : days <= 60 ? 2 : days <= 90 ? 3 : 4;
    sums[b] = addMoney(sums[b], invBalance(inv) || '0');
  }
  return names.map((label, i) => ({ label, value: sums[i], tone: i }));
}

function Foot({ children }) { return <p class="card-foot muted small">{children}</p>; }

export function Dashboard() {
  const { user, tenant } = useSession();
  const cur = tenant?.base_currency || 'INR';
  const [recv, setRecv] = useState(null);
  const [rev, setRev] = useState(null);
  const [aging, setAging] = useState(null);
  const [activity, setActivity] = useState(null);
  const [runs, setRuns] = useState(null);
  const [counts, setCounts] = useState({});
  const hasInv = has('invoices');

  useEffect(() => {
    const t = today();
    // receivables and aging
    (async () => {
      try {
        let agingDone = false;
        if (endpoint('reports/aging') || hasInv) {
          try {
            const a = await request('GET', 'reports/aging');
            const tot = (Array.isArray(a.totals) ? a.totals.find((x) => x.currency === cur) : a.totals) || {};
            const labels = { current: 'Current', days_1_30: '1–30 days', days_31_60: '31–60 days', days_61_90: '61–90 days', days_over_90: 'Over 90 days' };
            const keys = a.buckets || Object.keys(labels);
            setAging({ data: keys.map((k, i) => ({ label: labels[k] || k, value: String(tot[k] ?? '0.00'), tone: i })), source: 'GET /api/v1/reports/aging' });
            agingDone = true;
          } catch { /* no report endpoint: computed below */ }
        }
        if (!hasInv) return;
        const r = res('invoices');
        const q = r.filters.includes('status') ? { 'status[in]': OPEN.filter((s) => !r.fieldMap.status?.enum || r.fieldMap.status.enum.includes(s)).join(',') } : {};
        const open = (await listAll(r.path, q, { max: 20000 })).filter((i) => OPEN.includes(i.status));
        let outstanding = '0.00', overdue = '0.00', week = '0.00', nOver = 0, nWeek = 0;
        const wk = addDays(t, 7);
        for (const i of open) {
          if (i.currency && i.currency !== cur) continue;
          const b = invBalance(i) || '0';
          outstanding = addMoney(outstanding, b);
          if (i.status === 'overdue' || (i.due_date && i.due_date < t)) { overdue = addMoney(overdue, b); nOver++; }
          else if (i.due_date && i.due_date <= wk) { week = addMoney(week, b); nWeek++; }
        }
        setRecv({ outstanding, overdue, week, nOpen: open.length, nOver, nWeek, source: 'computed from GET /api/v1/invoices (open invoices)' });
        if (!agingDone) setAging({ data: agingBuckets(open, t, cur), source: 'computed from GET /api/v1/invoices (balance by days past due)' });
      } catch (e) { setRecv({ error: e }); }
    })();
    // revenue by month
    (async () => {
      const months = lastMonths(12);
      try {
        if (endpoint('reports/revenue')) {
          const out = await request('GET', 'reports/revenue', { query: { group: 'month', from: months[0].key + '-01', to: t } });
          const rows = out.data || out.months || out;
          const by = Object.fromEntries((Array.isArray(rows) ? rows : []).map((x) => [String(x.month || x.period).slice(0, 7), String(x.total ?? x.revenue ?? x.amount ?? '0')]));
          setRev({ data: months.map((m) => ({ ...m, value: by[m.key] || '0.00' })), source: 'GET /api/v1/reports/revenue' });
          return;
        }
        if (!hasInv) return;
        const r = res('invoices');
        const q = {};
        if (r.filters.includes('invoice_date')) q['invoice_date[gte]'] = months[0].key + '-01';
        const rows = await listAll(r.path, q, { max: 50000 });
        const sums = Object.fromEntries(months.map((m) => [m.key, '0.00']));
        for (const i of rows) {
          if (['draft', 'cancelled', 'void'].includes(i.status) || (i.currency && i.currency !== cur)) continue;
          const k = monthKey(i.invoice_date || i.created_at);
          if (k in sums) sums[k] = addMoney(sums[k], invTotal(i));
        }
        setRev({ data: months.map((m) => ({ ...m, value: sums[m.key] })), source: 'computed from GET /api/v1/invoices (finalized invoice totals by invoice date)' });
      } catch (e) { setRev({ error: e }); }
    })();
    // activity
    (async () => {
      if (!has('audit_logs')) return;
      try {
        const page = await request('GET', 'audit_logs', { query: { limit: 8 } });
        setActivity(page.data);
      } catch { setActivity([]); }
    })();
    // upcoming bill runs
    (async () => {
      try {
        if (endpoint('billing/upcoming')) {
          const out = await request('GET', 'billing/upcoming', { query: { days: 30 } });
          setRuns({ data: out.data || out, source: 'GET /api/v1/billing/upcoming' });
        } else if (has('customer_billing_plans')) {
          const r = res('customer_billing_plans');
          const nextField = ['next_billing_date', 'next_bill_date', 'current_period_end', 'next_run_date'].find((f) => r.fieldMap[f]);
          const q = { limit: 6 };
          if (nextField && r.sortable.includes(nextField)) q.order = nextField;
          if (r.filters.includes('is_active')) q.is_active = 'true';
          const page = await request('GET', r.path, { query: q });
          setRuns({ data: page.data.map((p) => ({ customer_id: p.customer_id, plan_id: p.plan_id || p.billing_plan_id, date: nextField ? p[nextField] : null, through: p.charged_through, start: p.start_date, id: p.id })), source: 'computed from GET /api/v1/customer_billing_plans', nextField });
        } else setRuns({ data: [] });
      } catch { setRuns({ data: [] }); }
    })();
    (async () => {
      const c = {};
      for (const t2 of ['customers', 'invoices', 'receipts']) {
        if (!has(t2)) continue;
        try { const p = await request('GET', t2, { query: { limit: 1 } }); c[t2] = p.data.length; } catch { /* ignore */ }
      }
      if (has('customers') && !hasInv) {
        try {
          const n = (await listAll('customers', res('customers').filters.includes('is_active') ? { is_active: 'true' } : {}, { max: 2000 })).length;
          c.customersTotal = n >= 2000 ? '2,000+' : n;
        } catch { /* ignore */ }
      }
      setCounts(c);
    })();
  }, []);

  const hello = user?.first_name ? `Good ${new Date().getHours() < 12 ? 'morning' : new Date().getHours() < 18 ? 'afternoon' : 'evening'}, ${user.first_name}` : 'Overview';
  const gettingStarted = counts.customers === 0 || (hasInv && counts.invoices === 0);
  return (
    <div class="page">
      <PageHead title={hello} sub={`${tenant?.name || ''} · amounts in ${cur}`}>
        {has('customers') && <LinkButton href="/r/customers/new" icon="plus">Customer</LinkButton>}
        {hasInv && <LinkButton kind="primary" href="/invoices/new" icon="plus">Invoice</LinkButton>}
      </PageHead>
      {gettingStarted && (
        <Card class="getting-started" title="Get started">
          <ol class="steps">
            <li class={counts.customers > 0 ? 'done' : ''}><Icon name="check" size={14} /><Link href="/r/customers/new">Add your first customer</Link></li>
            {hasInv && <li class={counts.invoices > 0 ? 'done' : ''}><Icon name="check" size={14} /><Link href="/invoices/new">Create and finalize an invoice</Link></li>}
            {has('receipts') && <li class={counts.receipts > 0 ? 'done' : ''}><Icon name="check" size={14} /><Link href="/r/receipts/new">Record a payment</Link></li>}
            <li><Icon name="check" size={14} /><Link href="/settings">Fill in your company profile</Link></li>
          </ol>
        </Card>
      )}
      <section class="stats" aria-label="Receivables">
        {!hasInv ? (
          <>
            <Stat label="Customers" icon="users" value={counts.customersTotal ?? '…'} sub="Active accounts" />
            <Stat label="Receivables" icon="file" value="—" sub="Invoicing is not enabled on this server yet" />
            <Stat label="Trial" icon="clock" value={tenant?.subscription_status === 'trial' && tenant?.trial_end_date ? `${Math.max(0, Math.ceil((Date.parse(tenant.trial_end_date) - Date.now()) / 86400000))} days left` : humanize(tenant?.subscription_status || '—')} sub={tenant?.trial_end_date ? `Ends ${date(tenant.trial_end_date)}` : null} />
          </>
        ) : !recv ? <Stat label="Outstanding" value={<span class="skeleton" />} /> : recv.error ? <Stat label="Outstanding" value="—" sub={recv.error.message} /> : (
          <>
            <Stat label="Outstanding" icon="file" value={money(recv.outstanding, cur)} sub={`${recv.nOpen} open invoice${recv.nOpen === 1 ? '' : 's'}`} />
            <Stat label="Overdue" icon="alert" tone={recv.nOver ? 'red' : null} value={money(recv.overdue, cur)} sub={`${recv.nOver} past due`} />
            <Stat label="Due this week" icon="clock" value={money(recv.week, cur)} sub={`${recv.nWeek} due in the next 7 days`} />
          </>
        )}
      </section>
      <div class="dash-grid">
        <Card title="Revenue by month" id="rev-h" class="span2">
          {!hasInv && !rev ? <Empty icon="chart" title="No revenue yet">Revenue appears here once invoices are finalized.</Empty>
            : !rev ? <Spinner /> : rev.error ? <p class="muted">{rev.error.message}</p>
              : <><BarChart data={rev.data} currency={cur} label="Revenue by month, last 12 months" /><Foot>Last 12 months · {rev.source}</Foot></>}
        </Card>
        <Card title="AR aging" id="aging-h">
          {!aging ? (hasInv ? <Spinner /> : <Empty icon="clock" title="Nothing owed">Aging buckets fill in as invoices fall due.</Empty>)
            : <><HBars data={aging.data} currency={cur} label="Receivables by age" /><Foot>{aging.source}</Foot></>}
        </Card>
        <Card title="Recent activity" id="act-h" actions={has('audit_logs') && <Link href="/audit" class="small">View all</Link>}>
          {!activity ? <Spinner /> : activity.length === 0 ? <p class="muted">No activity yet.</p> : (
            <ul class="feed">
              {activity.map((a) => <ActivityItem key={a.id} a={a} />)}
            </ul>
          )}
        </Card>
        <Card title="Upcoming bill runs" id="runs-h" actions={endpoint('billing/runs', 'POST') && <Link href="/billing/run" class="small">Bill runs</Link>}>
          {!runs ? <Spinner /> : runs.data.length === 0 ? (
            <Empty icon="play" title="No bill runs scheduled">{has('billing_plans') ? <>Assign a <Link href="/r/billing_plans">billing plan</Link> to a customer to schedule one.</> : 'Bill runs appear here once the billing engine has plans to run.'}</Empty>
          ) : (
            <>
              <ul class="feed">
                {runs.data.slice(0, 6).map((x, i) => (
                  <li key={x.id || i}>
                    <span class="feed-dot" />
                    <div><RefCell table="customers" id={x.customer_id} />{x.plan_id && <> · <RefCell table="billing_plans" id={x.plan_id} /></>}
                      <div class="muted small">{x.date ? (x.overdue ? `due ${date(x.date)}, not billed yet` : `next bill ${date(x.date)}`) : x.through ? `billed through ${date(x.through)}` : x.start ? `from ${date(x.start)}, not billed yet` : 'active plan'}{x.amount ? ' · ' + money(x.amount, x.currency) : ''}</div></div>
                  </li>
                ))}
              </ul>
              <Foot>{runs.source}</Foot>
            </>
          )}
        </Card>
      </div>
    </div>
  );
}

function pastTense(verb) {
  const v = String(verb || '').replace(/_/g, ' ');
  const known = { create: 'created', update: 'updated', delete: 'deleted', issue: 'issued', apply: 'applied', cancel: 'cancelled', bounce: 'bounced', clear: 'cleared', allocate: 'allocated to', release: 'released' };
  if (known[v]) return known[v];
  return /e$/.test(v) ? v + 'd' : v + 'ed';
}

function EntityName({ table, id, fallback }) {
  const label = useLabel(table, fallback ? null : id);
  return <Link href={`/r/${table}/${id}`}>{fallback || label || '…'}</Link>;
}

export function ActivityItem({ a }) {
  const r = res(a.entity_type);
  const v = a.new_values || a.old_values || {};
  const what = r ? r.one.toLowerCase() : humanize(a.entity_type || 'record').toLowerCase();
  // the audit row may hold only the changed fields: a name from it, else the row's own label
  const own = r && Object.keys(v).some((k) => ['name', 'title', 'invoice_number', 'receipt_number', 'credit_note_number', 'first_name', 'email', 'code'].includes(k) && v[k]) ? rowLabel(r, v) : null;
  return (
    <li>
      <span class={'feed-dot dot-' + (a.action || 'x')} />
      <div>
        <span><strong>{a.user_email || 'System'}</strong> {pastTense(a.action)} {what}{' '}
          {a.entity_id && r && r.canList && !r.parent && a.action !== 'delete' ? <EntityName table={a.entity_type} id={a.entity_id} fallback={own} /> : own}</span>
        <div class="muted small">{ago(a.created_at)}</div>
      </div>
    </li>
  );
}
