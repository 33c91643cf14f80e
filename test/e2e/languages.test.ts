import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { launchChromium } from '../helpers/browser.js';
import { PageTour } from '../helpers/page-tour.js';
import { allowedSameAsEnglish, looksLikeKey, visibleStrings } from '../helpers/visible-text.js';
import { createDemoCase, DEMO_PARTIES, seedDemo, type DemoCase } from '../../server/demo.js';

/**
 * Issue 17: every page state of the tour (test/helpers/page-tour.ts, the one test/e2e/a11y.test.ts checks) rendered in
 * English, then in Simplified Chinese, Traditional Chinese and Portuguese, switched with the page's own language menu.
 * In each language the visible text (text nodes, aria-label, title, placeholder, alt) must show no raw message key
 * (how a missing key would show) and, outside English, no string with Latin letters equal to one of the English
 * rendering of the same state (how a key missing from a catalogue would show: t() falls back to English), except names,
 * numbers and codes (test/helpers/visible-text.ts). Text marked as another language (`lang` on an element, such as the
 * language menu's own names and the server's English detail in an error banner) is skipped.
 *
 * Browsers start in pt-PT with no stored choice: the first page opens in Portuguese (detection). Screenshots of the
 * signing page, the court review, the room and the recordings page in pt and zh-Hant go to test-results/screenshots;
 * every finding to test-results/languages.json.
 */
const LANGS = ['en', 'zh-Hans', 'zh-Hant', 'pt'] as const;
type Lang = (typeof LANGS)[number];
const SHOTS = path.join('test-results', 'screenshots');
const SHOT_STATES: Record<string, string> = {
  signing: 'signing',
  'court review': 'court-review',
  'room: joint session (mediator)': 'room',
  'recordings / hearing record': 'recordings',
};

describe('every page state in every language', { timeout: 900_000 }, () => {
  let s: TestServer;
  let browser: Browser;
  let demo: DemoCase;
  let tour: PageTour;
  const contexts: BrowserContext[] = [];
  const findings: { state: string; lang: Lang; rawKeys: string[]; sameAsEnglish: string[]; strings: number }[] = [];
  let names: string[] = [];

  beforeAll(async () => {
    s = await startTestServer('sqlite', { CONCORD_MEDIA_WORKERS: '1', CONCORD_TRANSCRIBE_ENGINE: 'none' });
    demo = await createDemoCase(s.services, s.url);
    browser = await launchChromium();
    tour = new PageTour({ s, demo, newPage });
    const staff = Object.values(demo.staff).map((x) => x.displayName);
    const orgIds = new Set(Object.values(await seedDemo(s.services)).map((x) => x.orgId));
    const orgs = (await Promise.all([...orgIds].map((id) => s.services.roster.getOrganisation(id)))).flatMap((o) => [o.name, o.nameEn]);
    names = [...staff, ...orgs, DEMO_PARTIES.respondent.representative, demo.caseNumber];
    fs.mkdirSync(SHOTS, { recursive: true });
  });
  afterAll(async () => {
    fs.mkdirSync('test-results', { recursive: true });
    fs.writeFileSync(path.join('test-results', 'languages.json'), `${JSON.stringify(findings, null, 1)}\n`);
    await browser?.close();
    await s?.close();
  });

  async function newPage(viewport = { width: 1280, height: 800 }): Promise<Page> {
    const ctx = await browser.newContext({ locale: 'pt-PT', viewport });
    ctx.setDefaultTimeout(90_000);
    contexts.push(ctx);
    return ctx.newPage();
  }

  async function switchTo(page: Page, lang: Lang): Promise<void> {
    await page.getByTestId('lang-switch').first().selectOption(lang);
    await expect.poll(() => page.evaluate('document.documentElement.lang')).toBe(lang);
    // Preact re-renders on the next frame: wait two.
    await page.evaluate('new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))');
  }

  let first = true;
  async function check(page: Page, state: string): Promise<void> {
    if (first) {
      // A Portuguese browser with no stored choice opens in Portuguese.
      expect(await page.evaluate('document.documentElement.lang')).toBe('pt');
      first = false;
    }
    let english: Set<string> = new Set();
    for (const lang of LANGS) {
      await switchTo(page, lang);
      const strings = await visibleStrings(page);
      const rawKeys = strings.filter(looksLikeKey);
      const sameAsEnglish = lang === 'en' ? [] : strings.filter((x) => english.has(x) && !allowedSameAsEnglish(x, names));
      if (lang === 'en') english = new Set(strings);
      findings.push({ state, lang, rawKeys, sameAsEnglish, strings: strings.length });
      expect.soft(rawKeys, `${state} (${lang}): raw message keys`).toEqual([]);
      expect.soft(sameAsEnglish, `${state} (${lang}): text left in English`).toEqual([]);
      expect(strings.length, `${state} (${lang}): no visible text at all`).toBeGreaterThan(0);
      const shot = SHOT_STATES[state];
      if (shot && (lang === 'pt' || lang === 'zh-Hant')) await page.screenshot({ path: path.join(SHOTS, `lang-${shot}-${lang}.png`), fullPage: true });
    }
  }

  it('console: login, case list, case page, audit, pad; the public verify page', () => tour.console(check));
  it('a party: join, identity check refused, waiting, pre-join, lobby; the mediator in the joint session', () => tour.party(check));
  it('in the room: admitted, the more menu, chat, caucus', () => tour.room(check));
  it("the clerk's hearing record, a party signing, the court's review", async () => {
    await tour.records(check);
    for (const shot of Object.values(SHOT_STATES)) {
      for (const lang of ['pt', 'zh-Hant']) expect(fs.existsSync(path.join(SHOTS, `lang-${shot}-${lang}.png`)), `${shot} ${lang}`).toBe(true);
    }
    // Each state was seen in all four languages.
    expect(findings.length).toBe(new Set(findings.map((f) => f.state)).size * LANGS.length);
  });
});
