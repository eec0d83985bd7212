// tests/browser/journeys.mjs — the web console's journeys in a real browser (Debian's Chromium,
// headless, driven by playwright-core) against a real `remit serve` (run.sh starts it).
//
// Each journey runs in a fresh browser context (its own cookies) and fails on any uncaught page
// error. A journey that needs an API the server does not have yet (read from openapi.json) is
// skipped and named. Screenshots of each main screen, desktop 1366x768 and phone 390x844, go to
// $REMIT_SHOTS. The last line printed is "N passed, N failed, N skipped".
import { chromium } from 'playwright-core';
import { writeFileSync, readFileSync, mkdirSync, readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';

const BASE = process.env.REMIT_BASE;
const SHOTS = process.env.REMIT_SHOTS || '/tmp/remit-shots';
const WORK = process.env.REMIT_WORK || '/tmp';
const filterArg = process.argv.indexOf('--filter');
const FILTER = filterArg > 0 ? process.argv[filterArg + 1] : null;
const DESKTOP = { width: 1366, height: 768 };
const PHONE = { width: 390, height: 844 };
mkdirSync(SHOTS, { recursive: true });

const tests = [];
const test = (name, fn, opts = {}) => tests.push({ name, fn, needs: opts.needs || [] });
const uniq = () => Date.now().toString(36) + Math.random().toString(36).slice(2, 6);

class Check extends Error {}
function expect(cond, msg) { if (!cond) throw new Check(msg); }

let openapi = null;
function haveApi(need) {
  if (need.includes('/')) return Object.keys(openapi.paths).some((p) => p === '/api/v1/' + need);
  return !!openapi.components.schemas[need + '_list'];
}

async function shoot(page, name, { at } = {}) {
  // the top of the screen (or the part named by `at`), without transient toasts or a focus ring
  await page.evaluate((at) => {
    document.activeElement?.blur?.();
    window.scrollTo(0, 0);
    if (at) document.querySelector(at)?.scrollIntoView({ block: 'center' });
    const t = document.querySelector('.toasts'); if (t) t.style.visibility = 'hidden';
  }, at);
  await page.waitForTimeout(150);
  await page.screenshot({ path: join(SHOTS, `${name}-desktop.png`) });
  await page.setViewportSize(PHONE);
  await page.waitForTimeout(250);
  await page.screenshot({ path: join(SHOTS, `${name}-phone.png`) });
  // on a phone nothing may stick out sideways: the page itself never scrolls horizontally
  const wide = await page.evaluate(() => {
    if (document.documentElement.scrollWidth <= window.innerWidth + 1) return null;
    const over = [...document.querySelectorAll('main *')].find((el) => el.getBoundingClientRect().right > window.innerWidth + 1 && !el.closest('.table-wrap, .tabs, .modal'));
    return over ? `${over.tagName.toLowerCase()}.${[...over.classList].join('.')} ends at ${Math.round(over.getBoundingClientRect().right)}px` : `${document.documentElement.scrollWidth}px`;
  });
  if (wide) { await page.setViewportSize(DESKTOP); throw new Check(`${name} is wider than a 390px phone: ${wide}`); }
  await page.setViewportSize(DESKTOP);
  await page.evaluate(() => { const t = document.querySelector('.toasts'); if (t) t.style.visibility = ''; });
  await page.waitForTimeout(100);
}

async function signup(page, org = 'Acme ' + uniq()) {
  const email = `owner-${uniq()}@example.test`;
  const password = 'correct-horse-' + uniq();
  await page.goto(BASE + '/signup');
  await page.fill('#a-tenant_name', org);
  await page.fill('#a-first_name', 'Asha');
  await page.fill('#a-last_name', 'Rao');
  await page.fill('#a-email', email);
  await page.fill('#a-password', password);
  await page.click('button[type=submit]');
  await page.waitForSelector('.page-head h1');
  const tenant = await page.evaluate(() => fetch('/api/v1/tenant').then((r) => r.json()));
  return { email, password, org, slug: tenant.slug };
}

async function signIn(page, who) {
  await page.goto(BASE + '/login');
  await page.fill('#a-email', who.email);
  await page.fill('#a-password', who.password);
  await page.fill('#a-tenant', who.slug);
  await page.click('button[type=submit]');
  await page.waitForSelector('.page-head h1');
}

async function signOut(page) {
  await page.click('.account-btn');
  await page.click('[data-testid=sign-out]');
  await page.waitForSelector('#a-email');
}

async function addCustomer(page, { name, code, email, gst }) {
  await page.goto(BASE + '/r/customers/new');
  await page.fill('[data-field=name] input', name);
  if (code) await page.fill('[data-field=code] input', code);
  if (email) await page.fill('[data-field=email] input', email);
  if (gst) await page.fill('[data-field=gst_number] input', gst);
  await page.click('form.rform button[type=submit]');
  await page.waitForSelector('.c360');
  return page.url().split('/').pop();
}

// A journey's view of the API through the page's own session (cookie + CSRF header).
async function apiIn(page, method, path, body) {
  return page.evaluate(async ([method, path, body]) => {
    const csrf = await fetch('/api/v1/auth/csrf').then((r) => r.json()).then((j) => j.csrf_token);
    const r = await fetch('/api/v1/' + path, { method, headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrf }, body: body ? JSON.stringify(body) : undefined });
    const text = await r.text();
    return { status: r.status, body: text ? JSON.parse(text) : null };
  }, [method, path, body]);
}

// ---------------------------------------------------------------------------------------------

test('sign up, sign out and sign in again; the session survives a reload and writes still work', async ({ page }) => {
  await page.goto(BASE + '/');
  await page.waitForSelector('#a-email');
  await shoot(page, 'sign-in');
  await page.goto(BASE + '/signup');
  await page.waitForSelector('#a-tenant_name');
  await shoot(page, 'sign-up');
  const who = await signup(page);
  expect((await page.textContent('.page-head h1')).includes('Asha'), 'the dashboard greets the new user');
  const cookies = await page.context().cookies();
  expect(cookies.find((c) => c.name === 'remit_at')?.httpOnly, 'the session cookie is HttpOnly');
  const stored = await page.evaluate(() => JSON.stringify(localStorage) + JSON.stringify(sessionStorage));
  expect(!/rat_|rrt_|csrf/i.test(stored), 'no token in localStorage or sessionStorage');
  await page.reload();
  await page.waitForSelector('.page-head h1');
  await addCustomer(page, { name: 'After Reload Ltd', code: 'ARL' });
  await signOut(page);
  await page.goto(BASE + '/r/customers');
  await page.waitForSelector('#a-email');
  expect(page.url().includes('/login'), 'a signed-out visitor is sent to sign in');
  await signIn(page, who);
  await page.goto(BASE + '/r/customers');
  await page.waitForSelector('text=After Reload Ltd');
});

