// ui.jsx — the console's small component kit: icons, buttons, badges, modals, toasts, progress,
// empty states. Plain Preact and CSS (styles.css); every control is a native element or follows
// the WAI-ARIA pattern for its role, so keyboard and screen readers work.
import { useEffect, useRef, useState } from 'preact/hooks';
import { onLinkClick } from './router.js';

const PATHS = {
  home: 'M3 10.5 12 3l9 7.5V20a1 1 0 0 1-1 1h-5v-6H9v6H4a1 1 0 0 1-1-1z',
  users: 'M16 19v-1a4 4 0 0 0-4-4H6a4 4 0 0 0-4 4v1M9 10a3.5 3.5 0 1 0 0-7 3.5 3.5 0 0 0 0 7M22 19v-1a4 4 0 0 0-3-3.87M16 3.13a4 4 0 0 1 0 7.75',
  file: 'M14 3H7a2 2 0 0 0-2 2v14a2 2 0 0 0 2 2h10a2 2 0 0 0 2-2V8zM14 3v5h5M9 13h6M9 17h6',
  receipt: 'M5 3v18l2.5-1.5L10 21l2-1.5 2 1.5 2.5-1.5L19 21V3l-2.5 1.5L14 3l-2 1.5L10 3 7.5 4.5zM9 9h6M9 13h6',
  credit: 'M3 7h18v10H3zM3 11h18M7 15h3',
  layers: 'M12 3 2 8l10 5 10-5zM2 13l10 5 10-5M2 17.5l10 5 10-5',
  box: 'M21 8 12 3 3 8v8l9 5 9-5zM3 8l9 5 9-5M12 13v8',
  play: 'M6 4v16l14-8z',
  check: 'M20 6 9 17l-5-5',
  shield: 'M12 3 4 6v6c0 5 3.5 8 8 9 4.5-1 8-4 8-9V6z',
  key: 'M15 7a4 4 0 1 1-3.87 5H3v3h3v3h3v-3h2.13A4 4 0 0 1 15 7zM16 10h.01',
  settings: 'M12 15a3 3 0 1 0 0-6 3 3 0 0 0 0 6zM19.4 15a1.7 1.7 0 0 0 .3 1.8l.1.1a2 2 0 1 1-2.8 2.8l-.1-.1a1.7 1.7 0 0 0-1.8-.3 1.7 1.7 0 0 0-1 1.5V21a2 2 0 1 1-4 0v-.1a1.7 1.7 0 0 0-1.1-1.5 1.7 1.7 0 0 0-1.8.3l-.1.1a2 2 0 1 1-2.8-2.8l.1-.1a1.7 1.7 0 0 0 .3-1.8 1.7 1.7 0 0 0-1.5-1H3a2 2 0 1 1 0-4h.1a1.7 1.7 0 0 0 1.5-1.1 1.7 1.7 0 0 0-.3-1.8l-.1-.1a2 2 0 1 1 2.8-2.8l.1.1a1.7 1.7 0 0 0 1.8.3H9a1.7 1.7 0 0 0 1-1.5V3a2 2 0 1 1 4 0v.1a1.7 1.7 0 0 0 1 1.5 1.7 1.7 0 0 0 1.8-.3l.1-.1a2 2 0 1 1 2.8 2.8l-.1.1a1.7 1.7 0 0 0-.3 1.8V9a1.7 1.7 0 0 0 1.5 1H21a2 2 0 1 1 0 4h-.1a1.7 1.7 0 0 0-1.5 1z',
  list: 'M8 6h13M8 12h13M8 18h13M3 6h.01M3 12h.01M3 18h.01',
  search: 'M11 19a8 8 0 1 0 0-16 8 8 0 0 0 0 16zM21 21l-4.35-4.35',
  plus: 'M12 5v14M5 12h14',
  x: 'M18 6 6 18M6 6l12 12',
  menu: 'M3 6h18M3 12h18M3 18h18',
  filter: 'M22 3H2l8 9.46V19l4 2v-8.54z',
  columns: 'M12 3v18M3 3h18v18H3z',
  download: 'M21 15v4a2 2 0 0 1-2 2H5a2 2 0 0 1-2-2v-4M7 10l5 5 5-5M12 15V3',
  upload: 'M21 15v4a2 2 0 0 1-2 2H5a2 2 0 0 1-2-2v-4M17 8l-5-5-5 5M12 3v12',
  chevronDown: 'M6 9l6 6 6-6',
  chevronRight: 'M9 6l6 6-6 6',
  chevronLeft: 'M15 6l-6 6 6 6',
  arrowUp: 'M12 19V5M5 12l7-7 7 7',
  arrowDown: 'M12 5v14M19 12l-7 7-7-7',
  logout: 'M9 21H5a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2h4M16 17l5-5-5-5M21 12H9',
  clock: 'M12 21a9 9 0 1 0 0-18 9 9 0 0 0 0 18zM12 7v5l3 3',
  alert: 'M10.3 3.9 1.8 18a2 2 0 0 0 1.7 3h17a2 2 0 0 0 1.7-3L13.7 3.9a2 2 0 0 0-3.4 0zM12 9v4M12 17h.01',
  trash: 'M3 6h18M8 6V4a2 2 0 0 1 2-2h4a2 2 0 0 1 2 2v2M19 6l-1 14a2 2 0 0 1-2 2H8a2 2 0 0 1-2-2L5 6',
  edit: 'M12 20h9M16.5 3.5a2.1 2.1 0 1 1 3 3L7 19l-4 1 1-4z',
  database: 'M12 8c4.97 0 9-1.34 9-3s-4.03-3-9-3-9 1.34-3 3 4.03 3 9 3zM21 12c0 1.66-4 3-9 3s-9-1.34-9-3M3 5v14c0 1.66 4 3 9 3s9-1.34 9-3V5',
  chart: 'M3 3v18h18M7 15l4-4 3 3 5-6',
  inbox: 'M22 12h-6l-2 3h-4l-2-3H2M5.45 5.11 2 12v6a2 2 0 0 0 2 2h16a2 2 0 0 0 2-2v-6l-3.45-6.89A2 2 0 0 0 16.76 4H7.24a2 2 0 0 0-1.79 1.11z',
  swap: 'M16 3l4 4-4 4M20 7H4M8 21l-4-4 4-4M4 17h16',
  external: 'M18 13v6a2 2 0 0 1-2 2H5a2 2 0 0 1-2-2V8a2 2 0 0 1 2-2h6M15 3h6v6M10 14 21 3',
  mail: 'M4 4h16a2 2 0 0 1 2 2v12a2 2 0 0 1-2 2H4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2zM22 6l-10 7L2 6',
};

