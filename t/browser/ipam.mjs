// ipam.mjs URL OUTDIR: a network engineer's first session in Chromium:
// build a small pool tree through the pages, allocate a block, open the
// map, search by IP, delete with confirmation.  Prints TAP; saves a
// screenshot of every page at 1280 and 390 px.
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
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const shot = async (page, name) => {
  await page.screenshot({ path: `${outdir}/${name}-desktop.png`, fullPage: true });
};

try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await signIn(page, base, user, password);
  const problems = [];
  page.on('console', (m) => {
    if (m.type() === 'error' && !/status of 40[049]/.test(m.text())) problems.push(m.text());
  });
  page.on('pageerror', (e) => problems.push(String(e)));

  // A top-level pool through the form, after a refused first try.
  await page.goto(base + '/pools/new');
  await page.fill('#f-name', 'corp');
  await page.fill('#f-cidr', '10.1.2.3/8');
  await Promise.all([page.waitForLoadState('load'), page.click('form.form-card button[type=submit]')]);
  const error = await page.textContent('#f-cidr-error').catch(() => '');
  ok(/did you mean 10\.0\.0\.0\/8/.test(error), 'host bits set: the error beside the field names the canonical prefix', error);
  ok(await page.inputValue('#f-name') === 'corp', 'the form keeps what was typed');
  await shot(page, 'pool-form-error');
  await page.fill('#f-cidr', '10.0.0.0/8');
  await Promise.all([page.waitForURL(/\/pools\/\d+$/), page.click('form.form-card button[type=submit]')]);
  const corp = page.url();
  ok(/Pool created/.test(await page.textContent('body')), 'created, with a flash message');

  // A child through "New child pool".
  await Promise.all([page.waitForURL(/\/pools\/new\?parent_id=/), page.click('text=New child pool')]);
  await page.fill('#f-name', 'eu-west');
  await page.fill('#f-cidr', '10.1.0.0/16');
  await page.selectOption('#f-type', 'region');
  await Promise.all([page.waitForURL(/\/pools\/\d+$/), page.click('form.form-card button[type=submit]')]);
  const euwest = page.url();
  ok(euwest !== corp, 'child pool created');
  const crumbs = await page.textContent('nav[aria-label*="readcrumb"], .breadcrumbs').catch(() => '');
  ok(/corp/.test(crumbs || await page.textContent('body')), 'breadcrumbs show the hierarchy');

  // Allocate: preview first, then for real.
  await page.fill('#alloc-prefix_len', '24');
  await page.fill('#alloc-name', 'prod-db');
  await Promise.all([page.waitForLoadState('load'), page.click('button[name=dry_run]')]);
  const preview = await page.textContent('.alloc-preview').catch(() => '');
  ok(/10\.1\.0\.0\/24/.test(preview), 'dry run previews 10.1.0.0/24', preview);
  await page.fill('#alloc-name', 'prod-db');
  await Promise.all([page.waitForURL(/\/pools\/\d+$/), page.click('#allocate button.btn-primary')]);
  const body = await page.textContent('body');
  ok(/Allocated 10\.1\.0\.0\/24 to prod-db/.test(body), 'allocated, and told so');
  await page.goto(base + '/pools/' + euwest.split('/').pop() + '?map_len=24');
  await shot(page, 'pool-detail');

  // The map: one used cell with its title, a zoom link.
  const used = await page.$$('svg .cell-used');
  ok(used.length === 1, `map shows one used /24 (${used.length})`);
  const title = await page.$eval('svg a title', (t) => t.textContent).catch(() => '');
  ok(/10\.1\.0\.0\/24/.test(title), 'map cells have titles', title);
  const zoom = await page.$('a:has-text("Zoom in")');
  ok(zoom !== null, 'map has a zoom control');
  if (zoom) {
    await Promise.all([page.waitForLoadState('load'), zoom.click()]);
    ok(/map_len=25/.test(page.url()), 'zoom in goes one length finer');
  }

  // The blocks table with "hide used".
  await page.goto(euwest + '?len=24&hide_used=1');
  const rows = await page.$$eval('#blocks tbody tr', (r) => r.map((x) => x.textContent));
  ok(rows.length > 0 && !rows.some((r) => /prod-db/.test(r)), 'hide used leaves only free blocks');

  // Search by IP from the header box: innermost first.
  await page.fill('header input[name=q]', '10.1.0.7');
  await Promise.all([page.waitForURL(/\/search\?q=/), page.press('header input[name=q]', 'Enter')]);
  const hits = await page.$$eval('.result-label', (a) => a.map((x) => x.textContent));
  ok(hits.length === 3 && /prod-db/.test(hits[0]) && /corp/.test(hits[2]), 'IP search: innermost first', hits.join(' | '));
  await shot(page, 'search-ip');
  // An exact name jumps to the pool.
  await page.fill('header input[name=q]', 'eu-west');
  await Promise.all([page.waitForURL(/\/pools\/\d+$/), page.press('header input[name=q]', 'Enter')]);
  ok(page.url() === euwest, 'an exact name jumps to its pool');

  // The tree, the dashboard and the list pages.
  for (const [name, path] of [['dashboard', '/'], ['pools', '/pools'], ['blocks', '/blocks'],
    ['accounts', '/accounts'], ['vrfs', '/vrfs'], ['special-ranges', '/special-ranges']]) {
    const res = await page.goto(base + path);
    ok(res.status() === 200, `${name} page answers 200`);
    await shot(page, name);
  }
  await page.goto(base + '/pools');
  ok((await page.$$('details.tree-node')).length >= 2, 'the tree nests pools in <details>');

  // Delete with confirmation: a pool with children needs the box ticked.
  await page.goto(euwest + '/delete');
  await shot(page, 'pool-delete');
  ok(await page.$('input[name=cascade]') !== null, 'confirmation asks to delete the children too');
  await page.check('input[name=cascade]');
  await Promise.all([page.waitForURL(/\/pools\/\d+$/), page.click('button.btn-danger')]);
  ok(page.url() === corp, 'deleted; back to the parent');
  ok(/Deleted eu-west/.test(await page.textContent('body')), 'and told so');
  // The pool's history: its creation, the allocation under it, the delete.
  await page.goto(corp);
  await Promise.all([page.waitForNavigation(), page.click('a.pool-tab:not([aria-current])')]);
  ok(/tab=history/.test(page.url()), 'the history tab opens');
  const history = await page.textContent('main');
  ok(/pool\.create/.test(history), 'history shows the pool created', history.slice(0, 300));
  await page.screenshot({ path: `${outdir}/pool-history-desktop.png`, fullPage: true });
  ok(problems.length === 0, 'no console errors or CSP violations', problems.join('\n'));

  // The same pages at phone width.
  const phone = await browser.newContext({ viewport: { width: 390, height: 844 } });
  const p2 = await phone.newPage();
  await signIn(p2, base, user, password);
  for (const [name, path] of [['dashboard', '/'], ['pools', '/pools'], ['pool-detail', '/pools/1'],
    ['search-ip', '/search?q=10.0.0.1'], ['accounts', '/accounts'], ['vrfs', '/vrfs']]) {
    await p2.goto(base + path);
    const overflow = await p2.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    ok(overflow <= 0, `${name} at 390 px: no horizontal page overflow (${overflow}px)`);
    await p2.screenshot({ path: `${outdir}/${name}-mobile.png`, fullPage: true });
  }
} catch (e) {
  ok(false, 'browser run', e.stack);
} finally {
  await browser.close();
}
console.log(`1..${n}`);
process.exit(failed ? 1 : 0);