test('switching organisations: the account menu lists the other organisation and signs in to it', async ({ page }) => {
  const a = await signup(page, 'First Org ' + uniq());
  await signOut(page);
  const b = await signup(page, 'Second Org ' + uniq());
  await page.click('.account-btn');
  await page.waitForSelector(`.account-pop >> text=${a.org}`);
  await page.click(`.account-pop >> text=${a.org}`);
  await page.waitForSelector('#a-password');
  expect(await page.inputValue('#a-email') === a.email, 'the switch pre-fills the other organisation\'s email');
  await page.fill('#a-password', a.password);
  await page.click('button[type=submit]');
  await page.waitForSelector('.org-chip');
  expect((await page.textContent('.org-chip')).includes(a.org), 'now in the first organisation');
  void b;
});

test('a customer is added through the generic form and found by search, filter and sort', async ({ page }) => {
  await signup(page);
  await page.goto(BASE + '/r/customers/new');
  await page.waitForSelector('form.rform');
  await shoot(page, 'customer-new');
  for (const [name, code] of [['Globex Corporation', 'GLX'], ['Initech', 'INI'], ['Umbrella Health', 'UMB']]) {
    await addCustomer(page, { name, code, email: `ap@${code.toLowerCase()}.example` });
  }
  await page.goto(BASE + '/r/customers');
  await page.waitForSelector('text=Umbrella Health');
  await shoot(page, 'customers');
  await page.fill('input[type=search]', 'initech');
  await page.waitForFunction(() => document.querySelectorAll('.dtable tbody tr').length === 1);
  expect(page.url().includes('q=initech'), 'the search is in the address bar');
  await page.fill('input[type=search]', '');
  await page.waitForFunction(() => document.querySelectorAll('.dtable tbody tr').length === 3);
  // sort by name, both ways
  await page.click('th >> button:has-text("Name")');
  await page.waitForFunction(() => document.querySelector('.dtable tbody tr td')?.textContent.includes('Globex'));
  await page.click('th >> button:has-text("Name")');
  await page.waitForFunction(() => document.querySelector('.dtable tbody tr td')?.textContent.includes('Umbrella'));
  // filter: code is UMB
  await page.click('button:has-text("Filter")');
  await page.selectOption('.filter-row select[aria-label=Field]', 'code');
  await page.fill('.filter-row input[aria-label=Value]', 'GLX');
  await page.click('.filterbar button[type=submit]');
  await page.waitForFunction(() => document.querySelectorAll('.dtable tbody tr').length === 1);
  expect((await page.textContent('.dtable tbody')).includes('Globex'), 'the filter keeps Globex only');
  // column choice
  await page.click('button:has-text("Columns")');
  await page.check('.menu-check:has-text("City") input');
  await page.waitForSelector('th:has-text("City")');
  // CSV export of what matches
  const [dl] = await Promise.all([page.waitForEvent('download'), page.click('button:has-text("Export")')]);
  const file = join(WORK, 'customers.csv');
  await dl.saveAs(file);
  const csv = readFileSync(file, 'utf8').trim().split(/\r?\n/);
  expect(csv.length === 2 && csv[0].startsWith('id,') && csv[1].includes('Globex'), 'the CSV holds the header and the one matching row: ' + csv.join(' | '));
  await page.click('.modal-foot button:has-text("Done")');
  // cursor paging: 30 more customers through the API, then next/previous pages
  for (let i = 0; i < 30; i++) await apiIn(page, 'POST', 'customers', { name: `Paging Customer ${String(i).padStart(2, '0')}` });
  await page.goto(BASE + '/r/customers');
  await page.waitForSelector('.pager');
  await page.click('.pager button:has-text("Next")');
  await page.waitForSelector('text=Page 2');
  await page.click('.pager button:has-text("Previous")');
  await page.waitForSelector('text=Page 1');
});

test('a validation error from the server appears next to the field it names', async ({ page }) => {
  await signup(page);
  await addCustomer(page, { name: 'Original', code: 'DUP' });
  await page.goto(BASE + '/r/customers/new');
  await page.fill('[data-field=name] input', 'Copy');
  await page.fill('[data-field=code] input', 'DUP');
  await page.click('form.rform button[type=submit]');
  await page.waitForSelector('[data-field=code] .field-error');
  const msg = await page.textContent('[data-field=code] .field-error');
  expect(/already used/.test(msg), 'the duplicate code is reported on the Code field: ' + msg);
  expect(await page.getAttribute('[data-field=code] input', 'aria-invalid') === 'true', 'the input is marked invalid');
  const focused = await page.evaluate(() => document.activeElement.closest('[data-field]')?.dataset.field);
  expect(focused === 'code', 'focus moves to the field with the error');
  await shoot(page, 'validation-error');
  // a second rule, on another field: currency must be ISO 4217 (only the server knows)
  await page.fill('[data-field=code] input', 'NEW1');
  await page.fill('[data-field=currency] input', 'ZZZ');
  await page.click('form.rform button[type=submit]');
  await page.waitForSelector('[data-field=currency] .field-error');
  expect(!(await page.$('[data-field=code] .field-error')), 'the fixed field no longer shows an error');
});

test('every resource in the OpenAPI gets a list and a form without front-end code', async ({ page, errors }) => {
  await signup(page);
  const tables = Object.keys(openapi.components.schemas).filter((n) => openapi.components.schemas[n + '_list'])
    .filter((n) => openapi.paths['/api/v1/' + n]);
  expect(tables.length >= 10, 'the schema lists the tables');
  for (const t of tables) {
    await page.goto(`${BASE}/r/${t}`);
    await page.waitForSelector('.page-head h1');
    await page.waitForFunction(() => !document.querySelector('.loading'));
    const err = await page.$('.banner-error');
    expect(!err, `the ${t} list loads without an error: ${err && await err.textContent()}`);
    if (openapi.paths['/api/v1/' + t].post) {
      await page.goto(`${BASE}/r/${t}/new`);
      await page.waitForSelector('main form, main .doc');
    }
  }
  expect(errors.length === 0, 'no page errors: ' + errors.join('; '));
  await page.goto(BASE + '/data');
  await page.waitForSelector('.tile');
  expect((await page.$$('.tile')).length === tables.length, 'All data lists every table');
  await shoot(page, 'all-data');
});

