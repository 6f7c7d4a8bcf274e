// firstrun.mjs BASE OUTDIR SETUP_TOKEN: the first start of CloudPAM.
import { chromium } from 'playwright-core';
import { mkdirSync } from 'node:fs';

const [base, outdir, setupToken] = process.argv.slice(2);
mkdirSync(outdir, { recursive: true });
let n = 0;
let failed = 0;
function ok(cond, name, diag) {
  n++;
  console.log(`${cond ? 'ok' : 'not ok'} ${n} - ${name}`);
  if (!cond) {
    failed++;
    if (diag) console.log(`# ${String(diag).split('\n').join('\n# ')}`);
  }
}

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium', headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
});
const problems = [];
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  // The refused forms are answered 401 and 403 on purpose; Chromium logs
  // those documents' statuses as console errors.
  page.on('console', (m) => {
    if (m.type() === 'error' && !/status of (401|403) /.test(m.text())) problems.push(m.text());
  });
  page.on('pageerror', (e) => problems.push(String(e)));

  // Any page sends a new instance to /setup.
  await page.goto(`${base}/pools`);
  ok(new URL(page.url()).pathname === '/setup', 'a first visit lands on /setup');
  ok(/Set up CloudPAM/.test(await page.textContent('h1')), 'titled Set up CloudPAM');
  await page.screenshot({ path: `${outdir}/setup-desktop.png`, fullPage: true });

  // A wrong token is refused beside its field, what was typed is kept.
  await page.fill('input[name=token]', 'not-the-token');
  await page.fill('input[name=username]', 'ana');
  await page.fill('input[name=password]', 'ana first passphrase');
  await page.fill('input[name=password_confirm]', 'ana first passphrase');
  await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
  ok(/setup token is not right/.test(await page.textContent('main')), 'a wrong token is refused, in words');
  ok(await page.inputValue('input[name=username]') === 'ana', 'the username is kept');
  await page.screenshot({ path: `${outdir}/setup-error-desktop.png`, fullPage: true });

  await page.fill('input[name=token]', setupToken);
  await page.fill('input[name=password]', 'ana first passphrase');
  await page.fill('input[name=password_confirm]', 'ana first passphrase');
  await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
  ok(new URL(page.url()).pathname === '/', 'the first admin lands on the dashboard');
  ok(/ana/.test(await page.textContent('.user-area')), 'signed in as ana');
  ok(/admin/.test(await page.textContent('.user-area')), 'with the role shown');
  ok(/first admin/.test(await page.textContent('main')), 'welcomed');

  // Sign out, and back in through the sign-in page.
  await Promise.all([page.waitForNavigation(), page.click('.logout-form button')]);
  ok(new URL(page.url()).pathname === '/login', 'signing out leads to the sign-in page');
  await page.screenshot({ path: `${outdir}/login-desktop.png`, fullPage: true });
  await page.fill('input[name=username]', 'ana');
  await page.fill('input[name=password]', 'wrong password');
  await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
  ok(/username or password is not right/.test(await page.textContent('main')), 'a wrong password is refused');
  await page.screenshot({ path: `${outdir}/login-error-desktop.png`, fullPage: true });
  await page.fill('input[name=password]', 'ana first passphrase');
  await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
  ok(new URL(page.url()).pathname === '/', 'signed in again');

  // A key for a script, from Users and keys.
  await page.goto(`${base}/users`);
  ok(/Users and keys|Users/.test(await page.textContent('h1')), 'the Users and keys page');
  await page.fill('input[name=name]', 'terraform');
  await page.selectOption('select[name=scope]', 'write');
  await Promise.all([page.waitForNavigation(), page.click('form[action="/keys"] button[type=submit]')]);
  const shown = await page.inputValue('#key-token');
  const m = shown.match(/^cpk_\d+_[A-Za-z0-9_-]{43}$/);
  ok(m, 'the new key is shown once', shown);
  await page.screenshot({ path: `${outdir}/key-created-desktop.png`, fullPage: true });

  // A script uses it; the audit log holds everything so far.
  const me = await fetch(`${base}/api/v1/me`, { headers: { Authorization: `Bearer ${m && m[0]}` } });
  const body = await me.json();
  ok(me.status === 200 && body.user.username === 'ana' && body.auth === 'key', 'the key works for a script');
  const pool = await fetch(`${base}/api/v1/pools`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${m && m[0]}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ name: 'corp', cidr: '10.0.0.0/8' }),
  });
  ok(pool.status === 201, 'and can create a pool');
  await page.goto(`${base}/audit`);
  const audit = await page.textContent('main');
  for (const action of ['setup', 'logout', 'login.failed', 'login', 'key.create', 'pool.create']) {
    ok(audit.includes(action), `the audit page shows ${action}`);
  }
  await page.screenshot({ path: `${outdir}/audit-desktop.png`, fullPage: true });
  await page.goto(`${base}/users`);
  await page.screenshot({ path: `${outdir}/users-desktop.png`, fullPage: true });
  await page.goto(`${base}/account`);
  await page.screenshot({ path: `${outdir}/account-desktop.png`, fullPage: true });

  // Phone width: the card pages fit.
  const phone = await browser.newContext({ viewport: { width: 390, height: 844 } });
  const p2 = await phone.newPage();
  await p2.goto(`${base}/login`);
  const overflow = await p2.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  ok(overflow <= 0, `sign-in at 390 px: no horizontal overflow (${overflow}px)`);
  await p2.screenshot({ path: `${outdir}/login-mobile.png`, fullPage: true });

  ok(problems.length === 0, 'no console errors or CSP violations', problems.join('\n'));
} catch (e) {
  ok(false, 'the run finished', e.stack);
} finally {
  await browser.close();
}
console.log(`1..${n}`);
process.exit(failed ? 1 : 0);
