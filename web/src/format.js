// format.js — how values read on screen. Money arrives as exact decimal strings and is shown
// with grouping and the currency symbol by string manipulation only: never through a float.

const SYMBOLS = { INR: '₹', USD: '$', EUR: '€', GBP: '£', JPY: '¥', AUD: 'A$', CAD: 'C$', SGD: 'S$', AED: 'AED ', CHF: 'CHF ' };

export function groupDigits(intPart, currency) {
  const neg = intPart.startsWith('-');
  let d = neg ? intPart.slice(1) : intPart;
  let out;
  if (currency === 'INR' && d.length > 3) {
    const last3 = d.slice(-3);
    let rest = d.slice(0, -3);
    const groups = [];
    while (rest.length > 2) { groups.unshift(rest.slice(-2)); rest = rest.slice(0, -2); }
    if (rest) groups.unshift(rest);
    out = groups.join(',') + ',' + last3;
  } else {
    out = d.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  }
  return (neg ? '-' : '') + out;
}

export function money(amount, currency) {
  if (amount === null || amount === undefined || amount === '') return '—';
  const s = String(amount);
  const neg = s.startsWith('-');
  const [i, f] = (neg ? s.slice(1) : s).split('.');
  const sym = currency ? (SYMBOLS[currency] ?? currency + ' ') : '';
  return (neg ? '−' : '') + sym + groupDigits(i, currency) + (f !== undefined ? '.' + f : '');
}

// Compact money for chart axes and cards: 1.2L, 3.4M — display only, from the integer part.
export function moneyShort(amount, currency) {
  const s = String(amount ?? '0');
  const neg = s.startsWith('-');
  const i = (neg ? s.slice(1) : s).split('.')[0];
  const sym = currency ? (SYMBOLS[currency] ?? currency + ' ') : '';
  let out;
  const n = i.length;
  if (currency === 'INR' && n > 7) out = trim(i, n - 7) + 'Cr';
  else if (currency === 'INR' && n > 5) out = trim(i, n - 5) + 'L';
  else if (n > 9) out = trim(i, n - 9) + 'B';
  else if (n > 6) out = trim(i, n - 6) + 'M';
  else if (n > 3) out = trim(i, n - 3) + 'k';
  else out = i;
  return (neg ? '−' : '') + sym + out;
}
function trim(i, k) {
  const head = i.slice(0, k);
  const d = i[k];
  return d && d !== '0' && head.length < 3 ? head + '.' + d : head;
}

// Exact decimal arithmetic on strings via BigInt (scaled), for sums the client shows.
export function toUnits(s, scale) {
  if (s === null || s === undefined || s === '') return 0n;
  let str = String(s).trim();
  const neg = str.startsWith('-');
  if (neg || str.startsWith('+')) str = str.slice(1);
  const [i, f = ''] = str.split('.');
  const frac = (f + '0'.repeat(scale)).slice(0, scale);
  const v = BigInt((i || '0') + frac);
  return neg ? -v : v;
}
export function fromUnits(v, scale) {
  const neg = v < 0n;
  let s = (neg ? -v : v).toString().padStart(scale + 1, '0');
  const out = scale ? s.slice(0, -scale) + '.' + s.slice(-scale) : s;
  return (neg ? '-' : '') + out;
}
export function scaleOf(s) {
  const str = String(s ?? '');
  const i = str.indexOf('.');
  return i < 0 ? 0 : str.length - i - 1;
}
export function addMoney(a, b) {
  const sc = Math.max(scaleOf(a), scaleOf(b));
  return fromUnits(toUnits(a, sc) + toUnits(b, sc), sc);
}

export function date(d) {
  if (!d) return '—';
  const [y, m, day] = String(d).slice(0, 10).split('-').map(Number);
  if (!y) return String(d);
  return new Date(Date.UTC(y, m - 1, day)).toLocaleDateString(undefined, { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });
}

export function dateTime(ts) {
  if (!ts) return '—';
  const d = new Date(ts);
  if (isNaN(d)) return String(ts);
  return d.toLocaleString(undefined, { day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit' });
}

export function ago(ts) {
  if (!ts) return '';
  const s = (Date.now() - new Date(ts).getTime()) / 1000;
  if (s < 45) return 'just now';
  if (s < 3600) return `${Math.round(s / 60)} min ago`;
  if (s < 86400) return `${Math.round(s / 3600)} h ago`;
  if (s < 86400 * 7) return `${Math.round(s / 86400)} d ago`;
  return dateTime(ts);
}

export function today() {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}
export function addDays(iso, n) {
  const [y, m, d] = iso.split('-').map(Number);
  const t = new Date(Date.UTC(y, m - 1, d + n));
  return t.toISOString().slice(0, 10);
}

// Rates are decimals ("1000", "33.333"); shown with at least two decimals, never rounded.
export function atLeast2(d) {
  if (d === null || d === undefined || d === '') return d;
  const [i, f = ''] = String(d).split('.');
  return i + '.' + f.padEnd(2, '0');
}