test('two tenants never see each other\'s data in any screen', async ({ page, browser }) => {
  const a = await signup(page, 'Tenant A ' + uniq());
  const secretId = await addCustomer(page, { name: 'Alpha Secret Client', code: 'SECRET', email: 'boss@alpha.example' });
  if (haveApi('invoices')) {   // with invoicing, an invoice and a payment of tenant A too
    await apiIn(page, 'POST', 'company_profiles', { name: 'Alpha Seller' });
    const inv = await apiIn(page, 'POST', 'invoices', { customer_id: secretId, reference_number: 'SECRET-PO', lines: [{ description: 'Alpha Secret work', quantity: '1', rate: '999.00' }] });
    await apiIn(page, 'POST', `invoices/${inv.body.id}/finalize`);
    if (haveApi('receipts')) await apiIn(page, 'POST', 'receipts', { customer_id: secretId, amount: '100.00', reference_number: 'SECRET-UTR', invoice_id: inv.body.id });
  }
  const ctxB = await browser.newContext({ viewport: DESKTOP });
  const pb = await ctxB.newPage();
  try {
    await signup(pb, 'Tenant B ' + uniq());
    await addCustomer(pb, { name: 'Beta Own Client', code: 'BETA' });
    // every table's list, and the hand-made screens
    const tables = Object.keys(openapi.components.schemas).filter((n) => openapi.components.schemas[n + '_list'] && openapi.paths['/api/v1/' + n]);
    const screens = ['/', '/r/customers?q=Alpha', '/audit', '/data', '/settings', '/settings/users', '/settings/roles', '/settings/api_keys',
      ...tables.map((t) => '/r/' + t)];
    for (const s of screens) {
      await pb.goto(BASE + s);
      await pb.waitForSelector('.page-head h1');
      await pb.waitForFunction(() => !document.querySelector('.loading'));
      await pb.waitForTimeout(200);
      const text = await pb.textContent('main');
      expect(!text.includes('Alpha Secret') && !text.includes(a.email) && !text.includes('SECRET'), `tenant B's ${s} shows nothing of tenant A`);
    }
    await pb.goto(`${BASE}/r/customers/${secretId}`);
    await pb.waitForSelector('.empty h3');
    expect((await pb.textContent('.empty h3')).includes('does not exist'), 'tenant A\'s customer is not found for tenant B');
    // the reference picker searches only tenant B's customers
    await pb.goto(BASE + '/r/contacts/new');
    await pb.click('[data-field=customer_id] input');
    await pb.fill('[data-field=customer_id] input', 'Alpha');
    await pb.waitForSelector('.combo-empty');
    await pb.fill('[data-field=customer_id] input', 'Beta');
    await pb.waitForSelector('.combo-list li:has-text("Beta Own Client")');
  } finally { await ctxB.close(); }
  await page.goto(BASE + '/r/customers');
  await page.waitForSelector('text=Alpha Secret Client');
  expect(!(await page.textContent('main')).includes('Beta Own'), 'tenant A does not see tenant B either');
});

test('a contact is added from the customer 360 with the customer picked for it', async ({ page }) => {
  await signup(page);
  const id = await addCustomer(page, { name: 'Wayne Enterprises', code: 'WAY', email: 'ap@wayne.example' });
  await page.click('[role=tab]:has-text("Contacts")');
  await page.click('a:has-text("New contact")');
  await page.waitForSelector('form.rform');
  expect((await page.inputValue('[data-field=customer_id] input')).includes('Wayne'), 'the customer is already chosen');
  await page.fill('[data-field=first_name] input', 'Lucius');
  await page.fill('[data-field=last_name] input', 'Fox');
  await page.fill('[data-field=email] input', 'lucius@wayne.example');
  await page.click('form.rform button[type=submit]');
  await page.waitForURL(`**/r/customers/${id}`);
  await page.click('[role=tab]:has-text("Contacts")');
  await page.waitForSelector('text=Lucius');
  await shoot(page, 'customer-360');
  // keyboard: pick a customer for a new contact with the arrow keys
  await page.goto(BASE + '/r/contacts/new');
  await page.fill('[data-field=first_name] input', 'Dick');
  await page.focus('[data-field=customer_id] input');
  await page.keyboard.type('Wayne');
  await page.waitForSelector('.combo-list li:has-text("Wayne")');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
  expect((await page.inputValue('[data-field=customer_id] input')).includes('Wayne'), 'Enter picks the highlighted customer');
});

test('settings: an API key is shown once and can be revoked; a role gets permissions', async ({ page }) => {
  await signup(page);
  await page.goto(BASE + '/settings/api_keys');
  await page.click('button:has-text("New API key")');
  await page.fill('.modal [data-field=name] input', 'Accounting export');
  await page.click('.modal button[type=submit]');
  await page.waitForSelector('#newkey');
  const key = await page.inputValue('#newkey');
  expect(key.startsWith('rak_'), 'the new key is shown');
  const r = await page.evaluate((k) => fetch('/api/v1/customers', { headers: { Authorization: 'Bearer ' + k } }).then((x) => x.status), key);
  expect(r === 200, 'the key works');
  await page.click('.modal-foot button');
  await page.click('.dtable tbody tr:has-text("Accounting export")');
  await page.click('.modal-foot button:has-text("Revoke key")');
  await page.waitForTimeout(300);
  const after = await page.evaluate((k) => fetch('/api/v1/customers', { headers: { Authorization: 'Bearer ' + k } }).then((x) => x.status), key);
  expect(after === 401, 'a revoked key stops working: ' + after);
  await page.goto(BASE + '/settings/roles');
  await page.click('button:has-text("New role")');
  await page.fill('#role-name', 'Collections clerk');
  await page.check('.perm-matrix tr:has-text("Customers") .perm:has-text("read") input');
  await shoot(page, 'settings-role');
  await page.click('.modal-foot button:has-text("Save role")');
  await page.waitForSelector('.dtable >> text=Collections clerk');
  const roles = await apiIn(page, 'GET', 'roles');
  expect(JSON.stringify(roles.body.data[0].permissions) === '["customers.read"]', 'the role holds exactly the ticked permission');
  await page.goto(BASE + '/settings');
  await shoot(page, 'settings');
});

