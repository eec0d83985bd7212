// pages/auth.jsx — sign in, sign up, password reset, and the organisation switcher's sign-in.
// Sign-in asks for cookies (X-Remit-Cookie: 1): the tokens never reach the page's scripts.
import { useEffect, useState } from 'preact/hooks';
import { signIn, publicPost, ApiError } from '../api.js';
import { navigate, query } from '../router.js';
import { knownOrgs, forgetOrg } from '../session.js';
import { Button, ErrorBanner, Icon, Link } from '../ui.jsx';

function AuthShell({ title, subtitle, children, footer }) {
  return (
    <div class="auth">
      <aside class="auth-brand" aria-hidden="true">
        <div class="brand brand-lg"><span class="logo">R</span>Remit</div>
        <div class="auth-pitch">
          <h2>Contract to cash, without the spreadsheets.</h2>
          <ul>
            <li><Icon name="check" size={16} />GST invoices, receipts and credit notes</li>
            <li><Icon name="check" size={16} />Plans, usage and time billed on schedule</li>
            <li><Icon name="check" size={16} />Receivables and aging at a glance</li>
          </ul>
        </div>
        <div class="auth-foot">Open source · runs on SQLite or PostgreSQL</div>
      </aside>
      <main class="auth-main" id="main">
        <div class="auth-card">
          <div class="brand brand-mobile"><span class="logo">R</span>Remit</div>
          <h1>{title}</h1>
          {subtitle && <p class="muted">{subtitle}</p>}
          {children}
          {footer && <div class="auth-links">{footer}</div>}
        </div>
      </main>
    </div>
  );
}

function Input({ id, label, error, hint, ...rest }) {
  return (
    <div class={'field' + (error ? ' has-error' : '')} data-field={id}>
      <label for={'a-' + id}>{label}</label>
      <input id={'a-' + id} name={id} aria-invalid={error ? 'true' : undefined} aria-describedby={error ? `a-${id}-err` : hint ? `a-${id}-hint` : undefined} {...rest} />
      {error && <div class="field-error" id={`a-${id}-err`} role="alert"><Icon name="alert" size={14} />{error}</div>}
      {hint && !error && <div class="help" id={`a-${id}-hint`}>{hint}</div>}
    </div>
  );
}

function useAuthForm(initial) {
  const [v, setV] = useState(initial);
  const [errs, setErrs] = useState({});
  const [banner, setBanner] = useState(null);
  const [busy, setBusy] = useState(false);
  const bind = (k) => ({ value: v[k], onInput: (e) => { setV({ ...v, [k]: e.target.value }); setErrs({ ...errs, [k]: null }); }, error: errs[k] });
  const fail = (err, fields) => {
    if (err instanceof ApiError && err.field && fields.includes(err.field)) {
      setErrs({ [err.field]: err.message });
      setTimeout(() => document.getElementById('a-' + err.field)?.focus());
    } else setBanner(err);
  };
  return { v, setV, bind, errs, setErrs, banner, setBanner, busy, setBusy, fail };
}

