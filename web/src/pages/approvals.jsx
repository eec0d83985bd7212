import { ListPage } from './resource.jsx';
export function Approvals() { return <ListPage table="approvals" />; }