test('the audit log shows each change with its before and after, and the chain verifies', async ({ page }) => {
  await signup(page);
  const id = await addCustomer(page, { name: 'Audit Me Ltd', code: 'AUD' });
  await page.click('button:has-text("Edit")');
  await page.fill('.modal [data-field=name] input', 'Audit Me Limited');
  await page.click('.modal button[type=submit]');
  await page.waitForSelector('.page-head h1:has-text("Audit Me Limited")');
  await page.goto(BASE + '/audit');
  await page.waitForSelector('.audit-row');
  await page.click('.audit-row:has-text("update")');
  await page.waitForSelector('.diff td.del:has-text("Audit Me Ltd")');
  await page.waitForSelector('.diff td.add:has-text("Audit Me Limited")');
  await page.click('button:has-text("Verify chain")');
  await page.waitForSelector('.banner-ok:has-text("intact")');
  await shoot(page, 'audit-log');
  await page.goto(`${BASE}/audit?entity_id=${id}`);
  await page.waitForSelector('.audit-row');
  expect((await page.$$('.audit-row')).length === 2, 'the history of one customer: created, updated');
});

test('keyboard: skip link, command palette and visible focus', async ({ page }) => {
  await signup(page);
  await page.goto(BASE + '/');
  await page.waitForSelector('.page-head h1');
  await page.keyboard.press('Tab');
  expect(await page.evaluate(() => document.activeElement.classList.contains('skip')), 'the first Tab reaches "Skip to content"');
  const outline = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
  expect(outline !== 'none', 'focus is visible');
  await page.keyboard.press('Control+k');
  await page.waitForSelector('.palette input');
  await page.keyboard.type('customers');
  await page.waitForSelector('.palette-list li.active:has-text("Customers")');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => location.pathname === '/r/customers');
  const unlabeled = await page.evaluate(() => [...document.querySelectorAll('input, select, textarea')]
    .filter((el) => el.type !== 'hidden' && !el.labels?.length && !el.getAttribute('aria-label') && !el.getAttribute('aria-labelledby')).length);
  expect(unlabeled === 0, 'every input has a label');
  await page.goto(BASE + '/r/customers/new');
  await page.waitForSelector('form.rform');
  const unlabeledForm = await page.evaluate(() => [...document.querySelectorAll('input, select, textarea')]
    .filter((el) => el.type !== 'hidden' && !el.labels?.length && !el.getAttribute('aria-label')).map((el) => el.id));
  expect(unlabeledForm.length === 0, 'every form input has a label: ' + unlabeledForm.join(','));
});

test('dashboard shows receivables, revenue, aging, activity and bill runs', async ({ page }) => {
  await signup(page);
  await addCustomer(page, { name: 'Dashboard Customer', code: 'DSH' });
  await page.goto(BASE + '/');
  await page.waitForSelector('.feed li');
  expect((await page.textContent('.feed')).includes('Dashboard Customer'), 'recent activity names the new customer');
  await shoot(page, 'dashboard');
});

async function moneyText(page, sel) { return (await page.textContent(sel)).replace(/\s+/g, ' ').trim(); }

