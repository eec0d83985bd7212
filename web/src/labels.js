// labels.js — turns reference ids into the words people read (a customer's name for customer_id),
// batched per table per tick (?id[in]=a,b,c when the table filters by id) and cached per session.
import { useEffect, useState } from 'preact/hooks';
import { request } from './api.js';
import { res, rowLabel } from './schema.js';

const cache = new Map();      // "table:id" -> label
const pending = new Map();    // table -> Set(ids)
const waiters = new Set();
let timer = null;

export function clearLabels() { cache.clear(); }
export function rememberLabel(table, row) {
  if (row && row.id) cache.set(table + ':' + row.id, rowLabel(res(table), row));
}
export function cachedLabel(table, id) { return cache.get(table + ':' + id); }

function flush() {
  timer = null;
  const jobs = [...pending.entries()];
  pending.clear();
  Promise.all(jobs.map(async ([table, ids]) => {
    const r = res(table);
    const list = [...ids];
    if (!r) { list.forEach((id) => cache.set(table + ':' + id, id.slice(-6))); return; }
    try {
      if (r.filters.includes('id') && r.path && !r.parent) {
        for (let i = 0; i < list.length; i += 100) {
          const chunk = list.slice(i, i + 100);
          const page = await request('GET', r.path, { query: { 'id[in]': chunk.join(','), limit: 500 } });
          page.data.forEach((row) => rememberLabel(table, row));
        }
      } else if (r.path && !r.parent) {
        await Promise.all(list.map((id) => request('GET', r.path + '/' + id).then((row) => rememberLabel(table, row)).catch(() => {})));
      }
    } catch { /* shown as ids */ }
    list.forEach((id) => { if (!cache.has(table + ':' + id)) cache.set(table + ':' + id, '(not found)'); });
  })).then(() => waiters.forEach((w) => w()));
}

export function useLabel(table, id) {
  const key = table + ':' + id;
  const [, force] = useState(0);
  useEffect(() => {
    if (!id || cache.has(key)) return;
    if (!pending.has(table)) pending.set(table, new Set());
    pending.get(table).add(id);
    const w = () => force((n) => n + 1);
    waiters.add(w);
    if (!timer) timer = setTimeout(flush, 0);
    return () => waiters.delete(w);
  }, [key]);
  return id ? cache.get(key) : '';
}
