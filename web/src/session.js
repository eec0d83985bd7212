// session.js — who is signed in (user + tenant), and the organisations this browser has signed in
// to, for switching between them. Only names, slugs and emails are kept in localStorage; the
// session itself is an HttpOnly cookie and the CSRF token lives in memory (api.js).
import { useEffect, useState } from 'preact/hooks';

let current = { user: null, tenant: null };
const subs = new Set();
export function getSession() { return current; }
export function setSession(s) {
  current = s;
  if (s.user && s.tenant) rememberOrg(s.tenant, s.user);
  subs.forEach((f) => f(current));
}
export function useSession() {
  const [s, set] = useState(current);
  useEffect(() => { subs.add(set); return () => subs.delete(set); }, []);
  return s;
}

const KEY = 'remit.orgs';
export function knownOrgs() {
  try { const v = JSON.parse(localStorage.getItem(KEY)); return Array.isArray(v) ? v : []; } catch { return []; }
}
function rememberOrg(tenant, user) {
  const list = knownOrgs().filter((o) => !(o.slug === tenant.slug && o.email === user.email));
  list.unshift({ slug: tenant.slug, name: tenant.name, email: user.email, at: new Date().toISOString() });
  localStorage.setItem(KEY, JSON.stringify(list.slice(0, 8)));
}
export function forgetOrg(slug, email) {
  localStorage.setItem(KEY, JSON.stringify(knownOrgs().filter((o) => !(o.slug === slug && o.email === email))));
}
