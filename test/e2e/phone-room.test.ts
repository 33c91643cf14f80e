import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Locator, Page } from 'playwright-core';
import { DEMO_PASSWORD, startTestServer, type TestServer } from '../helpers/server.js';
import { launchChromium } from '../helpers/browser.js';
import { enterRoom, openRoom, type DemoRole, type RoomPerson } from '../helpers/room.js';
import { createDemoCase, type DemoCase } from '../../server/demo.js';

/**
 * Issue 16 item 1: the hearing room on phones. Two parties (one in Simplified Chinese, one in Portuguese) are admitted
 * by the mediator; each page is laid out at phone portrait, phone landscape and desktop sizes. At every size no control
 * leaves the viewport, microphone, camera and Leave are on screen without opening anything, the "more" menu opens from
 * the keyboard and labels its items, every icon is drawn, and the video tiles stay inside the viewport.
 */
const SIZES = [
  { width: 360, height: 640 },
  { width: 390, height: 844 },
  { width: 844, height: 390 },
  { width: 1440, height: 900 },
] as const;
type Size = (typeof SIZES)[number];
const SHOTS = path.join('test-results', 'screenshots');

interface Box { x: number; y: number; width: number; height: number }
const inside = (b: Box | null, s: Size) => !!b && b.width > 0 && b.height > 0 && b.x >= -0.5 && b.y >= -0.5 && b.x + b.width <= s.width + 0.5 && b.y + b.height <= s.height + 0.5;

/** Visible controls: buttons and menu items in the controls bar (and the open "more" menu, which sits inside it). */
async function visibleControls(page: Page): Promise<Locator[]> {
  const all = await page.locator('[data-testid="controls"]').locator('button, [role="button"], [role="menuitem"]').all();
  const out: Locator[] = [];
  for (const l of all) if (await l.isVisible()) out.push(l);
  return out;
}

/** Controls with no icon, and icons with nothing drawn (an empty box or a path of length 0), among the visible ones. */
const ICON_PROBLEMS = `(() => {
  const problems = [];
  const shown = (el) => { const r = el.getBoundingClientRect(); return r.width > 0 && r.height > 0 && getComputedStyle(el).visibility !== 'hidden'; };
  for (const b of document.querySelectorAll('[data-testid="controls"] button, [data-testid="controls"] [role="button"], [data-testid="controls"] [role="menuitem"]')) {
    if (!shown(b)) continue;
    const id = b.getAttribute('data-testid') || b.textContent;
    const svgs = b.querySelectorAll('svg.icon');
    if (svgs.length === 0) { problems.push(id + ': no svg icon'); continue; }
    for (const svg of svgs) {
      const r = svg.getBoundingClientRect();
      if (!(r.width > 0 && r.height > 0)) { problems.push(id + ': empty svg box'); continue; }
      const shapes = [...svg.querySelectorAll('path, circle, rect, line, polyline, polygon')];
      const drawn = shapes.some((s) => { const bb = s.getBBox(); return s.getTotalLength() > 0 && (bb.width > 0 || bb.height > 0); });
      if (!drawn) problems.push(id + ': nothing drawn');
    }
  }
  return problems;
})()`;

const focusedTestId = (page: Page) => page.evaluate<string | null>(`document.activeElement && document.activeElement.getAttribute('data-testid')`);
const focusInMenu = (page: Page) => page.evaluate<boolean>(`!!document.activeElement && !!document.activeElement.closest('[data-testid="controls-more-menu"]')`);
/** Two animation frames: the layout after a viewport change or a click has been drawn. */
const settled = (page: Page) => page.evaluate(`new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => r(true))))`);