export function Icon({ name, size = 18, class: cls = '' }) {
  return (
    <svg class={'icon ' + cls} width={size} height={size} viewBox="0 0 24 24" fill="none" stroke="currentColor"
      stroke-width="2" stroke-linecap="round" stroke-linejoin="round" aria-hidden="true" focusable="false">
      <path d={PATHS[name] || PATHS.list} />
    </svg>
  );
}

export function Button({ kind = 'secondary', icon, children, busy, class: cls = '', ...rest }) {
  return (
    <button type="button" class={`btn btn-${kind} ${cls}`} disabled={busy || rest.disabled} aria-busy={busy ? 'true' : undefined} {...rest}>
      {busy ? <span class="spinner" aria-hidden="true" /> : icon ? <Icon name={icon} size={16} /> : null}
      {children && <span>{children}</span>}
    </button>
  );
}

export function Link({ href, children, class: cls, ...rest }) {
  return <a href={href} class={cls} onClick={onLinkClick} {...rest}>{children}</a>;
}

export function LinkButton({ href, kind = 'secondary', icon, children, ...rest }) {
  return (
    <a href={href} class={`btn btn-${kind}`} onClick={onLinkClick} {...rest}>
      {icon && <Icon name={icon} size={16} />}<span>{children}</span>
    </a>
  );
}

