import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { DEMO_PASSWORD, startTestServer, type TestServer } from '../helpers/server.js';
import { launchChromium, signInStaff } from '../helpers/browser.js';
import { enterRoom } from '../helpers/room.js';
import { AxeLog, runAxe } from '../helpers/axe.js';
import { demoWithSessions, lock, signAs } from '../signing/helpers.js';
import { createDemoCase, type DemoCase } from '../../server/demo.js';

/**
 * axe-core on every page state a person can reach, in Simplified Chinese and English, in Debian's Chromium against the
 * real server and SFU: 0 critical and 0 serious findings each. The counts of all impacts go to test-results/axe.json
 * (the table in docs/TESTING.md).
 */
const LANGS = ['zh-Hans', 'en'] as const;

describe('accessibility (axe-core) on every page state', { timeout: 1_200_000 }, () => {
  let s: TestServer;
  let browser: Browser;
  let demo: DemoCase;
  const log = new AxeLog();
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    s = await startTestServer('sqlite', { CONCORD_MEDIA_WORKERS: '1', CONCORD_TRANSCRIBE_ENGINE: 'none' });
    demo = await createDemoCase(s.services, s.url);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await s?.close();
  });

  async function newPage(viewport = { width: 1280, height: 800 }): Promise<Page> {
    const ctx = await browser.newContext({ locale: 'zh-CN', viewport });
    await ctx.addInitScript({ content: "localStorage.setItem('concord.lang', 'zh-Hans')" });
    ctx.setDefaultTimeout(90_000);
    contexts.push(ctx);
    return ctx.newPage();
  }

  /** Runs axe in both languages (switched with the page's own language menu), logging every count. */
  const t0 = Date.now();
  async function check(page: Page, state: string): Promise<void> {
    if (process.env.A11Y_DEBUG) console.log(`${((Date.now() - t0) / 1000).toFixed(0)} s: ${state}`);
    for (const lang of LANGS) {
      await page.getByTestId('lang-switch').first().selectOption(lang);
      await expect.poll(() => page.evaluate('document.documentElement.lang')).toBe(lang);
      const report = await runAxe(page);
      log.add(state, lang, report);
      const bad = report.violations.filter((v) => v.impact === 'critical' || v.impact === 'serious');
      expect.soft(bad, `${state} (${lang}): ${JSON.stringify(bad, null, 1)}`).toEqual([]);
    }
  }

  it('console: login, case list, case page; the public verify page', async () => {
    const page = await newPage();
    await page.goto(`${s.url}/login`);
    await page.getByTestId('login-form').or(page.getByTestId('login-username')).first().waitFor();
    await check(page, 'console login');
    await signInStaff(page, s.url, 'demo.mediator', DEMO_PASSWORD);
    await check(page, 'console case list');
    await page.goto(`${s.url}/cases/${demo.caseId}`);
    await page.getByTestId('case-detail').waitFor();
    await check(page, 'case page');
    await page.goto(`${s.url}/cases/${demo.caseId}#audit`);
    await page.getByTestId('audit-verify-status').waitFor();
    await check(page, 'case page / audit');
    await page.goto(`${s.url}/pad/${demo.agreementId}`);
    await page.locator('[data-testid="pad-status"][data-status="synced"]').waitFor();
    await check(page, 'pad');
    await page.goto(`${s.url}/verify`);
    await page.getByTestId('verify-page').waitFor();
    await check(page, 'verify page');
  });

  let mediator: Page;
  let applicant: Page;
  let applicantId: string;

  it('a party: join, identity check refused, waiting, pre-join, lobby; the mediator in the joint session', async () => {
    applicant = await newPage({ width: 390, height: 800 });
    await applicant.goto(demo.links.applicant);
    await applicant.getByTestId('join-form').waitFor();
    await check(applicant, 'join');
    await applicant.getByTestId('join-name').fill(demo.identities.applicant.name);
    await applicant.getByTestId('join-id-number').fill('440106199001010000');
    await applicant.getByTestId('join-submit').click();
    await applicant.getByTestId('error').waitFor();
    await check(applicant, 'identity check (refused)');
    await applicant.getByTestId('join-id-number').fill(demo.identities.applicant.idNumber);
    await applicant.getByTestId('join-submit').click();
    await applicant.getByTestId('waiting-room').waitFor();
    await applicant.getByTestId('pad-entry').waitFor();
    await check(applicant, 'waiting');

    mediator = await newPage();
    await enterRoom(mediator, demo, 'mediator', DEMO_PASSWORD);
    await mediator.getByTestId('controls').waitFor();
    await check(mediator, 'room: joint session (mediator)');

    await applicant.getByTestId('enter-hearing').click();
    await applicant.getByTestId('prejoin').waitFor();
    await check(applicant, 'pre-join');
    await applicant.getByTestId('prejoin-accept').check();
    await applicant.getByTestId('prejoin-join').click();
    await applicant.getByTestId('lobby-waiting').waitFor();
    applicantId = await applicant.evaluate<string>(`JSON.parse(sessionStorage.getItem('concord.participant')).participant.id`);
    await check(applicant, 'room: lobby');
  });

  it('in the room: admitted, the more menu, chat, caucus', async () => {
    const admit = mediator.getByTestId(`lobby-admit-${applicantId}`);
    await admit.or(mediator.getByTestId('lobby-open')).first().waitFor();
    if (!(await admit.isVisible())) await mediator.getByTestId('lobby-open').click();
    await check(mediator, 'room: people panel with lobby');
    await admit.click();
    await applicant.getByTestId('controls').waitFor();
    await check(applicant, 'room: joint session (party, phone)');
    await applicant.getByTestId('controls-more').click();
    await applicant.getByTestId('controls-more-menu').waitFor();
    await check(applicant, 'room: more menu open');
    await applicant.keyboard.press('Escape');

    await mediator.getByTestId('ctl-chat').click();
    await mediator.getByTestId('chat-panel').waitFor();
    await check(mediator, 'room: chat open');
    await mediator.getByTestId('ctl-chat').click();

    await mediator.getByTestId('caucus-start').click();
    await mediator.getByTestId(`caucus-pick-${applicantId}`).check();
    await mediator.getByTestId('caucus-confirm').click();
    await applicant.getByTestId('caucus-self-banner').waitFor();
    await check(mediator, 'room: caucus (mediator)');
    await check(applicant, 'room: caucus (party)');
  });

  it('the clerk\'s hearing record, a party signing, the court\'s review', async () => {
    // A recording of the hearing through the recordings service's own backend calls (what the live hearing calls;
    // the media side is covered by test/recordings), so the clerk's record editor has a recording to sit under.
    const rec = s.services.recordings.service;
    const mediatorPid = (await s.services.hearings.participants([demo.hearingId])).find((p) => p.role === 'mediator')!.id;
    const { recordingId } = await rec.begin({ caseId: demo.caseId, hearingId: demo.hearingId }, { participantId: mediatorPid, role: 'mediator' });
    await rec.started(recordingId, new Date());
    await rec.stop(recordingId, mediatorPid);
    const clerk = await newPage();
    await signInStaff(clerk, s.url, 'demo.clerk', DEMO_PASSWORD);
    await clerk.goto(`${s.url}/cases/${demo.caseId}#recordings`);
    await clerk.getByTestId('hearing-record').waitFor();
    await clerk.getByTestId('record-add').click();
    await clerk.getByTestId('record-line-0').fill('调解员宣布调解开始。');
    await check(clerk, 'recordings / hearing record');

    const mediatorToken = await s.login('demo.mediator');
    await lock(s, mediatorToken, demo.agreementId);
    await applicant.goto(`${s.url}/sign`);
    await applicant.getByTestId('sign-view').waitFor();
    await applicant.getByTestId('sign-form').waitFor();
    await check(applicant, 'signing');

    const d = await demoWithSessions(s);
    await lock(s, d.mediator, d.demo.agreementId);
    for (const [token, role] of [[d.applicant, 'applicant'], [d.respondent, 'respondent'], [d.mediator, 'mediator']] as const) {
      expect((await signAs(s, token, d.demo.agreementId, role)).status).toBe(201);
    }
    const req = await s.api('POST', `/api/signing/cases/${d.demo.caseId}/confirmation`, { token: d.applicant, body: { note: '请予确认' } });
    expect(req.status).toBe(201);
    const judge = await newPage();
    await signInStaff(judge, s.url, 'demo.judge', DEMO_PASSWORD);
    await judge.goto(`${s.url}/court`);
    await judge.getByTestId('court-queue-item').first().waitFor();
    await check(judge, 'court queue');
    await judge.goto(`${s.url}/court/requests/${req.body.id}`);
    await judge.getByTestId('court-review').waitFor();
    await judge.getByTestId('court-audit-verify').waitFor();
    await check(judge, 'court review');
  });
});
