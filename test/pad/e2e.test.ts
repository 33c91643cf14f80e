import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { launchChromium } from '../helpers/browser.js';
import { caseBody, startTestServer, type TestServer } from '../helpers/server.js';
import { padFixture, type PadFixture } from './helpers.js';

/**
 * Chromium end to end: two parties, each in their own browser with the participant session their mediation link gave
 * them, open the same agreement made from the labour template (one from the waiting page, outside a live hearing), type
 * into the same paragraph and each sees the other's text and named cursor; the mediator then locks it from the console.
 */
let s: TestServer;
let f: PadFixture;
let browser: Browser;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  s = await startTestServer('sqlite');
  f = await padFixture(s, 1);
  browser = await launchChromium();
}, 120_000);
afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => undefined);
  await browser?.close();
  await s?.close();
});

/** A browser tab holding what the join page stores after the identity check (sessionStorage "concord.participant"). */
async function partyPage(side: 'applicant' | 'respondent'): Promise<Page> {
  const b = caseBody(1);
  const p = b.parties[side === 'applicant' ? 0 : 1]!;
  const r = await s.api('POST', '/api/join/verify', { body: { token: f.participants[side].linkToken, name: p.name, idNumber: p.idNumber } });
  expect(r.status).toBe(200);
  const ctx = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1280, height: 900 } });
  contexts.push(ctx);
  await ctx.addInitScript({ content: `sessionStorage.setItem('concord.participant', ${JSON.stringify(JSON.stringify(r.body))}); localStorage.setItem('concord.lang', 'zh-Hans');` });
  return ctx.newPage();
}

/** The editor's text without the remote cursors' name labels (which CodeMirror draws inside the content). */
const editorText = (page: Page) =>
  page.locator('[data-testid="pad-editor"] .cm-content').evaluate((el: any) => {
    const copy = el.cloneNode(true);
    for (const x of Array.from(copy.querySelectorAll('.cm-ySelectionInfo, .cm-ySelectionCaret')) as any[]) x.remove();
    return (Array.from(copy.querySelectorAll('.cm-line')) as any[]).map((l) => l.textContent).join('\n') as string;
  });

