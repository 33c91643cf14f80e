import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { launchChromium, signInStaff } from '../helpers/browser.js';
import { DEMO_PASSWORD } from '../../server/demo.js';
import { allSaved, padClient, synced } from '../pad/helpers.js';
import { demoWithSessions, linkToken, lock, run, signAs, type Demo } from '../signing/helpers.js';

/**
 * Issue 16, items 2-4 in Chromium: the agreement as a formatted document (the same parse as its PDF: the headings and
 * numbered clauses read in the same order in both, numbers right past 9), "I have read" locked until the end of the
 * text was on screen, the PDF preview before signing; the judge's review page (decision on screen at load, ruling
 * previewed before it is issued, events in words, hashes behind "technical details"); the case page in tabs.
 * Screenshots of the three pages at three phone sizes and the desktop, in zh-Hans and pt, go to
 * test-results/screenshots, and on each no visible control sticks out past the viewport's width.
 */
const SHOTS = path.join('test-results', 'screenshots');
type Size = { width: number; height: number };
const SIZES: Size[] = [{ width: 360, height: 640 }, { width: 390, height: 844 }, { width: 844, height: 390 }, { width: 1440, height: 900 }];
const LANGS = ['zh-Hans', 'pt'] as const;
const EXTRA = Array.from({ length: 12 }, (_, i) => `${i + 1}. 附加条款第${i + 1}项 Extra term ${i + 1}.`);

/** Two animation frames: the layout after a viewport change or a click has been drawn. */
const settled = (page: Page) => page.evaluate(`new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => r(true))))`);

/**
 * Visible buttons, inputs and links that reach past the viewport's width (those inside a box that scrolls sideways,
 * like the case page's tab bar, are reached by scrolling that box, so they count against the box instead), and
 * whether the page itself scrolls sideways.
 */
const overflow = (page: Page) => page.evaluate<{ out: string[]; pageWidth: number; viewport: number }>(`(() => {
  const vw = window.innerWidth;
  const out = [];
  for (const el of document.querySelectorAll('button, input, select, textarea, a[href]')) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 && r.height === 0) continue;
    // The skip link waits off screen to the left until it is focused (the visually-hidden pattern), wholly outside.
    if (r.right <= 0) continue;
    let clip = null;
    for (let p = el.parentElement; p; p = p.parentElement) {
      const ox = getComputedStyle(p).overflowX;
      if (ox === 'auto' || ox === 'scroll' || ox === 'hidden') { clip = p.getBoundingClientRect(); break; }
    }
    const left = clip ? Math.max(0, clip.left) : 0;
    const right = clip ? Math.min(vw, clip.right) : vw;
    if (clip && (clip.left < -1 || clip.right > vw + 1)) out.push('scroll box of ' + (el.getAttribute('data-testid') || el.tagName));
    else if (!clip && (r.left < left - 1 || r.right > right + 1)) out.push((el.getAttribute('data-testid') || el.tagName + ':' + (el.textContent || '').trim().slice(0, 30)) + ' ' + Math.round(r.left) + '..' + Math.round(r.right));
  }
  return { out, pageWidth: document.documentElement.scrollWidth, viewport: vw };
})()`);

async function shootAll(page: Page, name: string, lang: string, ready: () => Promise<void>): Promise<void> {
  for (const size of SIZES) {
    await page.setViewportSize(size);
    await ready();
    await settled(page);
    const where = `${name} ${lang} ${size.width}x${size.height}`;
    const o = await overflow(page);
    expect(o.out, `${where}: controls past the viewport`).toEqual([]);
    expect(o.pageWidth, `${where}: the page scrolls sideways`).toBeLessThanOrEqual(o.viewport + 1);
    await page.screenshot({ path: path.join(SHOTS, `${name}-${lang}-${size.width}x${size.height}.png`) });
  }
}

