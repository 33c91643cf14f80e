import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { renderAgreementPdf, signPdf } from '../../server/documents/index.js';
import { englishContext, launchChromium } from '../helpers/browser.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { CASE_INFO, PARTIES, sampleAgreement, sampleSignatures } from './samples.js';

/** The public /verify page in Chromium, without signing in: a sealed PDF checks out, a changed one does not. */
describe('verification page in Chromium', () => {
  let s: TestServer;
  let browser: Browser;
  let sealed: Buffer;
  let changed: Buffer;

  beforeAll(async () => {
    s = await startTestServer('sqlite');
    browser = await launchChromium();
    const org = await s.services.store.db.selectFrom('organisations').select(['id']).where('kind', '=', 'mediation').orderBy('id').executeTakeFirstOrThrow();
    const creds = await s.services.documents.credentials.forOrg(org.id);
    const a = sampleAgreement({ pages: 1 });
    sealed = Buffer.from(await signPdf(await renderAgreementPdf({ agreement: a, caseInfo: CASE_INFO, parties: PARTIES, signatures: sampleSignatures(a) }), {
      credentials: creds, name: creds.subjectName, reason: 'Seal of the mediation organisation', location: 'Guangzhou',
    }));
    changed = Buffer.from(sealed);
    const at = changed.indexOf('stream\n', changed.indexOf('/Filter /FlateDecode')) + 30;
    changed[at] = changed[at]! ^ 0x20;
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
