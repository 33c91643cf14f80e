import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { englishContext, launchChromium } from '../helpers/browser.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { CASE_INFO } from './samples.js';
import { sealedAndChanged } from './sealed.js';

/** The public /verify page in Chromium, without signing in: a sealed PDF checks out, a changed one does not. */
describe('verification page in Chromium', () => {
  let s: TestServer;
  let browser: Browser;
  let sealed: Buffer;
  let changed: Buffer;

  beforeAll(async () => {
    s = await startTestServer('sqlite');
    browser = await launchChromium();
    ({ sealed, changed } = await sealedAndChanged(s));
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await s?.close();
  });

  it('shows each signature of a sealed PDF as valid, and a changed PDF as changed', async () => {
    const ctx = await englishContext(browser);
    const page = await ctx.newPage();
    await page.goto(`${s.url}/verify`);
    await page.getByTestId('verify-page').waitFor();
    await page.getByTestId('verify-file').setInputFiles({ name: 'agreement.pdf', mimeType: 'application/pdf', buffer: sealed });
    await page.getByTestId('verify-submit').click();
    await page.getByTestId('verify-report').waitFor();
    expect(await page.getByTestId('verify-report').getAttribute('data-verdict')).toBe('ok');
    expect(await page.getByTestId('verify-signature').count()).toBe(1);
    expect(await page.getByTestId('verify-signature').first().getAttribute('data-valid')).toBe('true');
    await expect.poll(() => page.getByTestId('verify-report').textContent()).toContain(CASE_INFO.orgName);

    await page.getByTestId('verify-file').setInputFiles({ name: 'changed.pdf', mimeType: 'application/pdf', buffer: changed });
    await page.getByTestId('verify-submit').click();
    await page.getByTestId('verify-report').waitFor();
    expect(await page.getByTestId('verify-report').getAttribute('data-verdict')).toBe('changed');
    expect(await page.getByTestId('verify-signature').first().getAttribute('data-valid')).toBe('false');

    await page.getByTestId('verify-file').setInputFiles({ name: 'note.pdf', mimeType: 'application/pdf', buffer: Buffer.from('not a pdf at all') });
    await page.getByTestId('verify-submit').click();
    await page.getByTestId('verify-error').waitFor();
    expect(await page.getByTestId('verify-report').count()).toBe(0);
    await ctx.close();
  });

  it('speaks Simplified Chinese to a Chinese browser', async () => {
    const ctx = await browser.newContext({ locale: 'zh-CN' });
    const page = await ctx.newPage();
    await page.goto(`${s.url}/verify`);
    await page.getByTestId('verify-page').waitFor();
    expect(await page.getByTestId('verify-page').innerText()).toContain('核验已签署文件');
    await ctx.close();
  });
});
