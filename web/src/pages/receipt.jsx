import { DetailPage, NewPage } from './resource.jsx';
export function ReceiptNew() { return <NewPage table="receipts" />; }
export function ReceiptView({ id }) { return <DetailPage table="receipts" id={id} />; }