const TONES = {
  paid: 'green', active: 'green', cleared: 'green', issued: 'blue', applied: 'green', approved: 'green', ok: 'green', success: 'green',
  completed: 'green', delivered: 'green', sent: 'blue', pending: 'amber', partially_paid: 'amber', trial: 'blue', draft: 'gray',
  overdue: 'red', bounced: 'red', failed: 'red', rejected: 'red', cancelled: 'gray', canceled: 'gray', suspended: 'amber',
  expired: 'red', inactive: 'gray', revoked: 'gray', dead: 'red', running: 'blue', queued: 'gray', waiting: 'amber',
  true: 'green', false: 'gray', create: 'green', update: 'blue', delete: 'red',
};
export function Badge({ value, tone }) {
  if (value === null || value === undefined || value === '') return <span class="muted">—</span>;
  const t = tone || TONES[String(value)] || 'gray';
  return <span class={'badge badge-' + t}>{String(value).replace(/_/g, ' ')}</span>;
}

export function Spinner({ label = 'Loading' }) {
  return <div class="loading" role="status"><span class="spinner" aria-hidden="true" /> <span>{label}…</span></div>;
}

export function Empty({ icon = 'inbox', title, children, action }) {
  return (
    <div class="empty">
      <div class="empty-icon"><Icon name={icon} size={28} /></div>
      <h3>{title}</h3>
      {children && <p>{children}</p>}
      {action}
    </div>
  );
}

export function ErrorBanner({ error }) {
  if (!error) return null;
  return (
    <div class="banner banner-error" role="alert">
      <Icon name="alert" size={18} />
      <div><strong>{error.message || String(error)}</strong>{error.hint && <div class="muted">{error.hint}</div>}</div>
    </div>
  );
}

// Modal dialog: focus moves in, Tab stays in, Escape closes, focus returns to the opener.
export function Modal({ title, onClose, children, footer, wide }) {
  const ref = useRef(null);
  useEffect(() => {
    const opener = document.activeElement;
    const el = ref.current;
    const first = el.querySelector('input,select,textarea,button:not(.modal-close),[tabindex="0"]');
    (first || el).focus();
    const onKey = (e) => {
      if (e.key === 'Escape') { e.stopPropagation(); onClose && onClose(); }
      if (e.key === 'Tab') {
        const items = [...el.querySelectorAll('a[href],button:not([disabled]),input,select,textarea,[tabindex="0"]')];
        if (!items.length) return;
        const a = items[0], b = items[items.length - 1];
        if (e.shiftKey && document.activeElement === a) { e.preventDefault(); b.focus(); }
        else if (!e.shiftKey && document.activeElement === b) { e.preventDefault(); a.focus(); }
      }
    };
    el.addEventListener('keydown', onKey);
    return () => { el.removeEventListener('keydown', onKey); opener && opener.focus && opener.focus(); };
  }, []);
  return (
    <div class="modal-backdrop" onMouseDown={(e) => { if (e.target === e.currentTarget && onClose) onClose(); }}>
      <div class={'modal' + (wide ? ' modal-wide' : '')} role="dialog" aria-modal="true" aria-labelledby="modal-title" ref={ref} tabIndex={-1}>
        <header class="modal-head">
          <h2 id="modal-title">{title}</h2>
          {onClose && <button type="button" class="icon-btn modal-close" onClick={onClose} aria-label="Close"><Icon name="x" /></button>}
        </header>
        <div class="modal-body">{children}</div>
        {footer && <footer class="modal-foot">{footer}</footer>}
      </div>
    </div>
  );
}

