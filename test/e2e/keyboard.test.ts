import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { DEMO_PASSWORD, startTestServer, type TestServer } from '../helpers/server.js';
import { englishContext, launchChromium, signInStaff } from '../helpers/browser.js';
import { enterRoom } from '../helpers/room.js';
import { lock } from '../signing/helpers.js';
import { createDemoCase, type DemoCase } from '../../server/demo.js';

/**
 * Keyboard only, in Debian's Chromium: every step a person takes is keyboard.press / keyboard.type (set-up the test
 * does not examine, such as the mediator entering the room, may click). Tab reaches each control in order.
 */
/** A person's browser in English; a busy 2-core machine can take long over a page load, so the hang guard is wide. */
async function personPage(browser: Browser, viewport?: { width: number; height: number }): Promise<Page> {
  const ctx = await englishContext(browser, viewport ? { viewport } : {});
  ctx.setDefaultTimeout(180_000);
  return ctx.newPage();
}

const testIdOfFocus = (page: Page) => page.evaluate<string | null>(
  `(() => { const a = document.activeElement; return a ? (a.closest('[data-testid]')?.getAttribute('data-testid') ?? null) : null; })()`,
);

/** Presses Tab until the focused element (or its nearest test-id'd ancestor) is `testId`; fails after `max` presses. */
async function tabTo(page: Page, testId: string, max = 60): Promise<void> {
  for (let i = 0; i < max; i++) {
    if ((await testIdOfFocus(page)) === testId) return;
    await page.keyboard.press('Tab');
  }
  throw new Error(`Tab never reached ${testId} (last: ${await testIdOfFocus(page)})`);
}