async function checkSize(page: Page, lang: string, size: Size): Promise<void> {
  const where = `${lang} ${size.width}x${size.height}`;
  await page.setViewportSize(size);
  await page.getByTestId('controls').waitFor({ timeout: 30_000 });
  await settled(page);

  // The essentials, without opening anything.
  for (const id of ['ctl-mic', 'ctl-camera', 'ctl-leave']) {
    const l = page.getByTestId(id);
    expect(await l.isVisible(), `${where}: ${id} visible`).toBe(true);
    expect(inside(await l.boundingBox(), size), `${where}: ${id} inside the viewport ${JSON.stringify(await l.boundingBox())}`).toBe(true);
  }
  for (const l of await visibleControls(page)) {
    const id = (await l.getAttribute('data-testid')) ?? (await l.textContent());
    expect(inside(await l.boundingBox(), size), `${where}: ${id} inside the viewport ${JSON.stringify(await l.boundingBox())}`).toBe(true);
  }
  expect(await page.evaluate<string[]>(ICON_PROBLEMS), `${where}: icons`).toEqual([]);

  // Video tiles and the stage adapt to the screen: nothing outside the viewport.
  const stage = page.getByTestId('stage');
  expect(inside(await stage.boundingBox(), size), `${where}: stage inside the viewport ${JSON.stringify(await stage.boundingBox())}`).toBe(true);
  const tiles = await page.getByTestId('video-tile').all();
  expect(tiles.length).toBeGreaterThanOrEqual(3);
  for (const tile of tiles) {
    expect(inside(await tile.boundingBox(), size), `${where}: tile inside the viewport ${JSON.stringify(await tile.boundingBox())}`).toBe(true);
  }
  await page.screenshot({ path: path.join(SHOTS, `room-${lang}-${size.width}x${size.height}.png`) });

  const more = page.getByTestId('controls-more');
  if (size.width >= 900) {
    // Wide screens keep the whole bar, labelled.
    expect(await more.isVisible()).toBe(false);
    for (const id of ['ctl-hand', 'ctl-chat', 'ctl-people', 'ctl-pad']) expect(await page.getByTestId(id).isVisible(), `${where}: ${id}`).toBe(true);
    return;
  }
  // A disclosure button: Enter opens and focuses the first item, arrows move, Escape closes and returns focus.
  const menu = page.getByTestId('controls-more-menu');
  expect(await more.isVisible(), `${where}: more button`).toBe(true);
  expect(await more.getAttribute('aria-expanded')).toBe('false');
  expect(await menu.isVisible()).toBe(false);
  await more.focus();
  await page.keyboard.press('Enter');
  await menu.waitFor({ timeout: 10_000 });
  expect(await more.getAttribute('aria-expanded')).toBe('true');
  expect(await more.getAttribute('aria-controls')).toBe(await menu.getAttribute('id'));
  await expect.poll(() => focusInMenu(page), { timeout: 10_000 }).toBe(true);
  const first = await focusedTestId(page);
  await page.keyboard.press('ArrowDown');
  await expect.poll(() => focusedTestId(page), { timeout: 10_000 }).not.toBe(first);
  expect(await focusInMenu(page)).toBe(true);
  await page.keyboard.press('ArrowUp');
  await expect.poll(() => focusedTestId(page), { timeout: 10_000 }).toBe(first);
  await page.keyboard.press('Escape');
  await menu.waitFor({ state: 'hidden', timeout: 10_000 });
  expect(await more.getAttribute('aria-expanded')).toBe('false');
  expect(await focusedTestId(page)).toBe('controls-more');
  await page.keyboard.press(' ');
  await menu.waitFor({ timeout: 10_000 });
  await settled(page);

  // The menu's items: the rest of the controls, each with an icon and a visible text label, all on screen.
  const items = await menu.locator('button, [role="button"], [role="menuitem"]').all();
  const ids: string[] = [];
  for (const item of items) {
    const id = (await item.getAttribute('data-testid')) ?? '?';
    ids.push(id);
    expect(await item.isVisible(), `${where}: ${id} visible in the menu`).toBe(true);
    const label = item.locator('.ctl-label');
    expect(await label.isVisible(), `${where}: ${id} label visible`).toBe(true);
    expect((await label.innerText()).trim().length, `${where}: ${id} label text`).toBeGreaterThan(0);
    const lb = await label.boundingBox();
    expect(lb && lb.width > 0 && lb.height > 0, `${where}: ${id} label box`).toBe(true);
  }
  expect(ids).toEqual(expect.arrayContaining(['ctl-hand', 'ctl-chat', 'ctl-people', 'ctl-pad', 'ctl-audio-only']));
  for (const l of await visibleControls(page)) {
    const id = (await l.getAttribute('data-testid')) ?? (await l.textContent());
    expect(inside(await l.boundingBox(), size), `${where}: ${id} inside the viewport with the menu open ${JSON.stringify(await l.boundingBox())}`).toBe(true);
  }
  expect(await page.evaluate<string[]>(ICON_PROBLEMS), `${where}: icons with the menu open`).toEqual([]);
  await page.screenshot({ path: path.join(SHOTS, `room-${lang}-${size.width}x${size.height}-more.png`) });
  await page.keyboard.press('Escape');
  await menu.waitFor({ state: 'hidden', timeout: 10_000 });
}

describe('the hearing room on phones and desktops in Chromium', { timeout: 240_000 }, () => {
  let s: TestServer;
  let browser: Browser;
  let demo: DemoCase;
  let mediator: RoomPerson;
  const parties: { lang: string; role: DemoRole; page: Page }[] = [];

  beforeAll(async () => {
    fs.mkdirSync(SHOTS, { recursive: true });
    s = await startTestServer('sqlite', { CONCORD_MEDIA_WORKERS: '1' });
    demo = await createDemoCase(s.services, s.url);
    browser = await launchChromium();
    mediator = await openRoom(browser, demo, 'mediator', DEMO_PASSWORD);
    await mediator.page.getByTestId('controls').waitFor({ timeout: 60_000 });
    for (const [role, lang] of [['applicant', 'zh-Hans'], ['respondent', 'pt']] as const) {
      const ctx = await browser.newContext({ locale: lang === 'pt' ? 'pt-PT' : 'zh-CN', viewport: SIZES[0] });
      await ctx.addInitScript({ content: `localStorage.setItem('concord.lang', ${JSON.stringify(lang)})` });
      const page = await ctx.newPage();
      const id = await enterRoom(page, demo, role, DEMO_PASSWORD);
      await page.getByTestId('lobby-waiting').waitFor({ timeout: 60_000 });
      const admit = mediator.page.getByTestId(`lobby-admit-${id}`);
      if (!(await admit.isVisible())) await mediator.page.getByTestId('lobby-open').click();
      await admit.click();
      await page.getByTestId('controls').waitFor({ timeout: 60_000 });
      parties.push({ lang, role, page });
    }
    // Everyone's tile is on every page before the layout is measured.
    for (const p of parties) await p.page.waitForFunction(`document.querySelectorAll('[data-testid="video-tile"]').length === 3`, undefined, { timeout: 60_000 });
  });
  afterAll(async () => {
    await browser?.close();
    await s?.close();
  });

  for (const size of SIZES) {
    it(`${size.width}x${size.height}: controls inside the viewport, essentials visible, labelled "more" menu, icons drawn`, async () => {
      for (const p of parties) await checkSize(p.page, p.lang, size);
    });
  }
});
