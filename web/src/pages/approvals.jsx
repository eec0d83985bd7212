// pages/approvals.jsx — the approvals inbox: what waits for someone with the permission (long
// time entries, large usage, big discounts), with the approve / reject actions the server
// declares for the approvals table. Decided items stay listed under "Decided".
import { useEffect, useState } from 'preact/hooks';
import { request } from '../api.js';
import { res, has, humanize } from '../schema.js';
import { date, money, ago } from '../format.js';
import { ResourceList, RefCell, Cell } from '../table.jsx';
import { Badge, Button, Card, Empty, ErrorBanner, Spinner, Tabs, toast } from '../ui.jsx';
import { ActionDialog, PageHead, NotFound } from './resource.jsx';

const WAITING = ['pending', 'waiting', 'requested', 'open'];
// where the item an approval is about lives, and how to say what it is
const ITEMS = { time_entry: 'time_entries', usage: 'usage_records', discount: 'discounts' };

function hours(min) {
  const m = Number(min) || 0;
  return `${Math.floor(m / 60)} h${m % 60 ? ` ${m % 60} min` : ''}`;
}

// What the approver decides on: the entry, record or discount itself, not the request's id.
function ItemFacts({ type, item }) {
  if (!item) return <p class="muted small">The item is no longer readable.</p>;
  const facts = [];
  if (type === 'time_entry') {
    facts.push(['Time', `${hours(item.duration)} on ${date(item.work_date || item.start_time)}`]);
    facts.push(['Customer', <RefCell table="customers" id={item.customer_id} />]);
    if (item.user_id) facts.push(['Worked by', <RefCell table="users" id={item.user_id} />]);
    facts.push(['Service', <RefCell table="services" id={item.service_id} />]);
  } else if (type === 'usage') {
    facts.push(['Quantity', `${item.quantity} on ${date(item.usage_date)}`]);
    facts.push(['Customer', <RefCell table="customers" id={item.customer_id} />]);
    facts.push(['Service', <RefCell table="services" id={item.service_id} />]);
  } else if (type === 'discount') {
    facts.push(['Discount', `${item.discount_name}: ${item.discount_type === 'percentage' ? item.value + ' %' : money(item.value)}`]);
    if (item.start_date || item.end_date) facts.push(['In force', `${item.start_date ? date(item.start_date) : '…'} – ${item.end_date ? date(item.end_date) : '…'}`]);
  }
  if (item.description) facts.push(['Description', item.description]);
  return <dl class="dl">{facts.map(([k, v]) => <div class="dl-row" key={k}><dt>{k}</dt><dd>{v}</dd></div>)}</dl>;
}

export function Approvals() {
  const r = res('approvals');
  const [tab, setTab] = useState('waiting');
  const [rows, setRows] = useState(null);
  const [err, setErr] = useState(null);
  const [acting, setActing] = useState(null);
  const [k, setK] = useState(0);
  const statusField = r && r.fieldMap.status;
  const waiting = statusField?.enum ? statusField.enum.filter((s) => WAITING.includes(s)) : WAITING;
  useEffect(() => {
    if (!r || tab !== 'waiting') return;
    setRows(null);
    const q = { limit: 100 };
    if (r.filters.includes('status')) q['status[in]'] = waiting.join(',');
    request('GET', r.path, { query: q }).then(async (p) => {
      const list = p.data.filter((x) => !x.status || waiting.includes(x.status));
      // each request with the item it is about (read in parallel; an unreadable one shows as such)
      const items = await Promise.all(list.map((x) => ITEMS[x.item_type] && has(ITEMS[x.item_type])
        ? request('GET', `${ITEMS[x.item_type]}/${x.item_id}`).catch(() => null) : Promise.resolve(undefined)));
      setRows(list.map((x, i) => ({ ...x, _item: items[i] })));
    }).catch((e) => { setErr(e); setRows([]); });
  }, [tab, k]);
  if (!r) return <NotFound />;
  const acts = r.actions.filter((a) => a.method === 'POST');
  const summary = r.fields.filter((f) => !f.system && !['status', 'id'].includes(f.name) && (f.type === 'ref' || f.type === 'money' || f.type === 'decimal' || f.name.includes('reason') || f.name.includes('type'))).slice(0, 6);
  return (
    <div class="page">
      <PageHead title="Approvals" sub="Work that is not billed until someone with the permission approves it." />
      <Tabs tabs={[{ id: 'waiting', label: 'Waiting', count: rows ? rows.length : null }, { id: 'all', label: 'All' }]} value={tab} onChange={setTab} label="Approvals" />
      {tab === 'waiting' ? (
        <div role="tabpanel" aria-labelledby="tab-waiting">
          <ErrorBanner error={err} />
          {!rows ? <Spinner /> : rows.length === 0 ? <Empty icon="inbox" title="Nothing waits for approval">Time entries and usage over your thresholds appear here.</Empty> : (
            <div class="inbox">
              {rows.map((row) => (
                <Card key={row.id} class="inbox-item">
                  <div class="inbox-top">
                    <div><strong>{humanize(row.item_type || 'item')}</strong> <Badge value={row.status} /><div class="muted small">requested {ago(row.created_at)}{row.requested_by && <> by <RefCell table="users" id={row.requested_by} link={false} /></>}</div></div>
                    <div class="page-actions">
                      {acts.map((a) => <Button key={a.verb} kind={/reject|deny|decline/.test(a.verb) ? 'secondary' : 'primary'} onClick={() => setActing({ row, a })}>{humanize(a.verb)}</Button>)}
                    </div>
                  </div>
                  {row.reason && <p class="inbox-reason">{row.reason}</p>}
                  {row._item !== undefined ? <ItemFacts type={row.item_type} item={row._item} /> : (
                    <dl class="dl">
                      {summary.map((f) => <div class="dl-row" key={f.name}><dt>{f.label}</dt><dd><Cell field={f} row={row} /></dd></div>)}
                    </dl>
                  )}
                </Card>
              ))}
            </div>
          )}
        </div>
      ) : (
        <div role="tabpanel" aria-labelledby="tab-all"><Card><ResourceList key={k} resource={r} embedded newHref={false} /></Card></div>
      )}
      {acting && <ActionDialog r={r} row={acting.row} action={acting.a} onClose={() => setActing(null)}
        onDone={() => { setActing(null); toast(`${humanize(acting.a.verb)}d`); setK(k + 1); }} />}
    </div>
  );
}
