import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { launchChromium } from '../helpers/browser.js';
import { newPersonPage } from '../helpers/room.js';
import { runAxe } from '../helpers/axe.js';
import { blockUdpPorts, unblock, unblockAll } from '../helpers/netblock.js';
import { createDemoCase, type DemoCase } from '../../server/demo.js';

/**
 * Issue 16.5, the pre-join test call, in Debian's Chromium with the fake camera and microphone against the werift SFU in
 * a worker process: the applicant, on the pre-join page (not joined), starts the test call from the keyboard; media
 * goes to a router of its own and comes back, and the verdict is "good" on loopback. Then every UDP port of the SFU is
 * dropped with nftables (as a network that blocks UDP): the verdict is "blocked". Each time the server closes the
 * call's router afterwards; the hearing itself never saw a router.
 */
const PORT_MIN = 42000 + Math.floor(Math.random() * 80) * 100;
const PORT_MAX = PORT_MIN + 99;

async function toPreJoin(page: Page, demo: DemoCase): Promise<void> {
  await page.goto(demo.links.applicant);
  await page.getByTestId('join-form').waitFor();
  await page.getByTestId('join-name').fill(demo.identities.applicant.name);
  await page.getByTestId('join-id-number').fill(demo.identities.applicant.idNumber);
  await page.getByTestId('join-submit').click();
  const next = page.getByTestId('prejoin').or(page.getByTestId('enter-hearing'));
  await next.first().waitFor();
  if (await page.getByTestId('enter-hearing').isVisible()) await page.getByTestId('enter-hearing').click();
  await page.getByTestId('prejoin').waitFor();
}

/** Starts the test call with the keyboard (focus the button, Enter) and waits for its verdict. */
async function testCallByKeyboard(page: Page): Promise<{ verdict: string; reason: string; text: string; sawProgress: boolean }> {
  // Usable once the camera and microphone are open.
  const button = page.locator('[data-testid="test-call-start"]:not([aria-disabled])');
  await button.waitFor();
  await button.focus();
  await page.keyboard.press('Enter');
  // Progress is shown while it runs (a bar, and what it is doing in the status region).
  let sawProgress = false;
  await expect.poll(async () => {
    const state = await page.getByTestId('test-call').getAttribute('data-state');
    if (state === 'running' && (await page.getByTestId('test-call-progress').isVisible())) sawProgress = true;
    return state;
  }, { timeout: 60_000, interval: 100 }).toBe('done');
  const verdict = page.getByTestId('test-call-verdict');
  return {
    verdict: (await page.getByTestId('test-call').getAttribute('data-verdict')) ?? '',
    reason: (await verdict.getAttribute('data-reason')) ?? '',
    text: (await page.getByTestId('test-call-status').textContent()) ?? '',
    sawProgress,
  };
}

const routersOpen = (s: TestServer) => s.mediaEngine.stats().workers.reduce((n, w) => n + w.routers, 0);

describe('pre-join test call in Chromium', { timeout: 150_000 }, () => {
  let s: TestServer;
  let demo: DemoCase;
  let browser: Browser;

  beforeAll(async () => {
    s = await startTestServer('sqlite', { CONCORD_MEDIA_WORKERS: '1', CONCORD_MEDIA_PORT_MIN: String(PORT_MIN), CONCORD_MEDIA_PORT_MAX: String(PORT_MAX) });
    demo = await createDemoCase(s.services, s.url);
    browser = await launchChromium();
  });
  afterAll(async () => {
    unblockAll();
    await browser?.close();
    await s?.close();
  });

  it('good on loopback, blocked when UDP to the SFU is dropped; the router is closed after each', async () => {
    const { ctx, page } = await newPersonPage(browser, 'applicant');
    const logs: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'warning' || m.type() === 'error') logs.push(m.text());
    });
    try {
      await toPreJoin(page, demo);
      // The status region is there before anything runs, so screen readers announce the verdict when it changes.
      expect(await page.getByTestId('test-call-status').getAttribute('role')).toBe('status');

      const good = await testCallByKeyboard(page);
      expect(good, JSON.stringify(good)).toMatchObject({ verdict: 'good', sawProgress: true });
      expect(good.text).toMatch(/Good/);
      expect(await page.getByTestId('test-call-detail').textContent()).toMatch(/Loss 0 %/);
      // The verdict's colours and text pass axe (no critical or serious violation), in English and Chinese.
      for (const lang of ['en', 'zh-Hans']) {
        await page.getByTestId('lang-switch').first().selectOption(lang);
        await expect.poll(() => page.evaluate('document.documentElement.lang')).toBe(lang);
        const bad = (await runAxe(page)).violations.filter((v) => v.impact === 'critical' || v.impact === 'serious');
        expect(bad, `${lang}: ${JSON.stringify(bad)}`).toEqual([]);
      }
      await page.getByTestId('lang-switch').first().selectOption('en');
      // The server ended the call: no test call and no router left (nobody joined the hearing, so it has none).
      await expect.poll(() => s.liveHearings.testCalls.open).toBe(0);
      await expect.poll(() => routersOpen(s)).toBe(0);
      expect(s.liveHearings.get(demo.hearingId), 'the hearing was never opened').toBeUndefined();

      // A network that drops UDP: nothing comes back.
      const ports = Array.from({ length: PORT_MAX - PORT_MIN + 1 }, (_, i) => PORT_MIN + i);
      const table = blockUdpPorts(ports);
      try {
        const blocked = await testCallByKeyboard(page);
        expect(blocked, JSON.stringify(blocked)).toMatchObject({ verdict: 'blocked', sawProgress: true });
        expect(['no_media', 'ice_failed']).toContain(blocked.reason);
        expect(blocked.text).toMatch(/UDP/);
      } finally {
        unblock(table);
      }
      await expect.poll(() => s.liveHearings.testCalls.open).toBe(0);
      await expect.poll(() => routersOpen(s)).toBe(0);
      // Nothing stops the person from entering afterwards.
      await page.getByTestId('prejoin-accept').check();
      await page.getByTestId('prejoin-join').click();
      await page.getByTestId('prejoin').waitFor({ state: 'detached' });
    } catch (err) {
      console.log(`page console:\n${logs.join('\n')}`);
      throw err;
    } finally {
      await ctx.close();
    }
  });
});