test('invoice journey: company profile, customer, invoice finalized, PDF, partial payment, status and aging, credit note, sign out and in', async ({ page }) => {
  const who = await signup(page, 'Northwind IT ' + uniq());
  // the seller's details, printed on the invoice
  await page.goto(BASE + '/settings');
  await page.waitForSelector('form.rform [data-field=name] input');
  await page.fill('form.rform [data-field=name] input', 'Northwind IT Services Pvt Ltd');
  await page.fill('form.rform [data-field=gst_number] input', '29AAACI1681G1ZL');
  await page.fill('form.rform [data-field=state_code] input', '29');
  await page.fill('form.rform [data-field=address] textarea', '12 MG Road\nBengaluru 560001');
  await page.click('form.rform button[type=submit]');
  await page.waitForSelector('.toast:has-text("Saved")');
  const cid = await addCustomer(page, { name: 'Globex India', code: 'GLXI', email: 'ap@globex.example', gst: '27AAPFU0939F1ZV' });
  // a new invoice from the customer 360
  await page.click('a:has-text("New invoice")');
  await page.waitForSelector('#line-desc-0');
  expect((await page.inputValue('#inv-customer')).includes('Globex'), 'the invoice starts with the customer chosen');
  await page.fill('#line-desc-0', 'Managed IT services, November');
  await page.fill('#line-qty-0', '1');
  await page.fill('#line-rate-0', '1000.00');
  await page.fill('#line-tax-0', '18');
  await page.click('button:has-text("Add line")');
  await page.fill('#line-desc-1', 'On-site support hours');
  await page.fill('#line-qty-1', '3');
  await page.fill('#line-rate-1', '33.33');
  await page.fill('#line-tax-1', '18');
  await page.waitForSelector('.save-saved');
  await page.waitForFunction(() => document.querySelector('.totals .grand')?.textContent.includes('1,297.99'));
  expect((await moneyText(page, '.totals')).includes('IGST 18%'), 'inter-state supply: IGST per rate: ' + await moneyText(page, '.totals'));
  await shoot(page, 'invoice-editor');
  // a server error on a line cell
  await page.fill('#line-rate-1', '33.333333333');
  await page.waitForSelector('tr[data-line="1"] .field-error');
  await page.fill('#line-rate-1', '33.33');
  await page.waitForSelector('.save-saved');
  await page.click('button:has-text("Finalize invoice")');
  await page.waitForSelector('.doc-number');
  const number = (await page.textContent('.doc-number')).trim();
  expect(/\d/.test(number) && number !== 'Draft', 'the finalized invoice has a number: ' + number);
  expect((await page.textContent('.page-head .badge')).includes('pending'), 'a finalized invoice is pending');
  await shoot(page, 'invoice');
  const invoiceUrl = page.url();
  // its PDF
  const [dl] = await Promise.all([page.waitForEvent('download'), page.click('button:has-text("Download PDF")')]);
  const pdfPath = join(WORK, 'invoice.pdf');
  await dl.saveAs(pdfPath);
  const pdf = readFileSync(pdfPath);
  expect(pdf.slice(0, 5).toString() === '%PDF-' && pdf.length > 1000, 'the download is a PDF');
  // the UBL e-invoice is offered beside it (its content is validated by the e-invoicing suites)
  expect(await page.locator('button:has-text("Download UBL e-invoice")').count() === 1, 'the UBL file is offered beside the PDF');
  // aging before payment: everything current
  await page.goto(BASE + '/');
  await page.waitForSelector('.hbars');
  await page.waitForFunction(() => document.querySelector('.hbar-row')?.textContent.includes('1,297.99'));
  // a partial payment
  await page.goto(invoiceUrl);
  await page.click('button:has-text("Record payment")');
  await page.fill('.modal [data-field=amount] input', '500.00');
  await page.click('.modal-foot button:has-text("Record payment")');
  await page.waitForFunction(() => document.querySelector('.page-head .badge')?.textContent.includes('partially paid'));
  await page.waitForFunction(() => document.querySelector('[data-testid=balance-due]')?.textContent.includes('797.99'));
  await page.waitForSelector('.detail-side .dtable >> text=500.00');
  // the aging changes with the payment: 797.99 left in the current bucket
  await page.goto(BASE + '/');
  await page.waitForFunction(() => [...document.querySelectorAll('.hbar-row')].some((r) => r.textContent.includes('Current') && r.textContent.includes('797.99')));
  await shoot(page, 'dashboard-receivables');
  // a credit note for one support hour: 33.33 + 18% = 39.33 off the balance
  await page.goto(invoiceUrl);
  await page.click('button:has-text("Credit note")');
  await page.fill('#cn-qty-1', '1');
  await page.fill('#cn-reason', 'One support hour not delivered');
  await shoot(page, 'credit-note');
  await page.click('.modal-foot button:has-text("Issue credit note")');
  await page.waitForFunction(() => document.querySelector('[data-testid=balance-due]')?.textContent.includes('758.66'));
  await page.waitForSelector('.toast:has-text("Credit note")');
  await page.goto(BASE + '/r/credit_notes');
  await page.click('.dtable tbody tr >> nth=0');
  await page.waitForSelector('.page-head .badge');
  expect((await page.textContent('.page-head .badge')).includes('applied'), 'the credit note is applied');
  const buttons = await page.$$eval('.page-actions button', (bs) => bs.map((b) => b.textContent.trim()));
  expect(buttons.includes('PDF') && !buttons.includes('Issue') && !buttons.includes('Apply') && !buttons.includes('Edit'),
    'an applied credit note offers its PDF, not issue, apply or edit: ' + buttons.join(', '));
  await shoot(page, 'credit-note-page');
  // out and back in: the invoice is there with its state
  await signOut(page);
  await signIn(page, who);
  await page.goto(BASE + '/r/invoices');
  await page.waitForSelector(`.dtable >> text=${number}`);
  await shoot(page, 'invoices');
  // one-click status filters
  await page.click('.chip-btn >> text="Paid"');
  await page.waitForSelector('.empty');
  await page.click('.chip-btn:has-text("Partially paid")');
  await page.waitForSelector(`.dtable >> text=${number}`);
  expect(page.url().includes('status=partially_paid'), 'the status filter is in the address bar');
  // time passes. An hour later the access cookie has expired: the console refreshes it unseen.
  const clock = async (secs) => page.evaluate((s) => fetch('/api/v1/_test/clock', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ offset_seconds: s }) }), secs);
  try {
    await clock(3600);
    await page.goto(invoiceUrl);
    await page.waitForSelector('.doc-number');
    expect(!page.url().includes('/login'), 'an expired access cookie is refreshed without signing in again');
    // 45 days later (past the 7-day refresh): sign in again; the invoice is overdue, its balance 1-30 days old
    await clock(45 * 86400);
    await page.goto(invoiceUrl);
    await page.waitForSelector('#a-password');
    await signIn(page, who);
    await page.goto(invoiceUrl);
    await page.waitForFunction(() => document.querySelector('.page-head .badge')?.textContent.includes('overdue'));
    await page.goto(`${BASE}/r/customers/${cid}`);
    await page.waitForFunction(() => [...document.querySelectorAll('.hbar-row')].some((r) => r.textContent.includes('1–30') && r.textContent.includes('758.66')));
    await page.waitForFunction(() => document.querySelector('.statement')?.textContent.includes('Closing balance'));
    await shoot(page, 'customer-360-receivables');
  } finally { await clock(0); }
}, { needs: ['invoices', 'receipts', 'credit_notes', 'company_profiles'] });

test('receipts: a payment allocated across two open invoices, oldest first', async ({ page }) => {
  await signup(page);
  const cp = await apiIn(page, 'POST', 'company_profiles', { name: 'Allocation Seller Ltd' });
  expect(cp.status === 201, 'company profile: ' + JSON.stringify(cp.body));
  const cid = await addCustomer(page, { name: 'Allocation Co', code: 'ALC' });
  for (const amount of ['100.00', '250.00']) {
    const inv = await apiIn(page, 'POST', 'invoices', { customer_id: cid, lines: [{ description: 'Work', quantity: '1', rate: amount, tax_rate: '0' }] });
    const fin = await apiIn(page, 'POST', `invoices/${inv.body.id}/finalize`);
    expect(fin.status === 200, 'finalized: ' + JSON.stringify(fin.body));
  }
  await page.goto(`${BASE}/r/receipts/new?customer_id=${cid}`);
  await page.waitForSelector('.alloc-table');
  await page.fill('[data-field=amount] input', '300.00');
  await page.click('button:has-text("Oldest first")');
  await page.waitForFunction(() => document.querySelector('.totals .grand')?.textContent.includes('0.00'));
  await shoot(page, 'receipt-new');
  // over-allocate one invoice by hand: the server names the allocation
  const inputs = await page.$$('.alloc-table input');
  await inputs[0].fill('150.00');
  await page.click('button:has-text("Record payment")');
  await page.waitForSelector('.alloc-table .field-error');
  await page.click('button:has-text("Oldest first")');
  await page.click('button:has-text("Record payment")');
  await page.waitForSelector('.stats >> text=300.00');
  await page.waitForFunction(() => document.querySelectorAll('.dtable tbody tr').length === 2);
  await shoot(page, 'receipt');
}, { needs: ['invoices', 'receipts', 'receipt_allocations'] });

