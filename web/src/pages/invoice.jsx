// pages/invoice.jsx — placeholder replaced below
import { DetailPage, NewPage } from './resource.jsx';
export function InvoiceEditor() { return <NewPage table="invoices" />; }
export function InvoiceView({ id }) { return <DetailPage table="invoices" id={id} />; }
