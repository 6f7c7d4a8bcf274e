// login.mjs: sign a page in through CloudPAM's own sign-in form.
export async function signIn(page, base, user, password) {
  await page.goto(`${base}/login`);
  await page.fill('input[name=username]', user);
  await page.fill('input[name=password]', password);
  await Promise.all([
    page.waitForNavigation(),
    page.click('button[type=submit]'),
  ]);
  if (new URL(page.url()).pathname === '/login') {
    throw new Error(`sign-in as ${user} failed`);
  }
}
