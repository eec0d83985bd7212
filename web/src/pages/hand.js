// pages/hand.js — where the hand-made screens plug into the generic ones: extra routes, and
// per-table overrides of the list link, the "new" screen and the detail screen. A table with no
// entry here gets the generic screens (pages/resource.jsx).
import { h } from 'preact';
import { has } from '../schema.js';
import { Customer360 } from './customer.jsx';
import { InvoiceEditor, InvoiceView } from './invoice.jsx';
import { ReceiptNew, ReceiptView } from './receipt.jsx';
import { BillRun } from './billrun.jsx';
import { Approvals } from './approvals.jsx';
import { CatalogPage } from './catalog.jsx';

export const hand = {
  routes: [
    ['/invoices/new', () => h(InvoiceEditor, {})],
    ['/invoices/:id/edit', (m) => h(InvoiceEditor, { id: m.id, key: m.id })],
    ['/billing/run', () => h(BillRun, {})],
    ['/approvals', () => h(Approvals, {})],
  ],
  listHref: (t) => '/r/' + t,
  listView: (t) => (t === 'services' || t === 'billing_plans' ? h(CatalogPage, { table: t, key: t }) : null),
  newHref: (t) => (t === 'invoices' && has('invoices') ? '/invoices/new' : '/r/' + t + '/new'),
  newView: (t) => {
    if (t === 'invoices') return h(InvoiceEditor, {});
    if (t === 'receipts') return h(ReceiptNew, {});
    return null;
  },
  detailView: (t, id) => {
    if (t === 'customers') return h(Customer360, { id, key: id });
    if (t === 'invoices') return h(InvoiceView, { id, key: id });
    if (t === 'receipts') return h(ReceiptView, { id, key: id });
    return null;
  },
};
