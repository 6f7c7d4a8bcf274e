// pages.mjs URL OUTDIR: drive Debian's Chromium through CloudPAM's pages
// with playwright-core, print TAP, save screenshots at 1280 and 390 px.
import { chromium } from 'playwright-core';
import { signIn } from './login.mjs';
import { mkdirSync } from 'node:fs';

const [base, outdir, user, password] = process.argv.slice(2);
mkdirSync(outdir, { recursive: true });
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

const pages = [
  ['home', '/'],
  ['search', '/search?q=10.1.2.3'],
  ['search-empty', '/search'],
  ['not-found', '/no/such/page'],
];

try {
  for (const [width, height, tag] of [[1280, 900, 'desktop'], [390, 844, 'mobile']]) {
    const context = await browser.newContext({ viewport: { width, height } });
    const page = await context.newPage();
  await signIn(page, base, user, password);
    const problems = [];
    // The 404 page's own status shows up as a console error: expected.
    page.on('console', (m) => {
      if (m.type() === 'error' && !/status of 404/.test(m.text())) problems.push(m.text());
    });
    page.on('pageerror', (e) => problems.push(String(e)));
    for (const [name, path] of pages) {
      problems.length = 0;
      const res = await page.goto(base + path);
      ok(res.status() === (name === 'not-found' ? 404 : 200), `${tag} ${name}: status ${res.status()}`);
      await page.screenshot({ path: `${outdir}/${name}-${tag}.png`, fullPage: true });
      ok(problems.length === 0, `${tag} ${name}: no console errors or CSP violations`, problems.join('\n'));
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      ok(overflow <= 0, `${tag} ${name}: no horizontal page overflow (${overflow}px)`);
    }
    await context.close();
  }

  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await signIn(page, base, user, password);
  await page.goto(base + '/');
  const title = await page.title();
  ok(/CloudPAM/.test(title), `home title names the product: ${title}`);

  // Keyboard: Ctrl+K and / focus the search box.
  await page.keyboard.press('Control+k');
  let focused = await page.evaluate(() => document.activeElement && document.activeElement.name);
  ok(focused === 'q', 'Ctrl+K focuses the search box', `focused: ${focused}`);
  await page.keyboard.press('Escape');
  await page.locator('body').click({ position: { x: 600, y: 600 } });
  await page.keyboard.press('/');
  focused = await page.evaluate(() => document.activeElement && document.activeElement.name);
  ok(focused === 'q', '/ focuses the search box', `focused: ${focused}`);

  // Search with markup: shown as text, never run.
  let dialog = false;
  page.on('dialog', async (d) => { dialog = true; await d.dismiss(); });
  await page.fill('input[name=q]', '<img src=x onerror=alert(1)>');
  await Promise.all([page.waitForURL(/\/search\?q=/), page.keyboard.press('Enter')]);
  ok(page.url().includes('/search?q='), 'search box submits to /search');
  const text = await page.textContent('main');
  ok(text.includes('<img src=x onerror=alert(1)>'), 'query shown as text');
  ok(!dialog, 'injected markup did not run');

  // Theme: the select switches at once (JS) and the choice survives a reload.
  await page.goto(base + '/');
  await page.selectOption('select[name=theme]', 'dark');
  let theme = await page.getAttribute('html', 'data-theme');
  ok(theme === 'dark', 'theme select applies dark at once', theme);
  await page.reload();
  theme = await page.getAttribute('html', 'data-theme');
  ok(theme === 'dark', 'dark theme remembered (cookie) on reload', theme);
  await page.screenshot({ path: `${outdir}/home-desktop-dark.png`, fullPage: true });
  await context.close();

  // Without JavaScript the theme form still works (POST, redirect back).
  const nojs = await browser.newContext({ javaScriptEnabled: false });
  const p2 = await nojs.newPage();
  await signIn(p2, base, user, password);
  await p2.goto(base + '/search');
  await p2.selectOption('select[name=theme]', 'light');
  await Promise.all([p2.waitForNavigation(), p2.click('form[action="/theme"] button[type=submit]')]);
  ok(new URL(p2.url()).pathname === '/search', 'no-JS theme form returns to the page');
  theme = await p2.getAttribute('html', 'data-theme');
  ok(theme === 'light', 'no-JS theme applied', theme);
  await nojs.close();
} catch (e) {
  ok(false, 'browser run', e.stack);
} finally {
  await browser.close();
}
console.log(`1..${n}`);
process.exit(failed ? 1 : 0);
