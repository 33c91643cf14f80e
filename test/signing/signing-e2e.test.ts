import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { englishContext, launchChromium, signInStaff } from '../helpers/browser.js';
import { createDemoCase, DEMO_PASSWORD, type DemoCase } from '../../server/demo.js';
import { demoWithSessions, download, linkToken, lock, pdfsig, sha256, signAs } from './helpers.js';

/**
 * Issue 5 in Chromium: three people in three browser contexts sign the demo agreement remotely (the applicant by
 * drawing, the respondent by typing, both from their personal links; the mediator from the console); the case becomes
 * agreed only after the last signature and the seal. Then the applicant asks for judicial confirmation and the judge
 * reviews the package in the browser (PDF viewer, audit timeline) and confirms; the parties see the outcome.
 */
describe('signing ceremony and judicial confirmation in Chromium', () => {
  let s: TestServer;
  let browser: Browser;
  let demo: DemoCase;
  let mediatorToken: string;
  const contexts: BrowserContext[] = [];
  beforeAll(async () => {
    s = await startTestServer('sqlite');
    browser = await launchChromium();
    demo = await createDemoCase(s.services, s.url);
    mediatorToken = await s.login('demo.mediator');
  });
  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await s?.close();
  });

  const newPage = async (): Promise<Page> => {
    const ctx = await englishContext(browser);
    contexts.push(ctx);
    const page = await ctx.newPage();
    page.setDefaultTimeout(20_000);
    return page;
  };
  const caseStatusOf = async (caseId: string) => (await s.api('GET', `/api/cases/${caseId}`, { token: mediatorToken })).body.status as string;
  const caseStatus = () => caseStatusOf(demo.caseId);

  /** A staff member signed in to the console, on the case list. */
  async function staffSignsIn(username: string): Promise<Page> {
    const page = await newPage();
    await signInStaff(page, s.url, username, DEMO_PASSWORD);
    return page;
  }

  /** A party opens their signing link and passes the identity check. */
  async function partyOpens(c: DemoCase, role: 'applicant' | 'respondent'): Promise<Page> {
    const page = await newPage();
    await page.goto(`${s.url}/sign#${linkToken(c.links[role])}`);
    await page.getByTestId('sign-identity-form').waitFor();
    await page.getByTestId('sign-id-name').fill(c.identities[role].name);
    await page.getByTestId('sign-id-number').fill(c.identities[role].idNumber);
    await page.getByTestId('sign-id-submit').click();
    return page;
  }
  const effective = async () => (await s.api('GET', `/api/signing/agreements/${demo.agreementId}`, { token: mediatorToken })).body.effective as boolean;

  async function draw(page: Page) {
    // Mouse coordinates are the viewport's: bring the signature box into view first.
    await page.getByTestId('sign-canvas').scrollIntoViewIfNeeded();
    const box = (await page.getByTestId('sign-canvas').boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.1, box.y + box.height * 0.6);
    await page.mouse.down();
    for (let i = 1; i <= 20; i++) await page.mouse.move(box.x + box.width * (0.1 + i * 0.035), box.y + box.height * (0.6 - Math.sin(i / 3) * 0.3));
    await page.mouse.up();
  }

  async function ceremony(page: Page, how: 'drawn' | 'typed', expectedHash: string) {
    const card = page.getByTestId('sign-agreement');
    await card.waitFor();
    expect(await card.getAttribute('data-agreement-status')).toBe('locked');
    expect((await page.getByTestId('sign-hash').textContent())?.trim()).toBe(expectedHash);
    expect(await page.getByTestId('sign-text').textContent()).toContain('调解协议书');
    // "I have read" stays locked until the end of the text has been on screen.
    expect(await page.getByTestId('sign-read').isDisabled()).toBe(true);
    await page.getByTestId('agreement-end').scrollIntoViewIfNeeded();
    await page.getByTestId('sign-read').check();
    await page.getByTestId('sign-otp-request').click();
    const code = (await page.getByTestId('sign-otp-code').textContent())!.trim();
    expect(code).toMatch(/^\d{6}$/);
    await page.getByTestId('sign-otp-input').fill(code);
    if (how === 'typed') {
      await page.getByTestId('sign-method-typed').click();
      // The signer's own name is there at once, ready to sign with; they may type another form of it.
      await expect.poll(() => page.getByTestId('sign-submit').getAttribute('data-missing')).toBe('');
      await page.getByTestId('sign-typed-name').fill('刘经理');
    } else {
      await draw(page);
    }
    await expect.poll(() => page.getByTestId('sign-submit').getAttribute('data-missing')).toBe('');
    await page.getByTestId('sign-submit').click();
    await page.getByTestId('sign-done').waitFor();
  }

  async function partySigns(role: 'applicant' | 'respondent', how: 'drawn' | 'typed', hash: string): Promise<Page> {
    const page = await partyOpens(demo, role);
    await page.getByTestId('sign-view').waitFor();
    await ceremony(page, how, hash);
    return page;
  }

  it('three signers on three browsers; effective only after the last signature; the court confirms', async () => {
    const locked = await lock(s, mediatorToken, demo.agreementId);

    const applicant = await partySigns('applicant', 'drawn', locked.sha256);
    expect(await effective()).toBe(false);
    expect(await caseStatus()).toBe('scheduled');

    const respondent = await partySigns('respondent', 'typed', locked.sha256);
    expect(await effective()).toBe(false);
    expect(await caseStatus()).toBe('scheduled');

    // The mediator signs last, from the console.
    const mediator = await staffSignsIn('demo.mediator');
    await mediator.goto(`${s.url}/cases/${demo.caseId}#documents`);
    await mediator.getByTestId('signing-section').waitFor();
    expect(await mediator.locator('[data-testid="signer-slot"][data-signed="true"]').count()).toBe(2);
    await ceremony(mediator, 'drawn', locked.sha256);
    await mediator.getByTestId('sign-effective').waitFor();
    expect(await effective()).toBe(true);
    expect(await caseStatus()).toBe('agreed');
    await expect.poll(() => mediator.getByTestId('case-status').getAttribute('data-status'), { timeout: 10_000 }).toBe('agreed');

    // The sealed PDF behind the console's link.
    const href = (await mediator.getByTestId('doc-link-agreement').getAttribute('href'))!;
    const { file, bytes } = await download(s, href, 'e2e-agreement.pdf');
    expect(sha256(bytes)).toBe(await mediator.getByTestId('doc-agreement').getAttribute('data-sha256'));
    const v = await pdfsig(file);
    expect(v.signatures, v.out).toHaveLength(4);
    expect(v.signatures.every((x) => x.valid), v.out).toBe(true);
    const rows = await s.services.store.db.selectFrom('signatures').select(['role', 'method', 'user_agent']).where('agreement_id', '=', demo.agreementId).execute();
    expect(rows.map((r) => `${r.role}:${r.method}`).sort()).toEqual(['applicant:drawn', 'mediator:drawn', 'respondent:typed']);
    expect(rows.every((r) => /Chrome/.test(r.user_agent))).toBe(true);

    // The applicant sees it effective and asks the court to confirm.
    await applicant.reload();
    await applicant.getByTestId('sign-effective').waitFor();
    await applicant.getByTestId('confirmation-request').click();
    await applicant.getByTestId('confirmation-note').fill('请求法院司法确认');
    await applicant.getByTestId('confirmation-submit').click();
    await applicant.locator('[data-testid="confirmation-outcome"][data-status="requested"]').first().waitFor();
    expect(await caseStatus()).toBe('confirmation_requested');

    // The judge: case page -> review -> PDF viewer and audit timeline -> confirm.
    const judge = await staffSignsIn('demo.judge');
    await judge.goto(`${s.url}/cases/${demo.caseId}#documents`);
    await judge.getByTestId('court-review-link').click();
    await judge.getByTestId('court-review').waitFor();
    const pdfSrc = (await judge.getByTestId('court-pdf').getAttribute('src'))!;
    const pdfRes = await judge.request.get(`${s.url}${pdfSrc}`);
    expect(pdfRes.headers()['content-type']).toContain('application/pdf');
    expect(sha256(Buffer.from(await pdfRes.body()))).toBe(sha256(bytes));
    expect(await judge.getByTestId('court-audit-verify').getAttribute('data-ok')).toBe('true');
    expect(await judge.locator('[data-testid="court-timeline-entry"][data-action="signature.signed"]').count()).toBe(3);
    expect(await judge.locator('[data-testid="court-timeline-entry"][data-action="agreement.sealed"]').count()).toBe(1);
    await judge.getByTestId('court-confirm').click();
    await judge.getByTestId('court-text').fill('经审查，该调解协议合法有效。');
    await judge.getByTestId('court-preview').click();
    await judge.getByTestId('court-ruling-pdf').waitFor();
    await judge.getByTestId('court-submit').click();
    await judge.locator('[data-testid="court-review"][data-status="confirmed"]').waitFor();
    const rulingHref = (await judge.getByTestId('ruling-link').getAttribute('href'))!;
    const ruling = await download(s, rulingHref, 'e2e-ruling.pdf');
    const rv = await pdfsig(ruling.file);
    expect(rv.signatures.length, rv.out).toBe(1);
    expect(rv.signatures[0]!.valid, rv.out).toBe(true);
    expect(await caseStatus()).toBe('confirmed');

    // The respondent sees the outcome.
    await respondent.reload();
    await respondent.locator('[data-testid="confirmation-outcome"][data-status="confirmed"]').first().waitFor();
    await respondent.getByTestId('ruling-link').first().waitFor();
  }, 240_000);

  it('the judge rejects with reasons in the browser; the party sees the reasons on their signing page', async () => {
    // Signing and the request over HTTP (shown above in the browser); the decision and what the party sees, in Chromium.
    const d = await demoWithSessions(s);
    await lock(s, d.mediator, d.demo.agreementId);
    for (const [token, role] of [[d.applicant, 'applicant'], [d.respondent, 'respondent'], [d.mediator, 'mediator']] as const) {
      expect((await signAs(s, token, d.demo.agreementId, role)).status).toBe(201);
    }
    const req = await s.api('POST', `/api/signing/cases/${d.demo.caseId}/confirmation`, { token: d.mediator, body: {} });
    expect(req.status).toBe(201);

    const judge = await staffSignsIn('demo.judge');
    await judge.goto(`${s.url}/court`);
    await judge.locator(`[data-testid="court-queue-item"][data-confirmation-id="${req.body.id}"] a`).click();
    await judge.getByTestId('court-review').waitFor();
    await judge.getByTestId('court-reject').click();
    const reasons = '协议未载明社会保险费的处理，请补充后重新申请。';
    await judge.getByTestId('court-text').fill(reasons);
    await judge.getByTestId('court-preview').click();
    expect(await judge.getByTestId('court-preview-text').textContent()).toContain(reasons);
    await judge.getByTestId('court-submit').click();
    await judge.locator('[data-testid="court-review"][data-status="rejected"]').waitFor();
    expect(await caseStatusOf(d.demo.caseId)).toBe('confirmation_rejected');

    const party = await partyOpens(d.demo, 'applicant');
    await party.locator('[data-testid="confirmation-outcome"][data-status="rejected"]').first().waitFor();
    expect(await party.getByTestId('confirmation-reasons').first().textContent()).toContain(reasons);
  }, 180_000);
});