export function Login({ onSignedIn }) {
  const q = query();
  const f = useAuthForm({ tenant: q.tenant || '', email: q.email || '', password: '' });
  const orgs = knownOrgs();
  const submit = async (e) => {
    e.preventDefault();
    f.setBusy(true); f.setBanner(null);
    try {
      const body = { email: f.v.email.trim(), password: f.v.password };
      if (f.v.tenant.trim()) body.tenant = f.v.tenant.trim();
      const out = await signIn('login', body);
      await onSignedIn(out);
    } catch (err) { f.fail(err, ['tenant', 'email', 'password']); }
    f.setBusy(false);
  };
  return (
    <AuthShell title="Sign in" subtitle="Welcome back. Sign in to your organisation."
      footer={<><span>New to Remit? <Link href="/signup">Create an organisation</Link></span><Link href="/forgot">Forgot your password?</Link></>}>
      {orgs.length > 0 && !q.email && (
        <div class="org-pick" role="group" aria-label="Organisations on this device">
          {orgs.slice(0, 4).map((o) => (
            <div class="org-row" key={o.slug + o.email}>
              <button type="button" class="org-btn" onClick={() => { f.setV({ tenant: o.slug, email: o.email, password: '' }); setTimeout(() => document.getElementById('a-password')?.focus()); }}>
                <span class="avatar">{(o.name || o.slug)[0].toUpperCase()}</span>
                <span><strong>{o.name}</strong><span class="muted small">{o.email}</span></span>
              </button>
              <button type="button" class="icon-btn" aria-label={`Forget ${o.name} on this device`} onClick={() => { forgetOrg(o.slug, o.email); f.setV({ ...f.v }); }}><Icon name="x" size={14} /></button>
            </div>
          ))}
        </div>
      )}
      <form onSubmit={submit} noValidate>
        <ErrorBanner error={f.banner} />
        <Input id="email" label="Email" type="email" autocomplete="username" required {...f.bind('email')} />
        <Input id="password" label="Password" type="password" autocomplete="current-password" required {...f.bind('password')} />
        <Input id="tenant" label="Organisation (optional)" autocomplete="organization" hint="The organisation's short name, needed only if your email belongs to more than one" {...f.bind('tenant')} />
        <Button kind="primary" type="submit" busy={f.busy} class="btn-block">Sign in</Button>
      </form>
    </AuthShell>
  );
}

const CURRENCIES = ['INR', 'USD', 'EUR', 'GBP', 'AUD', 'CAD', 'SGD', 'AED', 'JPY', 'CHF'];

export function Signup({ onSignedIn }) {
  const tz = Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  const f = useAuthForm({ tenant_name: '', first_name: '', last_name: '', email: '', password: '', base_currency: 'INR', timezone: tz });
  const submit = async (e) => {
    e.preventDefault();
    f.setBusy(true); f.setBanner(null);
    try {
      const body = {};
      for (const [k, v] of Object.entries(f.v)) if (v !== '') body[k] = v.trim ? (k === 'password' ? v : v.trim()) : v;
      const out = await signIn('signup', body);
      await onSignedIn(out, true);
    } catch (err) { f.fail(err, ['tenant_name', 'first_name', 'last_name', 'email', 'password', 'base_currency', 'timezone']); }
    f.setBusy(false);
  };
  return (
    <AuthShell title="Create your organisation" subtitle="Start a 14-day trial. No card needed."
      footer={<span>Already have an account? <Link href="/login">Sign in</Link></span>}>
      <form onSubmit={submit} noValidate>
        <ErrorBanner error={f.banner} />
        <Input id="tenant_name" label="Organisation name" autocomplete="organization" required {...f.bind('tenant_name')} />
        <div class="row2">
          <Input id="first_name" label="First name" autocomplete="given-name" {...f.bind('first_name')} />
          <Input id="last_name" label="Last name" autocomplete="family-name" {...f.bind('last_name')} />
        </div>
        <Input id="email" label="Work email" type="email" autocomplete="email" required {...f.bind('email')} />
        <Input id="password" label="Password" type="password" autocomplete="new-password" required hint="At least 8 characters" {...f.bind('password')} />
        <div class="row2">
          <div class={'field' + (f.errs.base_currency ? ' has-error' : '')} data-field="base_currency">
            <label for="a-base_currency">Currency</label>
            <select id="a-base_currency" value={f.v.base_currency} onChange={(e) => f.setV({ ...f.v, base_currency: e.target.value })}>
              {CURRENCIES.map((c) => <option key={c}>{c}</option>)}
            </select>
            {f.errs.base_currency && <div class="field-error" role="alert">{f.errs.base_currency}</div>}
          </div>
          <Input id="timezone" label="Time zone" {...f.bind('timezone')} />
        </div>
        <Button kind="primary" type="submit" busy={f.busy} class="btn-block">Create organisation</Button>
      </form>
    </AuthShell>
  );
}