// The newest mail to an address with a subject, from the server's mail folder (test mode writes
// each mail as a file under the data directory), polled while the outbox worker delivers it.
async function mailTo(email, subject) {
  const dir = join(WORK, 'data', 'mail');
  for (let i = 0; i < 50; i++) {
    if (existsSync(dir)) {
      const files = readdirSync(dir).sort().reverse();
      for (const f of files) {
        const text = readFileSync(join(dir, f), 'utf8');
        if (text.includes('To: ' + email) && text.includes('Subject: ' + subject)) return text;
      }
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Check(`no mail "${subject}" to ${email}`);
}

test('password reset: the mailed token sets a new password and signs out every session', async ({ page, browser }) => {
  const who = await signup(page);
  const ctxB = await browser.newContext({ viewport: DESKTOP, reducedMotion: 'reduce' });
  const pb = await ctxB.newPage();
  try {
    await pb.goto(BASE + '/login');
    await pb.click('a:has-text("Forgot your password?")');
    await pb.fill('#a-email', who.email);
    await pb.click('button[type=submit]');
    await pb.waitForSelector('.banner-ok:has-text("Check your email")');
    await shoot(pb, 'password-forgot');
    const mail = await mailTo(who.email, 'Reset your Remit password');
    const token = /token: (\S+)/.exec(mail)[1];
    await pb.goto(`${BASE}/reset-password?token=${encodeURIComponent(token)}`);
    await pb.fill('#a-password', 'short');
    await pb.fill('#a-confirm', 'short');
    await pb.click('button[type=submit]');
    await pb.waitForSelector('[data-field=password] .field-error');
    await shoot(pb, 'password-reset');
    const fresh = 'a-brand-new-pass-' + uniq();
    await pb.fill('#a-password', fresh);
    await pb.fill('#a-confirm', fresh);
    await pb.click('button[type=submit]');
    await pb.waitForSelector('.banner-ok:has-text("password is changed")');
    // the old session is gone everywhere
    await page.goto(BASE + '/r/customers');
    await page.waitForSelector('#a-email');
    await signIn(pb, { ...who, password: fresh });
    expect((await pb.textContent('.org-chip')).includes(who.org), 'signed in with the new password');
  } finally { await ctxB.close(); }
}, { needs: ['auth/password/forgot', 'auth/password/reset'] });

test('sessions: the settings list where one is signed in and sign out another browser', async ({ page, browser }) => {
  const who = await signup(page);
  const ctxB = await browser.newContext({ viewport: DESKTOP, reducedMotion: 'reduce' });
  const pb = await ctxB.newPage();
  try {
    await signIn(pb, who);
    await page.goto(BASE + '/settings/sessions');
    await page.waitForFunction(() => document.querySelectorAll('.session-row').length === 2);
    await shoot(page, 'settings-sessions');
    await page.click('.session-row button:has-text("Sign out")');
    await page.waitForFunction(() => document.querySelectorAll('.session-row').length === 1);
    await pb.goto(BASE + '/r/customers');
    await pb.waitForSelector('#a-email');
  } finally { await ctxB.close(); }
}, { needs: ['auth/sessions'] });

test('CSV import: a file with a bad row is refused with the row named, then imported without it', async ({ page }) => {
  await signup(page);
  await page.goto(BASE + '/r/customers');
  await page.click('button:has-text("Import")');
  const csv = 'name,code,email,gst_number\r\nImported One,IMP1,one@imp.example,\r\nBroken Row,IMP2,two@imp.example,27AAPFU0939F1ZX\r\nImported Three,IMP3,three@imp.example,\r\n';
  await page.setInputFiles('#imp-file', { name: 'customers.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
  await page.click('.modal-foot button:has-text("Import")');
  await page.waitForSelector('[data-testid=import-result]');
  expect((await page.textContent('[data-testid=import-result]')).includes('0 of 3'), 'nothing is imported from a file with errors');
  const report = await page.textContent('.modal .dtable');
  expect(report.includes('gst_number'), 'the bad row is reported with its field: ' + report);
  await shoot(page, 'import');
  await page.check('.modal .menu-check:has-text("valid rows") input');
  await page.click('.modal-foot button:has-text("Import")');
  await page.waitForFunction(() => document.querySelector('[data-testid=import-result]')?.textContent.includes('2 of 3'));
  await page.click('.modal-foot button:has-text("Close")');
  await page.waitForSelector('.dtable >> text=Imported Three');
}, { needs: ['customers/import'] });

test('service catalog: services as cards by category, and the table view', async ({ page }) => {
  await signup(page);
  const cat = await apiIn(page, 'POST', 'service_categories', { name: 'Managed services' });
  expect(cat.status === 201, 'category: ' + JSON.stringify(cat.body));
  for (const [name, code, rate] of [['Workstation management', 'WKS', '1200.00'], ['Server monitoring', 'SRV', '4500.00'], ['Backup as a service', 'BAK', '850.00']]) {
    const r = await apiIn(page, 'POST', 'services', { name, code, default_rate: rate, category_id: cat.body.id, unit_of_measure: 'device', description: `${name}, per device per month` });
    expect(r.status === 201, 'service: ' + JSON.stringify(r.body));
  }
  await page.goto(BASE + '/r/services');
  await page.waitForSelector('.cat-card:has-text("Server monitoring")');
  expect((await page.textContent('.cat-title')).includes('Managed services'), 'grouped by category');
  await shoot(page, 'service-catalog');
  await page.click('.seg button:has-text("Table")');
  await page.waitForSelector('.dtable >> text=Backup as a service');
}, { needs: ['services', 'service_categories'] });

test('organisation settings: a bad time zone is refused on its field, a new name shows at once', async ({ page }) => {
  await signup(page);
  await page.goto(BASE + '/settings');
  await page.click('.card:has-text("Organisation") button:has-text("Edit")');
  await page.fill('#org-timezone', 'Mars/Olympus_Mons');
  await page.click('.card:has-text("Organisation") button[type=submit]');
  await page.waitForSelector('[data-field=timezone] .field-error');
  await page.fill('#org-timezone', 'Europe/London');
  await page.fill('#org-name', 'Renamed Holdings');
  await page.click('.card:has-text("Organisation") button[type=submit]');
  await page.waitForSelector('.org-chip:has-text("Renamed Holdings")');
  const t = await apiIn(page, 'GET', 'tenant');
  expect(t.body.timezone === 'Europe/London', 'the time zone is saved');
}, { needs: ['tenant/settings'] });

// Fills every required field of a generic form that is still empty, by its kind: the first
// option of a picker or a select, a date at the start of this month, an amount, a word.
async function fillRequired(page, scope, values = {}) {
  await page.waitForSelector(scope);
  await page.$$eval(`${scope} details`, (ds) => ds.forEach((d) => { d.open = true; }));
  for (const [name, v] of Object.entries(values)) {
    const el = await page.$(`${scope} [data-field=${name}] input, ${scope} [data-field=${name}] select, ${scope} [data-field=${name}] textarea`);
    if (!el) continue;
    const tag = await el.evaluate((e) => e.tagName + ':' + (e.getAttribute('role') || e.type));
    if (tag.startsWith('SELECT')) await el.selectOption(v);
    else if (tag.includes('combobox')) { await el.click(); await el.fill(v); await page.click(`${scope} [data-field=${name}] .combo-list li[role=option]`); }
    else await el.fill(v);
  }
  const fields = await page.$$(`${scope} .field:has(.req)`);
  for (const f of fields) {
    const name = await f.getAttribute('data-field');
    if (name in values) continue;
    const input = await f.$('input, select, textarea');
    if (!input) continue;
    const kind = await input.evaluate((e) => (e.getAttribute('role') === 'combobox' ? 'ref' : e.tagName === 'SELECT' ? 'select' : e.type));
    const val = await input.evaluate((e) => e.value);
    if (val) continue;
    if (kind === 'ref') { await input.click(); await page.click(`${scope} [data-field=${name}] .combo-list li[role=option]`); }
    else if (kind === 'select') { const opts = await input.$$eval('option', (os) => os.map((o) => o.value).filter(Boolean)); await input.selectOption(opts[0]); }
    else if (kind === 'date') await input.fill(new Date().toISOString().slice(0, 8) + '01');
    else if (kind === 'number') await input.fill('1');
    else if ((await input.getAttribute('inputmode')) === 'decimal') await input.fill('300.00');
    else await input.fill('Test ' + name);
  }
}

test('billing journey: a plan assigned to a customer, a bill-run preview with its trace, the run, the invoice', async ({ page }) => {
  await signup(page, 'Billing Co ' + uniq());
  await apiIn(page, 'POST', 'company_profiles', { name: 'Billing Co Pvt Ltd' });
  const cid = await addCustomer(page, { name: 'Contoso Managed', code: 'CTM' });
  // a service and a monthly fixed plan with it, through the generic forms
  await page.goto(BASE + '/r/services/new');
  await fillRequired(page, 'form.rform', { name: 'Managed workstation', default_rate: '300.00' });
  await page.click('form.rform button[type=submit]');
  await page.waitForSelector('.page-head h1:has-text("Managed workstation")');
  await page.goto(BASE + '/r/billing_plans/new');
  await fillRequired(page, 'form.rform', { plan_name: 'Managed IT monthly', plan_type: 'fixed', billing_frequency: 'monthly' });
  await shoot(page, 'billing-plan-new');
  await page.click('form.rform button[type=submit]');
  await page.waitForSelector('.page-head h1:has-text("Managed IT monthly")');
  const planUrl = page.url();
  await page.click('.related a:has-text("New")');
  await fillRequired(page, 'form.rform', { service_id: 'Managed workstation' });
  await page.click('form.rform button[type=submit]');
  await page.waitForURL(planUrl);
  await page.waitForSelector('.related .dtable >> text=Managed workstation');
  // assigned to the customer from the customer 360, from the first of this month
  const now = new Date();
  const first = `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, '0')}-01`;
  const next = new Date(now.getFullYear(), now.getMonth() + 1, 1);
  const nextFirst = `${next.getFullYear()}-${String(next.getMonth() + 1).padStart(2, '0')}-01`;
  await page.goto(`${BASE}/r/customers/${cid}`);
  await page.click('[role=tab]:has-text("Customer billing plans")');
  await page.click('.related a:has-text("New")');
  await fillRequired(page, 'form.rform', { plan_id: 'Managed IT', start_date: first });
  await page.click('form.rform button[type=submit]');
  await page.waitForURL(`**/r/customers/${cid}`);
  // the plans as cards
  await page.goto(BASE + '/r/billing_plans');
  await page.waitForSelector('.cat-card:has-text("Managed IT monthly")');
  await shoot(page, 'billing-plans');
  // preview this month: the line and its calculation, nothing saved
  await page.goto(BASE + '/billing/run');
  await page.click('#pv-customer');
  await page.fill('#pv-customer', 'Contoso');
  await page.click('.combo-list li:has-text("Contoso")');
  await page.click('button:has-text("Preview")');
  await page.waitForSelector('[data-testid=preview-total]');
  expect((await page.textContent('[data-testid=preview-total]')).includes('300.00'), 'a full month of the plan is 300.00');
  expect((await page.textContent('.preview')).includes('Managed IT monthly'), 'the trace names the plan');
  await shoot(page, 'bill-run-preview');
  const before = (await apiIn(page, 'GET', `invoices?customer_id=${cid}`)).body.data.length;
  expect(before === 0, 'a preview changes nothing');
  // the run on the first of next month bills this month
  await page.fill('#run-date', nextFirst);
  await page.click('button:has-text("Run bill run")');
  await page.click('.modal-foot button:has-text("Run now")');
  await page.waitForSelector('[data-testid=run-result]', { timeout: 30000 });
  expect((await page.textContent('[data-testid=run-result]')).includes('1 invoice'), 'the run made one invoice: ' + await page.textContent('[data-testid=run-result]'));
  await shoot(page, 'bill-run-result', { at: '[data-testid=run-result]' });
  const after = (await apiIn(page, 'GET', `invoices?customer_id=${cid}`)).body.data;
  expect(after.length === 1 && after[0].total === '300.00', 'the customer\'s invoice is 300.00');
  await page.click('.run-list a >> nth=0');
  await page.waitForSelector('.doc-number');
  expect((await page.textContent('.doc')).includes('Managed workstation'), 'the invoice shows the plan\'s line');
  // the customer's account: the invoice is owed; an adjustment entered here waits for the next run
  await page.goto(`${BASE}/r/customers/${cid}`);
  await page.waitForSelector('[data-testid=account-balance]');
  expect((await page.textContent('[data-testid=account-balance]')).includes('300.00'), 'the account owes the invoice');
  await page.click('[data-testid=account-entry]');
  await fillRequired(page, 'form.rform', { transaction_type: 'adjustment', amount: '25.00', description: 'On-site visit' });
  await page.click('form.rform button[type=submit]');
  await page.waitForURL(`**/r/customers/${cid}`);
  await page.waitForFunction(() => document.querySelector('[data-testid=account-adjustments]')?.textContent.includes('25.00'));
  expect((await page.textContent('[data-testid=account-balance]')).includes('300.00'), 'an adjustment reaches the balance through the invoice that bills it');
  await shoot(page, 'customer-account', { at: '[data-testid=account-entry]' });
}, { needs: ['billing_plans', 'customer_billing_plans', 'services', 'billing/preview', 'billing/runs', 'transactions'] });

test('approvals inbox lists what waits and decides it', async ({ page }) => {
  const owner = await signup(page);
  // time entries over 8 hours wait for approval; a colleague records two long days
  expect((await apiIn(page, 'POST', 'system_settings', { setting_key: 'billing.approval.time_minutes', setting_type: 'int', setting_value: 480 })).status === 201, 'the threshold is set');
  const svc = (await apiIn(page, 'POST', 'services', { name: 'Engineering', service_type: 'time', default_rate: '100' })).body;
  const cust = (await apiIn(page, 'POST', 'customers', { name: 'Waits Ltd' })).body;
  const tech = { email: `tech-${uniq()}@example.test`, password: 'tech-pass-' + uniq() };
  expect((await apiIn(page, 'POST', 'users', { ...tech, role: 'user', first_name: 'Tara' })).status === 201, 'a colleague is added');
  const login = await fetch(BASE + '/api/v1/auth/login', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ ...tech, tenant: owner.slug }) }).then((r) => r.json());
  const asTech = (body) => fetch(BASE + '/api/v1/time_entries', { method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: 'Bearer ' + login.access_token }, body: JSON.stringify(body) }).then((r) => r.json());
  const long = await asTech({ customer_id: cust.id, service_id: svc.id, start_time: '2026-03-02T08:00:00Z', duration: 600, description: 'Server migration' });
  const longer = await asTech({ customer_id: cust.id, service_id: svc.id, start_time: '2026-03-03T08:00:00Z', duration: 720, description: 'Weekend cut-over' });
  expect(long.approval_status === 'pending' && longer.approval_status === 'pending', 'both entries wait: ' + JSON.stringify([long, longer]));

  await page.goto(BASE + '/approvals');
  await page.waitForSelector('.inbox-item');
  expect((await page.locator('.inbox-item').count()) === 2, 'the inbox lists the two waiting entries');
  await shoot(page, 'approvals');
  const item = (n) => page.locator('.inbox-item', { hasText: n + ' minutes' });
  // approve the first: one click and a confirmation
  await item('600').locator('button:has-text("Approve")').click();
  await page.click('.modal-foot button:has-text("Approve")');
  await page.waitForFunction(() => document.querySelectorAll('.inbox-item').length === 1);
  // rejecting needs a note: the server's error opens the field in the dialog
  await item('720').locator('button:has-text("Reject")').click();
  await page.click('.modal-foot button:has-text("Reject")');
  await page.waitForSelector('.modal [data-field=decision_note] .field-error, .modal [data-field=decision_note] [role=alert]');
  await page.fill('.modal [data-field=decision_note] textarea, .modal [data-field=decision_note] input', 'Cut-over was covered by the fixed fee');
  await page.click('.modal-foot button:has-text("Reject")');
  await page.waitForSelector('text=Nothing waits for approval');
  const decided = (await apiIn(page, 'GET', 'approvals?order=request_date')).body.data;
  const by = Object.fromEntries(decided.map((a) => [a.item_id, a]));
  expect(by[long.id]?.status === 'approved' && by[longer.id]?.status === 'rejected', 'the decisions are stored: ' + JSON.stringify(decided));
  expect(by[longer.id].decision_note === 'Cut-over was covered by the fixed fee', 'the rejection keeps its note');
  const entries = (await apiIn(page, 'GET', `time_entries?customer_id=${cust.id}`)).body.data;
  expect(entries.find((e) => e.id === long.id).approval_status === 'approved' && entries.find((e) => e.id === longer.id).approval_status === 'rejected', 'the entries carry the decisions');
}, { needs: ['approvals', 'system_settings', 'time_entries'] });

