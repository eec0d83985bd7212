// app.jsx — the shell: sidebar navigation (main flows first, then every other table under
// "All data"), the top bar with the command palette (Ctrl+K) and the account menu (switch
// organisation, sign out), and the route table.
import { useEffect, useRef, useState } from 'preact/hooks';
import { signOut } from './api.js';
import { has, res, schema, endpoint } from './schema.js';
import { useLocation, match, navigate, onLinkClick } from './router.js';
import { useSession, knownOrgs } from './session.js';
import { clearLabels } from './labels.js';
import { Icon, Link, Toasts } from './ui.jsx';
import { Dashboard } from './pages/dashboard.jsx';
import { ListPage, NewPage, DetailPage, AllData, NotFound } from './pages/resource.jsx';
import { AuditLog } from './pages/audit.jsx';
import { Settings } from './pages/settings.jsx';
import { hand } from './pages/hand.js';

// The main flows, in the order a billing team works. A table shows only when the server has it.
const NAV = [
  { section: null, items: [{ href: '/', label: 'Dashboard', icon: 'home' }] },
  { section: 'Receivables', items: [
    { table: 'customers', icon: 'users' },
    { table: 'invoices', icon: 'file' },
    { table: 'receipts', icon: 'receipt', label: 'Receipts' },
    { table: 'credit_notes', icon: 'credit' },
    { table: 'quotes', icon: 'file' },
  ] },
  { section: 'Billing', items: [
    { table: 'billing_plans', icon: 'layers', label: 'Plans' },
    { table: 'customer_billing_plans', icon: 'users', label: 'Plan assignments' },
    { table: 'services', icon: 'box', label: 'Service catalog' },
    { href: '/billing/run', label: 'Bill runs', icon: 'play', when: () => endpoint('billing/runs', 'POST') || endpoint('billing/preview', 'POST') || has('billing_plans') },
    { href: '/approvals', label: 'Approvals', icon: 'inbox', when: () => has('approvals') },
    { table: 'time_entries', icon: 'clock' },
    { table: 'usage_records', icon: 'chart' },
  ] },
  { section: 'Organisation', items: [
    { table: 'contacts', icon: 'users' },
    { href: '/audit', label: 'Audit log', icon: 'shield', when: () => has('audit_logs') },
    { href: '/settings', label: 'Settings', icon: 'settings' },
    { href: '/data', label: 'All data', icon: 'database' },
  ] },
];

function navItems() {
  return NAV.map((s) => ({
    section: s.section,
    items: s.items.filter((i) => (i.table ? has(i.table) : i.when ? i.when() : true))
      .map((i) => (i.table ? { href: hand.listHref(i.table), label: i.label || res(i.table).label, icon: i.icon, table: i.table } : i)),
  })).filter((s) => s.items.length);
}

function isActive(item, path) {
  if (item.href === '/') return path === '/';
  if (item.table) return path.startsWith('/r/' + item.table) || path.startsWith('/' + item.table);
  return path.startsWith(item.href);
}

function Sidebar({ path, open, onClose }) {
  const { tenant } = useSession();
  return (
    <>
      <nav class={'sidebar' + (open ? ' open' : '')} aria-label="Main">
        <div class="sidebar-head">
          <a href="/" class="brand" onClick={onLinkClick}><span class="logo">R</span>Remit</a>
          <button type="button" class="icon-btn sidebar-close" aria-label="Close menu" onClick={onClose}><Icon name="x" /></button>
        </div>
        <div class="org-chip" title={tenant?.name}><span class="avatar avatar-sm">{(tenant?.name || '?')[0].toUpperCase()}</span><span class="clip">{tenant?.name}</span></div>
        {navItems().map((s, i) => (
          <div class="nav-section" key={i}>
            {s.section && <div class="nav-title">{s.section}</div>}
            <ul>
              {s.items.map((it) => (
                <li key={it.href}>
                  <a href={it.href} onClick={(e) => { onLinkClick(e); onClose(); }} class={'nav-link' + (isActive(it, path) ? ' active' : '')} aria-current={isActive(it, path) ? 'page' : undefined}>
                    <Icon name={it.icon} size={17} /><span>{it.label}</span>
                  </a>
                </li>
              ))}
            </ul>
          </div>
        ))}
      </nav>
      {open && <div class="scrim" onClick={onClose} />}
    </>
  );
}

function Palette({ onClose }) {
  const [q, setQ] = useState('');
  const [i, setI] = useState(0);
  const ref = useRef(null);
  useEffect(() => ref.current.focus(), []);
  const all = [
    ...navItems().flatMap((s) => s.items.map((it) => ({ label: it.label, href: it.href, hint: 'Go to' }))),
    ...Object.values(schema().resources).filter((r) => r.canList && !r.parent).map((r) => ({ label: r.label, href: '/r/' + r.name, hint: 'Table' })),
    ...Object.values(schema().resources).filter((r) => r.canCreate && !r.parent).map((r) => ({ label: `New ${r.one.toLowerCase()}`, href: hand.newHref(r.name), hint: 'Create' })),
  ];
  const seen = new Set();
  const items = all.filter((x) => { const k = x.href + x.label; if (seen.has(k)) return false; seen.add(k); return !q || x.label.toLowerCase().includes(q.toLowerCase()); }).slice(0, 12);
  const go = (x) => { onClose(); navigate(x.href); };
  return (
    <div class="modal-backdrop palette-backdrop" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div class="palette" role="dialog" aria-modal="true" aria-label="Go to">
        <div class="search search-lg">
          <Icon name="search" size={16} />
          <input ref={ref} role="combobox" aria-expanded="true" aria-controls="pal-list" aria-activedescendant={items[i] ? 'pal-' + i : undefined}
            placeholder="Go to a page, a table, or create something…" value={q}
            onInput={(e) => { setQ(e.target.value); setI(0); }}
            onKeyDown={(e) => {
              if (e.key === 'ArrowDown') { e.preventDefault(); setI(Math.min(i + 1, items.length - 1)); }
              else if (e.key === 'ArrowUp') { e.preventDefault(); setI(Math.max(i - 1, 0)); }
              else if (e.key === 'Enter' && items[i]) go(items[i]);
              else if (e.key === 'Escape') onClose();
            }} />
        </div>
        <ul id="pal-list" role="listbox" class="palette-list">
          {items.map((x, j) => (
            <li key={x.href + x.label} id={'pal-' + j} role="option" aria-selected={i === j} class={i === j ? 'active' : ''}
              onMouseDown={(e) => { e.preventDefault(); go(x); }} onMouseEnter={() => setI(j)}>
              <span>{x.label}</span><span class="muted small">{x.hint}</span>
            </li>
          ))}
        </ul>
      </div>
    </div>
  );
}

