// main.jsx — start-up: read the API's schema, find out whether a session cookie is alive (GET
// /api/v1/me, refreshing once if the access cookie has expired), fetch the CSRF token into
// memory, then show the console or the sign-in screens.
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import './styles.css';
import { request, loadCsrf, onUnauthenticated, refreshSession } from './api.js';
import { parseSchema, setModel } from './schema.js';
import { setSession, useSession } from './session.js';
import { useLocation, navigate, query } from './router.js';
import { App } from './app.jsx';
import { Login, Signup, Forgot, Reset, VerifyEmail } from './pages/auth.jsx';
import { Spinner, Toasts } from './ui.jsx';

const PUBLIC = ['/login', '/signup', '/forgot', '/reset', '/reset-password', '/set-password', '/verify-email'];
// pages a mail links to: shown whether or not someone is signed in on this browser
const FROM_MAIL = ['/reset-password', '/set-password', '/verify-email'];

async function loadMe() {
  try {
    const [user, tenant] = await Promise.all([request('GET', 'me'), request('GET', 'tenant')]);
    await loadCsrf();
    return { user, tenant };
  } catch {
    return null;
  }
}

function Root() {
  const [ready, setReady] = useState(false);
  const [fatal, setFatal] = useState(null);
  const session = useSession();
  const { path } = useLocation();

  useEffect(() => {
    (async () => {
      try {
        const doc = await fetch('/api/v1/openapi.json').then((r) => r.json());
        setModel(parseSchema(doc));
      } catch (e) { setFatal(e); return; }
      onUnauthenticated(() => {
        setSession({ user: null, tenant: null });
        if (!PUBLIC.includes(location.pathname)) navigate('/login?next=' + encodeURIComponent(location.pathname + location.search), { replace: true });
      });
      let s = null;
      if (!PUBLIC.includes(location.pathname) || location.pathname === '/login') {
        s = await loadMe();
        if (!s && await refreshSession()) s = await loadMe();
      }
      if (s) setSession(s);
      setReady(true);
    })();
  }, []);

  const signedIn = async () => {
    const s = await loadMe();
    setSession(s || { user: null, tenant: null });
    const next = query().next;
    navigate(next && next.startsWith('/') && !next.startsWith('//') ? next : '/', { replace: true });
  };

  if (fatal) return <div class="fatal"><h1>Remit cannot reach its server</h1><p>{String(fatal.message || fatal)}</p></div>;
  if (!ready) return <div class="boot"><Spinner label="Loading Remit" /></div>;
  if (FROM_MAIL.includes(path)) {
    return <>{path === '/verify-email' ? <VerifyEmail /> : <Reset invite={path === '/set-password'} />}<Toasts /></>;
  }
  if (!session.user) {
    const page = path === '/signup' ? <Signup onSignedIn={signedIn} /> : path === '/forgot' ? <Forgot />
      : path === '/reset' ? <Reset /> : <Login onSignedIn={signedIn} />;
    if (!PUBLIC.includes(path)) setTimeout(() => navigate('/login' + (path !== '/' ? '?next=' + encodeURIComponent(path + location.search) : ''), { replace: true }));
    return <>{page}<Toasts /></>;
  }
  if (PUBLIC.includes(path) && !(path === '/login' && query().switch)) { setTimeout(() => navigate('/', { replace: true })); return null; }
  return <App />;
}

render(<Root />, document.getElementById('app'));