describe('keyboard-only use: join, room controls, pad, signing', { timeout: 600_000 }, () => {
  let s: TestServer;
  let browser: Browser;
  let demo: DemoCase;
  let applicant: Page;

  beforeAll(async () => {
    s = await startTestServer('sqlite', { CONCORD_MEDIA_WORKERS: '1', CONCORD_TRANSCRIBE_ENGINE: 'none' });
    demo = await createDemoCase(s.services, s.url);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await s?.close();
  });

  it('join: the identity form filled and sent by keyboard, then into the room and its controls', async () => {
    const mediator = await personPage(browser);
    await enterRoom(mediator, demo, 'mediator', DEMO_PASSWORD);
    await mediator.getByTestId('controls').waitFor();

    applicant = await personPage(browser, { width: 390, height: 800 });
    await applicant.goto(demo.links.applicant);
    await applicant.getByTestId('join-form').waitFor();
    await tabTo(applicant, 'join-name');
    await applicant.keyboard.type(demo.identities.applicant.name);
    await tabTo(applicant, 'join-id-number');
    await applicant.keyboard.type(demo.identities.applicant.idNumber);
    await applicant.keyboard.press('Enter');
    // The hearing is running (the mediator is in), so the check goes straight to the pre-join page; a hearing not
    // started yet would stop at the waiting page and its Enter button.
    await applicant.getByTestId('prejoin').or(applicant.getByTestId('enter-hearing')).first().waitFor();
    if (await applicant.getByTestId('enter-hearing').isVisible()) {
      await tabTo(applicant, 'enter-hearing');
      await applicant.keyboard.press('Enter');
    }
    await applicant.getByTestId('prejoin').waitFor();
    // The microphone check: Chromium's fake microphone beeps, so the meter passes the threshold and says so.
    await applicant.locator('[data-testid="mic-check"][data-passed="true"]').waitFor();
    const meter = applicant.getByTestId('prejoin-level');
    expect(await meter.getAttribute('role')).toBe('meter');
    expect(await meter.getAttribute('aria-valuenow')).toMatch(/^\d+$/);
    // The speaker test: play the tone, then answer.
    await tabTo(applicant, 'speaker-play');
    await applicant.keyboard.press('Enter');
    await applicant.locator('[data-testid="speaker-test"][data-state="asked"]').waitFor();
    await tabTo(applicant, 'speaker-heard');
    await applicant.keyboard.press('Enter');
    await applicant.getByTestId('speaker-ok').waitFor();
    await tabTo(applicant, 'prejoin-accept');
    await applicant.keyboard.press('Space');
    expect(await applicant.getByTestId('prejoin-accept').isChecked()).toBe(true);
    await tabTo(applicant, 'prejoin-join');
    await applicant.keyboard.press('Enter');
    await applicant.getByTestId('lobby-waiting').waitFor();
    const id = await applicant.evaluate<string>(`JSON.parse(sessionStorage.getItem('concord.participant')).participant.id`);
    const admit = mediator.getByTestId(`lobby-admit-${id}`);
    await admit.or(mediator.getByTestId('lobby-open')).first().waitFor();
    if (!(await admit.isVisible())) await mediator.getByTestId('lobby-open').click();
    await admit.click();
    await applicant.getByTestId('controls').waitFor();

    // Room controls on a phone: microphone, camera, the "more" menu (Escape closes it and focus returns), leave.
    const pressed = (id: string) => applicant.getByTestId(id).getAttribute('aria-pressed');
    const micBefore = await pressed('ctl-mic');
    await tabTo(applicant, 'ctl-mic');
    await applicant.keyboard.press('Enter');
    await expect.poll(() => pressed('ctl-mic')).not.toBe(micBefore);
    const camBefore = await pressed('ctl-camera');
    await tabTo(applicant, 'ctl-camera');
    await applicant.keyboard.press('Space');
    await expect.poll(() => pressed('ctl-camera')).not.toBe(camBefore);
    await tabTo(applicant, 'controls-more');
    await applicant.keyboard.press('Enter');
    await expect.poll(() => applicant.getByTestId('controls-more').getAttribute('aria-expanded')).toBe('true');
    // The first item has focus; arrows move within the menu.
    await expect.poll(() => applicant.evaluate<boolean>(`!!document.activeElement.closest('[data-testid="controls-more-menu"]')`)).toBe(true);
    await applicant.keyboard.press('ArrowDown');
    await applicant.keyboard.press('Escape');
    await expect.poll(() => applicant.getByTestId('controls-more').getAttribute('aria-expanded')).toBe('false');
    expect(await testIdOfFocus(applicant)).toBe('controls-more');
    await tabTo(applicant, 'ctl-leave');
    await applicant.keyboard.press('Enter');
    await applicant.getByTestId('hearing-closed').waitFor();
  });

  it('pad: Tab reaches the editor and typing goes into the agreement', async () => {
    const page = await personPage(browser);
    await signInStaff(page, s.url, 'demo.mediator', DEMO_PASSWORD);
    await page.goto(`${s.url}/pad/${demo.agreementId}`);
    await page.locator('[data-testid="pad-status"][data-status="synced"]').waitFor();
    for (let i = 0; i < 80; i++) {
      if (await page.evaluate<boolean>(`!!document.activeElement?.closest('.cm-content')`)) break;
      await page.keyboard.press('Tab');
    }
    expect(await page.evaluate<boolean>(`!!document.activeElement?.closest('.cm-content')`)).toBe(true);
    await page.keyboard.press('Control+End');
    await page.keyboard.type('\n键盘输入的一行');
    await expect.poll(() => page.locator('.cm-content').textContent()).toContain('键盘输入的一行');
    await page.locator('[data-testid="pad-status"][data-unsaved="0"]').waitFor();
  });

  it('signing: the locked text is reached and scrolled by keyboard, ticked, and signed', async () => {
    await lock(s, await s.login('demo.mediator'), demo.agreementId);
    await applicant.goto(`${s.url}/sign`);
    await applicant.getByTestId('sign-form').waitFor();
    await tabTo(applicant, 'sign-text');
    const top = () => applicant.getByTestId('sign-text').evaluate((el) => el.scrollTop);
    expect(await top()).toBe(0);
    await applicant.keyboard.press('PageDown');
    await expect.poll(top).toBeGreaterThan(0);
    // "I have read" unlocks once the end of the text has been shown (issue 16.2): End scrolls there by keyboard.
    await applicant.keyboard.press('End');
    await expect.poll(() => applicant.getByTestId('sign-read').isEnabled(), { timeout: 30_000 }).toBe(true);
    await tabTo(applicant, 'sign-read');
    await applicant.keyboard.press('Space');
    expect(await applicant.getByTestId('sign-read').isChecked()).toBe(true);
    await tabTo(applicant, 'sign-otp-request');
    await applicant.keyboard.press('Enter');
    const code = (await applicant.getByTestId('sign-otp-code').textContent())!.trim();
    await tabTo(applicant, 'sign-otp-input');
    await applicant.keyboard.type(code);
    await tabTo(applicant, 'sign-method-typed');
    await applicant.keyboard.press('Enter');
    await tabTo(applicant, 'sign-typed-name');
    await applicant.keyboard.press('Control+A');
    await applicant.keyboard.type(demo.identities.applicant.name);
    await tabTo(applicant, 'sign-submit');
    await applicant.keyboard.press('Enter');
    await applicant.getByTestId('sign-done').waitFor();
  });
});