function AccountMenu() {
  const { user, tenant } = useSession();
  const [open, setOpen] = useState(false);
  const ref = useRef(null);
  useEffect(() => {
    if (!open) return;
    const close = (e) => { if (!ref.current.contains(e.target)) setOpen(false); };
    const esc = (e) => { if (e.key === 'Escape') setOpen(false); };
    document.addEventListener('mousedown', close);
    document.addEventListener('keydown', esc);
    return () => { document.removeEventListener('mousedown', close); document.removeEventListener('keydown', esc); };
  }, [open]);
  const others = knownOrgs().filter((o) => !(o.slug === tenant?.slug && o.email === user?.email));
  const name = [user?.first_name, user?.last_name].filter(Boolean).join(' ') || user?.email;
  const out = async (to) => { await signOut(); clearLabels(); location.assign(to || '/login'); };
  return (
    <div class="menu" ref={ref}>
      <button type="button" class="account-btn" aria-expanded={open} aria-haspopup="true" onClick={() => setOpen(!open)}>
        <span class="avatar">{(name || '?')[0].toUpperCase()}</span>
        <span class="account-name">{name}</span>
        <Icon name="chevronDown" size={14} />
      </button>
      {open && (
        <div class="menu-pop menu-right account-pop">
          <div class="menu-head"><strong>{name}</strong><span class="muted small">{user?.email}</span><span class="muted small">{tenant?.name} · {user?.role}</span></div>
          {others.length > 0 && <div class="menu-title">Switch organisation</div>}
          {others.map((o) => (
            <button type="button" key={o.slug + o.email} class="menu-item" onClick={() => out(`/login?tenant=${encodeURIComponent(o.slug)}&email=${encodeURIComponent(o.email)}`)}>
              <Icon name="swap" size={15} />{o.name}<span class="muted small">{o.email}</span>
            </button>
          ))}
          <button type="button" class="menu-item" onClick={() => out('/login?switch=1')}><Icon name="plus" size={15} />Sign in to another organisation</button>
          <a href="/settings" class="menu-item" onClick={(e) => { onLinkClick(e); setOpen(false); }}><Icon name="settings" size={15} />Settings</a>
          <button type="button" class="menu-item" onClick={() => out()} data-testid="sign-out"><Icon name="logout" size={15} />Sign out</button>
        </div>
      )}
    </div>
  );
}

function route(path) {
  let m;
  for (const [pattern, view] of hand.routes) if ((m = match(pattern, path))) return view(m);
  if (path === '/') return <Dashboard />;
  if (path === '/data') return <AllData />;
  if (path === '/audit') return <AuditLog />;
  if (path === '/settings') return <Settings />;
  if ((m = match('/settings/:tab', path))) return <Settings tab={m.tab} />;
  if ((m = match('/r/:table', path))) return hand.listView(m.table) || <ListPage table={m.table} />;
  if ((m = match('/r/:table/new', path))) return hand.newView(m.table) || <NewPage table={m.table} />;
  if ((m = match('/r/:table/:id', path))) return hand.detailView(m.table, m.id) || <DetailPage key={m.table + m.id} table={m.table} id={m.id} />;
  return <NotFound />;
}

export function App() {
  const { path } = useLocation();
  const [menu, setMenu] = useState(false);
  const [palette, setPalette] = useState(false);
  useEffect(() => {
    const k = (e) => { if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'k') { e.preventDefault(); setPalette(true); } };
    document.addEventListener('keydown', k);
    return () => document.removeEventListener('keydown', k);
  }, []);
  // After a navigation (not the first load), focus moves to the new page's content.
  const first = useRef(true);
  useEffect(() => {
    if (first.current) { first.current = false; return; }
    document.getElementById('main')?.focus({ preventScroll: true });
  }, [path]);
  return (
    <div class="shell">
      <a href="#main" class="skip">Skip to content</a>
      <Sidebar path={path} open={menu} onClose={() => setMenu(false)} />
      <div class="content">
        <header class="topbar">
          <button type="button" class="icon-btn hamburger" aria-label="Open menu" onClick={() => setMenu(true)}><Icon name="menu" /></button>
          <button type="button" class="search-btn" onClick={() => setPalette(true)}>
            <Icon name="search" size={16} /><span>Search or jump to…</span><kbd>Ctrl K</kbd>
          </button>
          <div class="toolbar-spacer" />
          <AccountMenu />
        </header>
        <main id="main" tabIndex={-1}>{route(path)}</main>
      </div>
      {palette && <Palette onClose={() => setPalette(false)} />}
      <Toasts />
    </div>
  );
}
