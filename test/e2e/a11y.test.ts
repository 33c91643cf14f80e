import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { launchChromium } from '../helpers/browser.js';
import { AxeLog, runAxe } from '../helpers/axe.js';
import { PageTour } from '../helpers/page-tour.js';
import { createDemoCase, type DemoCase } from '../../server/demo.js';

/**
 * axe-core on every page state a person can reach (the tour in test/helpers/page-tour.ts), in Simplified Chinese and
 * English, in Debian's Chromium against the real server and SFU: 0 critical and 0 serious findings each. The counts of all impacts go to test-results/axe.json
 * (the table in docs/TESTING.md).
 */
const LANGS = ['zh-Hans', 'en'] as const;

describe('accessibility (axe-core) on every page state', { timeout: 1_200_000 }, () => {
  let s: TestServer;
  let browser: Browser;
  let demo: DemoCase;
  let tour: PageTour;
  const log = new AxeLog();
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    s = await startTestServer('sqlite', { CONCORD_MEDIA_WORKERS: '1', CONCORD_TRANSCRIBE_ENGINE: 'none' });
    demo = await createDemoCase(s.services, s.url);
    browser = await launchChromium();
    tour = new PageTour({ s, demo, newPage });
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

  it('console: login, case list, case page; the public verify page', () => tour.console(check));
  it('a party: join, identity check refused, waiting, pre-join, lobby; the mediator in the joint session', () => tour.party(check));
  it('in the room: admitted, the more menu, chat, caucus', () => tour.room(check));
  it("the clerk's hearing record, a party signing, the court's review", () => tour.records(check));
});
