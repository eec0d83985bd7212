// pages/approvals.jsx — the approvals inbox: what waits for someone with the permission (long
// time entries, large usage, big discounts), with the approve / reject actions the server
// declares for the approvals table. Decided items stay listed under "Decided".
import { useEffect, useState } from 'preact/hooks';
import { request } from '../api.js';
import { res, humanize, rowLabel } from '../schema.js';
import { dateTime, money, ago } from '../format.js';
import { ResourceList, RefCell, Cell } from '../table.jsx';
import { Badge, Button, Card, Empty, ErrorBanner, Spinner, Tabs, toast } from '../ui.jsx';
import { ActionDialog, PageHead, NotFound } from './resource.jsx';

const WAITING = ['pending', 'waiting', 'requested', 'open'];

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
    request('GET', r.path, { query: q }).then((p) => setRows(p.data.filter((x) => !x.status || waiting.includes(x.status)))).catch((e) => { setErr(e); setRows([]); });
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
                    <div><strong>{rowLabel(r, row)}</strong> <Badge value={row.status} /><div class="muted small">{ago(row.created_at)}</div></div>
                    <div class="page-actions">
                      {acts.map((a) => <Button key={a.verb} kind={/reject|deny|decline/.test(a.verb) ? 'secondary' : 'primary'} onClick={() => setActing({ row, a })}>{humanize(a.verb)}</Button>)}
                    </div>
                  </div>
                  <dl class="dl">
                    {summary.map((f) => <div class="dl-row" key={f.name}><dt>{f.label}</dt><dd><Cell field={f} row={row} /></dd></div>)}
                  </dl>
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
