import { expect } from 'vitest';
import type { Page } from 'playwright-core';
import { DEMO_PASSWORD, type TestServer } from './server.js';
import { signInStaff } from './browser.js';
import { enterRoom } from './room.js';
import { demoWithSessions, lock, signAs } from '../signing/helpers.js';
import type { DemoCase } from '../../server/demo.js';

/**
 * Every page state a person can reach, in order, against a real server and SFU in Chromium: the console, a party's
 * way from the link into the room, the room's panels and a caucus, the clerk's record under a recording, signing and
 * the court's review. At each state the tour calls `check(page, state)`, which may switch the page's language with its
 * own menu (the tour itself selects by test id only, so any language will do). Used by test/e2e/a11y.test.ts (axe in each state) and
 * test/e2e/languages.test.ts (every state in every language).
 *
 * The four parts run in order (they share the mediator's and the applicant's pages); each is one `it` in a test.
 */
export type StateCheck = (page: Page, state: string) => Promise<void>;

export interface TourDeps {
  s: TestServer;
  demo: DemoCase;
  /** A fresh browser context's page, in the test's starting language. */
  newPage(viewport?: { width: number; height: number }): Promise<Page>;
}

export class PageTour {
  mediator!: Page;
  applicant!: Page;
  applicantId = '';

  constructor(private readonly d: TourDeps) {}

  /** Console: login, case list, case page, its audit tab, the pad; the public verify page. */
  async console(check: StateCheck): Promise<void> {
    const { s, demo } = this.d;
    const page = await this.d.newPage();
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
  }

  /** A party: join, identity check refused, waiting, pre-join, lobby; the mediator in the joint session. */
  async party(check: StateCheck): Promise<void> {
    const { demo } = this.d;
    const applicant = (this.applicant = await this.d.newPage({ width: 390, height: 800 }));
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

    this.mediator = await this.d.newPage();
    await enterRoom(this.mediator, demo, 'mediator', DEMO_PASSWORD);
    await this.mediator.getByTestId('controls').waitFor();
    await check(this.mediator, 'room: joint session (mediator)');

    await applicant.getByTestId('enter-hearing').click();
    await applicant.getByTestId('prejoin').waitFor();
    await check(applicant, 'pre-join');
    await applicant.getByTestId('prejoin-accept').check();
    await applicant.getByTestId('prejoin-join').click();
    await applicant.getByTestId('lobby-waiting').waitFor();
    this.applicantId = await applicant.evaluate<string>(`JSON.parse(sessionStorage.getItem('concord.participant')).participant.id`);
    await check(applicant, 'room: lobby');
  }

  /** In the room: admitted, the more menu, chat, caucus. */
  async room(check: StateCheck): Promise<void> {
    const { mediator, applicant, applicantId } = this;
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
  }

  /** The clerk's hearing record under a recording, a party signing, the court's queue and review. */
  async records(check: StateCheck): Promise<void> {
    const { s, demo } = this.d;
    // A recording of the hearing through the recordings service's own backend calls (what the live hearing calls;
    // the media side is covered by test/recordings), so the clerk's record editor has a recording to sit under.
    const rec = s.services.recordings.service;
    const mediatorPid = (await s.services.hearings.participants([demo.hearingId])).find((p) => p.role === 'mediator')!.id;
    const { recordingId } = await rec.begin({ caseId: demo.caseId, hearingId: demo.hearingId }, { participantId: mediatorPid, role: 'mediator' });
    await rec.started(recordingId, new Date());
    await rec.stop(recordingId, mediatorPid);
    const clerk = await this.d.newPage();
    await signInStaff(clerk, s.url, 'demo.clerk', DEMO_PASSWORD);
    await clerk.goto(`${s.url}/cases/${demo.caseId}#recordings`);
    await clerk.getByTestId('hearing-record').waitFor();
    await clerk.getByTestId('record-add').click();
    await clerk.getByTestId('record-line-0').fill('调解员宣布调解开始。');
    await check(clerk, 'recordings / hearing record');

    const mediatorToken = await s.login('demo.mediator');
    await lock(s, mediatorToken, demo.agreementId);
    await this.applicant.goto(`${s.url}/sign`);
    await this.applicant.getByTestId('sign-view').waitFor();
    await this.applicant.getByTestId('sign-form').waitFor();
    await check(this.applicant, 'signing');

    const d = await demoWithSessions(s);
    await lock(s, d.mediator, d.demo.agreementId);
    for (const [token, role] of [[d.applicant, 'applicant'], [d.respondent, 'respondent'], [d.mediator, 'mediator']] as const) {
      expect((await signAs(s, token, d.demo.agreementId, role)).status).toBe(201);
    }
    const req = await s.api('POST', `/api/signing/cases/${d.demo.caseId}/confirmation`, { token: d.applicant, body: { note: '请予确认' } });
    expect(req.status).toBe(201);
    const judge = await this.d.newPage();
    await signInStaff(judge, s.url, 'demo.judge', DEMO_PASSWORD);
    await judge.goto(`${s.url}/court`);
    await judge.getByTestId('court-queue-item').first().waitFor();
    await check(judge, 'court queue');
    await judge.goto(`${s.url}/court/requests/${req.body.id}`);
    await judge.getByTestId('court-review').waitFor();
    await judge.getByTestId('court-audit-verify').waitFor();
    await check(judge, 'court review');
  }
}
