import { NotFound } from './resource.jsx';
export function BillRun() { return <NotFound />; }
