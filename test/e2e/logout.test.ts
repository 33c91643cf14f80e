import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { DEMO_PASSWORD, startTestServer, type TestServer } from '../helpers/server.js';
import { englishContext, launchChromium, signInStaff } from '../helpers/browser.js';

/** Issue 11, item 6a in the console: the header's sign-out ends the session on the server, not only in the browser. */
describe('sign-out in Chromium', () => {
  let s: TestServer;
  let browser: Browser;
  beforeAll(async () => {
    s = await startTestServer('sqlite');
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await s?.close();
  });

  const tokenIn = async (page: Page): Promise<string> =>
    page.evaluate<string>(`JSON.parse(localStorage.getItem('concord.session')).token`);
  const me = (token: string) => s.api('GET', '/api/auth/me', { token });

  it('"Log out" revokes the token on the server before the browser forgets it', async () => {
    const ctx = await englishContext(browser);
    const page = await ctx.newPage();
    await signInStaff(page, s.url, 'demo.mediator', DEMO_PASSWORD);
    const token = await tokenIn(page);
    expect((await me(token)).status).toBe(200);
    await page.getByTestId('logout').click();
    await page.getByTestId('login-view').waitFor();
    expect(await page.evaluate<boolean>(`localStorage.getItem('concord.session') === null`)).toBe(true);
    expect((await me(token)).status).toBe(401);
    await ctx.close();
  });

  it('"Sign out everywhere" ends the sessions of other browsers too, and says so', async () => {
    const one = await englishContext(browser);
    const two = await englishContext(browser);
    const p1 = await one.newPage();
    const p2 = await two.newPage();
    await signInStaff(p1, s.url, 'demo.clerk', DEMO_PASSWORD);
    await signInStaff(p2, s.url, 'demo.clerk', DEMO_PASSWORD);
    const t2 = await tokenIn(p2);
    await p1.getByTestId('logout-all').click();
    await p1.getByTestId('login-flash').waitFor();
    expect(await p1.getByTestId('login-flash').textContent()).toMatch(/every device/);
    expect((await me(t2)).status).toBe(401);
    // The other browser finds out at its next request: back to the login page.
    await p2.reload();
    await p2.getByTestId('login-view').waitFor();
    await one.close();
    await two.close();
  });
});