/** Headings and clauses of the rendered document, in order, with the numbers the list shows. */
const documentOrder = (page: Page, testId: string) => page.evaluate<string[]>(`(() => [...document.querySelectorAll('[data-testid="${testId}"] h1, [data-testid="${testId}"] h2, [data-testid="${testId}"] h3, [data-testid="${testId}"] li')]
  .map((e) => (e.getAttribute('data-number') || '') + e.textContent))()`);
const squash = (s: string) => s.replace(/\s+/g, '');

describe('documents people can read, a court page a judge can use, a case page in sections', () => {
  let s: TestServer;
  let browser: Browser;
  let d: Demo;
  let confirmationId: string;
  const contexts: BrowserContext[] = [];
  beforeAll(async () => {
    fs.mkdirSync(SHOTS, { recursive: true });
    s = await startTestServer('sqlite');
    browser = await launchChromium();
    d = await demoWithSessions(s);
    // Twelve numbered clauses at the end of the demo agreement, typed through the pad as the mediator's editor would.
    const pad = padClient(s, d.mediator, d.demo.agreementId);
    await synced(pad);
    pad.text.insert(pad.text.length, `\n## 附加条款 Additional terms\n\n${EXTRA.join('\n\n')}\n`);
    await allSaved([pad]);
    pad.destroy();
    await lock(s, d.mediator, d.demo.agreementId);
  }, 120_000);
  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await s?.close();
  });

  async function context(lang: string, size: Size = SIZES[1]!): Promise<Page> {
    const ctx = await browser.newContext({ locale: lang === 'pt' ? 'pt-PT' : 'zh-CN', viewport: size });
    contexts.push(ctx);
    await ctx.addInitScript({ content: `localStorage.setItem('concord.lang', ${JSON.stringify(lang)})` });
    const page = await ctx.newPage();
    page.setDefaultTimeout(30_000);
    return page;
  }

  async function partyOpens(lang: string): Promise<Page> {
    const page = await context(lang);
    await page.goto(`${s.url}/sign#${linkToken(d.demo.links.applicant)}`);
    await page.getByTestId('sign-id-name').fill(d.demo.identities.applicant.name);
    await page.getByTestId('sign-id-number').fill(d.demo.identities.applicant.idNumber);
    await page.getByTestId('sign-id-submit').click();
    await page.getByTestId('sign-form').waitFor();
    return page;
  }

  it('signing page: a formatted document, the same order as its PDF, "I have read" only after the end was shown', async () => {
    const page = await partyOpens('zh-Hans');
    const doc = page.getByTestId('sign-text');
    expect(await doc.getAttribute('role')).toBe('region');
    expect(await doc.getAttribute('tabindex')).toBe('0');
    expect(await doc.locator('h1').count()).toBe(1);
    expect(await doc.locator('h2').count()).toBeGreaterThanOrEqual(5);
    expect(await doc.textContent()).not.toMatch(/(^|\s)#{1,2}\s/);
    // The twelve clauses are one list numbered by the browser: the tenth reads 10.
    const list = doc.locator('ol', { hasText: 'Extra term 12' });
    expect(await list.locator('li').count()).toBe(12);
    expect(await list.getAttribute('start')).toBe('1');
    expect(await list.locator('li').nth(9).textContent()).toContain('Extra term 10');
    expect(await list.locator('li').nth(9).getAttribute('value')).toBe('10');

    // Locked, with the reason said, until the end of the text has been on screen.
    expect(await page.getByTestId('sign-read').isDisabled()).toBe(true);
    expect(await page.getByTestId('sign-read-hint').isVisible()).toBe(true);

    // The PDF preview before signing: the server's rendering of the text to be signed, framed without a CSP refusal.
    const refusals: string[] = [];
    page.on('console', (m) => { if (/Content Security Policy|Refused to/i.test(m.text())) refusals.push(m.text()); });
    await page.getByTestId('sign-preview-pdf').click();
    await page.getByTestId('sign-preview-frame').waitFor({ state: 'attached' });
    await expect.poll(() => page.frames().some((f) => f.url().startsWith('blob:'))).toBe(true);
    await settled(page);
    expect(refusals).toEqual([]);
    const res = await fetch(`${s.url}/api/signing/agreements/${d.demo.agreementId}/preview.pdf`, { headers: { Authorization: `Bearer ${d.applicant}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/pdf');
    const file = path.join(SHOTS, '..', 'agreement-preview.pdf');
    fs.writeFileSync(file, Buffer.from(await res.arrayBuffer()));
    const pdfText = squash((await run('pdftotext', ['-enc', 'UTF-8', file, '-'])).stdout);
    // Every heading and clause of the page, in the page's order, is in the PDF in the same order (numbers included).
    const order = await documentOrder(page, 'sign-text');
    expect(order.length).toBeGreaterThan(15);
    let at = -1;
    for (const item of order) {
      const i = pdfText.indexOf(squash(item), at + 1);
      expect(i, `"${item}" in the PDF after position ${at}`).toBeGreaterThan(at);
      at = i;
    }
    expect(pdfText).toContain(squash('10. 附加条款第10项 Extra term 10.'));

    await shootAll(page, 'signing', 'zh-Hans', async () => { await page.getByTestId('sign-text').waitFor(); });
    await page.setViewportSize(SIZES[1]!);
    await page.getByTestId('agreement-end').scrollIntoViewIfNeeded();
    await expect.poll(() => page.getByTestId('sign-read').isEnabled()).toBe(true);
    expect(await page.getByTestId('sign-read-hint').count()).toBe(0);
    await page.getByTestId('sign-read').check();

    const pt = await partyOpens('pt');
    await shootAll(pt, 'signing', 'pt', async () => { await pt.getByTestId('sign-text').waitFor(); });
  }, 240_000);

  it('court review: decision on screen at load, ruling previewed before issuing, events in words, hashes behind a toggle', async () => {
    for (const [token, role] of [[d.applicant, 'applicant'], [d.respondent, 'respondent'], [d.mediator, 'mediator']] as const) {
      expect((await signAs(s, token, d.demo.agreementId, role)).status).toBe(201);
    }
    const req = await s.api('POST', `/api/signing/cases/${d.demo.caseId}/confirmation`, { token: d.mediator, body: {} });
    expect(req.status, JSON.stringify(req.body)).toBe(201);
    confirmationId = req.body.id as string;

    for (const lang of LANGS) {
      const page = await context(lang);
      await signInStaff(page, s.url, 'demo.judge', DEMO_PASSWORD);
      for (const size of [SIZES[1]!, SIZES[3]!]) {
        await page.setViewportSize(size);
        await page.goto(`${s.url}/court/requests/${confirmationId}`);
        await page.getByTestId('court-review').waitFor();
        const box = (await page.getByTestId('court-confirm').boundingBox())!;
        expect(box.y + box.height, `${lang} ${size.width}x${size.height}: confirm on screen at load`).toBeLessThanOrEqual(size.height);
        expect(box.x + box.width).toBeLessThanOrEqual(size.width);
        expect(await page.getByTestId('court-reject').isVisible()).toBe(true);
      }
      // The agreement as a document, events in words (the code only as the tooltip), hashes hidden until asked for.
      expect(await page.getByTestId('court-agreement').locator('h2').count()).toBeGreaterThanOrEqual(5);
      const entries = page.getByTestId('court-timeline-entry');
      expect(await entries.count()).toBeGreaterThan(5);
      for (const e of await entries.all()) {
        const code = (await e.getAttribute('data-action'))!;
        expect(await e.textContent(), code).not.toContain(code);
      }
      expect(await page.getByTestId('court-agreement-hash').isVisible()).toBe(false);
      await shootAll(page, 'court', lang, async () => { await page.getByTestId('court-decision').waitFor(); });
      await page.setViewportSize(SIZES[3]!);
      await page.getByTestId('court-technical').locator('summary').click();
      await expect.poll(() => page.getByTestId('court-agreement-hash').isVisible()).toBe(true);
    }

    // The ruling is previewed before it is issued: no issue button until the preview is there; an edit takes it away.
    const page = await context('zh-Hans', SIZES[1]!);
    await signInStaff(page, s.url, 'demo.judge', DEMO_PASSWORD);
    await page.goto(`${s.url}/court/requests/${confirmationId}`);
    await page.getByTestId('court-confirm').click();
    await page.getByTestId('court-text').fill('经审查，该调解协议合法有效。');
    expect(await page.getByTestId('court-submit').count()).toBe(0);
    await page.getByTestId('court-preview').click();
    await page.getByTestId('court-ruling-pdf').waitFor({ state: 'attached' });
    expect(await page.getByTestId('court-preview-text').textContent()).toContain('经审查');
    expect(await page.getByTestId('court-submit').isVisible()).toBe(true);
    await page.getByTestId('court-text').fill('经审查，该调解协议合法有效，予以确认。');
    expect(await page.getByTestId('court-submit').count()).toBe(0);
    // The preview stored nothing and decided nothing.
    const pkg = await s.api('GET', `/api/court/requests/${confirmationId}`, { token: d.judge });
    expect(pkg.body.confirmation.status).toBe('requested');
    expect((pkg.body.documents as { kind: string }[]).some((x) => x.kind === 'ruling')).toBe(false);
    const preview = await fetch(`${s.url}/api/court/requests/${confirmationId}/ruling-preview`, {
      method: 'POST', headers: { Authorization: `Bearer ${d.judge}`, 'Content-Type': 'application/json' }, body: JSON.stringify({ note: '予以确认' }),
    });
    expect(preview.status).toBe(200);
    const rf = path.join(SHOTS, '..', 'ruling-preview.pdf');
    fs.writeFileSync(rf, Buffer.from(await preview.arrayBuffer()));
    expect((await run('pdftotext', ['-enc', 'UTF-8', rf, '-'])).stdout).toContain('予以确认');
    // A mediator may not preview the court's ruling.
    const denied = await s.api('POST', `/api/court/requests/${confirmationId}/ruling-preview`, { token: d.mediator, body: {} });
    expect(denied.status).toBe(403);
  }, 240_000);

  it('case page: tabs switch (mouse and arrow keys), the tab is in the URL hash, screenshots', async () => {
    for (const lang of LANGS) {
      const page = await context(lang);
      await signInStaff(page, s.url, 'demo.mediator', DEMO_PASSWORD);
      await page.goto(`${s.url}/cases/${d.demo.caseId}`);
      await page.getByTestId('case-tabs').waitFor();
      expect(await page.getByTestId('case-tab-overview').getAttribute('aria-selected')).toBe('true');
      expect(await page.getByTestId('case-panel-overview').isVisible()).toBe(true);
      expect(await page.getByTestId('case-panel-audit').isVisible()).toBe(false);
      await page.getByTestId('case-tab-documents').click();
      expect(await page.getByTestId('case-panel-documents').isVisible()).toBe(true);
      expect(await page.getByTestId('case-panel-overview').isVisible()).toBe(false);
      expect(new URL(page.url()).hash).toBe('#documents');
      await page.keyboard.press('ArrowRight');
      expect(await page.getByTestId('case-tab-recordings').getAttribute('aria-selected')).toBe('true');
      expect(await page.evaluate<string | null>(`document.activeElement && document.activeElement.getAttribute('data-testid')`)).toBe('case-tab-recordings');
      await page.keyboard.press('ArrowRight');
      await page.getByTestId('audit-trail').waitFor();
      // Events in words in the audit trail.
      await page.getByTestId('audit-entry').first().waitFor();
      await page.reload();
      await page.getByTestId('audit-trail').waitFor();
      expect(await page.getByTestId('case-tab-audit').getAttribute('aria-selected')).toBe('true');
      await page.getByTestId('case-tab-overview').click();
      await shootAll(page, 'case', lang, async () => { await page.getByTestId('case-detail').waitFor(); });
    }
  }, 240_000);
});