// ---------------------------------------------------------------------------------------------

const browser = await chromium.launch({
  executablePath: process.env.REMIT_CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
});
openapi = await (await fetch(BASE + '/api/v1/openapi.json')).json();
let passed = 0, failed = 0, skipped = 0;
for (const t of tests) {
  if (FILTER && !t.name.includes(FILTER)) continue;
  const missing = t.needs.filter((n) => !haveApi(n));
  if (missing.length) {
    skipped++;
    console.log(`SKIP  ${t.name} (waits for: ${missing.join(', ')})`);
    continue;
  }
  const ctx = await browser.newContext({ viewport: DESKTOP, reducedMotion: 'reduce', acceptDownloads: true });
  const page = await ctx.newPage();
  page.setDefaultTimeout(10000);
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  // the console must run under the server's strict Content-Security-Policy without a violation
  page.on('console', (m) => { if (/Content Security Policy|Refused to/.test(m.text())) errors.push('CSP: ' + m.text()); });
  const bad = [];
  page.on('response', (r) => { if (r.status() >= 500 || r.status() === 401) bad.push(`${r.status()} ${r.request().method()} ${r.url().replace(BASE, '')}`); });
  const t0 = Date.now();
  try {
    await t.fn({ page, browser, errors });
    expect(errors.length === 0, 'uncaught page errors: ' + errors.join('; '));
    passed++;
    console.log(`PASS  ${t.name} (${Date.now() - t0} ms)`);
  } catch (e) {
    failed++;
    console.log(`FAIL  ${t.name}\n      ${e instanceof Check ? e.message : e.stack || e}`);
    if (bad.length) console.log('      responses: ' + bad.slice(-8).join(', '));
    try { await page.screenshot({ path: join(SHOTS, `FAILED-${t.name.replace(/\W+/g, '-').slice(0, 60)}.png`), fullPage: true }); } catch { /* closed */ }
  }
  await ctx.close();
}
await browser.close();
const summary = `${passed} passed, ${failed} failed, ${skipped} skipped`;
writeFileSync(join(WORK, 'summary'), summary + '\n');
console.log(summary);
process.exit(failed ? 1 : 0);
