// api.js — the one door to Remit's JSON API for the console.
//
// Sessions are HttpOnly cookies the page cannot read (X-Remit-Cookie: 1 at sign-in); the CSRF token
// that every write must echo lives in this module's memory only, never in storage. After a reload
// it is fetched again from GET /api/v1/auth/csrf. A 401 triggers one POST /api/v1/auth/refresh
// (the refresh cookie), then the request is retried once; if that fails the app is told to sign in.

let csrf = null;
let onSignedOut = () => {};

export function setCsrf(token) { csrf = token; }
export function onUnauthenticated(fn) { onSignedOut = fn; }

export class ApiError extends Error {
  constructor(status, body) {
    const e = (body && body.error) || {};
    super(e.message || `request failed (${status})`);
    this.status = status;
    this.code = e.code || 'http_' + status;
    this.field = e.field || null;
    this.hint = e.hint || null;
    this.detail = e.detail || null;
  }
}

let refreshing = null;
export function refreshSession() {
  if (!refreshing) {
    refreshing = fetch('/api/v1/auth/refresh', {
      method: 'POST', credentials: 'same-origin', headers: { 'X-Remit-Cookie': '1' },
    }).then(async (r) => {
      if (!r.ok) return false;
      const b = await r.json();
      csrf = b.csrf_token;
      return b;
    }).catch(() => false).finally(() => { setTimeout(() => { refreshing = null; }, 0); });
  }
  return refreshing;
}

export function qs(params) {
  const parts = [];
  for (const [k, v] of Object.entries(params || {})) {
    if (v === undefined || v === null || v === '') continue;
    parts.push(encodeURIComponent(k).replace(/%5B/g, '[').replace(/%5D/g, ']') + '=' + encodeURIComponent(v));
  }
  return parts.length ? '?' + parts.join('&') : '';
}

function newKey() {
  if (crypto.randomUUID) return crypto.randomUUID();
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');
}

// request(method, path, {body, query, ifMatch, idempotencyKey, raw, contentType, accept})
// Returns parsed JSON (or a Response when raw), throws ApiError.
export async function request(method, path, opts = {}) {
  const url = (path.startsWith('/') ? path : '/api/v1/' + path) + qs(opts.query);
  const write = method !== 'GET' && method !== 'HEAD';
  const send = async () => {
    const headers = { Accept: opts.accept || 'application/json' };
    if (write) {
      if (csrf) headers['X-CSRF-Token'] = csrf;
      if (method === 'POST') headers['Idempotency-Key'] = opts.idempotencyKey || newKey();
    }
    if (opts.ifMatch != null) headers['If-Match'] = `"${opts.ifMatch}"`;
    let body;
    if (opts.body instanceof Blob || opts.body instanceof ArrayBuffer || typeof opts.body === 'string') {
      body = opts.body;
      headers['Content-Type'] = opts.contentType || 'application/octet-stream';
    } else if (opts.body !== undefined || (write && method !== 'DELETE')) {
      body = JSON.stringify(opts.body || {});
      headers['Content-Type'] = 'application/json';
    }
    return fetch(url, { method, headers, body, credentials: 'same-origin', signal: opts.signal });
  };
  let r = await send();
  // sign-in calls answer 401 for a wrong password: that is not an expired session
  if (r.status === 401 && !/(^|\/)auth\/(login|signup|refresh|password|email\/verify)/.test(path)) {
    if (await refreshSession()) r = await send();
    if (r.status === 401) { onSignedOut(); }
  } else if (r.status === 403 && write && !csrf) {
    // a reload lost the in-memory CSRF token: fetch it and try once more
    if (await loadCsrf()) r = await send();
  }
  if (opts.raw) {
    if (!r.ok) throw new ApiError(r.status, await r.json().catch(() => null));
    return r;
  }
  if (r.status === 204) return null;
  const text = await r.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch { data = null; }
  if (!r.ok) throw new ApiError(r.status, data);
  return data;
}

export async function loadCsrf() {
  try {
    const r = await fetch('/api/v1/auth/csrf', { credentials: 'same-origin' });
    if (r.ok) { csrf = (await r.json()).csrf_token; return true; }
    if (r.status === 401 && await refreshSession()) return true;
  } catch { /* offline */ }
  return false;
}

export const get = (path, query) => request('GET', path, { query });
export const post = (path, body, opts = {}) => request('POST', path, { ...opts, body });
export const patch = (path, body, opts = {}) => request('PATCH', path, { ...opts, body });
export const del = (path, opts = {}) => request('DELETE', path, opts);

// Cookie sign-in: the tokens stay in HttpOnly cookies; the body's csrf_token is kept in memory.
export async function signIn(kind, body) {
  const r = await fetch('/api/v1/auth/' + kind, {
    method: 'POST', credentials: 'same-origin',
    headers: { 'Content-Type': 'application/json', 'X-Remit-Cookie': '1' },
    body: JSON.stringify(body),
  });
  const data = await r.json().catch(() => null);
  if (!r.ok) throw new ApiError(r.status, data);
  csrf = data.csrf_token;
  return data;
}

export async function publicPost(path, body) {
  const r = await fetch('/api/v1/' + path, {
    method: 'POST', credentials: 'same-origin', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await r.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch { data = null; }
  if (!r.ok) throw new ApiError(r.status, data);
  return data;
}

export async function signOut() {
  try { await request('POST', 'auth/logout'); } catch { /* already gone */ }
  csrf = null;
}

// Every page of a list, following next_cursor; onProgress(rowsSoFar). Stops at max rows.
export async function listAll(path, query = {}, { max = 100000, onProgress, signal } = {}) {
  const rows = [];
  let cursor = null;
  do {
    const page = await request('GET', path, { query: { ...query, limit: 500, cursor }, signal });
    rows.push(...page.data);
    cursor = page.next_cursor;
    if (onProgress) onProgress(rows.length, !!cursor);
  } while (cursor && rows.length < max);
  return rows;
}

// Downloads a GET endpoint's bytes as a file named by the server (Content-Disposition).
export async function download(path, fallbackName) {
  const r = await request('GET', path, { raw: true, accept: '*/*' });
  const blob = await r.blob();
  const cd = r.headers.get('Content-Disposition') || '';
  const m = /filename="?([^";]+)"?/.exec(cd);
  saveBlob(blob, m ? m[1] : fallbackName);
  return blob;
}

export function saveBlob(blob, name) {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

// Uploads a file as the raw body of a POST, reporting progress (0..1); resolves with
// {status, body}. XMLHttpRequest because fetch reports no upload progress.
export function upload(path, file, { query, contentType, onProgress } = {}) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', '/api/v1/' + path + qs(query));
    xhr.withCredentials = true;
    if (csrf) xhr.setRequestHeader('X-CSRF-Token', csrf);
    xhr.setRequestHeader('Idempotency-Key', newKey());
    xhr.setRequestHeader('Content-Type', contentType || file.type || 'application/octet-stream');
    xhr.upload.onprogress = (e) => { if (e.lengthComputable && onProgress) onProgress(e.loaded / e.total); };
    xhr.onload = () => {
      let body = null;
      try { body = xhr.responseText ? JSON.parse(xhr.responseText) : null; } catch { body = null; }
      resolve({ status: xhr.status, body });
    };
    xhr.onerror = () => reject(new Error('the upload failed: the server could not be reached'));
    xhr.send(file);
  });
}