export function Forgot() {
  const f = useAuthForm({ email: '', tenant: '' });
  const [sent, setSent] = useState(false);
  const submit = async (e) => {
    e.preventDefault();
    f.setBusy(true); f.setBanner(null);
    try {
      const body = { email: f.v.email.trim() };
      if (f.v.tenant.trim()) body.tenant = f.v.tenant.trim();
      await publicPost('auth/password/forgot', body);
      setSent(true);
    } catch (err) { f.fail(err, ['email', 'tenant']); }
    f.setBusy(false);
  };
  return (
    <AuthShell title="Reset your password" subtitle={sent ? null : 'We will email you a link to choose a new password.'}
      footer={<Link href="/login">Back to sign in</Link>}>
      {sent ? (
        <div class="banner banner-ok" role="status"><Icon name="mail" size={18} /><div><strong>Check your email.</strong><div>If an account exists for {f.v.email}, a reset link is on its way. It works once and expires soon.</div></div></div>
      ) : (
        <form onSubmit={submit} noValidate>
          <ErrorBanner error={f.banner} />
          <Input id="email" label="Email" type="email" autocomplete="username" required {...f.bind('email')} />
          <Input id="tenant" label="Organisation (optional)" {...f.bind('tenant')} />
          <Button kind="primary" type="submit" busy={f.busy} class="btn-block">Send reset link</Button>
        </form>
      )}
    </AuthShell>
  );
}

export function Reset({ invite }) {
  const q = query();
  const f = useAuthForm({ token: q.token || '', password: '', confirm: '' });
  const [done, setDone] = useState(false);
  const submit = async (e) => {
    e.preventDefault();
    if (f.v.password !== f.v.confirm) { f.setErrs({ confirm: 'The passwords do not match' }); return; }
    f.setBusy(true); f.setBanner(null);
    try {
      await publicPost('auth/password/reset', { token: f.v.token.trim(), password: f.v.password });
      setDone(true);
    } catch (err) { f.fail(err, ['token', 'password']); }
    f.setBusy(false);
  };
  return (
    <AuthShell title={invite ? 'Set your password' : 'Choose a new password'} subtitle={invite ? 'You were invited to an organisation on Remit. Choose a password to join.' : null} footer={<Link href="/login">Back to sign in</Link>}>
      {done ? (
        <div class="banner banner-ok" role="status"><Icon name="check" size={18} /><div><strong>{invite ? 'Your password is set.' : 'Your password is changed.'}</strong><div>{invite ? '' : 'Every session was signed out. '}<Link href="/login">Sign in</Link> with the new password.</div></div></div>
      ) : (
        <form onSubmit={submit} noValidate>
          <ErrorBanner error={f.banner} />
          {!q.token && <Input id="token" label="Reset code" required {...f.bind('token')} />}
          {q.token && f.errs.token && <div class="field-error" role="alert">{f.errs.token}</div>}
          <Input id="password" label="New password" type="password" autocomplete="new-password" required hint="At least 8 characters" {...f.bind('password')} />
          <Input id="confirm" label="Repeat the new password" type="password" autocomplete="new-password" required {...f.bind('confirm')} />
          <Button kind="primary" type="submit" busy={f.busy} class="btn-block">Set password</Button>
        </form>
      )}
    </AuthShell>
  );
}

export function goHomeAfterAuth() { navigate(query().next && query().next.startsWith('/') ? query().next : '/', { replace: true }); }

export function VerifyEmail() {
  const q = query();
  const [state, setState] = useState('working');
  const [err, setErr] = useState(null);
  useEffect(() => {
    if (!q.token) { setState('error'); setErr(new Error('This link has no token: open the link from the mail again')); return; }
    publicPost('auth/email/verify', { token: q.token }).then(() => setState('ok')).catch((e) => { setErr(e); setState('error'); });
  }, []);
  return (
    <AuthShell title="Confirm your email" footer={<Link href="/">Go to Remit</Link>}>
      {state === 'working' && <p class="muted">Confirming…</p>}
      {state === 'ok' && <div class="banner banner-ok" role="status"><Icon name="check" size={18} /><div><strong>Your email is confirmed.</strong></div></div>}
      {state === 'error' && <ErrorBanner error={err} />}
    </AuthShell>
  );
}
