// sso.mjs BASE OUTDIR USER: sign in to CloudPAM through SSO in Debian's
// Chromium (playwright-core): BASE is the Apache with mod_auth_openidc in
// front of CloudPAM, which sends the browser to the test OpenID provider's
// login form and consent page and back.  Prints TAP; screenshots of the
// landed pages (1280 px) go to OUTDIR.
import { chromium } from 'playwright-core';
import { mkdirSync } from 'node:fs';

const [base, outdir, user = 'alice'] = process.argv.slice(2);
mkdirSync(outdir, { recursive: true });
const origin = new URL(base).origin;
let n = 0;
let failed = 0;
const ok = (pass, name, diag) => {
  n++;
  if (!pass) failed++;
  console.log(`${pass ? '' : 'not '}ok ${n} - ${name}`);
  if (!pass && diag) console.log(`#   ${String(diag).split('\n').join('\n#   ')}`);
};

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--no-first-run',
    '--disable-background-networking', '--disable-component-update',
    '--disable-sync'],
});

try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  // Offline: the provider's pages import web fonts from the internet;
  // refuse anything but loopback at once instead of waiting for it.
  await context.route(/^https?:\/\/(?!127\.0\.0\.1[:/])/, (r) => r.abort());
  const page = await context.newPage();
  // Problems on CloudPAM's own pages only: the provider's pages import
  // web fonts that fail offline, which is not ours to judge.
  const problems = [];
  const ours = (url) => typeof url === 'string' && url.startsWith(origin);
  page.on('console', (m) => {
    if (m.type() === 'error' && ours(m.location().url || page.url())) {
      problems.push(`${page.url()}: ${m.text()}`);
    }
  });
  page.on('pageerror', (e) => { if (ours(page.url())) problems.push(String(e)); });
  // CSP violations reported by the page itself.
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`);
    });
  });
  const csp = [];
  page.on('response', (r) => {
    const ct = r.headers()['content-type'] || '';
    if (ours(r.url()) && ct.startsWith('text/html') && r.status() === 200) {
      csp.push([r.url(), r.headers()['content-security-policy'] || '']);
    }
  });

  // 1. CloudPAM sends us to the provider's login form.
  const t0 = Date.now();
  await page.goto(`${base}/`);
  ok(!ours(page.url()) && /\/interaction\//.test(page.url()),
    'an anonymous visit lands on the provider\'s login form', page.url());
  await page.fill('input[name=login]', user);
  await page.fill('input[name=password]', 'any-password');
  await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);

  // 2. Consent, then back to CloudPAM.
  const consent = page.locator('input[name=prompt][value=consent]');
  if (await consent.count()) {
    await Promise.all([page.waitForURL((u) => u.origin === origin),
      page.click('button[type=submit]')]);
  } else {
    await page.waitForURL((u) => u.origin === origin);
  }
  await page.waitForLoadState('load');
  ok(page.url() === `${base}/`, `back on CloudPAM's dashboard (${Date.now() - t0} ms)`, page.url());
  const title = await page.title();
  ok(/CloudPAM/.test(title), `the page is CloudPAM's: ${title}`);

  // 3. Signed in as the user, with the role the groups give.
  const name = (await page.locator('.user-name').textContent() || '').trim();
  ok(name === 'Alice Liddell', `the top bar shows the user: ${name}`);
  const role = (await page.locator('.badge-role').textContent() || '').trim();
  ok(role === 'admin', `... and the role: ${role}`);
  ok(await page.locator('form.logout-form').count() === 0,
    'no CloudPAM sign-out form for an SSO session');
  await page.screenshot({ path: `${outdir}/sso-dashboard-desktop.png`, fullPage: true });

  // 4. The page's own API calls go through Apache with the SSO session.
  const me = await page.evaluate(async () => {
    const r = await fetch('/api/v1/me', { headers: { Accept: 'application/json' } });
    return { status: r.status, body: await r.json().catch(() => null) };
  });
  ok(me.status === 200 && me.body && me.body.auth === 'sso' && me.body.role === 'admin'
    && me.body.user.username === user,
  'fetch(/api/v1/me) from the page: the SSO user, admin', JSON.stringify(me));

  // 5. More pages, each rendered for the SSO user.
  for (const [shot, path] of [['sso-pools-desktop', '/pools'], ['sso-vrfs-desktop', '/vrfs']]) {
    const res = await page.goto(base + path);
    ok(res.status() === 200, `${path}: status ${res.status()}`);
    const token = await page.locator('input[name=csrf_token]').first().getAttribute('value');
    ok(token && token.length > 20, `${path}: forms carry a CSRF token`);
    await page.screenshot({ path: `${outdir}/${shot}.png`, fullPage: true });
  }

  // 6. A form post: create a VRF through the page (CSRF token in the form).
  const form = page.locator('form[action="/vrfs"][method=post]');
  if (await form.count()) {
    await form.locator('input[name=name]').fill('sso-browser');
    await Promise.all([page.waitForNavigation(), form.locator('button[type=submit], input[type=submit]').first().click()]);
    ok((await page.textContent('main')).includes('sso-browser'), 'a VRF created through the form shows up');
  } else {
    ok(false, 'the VRF page has a create form');
  }

  ok(csp.length >= 3 && csp.every(([, v]) => /default-src|script-src/.test(v)),
    'CloudPAM pages came with a Content-Security-Policy',
    csp.map(([u, v]) => `${u}: ${v}`).join('\n'));
  ok(problems.length === 0, 'no console errors or CSP violations on CloudPAM pages',
    problems.join('\n'));
  await context.close();
} catch (e) {
  ok(false, 'browser run', e.stack);
} finally {
  await browser.close();
}
console.log(`1..${n}`);
process.exit(failed ? 1 : 0);