it('two parties type into the same agreement from the template and see each other’s text and cursor', async () => {
  const applicant = await partyPage('applicant');
  const respondent = await partyPage('respondent');

  // The applicant comes from the waiting page (no live hearing), the respondent opens the pad directly.
  await applicant.goto(`${s.url}/waiting`);
  await applicant.click('[data-testid="pad-entry"]');
  await applicant.click(`[data-testid="agreement-row"][data-agreement-id="${f.agreementId}"] [data-testid="agreement-open"]`);
  await respondent.goto(`${s.url}/pad/${f.agreementId}`);
  for (const page of [applicant, respondent]) {
    await page.waitForSelector('[data-testid="pad-status"][data-status="synced"]', { timeout: 20_000 });
    await page.waitForSelector('[data-testid="pad-editor"][data-can-edit="true"] .cm-content');
    expect(await editorText(page)).toContain('劳动人事争议调解协议书');
  }
  // Both type into the facts paragraph ("测试案件 1").
  // Click at the line's left edge (away from any remote cursor label), then End, then type.
  const typeAt = async (page: Page, marker: string, text: string) => {
    await page.locator('[data-testid="pad-editor"] .cm-line', { hasText: marker }).first().click({ position: { x: 4, y: 4 } });
    await expect.poll(() => page.evaluate<boolean>("document.activeElement?.classList.contains('cm-content') ?? false")).toBe(true);
    await page.keyboard.press('End');
    await page.keyboard.type(text, { delay: 15 });
  };
  await Promise.all([typeAt(applicant, '测试案件 1', '申请人补充A'), typeAt(respondent, '测试案件 1', '被申请人回应B')]);
  // Both typed at the same spot at once: the CRDT guarantees that both editors converge on one line holding every
  // character of both, each person's characters in the order they typed them. How two runs typed at one spot interleave
  // is not fixed (a caret can land on either side of the other's insert), so the test does not assert contiguity.
  const FACTS = '测试案件 1';
  const factsLine = (text: string) => text.split('\n').find((l) => l.startsWith(FACTS)) ?? '';
  const inOrder = (line: string, typed: string) => {
    let i = 0;
    for (const ch of line) if (ch === typed[i]) i++;
    return i === typed.length;
  };
  const merged = (line: string) => line.length === FACTS.length + '申请人补充A'.length + '被申请人回应B'.length && inOrder(line, '申请人补充A') && inOrder(line, '被申请人回应B');
  for (const page of [applicant, respondent]) {
    await expect.poll(async () => merged(factsLine(await editorText(page))), { timeout: 15_000 }).toBe(true).catch(async (e) => {
      console.log('PAGE', page === applicant ? 'applicant' : 'respondent', JSON.stringify(factsLine(await editorText(page))));
      throw e;
    });
  }
  expect(await editorText(applicant)).toBe(await editorText(respondent));
  // Each sees the other's cursor, labelled with the other's name (set by the server from their session).
  await expect.poll(() => respondent.locator('.cm-ySelectionInfo').allInnerTexts(), { timeout: 15_000 }).toContain(f.participants.applicant.displayName);
  await expect.poll(() => applicant.locator('.cm-ySelectionInfo').allInnerTexts(), { timeout: 15_000 }).toContain(f.participants.respondent.displayName);
  await expect.poll(() => applicant.locator('[data-testid="pad-status"]').getAttribute('data-unsaved'), { timeout: 10_000 }).toBe('0');
  // The server holds the same line.
  const server = await s.api('GET', `/api/agreements/${f.agreementId}`, { token: f.staffToken });
  expect(factsLine(server.body.text.body)).toBe(factsLine(await editorText(applicant)));

  // Fields typed in the form are validated as typed: a bad amount is flagged and not saved.
  await applicant.fill('[data-testid="field-amount"]', '12,000');
  await applicant.waitForSelector('[data-testid="field-error"][data-field="amount"]');
  await applicant.fill('[data-testid="field-amount"]', '12000.50');
  await applicant.fill('[data-testid="field-paymentDate"]', '2026-12-31');
  await applicant.selectOption('[data-testid="field-paymentMethod"]', 'bank_transfer');
  await applicant.click('[data-testid="pad-save-fields"]');
  await applicant.waitForSelector('[data-testid="pad-fields-notice"]');
  await expect.poll(async () => (await s.api('GET', `/api/agreements/${f.agreementId}`, { token: f.staffToken })).body.agreement.fields.amount).toBe('12000.50');
  // The respondent's editor shows the value in the text's field chip.
  await expect.poll(() => respondent.locator('[data-testid="pad-chip"][data-field="amount"]').first().innerText(), { timeout: 10_000 }).toBe('12,000.50');

  // The mediator locks from the console; both parties' editors become read-only with the hash shown.
  await s.api('POST', `/api/agreements/${f.agreementId}/fields`, { token: f.staffToken, body: { fields: { wagePeriod: '2026年7月至9月' } } });
  const lock = await s.api('POST', `/api/agreements/${f.agreementId}/lock`, { token: f.staffToken, body: {} });
  expect(lock.status).toBe(200);
  for (const page of [applicant, respondent]) {
    await page.waitForSelector(`[data-testid="pad-locked"][data-sha256="${lock.body.locked.sha256}"]`, { timeout: 10_000 });
    await page.waitForSelector('[data-testid="pad-editor"][data-can-edit="false"]');
  }
}, 180_000);

it('the mediator opens a new agreement from the case page in the console', async () => {
  const ctx = await browser.newContext({ locale: 'en-US', viewport: { width: 1280, height: 900 } });
  contexts.push(ctx);
  const token = await s.login('demo.mediator');
  const me = await s.api('GET', '/api/auth/me', { token });
  await ctx.addInitScript({ content: `localStorage.setItem('concord.lang', 'en'); localStorage.setItem('concord.session', ${JSON.stringify(JSON.stringify({ token, expiresAt: new Date(Date.now() + 3600_000).toISOString(), staff: me.body.staff }))});` });
  const page = await ctx.newPage();
  await page.goto(`${s.url}/cases/${f.caseId}#documents`);
  await page.waitForSelector('[data-testid="agreements-section"] [data-testid="agreement-row"]');
  await page.selectOption('[data-testid="agreement-new-language"]', 'pt');
  await page.click('[data-testid="agreement-create"]');
  await page.waitForSelector('[data-testid="pad-status"][data-status="synced"]', { timeout: 20_000 });
  expect(await editorText(page)).toContain('Acordo de Mediação de Litígio Laboral');
  await page.waitForSelector('[data-testid="pad-lock"]');
}, 120_000);