// Toasts: short confirmations in a polite live region.
let pushToast = () => {};
export function toast(message, tone = 'ok') { pushToast({ message, tone, id: Math.random() }); }
export function Toasts() {
  const [items, setItems] = useState([]);
  useEffect(() => {
    pushToast = (t) => {
      setItems((xs) => [...xs, t]);
      setTimeout(() => setItems((xs) => xs.filter((x) => x.id !== t.id)), 4500);
    };
  }, []);
  return (
    <div class="toasts" role="status" aria-live="polite">
      {items.map((t) => <div key={t.id} class={'toast toast-' + t.tone}><Icon name={t.tone === 'error' ? 'alert' : 'check'} size={16} />{t.message}</div>)}
    </div>
  );
}

export function Progress({ value, max, label }) {
  const pct = max ? Math.min(100, Math.round((value / max) * 100)) : null;
  return (
    <div class="progress-wrap">
      <div class="progress" role="progressbar" aria-label={label} aria-valuemin="0" aria-valuemax={max || undefined}
        aria-valuenow={max ? value : undefined}>
        <div class={'progress-bar' + (pct === null ? ' indeterminate' : '')} style={pct === null ? undefined : { width: pct + '%' }} />
      </div>
      <div class="progress-label muted">{label}</div>
    </div>
  );
}

// A menu button (disclosure): Escape and outside clicks close it.
export function Menu({ label, icon, children, align = 'right', kind = 'secondary', buttonClass = '' }) {
  const [open, setOpen] = useState(false);
  const ref = useRef(null);
  useEffect(() => {
    if (!open) return;
    const close = (e) => { if (!ref.current.contains(e.target)) setOpen(false); };
    const esc = (e) => { if (e.key === 'Escape') { setOpen(false); ref.current.querySelector('button').focus(); } };
    document.addEventListener('mousedown', close);
    document.addEventListener('keydown', esc);
    return () => { document.removeEventListener('mousedown', close); document.removeEventListener('keydown', esc); };
  }, [open]);
  return (
    <div class="menu" ref={ref}>
      <button type="button" class={`btn btn-${kind} ${buttonClass}`} aria-expanded={open} aria-haspopup="true" onClick={() => setOpen(!open)}>
        {icon && <Icon name={icon} size={16} />}{label && <span>{label}</span>}
      </button>
      {open && <div class={'menu-pop menu-' + align} onClick={(e) => { if (e.target.closest('[data-close]')) setOpen(false); }}>{children}</div>}
    </div>
  );
}

export function Card({ title, actions, children, class: cls = '', id }) {
  return (
    <section class={'card ' + cls} aria-labelledby={id}>
      {(title || actions) && (
        <header class="card-head">
          {title && <h2 id={id}>{title}</h2>}
          {actions && <div class="card-actions">{actions}</div>}
        </header>
      )}
      {children}
    </section>
  );
}

export function Tabs({ tabs, value, onChange, label = 'Sections' }) {
  const onKey = (e, i) => {
    let j = null;
    if (e.key === 'ArrowRight') j = (i + 1) % tabs.length;
    if (e.key === 'ArrowLeft') j = (i - 1 + tabs.length) % tabs.length;
    if (j !== null) {
      e.preventDefault();
      onChange(tabs[j].id);
      setTimeout(() => document.getElementById('tab-' + tabs[j].id)?.focus());
    }
  };
  return (
    <div class="tabs" role="tablist" aria-label={label}>
      {tabs.map((t, i) => (
        <button type="button" role="tab" id={'tab-' + t.id} key={t.id} aria-selected={value === t.id} tabIndex={value === t.id ? 0 : -1}
          class={'tab' + (value === t.id ? ' active' : '')} onClick={() => onChange(t.id)} onKeyDown={(e) => onKey(e, i)}>
          {t.label}{t.count != null && <span class="tab-count">{t.count}</span>}
        </button>
      ))}
    </div>
  );
}

export function Stat({ label, value, sub, tone, icon }) {
  return (
    <div class={'stat' + (tone ? ' stat-' + tone : '')}>
      <div class="stat-label">{icon && <Icon name={icon} size={15} />}{label}</div>
      <div class="stat-value">{value}</div>
      {sub && <div class="stat-sub">{sub}</div>}
    </div>
  );
}
