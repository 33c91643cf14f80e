import type { Browser } from 'playwright-core';
import { startTestServer, DEMO_PASSWORD } from '../test/helpers/server.js';
import { launchChromium, signInStaff } from '../test/helpers/browser.js';
import { enterRoom, framesByParticipant, newPersonPage, type RoomPerson } from '../test/helpers/room.js';
import { createDemoCase, type DemoCase } from '../server/demo.js';
import { fmt, machine, percentile } from './lib.js';

/**
 * Join time in Debian's Chromium: from opening a mediation link to the first decoded frame of the mediator's video,
 * through the page loads, the identity check, the pre-join page (camera, notice), the socket handshake, publish and
 * subscribe on the werift SFU, ICE/DTLS, the keyframe and its decoding. `npx tsx bench/join.ts [runs]` (default 10);
 * part of `npm run bench:sfu`. Four paths, one browser and one server:
 *
 * - **clerk, instant person**: the clerk's link (staff enter without admission; the identity check is the staff
 *   password, scrypt). The person is a script put into the page before the link opens: it fills each form the moment
 *   it appears and clicks on, like a person with no reaction time, and the page itself notes the first frame
 *   (requestVideoFrameCallback). This is the system's own time.
 * - **clerk, signed in to Concord**: the same clerk, signed in to the console in that browser (before the clock); the
 *   link opens in a new tab and "continue with this account" stands for the password: no scrypt, no typing.
 * - **clerk, Playwright robot**: the same link driven by Playwright's actions from Node, each an actionability check
 *   with several DevTools round trips (100-200 ms apiece with two Chromium tabs on 2 cores), frames polled every 25 ms.
 *   The figure earlier versions of this benchmark reported.
 * - **applicant, admitted at once**: a party's link (name and ID number) into a fresh hearing whose mediator's page
 *   admits from the lobby the moment the person shows (a script in the mediator's page): the lobby round trip is in it.
 */

/** The person with no reaction time, and the first-frame probe: installed into a page before it opens the link. */
function instantPerson(fields: Record<string, string>, remoteId: string): string {
  return `(() => {
    const fields = ${JSON.stringify(fields)};
    const remoteId = ${JSON.stringify(remoteId)};
    const q = (id) => document.querySelector('[data-testid="' + id + '"]');
    const setValue = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').set;
    const done = new Set();
    const probed = new WeakSet();
    window.__joinTimes = {};
    const once = (key, fn) => { if (!done.has(key)) { done.add(key); fn(); } };
    const step = () => {
      if (q('join-continue-signed-in') && !Object.keys(fields).length) once('form', () => {
        window.__joinTimes.form = Date.now();
        q('join-continue-signed-in').click();
      });
      if (q('join-form') && Object.keys(fields).length && Object.keys(fields).every((id) => q(id))) once('form', () => {
        window.__joinTimes.form = Date.now();
        for (const [id, v] of Object.entries(fields)) { setValue.call(q(id), v); q(id).dispatchEvent(new Event('input', { bubbles: true })); }
        // The view's state follows the input events on its next render; the click comes after it.
        setTimeout(() => q('join-submit').click(), 0);
      });
      const accept = q('prejoin-accept');
      if (accept && !accept.checked) once('accept', () => { window.__joinTimes.prejoin = Date.now(); accept.click(); });
      const enter = q('prejoin-join');
      if (enter && !enter.disabled && done.has('accept')) once('enter', () => { window.__joinTimes.enter = Date.now(); enter.click(); });
      const tile = document.querySelector('[data-testid="video-tile"][data-participant-id="' + remoteId + '"] video');
      if (tile && !probed.has(tile)) {
        probed.add(tile);
        tile.requestVideoFrameCallback(() => { window.__joinTimes.frame ??= Date.now(); });
      }
    };
    new MutationObserver(step).observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ['disabled', 'data-participant-id'] });
  })();`;
}

/** The mediator's page admits whoever shows in the lobby, at once. */
const INSTANT_ADMIT = `(() => {
  const clicked = new WeakSet();
  new MutationObserver(() => {
    const open = document.querySelector('[data-testid="lobby-open"]');
    if (open && !clicked.has(open)) { clicked.add(open); open.click(); }
    for (const b of document.querySelectorAll('[data-testid^="lobby-admit-"]')) if (!clicked.has(b)) { clicked.add(b); b.click(); }
  }).observe(document, { subtree: true, childList: true });
})();`;

interface Sample { total: number; enter: number; steps?: Record<string, number> }

async function instantJoin(browser: Browser, demo: DemoCase, role: 'clerk' | 'applicant', remoteId: string, signedIn = false): Promise<Sample> {
  const person = await newPersonPage(browser, role);
  const { ctx } = person;
  let page = person.page;
  const fields: Record<string, string> = signedIn ? {} : role === 'clerk'
    ? { 'join-username': demo.staff.clerk.username, 'join-password': DEMO_PASSWORD }
    : { 'join-name': demo.identities.applicant.name, 'join-id-number': demo.identities.applicant.idNumber };
  if (signedIn) {
    // Signed in to the console first (before the clock); the link then opens in a new tab of that browser.
    await signInStaff(page, new URL(demo.links[role]).origin, demo.staff.clerk.username, DEMO_PASSWORD);
    page = await ctx.newPage();
  }
  await ctx.addInitScript({ content: instantPerson(fields, remoteId) });
  try {
    const t0 = Date.now();
    await page.goto(demo.links[role], { waitUntil: 'commit' });
    // Polled from Node (the page's CSP forbids the string evaluation waitForFunction does); the times come from the page.
    let times: Record<string, number> = {};
    while (!times.frame) {
      if (Date.now() - t0 > 30_000) throw new Error(`no frame within 30 s: ${JSON.stringify(times)}`);
      await page.waitForTimeout(100);
      times = await page.evaluate<Record<string, number>>('window.__joinTimes || {}');
    }
    const steps = Object.fromEntries(Object.entries(times).map(([k, v]) => [k, v - t0]));
    return { total: times.frame! - t0, enter: times.frame! - times.enter!, steps };
  } finally {
    await ctx.close();
  }
}

async function robotJoin(browser: Browser, demo: DemoCase, remoteId: string): Promise<Sample> {
  const clerk = await newPersonPage(browser, 'clerk');
  try {
    const t0 = performance.now();
    await enterRoom(clerk.page, demo, 'clerk', DEMO_PASSWORD);
    const t1 = performance.now();
    for (;;) {
      const frames = await framesByParticipant(clerk.page);
      if ((frames[remoteId] ?? 0) > 0) break;
      if (performance.now() - t0 > 30_000) throw new Error('no frame within 30 s');
      await clerk.page.waitForTimeout(25);
    }
    const t2 = performance.now();
    return { total: t2 - t0, enter: t2 - t1 };
  } finally {
    await clerk.ctx.close();
  }
}

function rows(label: string, samples: Sample[]) {
  const total = samples.map((s) => s.total).sort((a, b) => a - b);
  const enter = samples.map((s) => s.enter).sort((a, b) => a - b);
  return [
    { path: label, span: 'link opened -> first remote frame', runs: samples.length, 'median ms': fmt(percentile(total, 50), 0), 'p95 ms': fmt(percentile(total, 95), 0) },
    { path: label, span: '"enter" clicked -> first remote frame', runs: samples.length, 'median ms': fmt(percentile(enter, 50), 0), 'p95 ms': fmt(percentile(enter, 95), 0) },
  ];
}

/** The mediator inside the hearing, with a page that admits whoever shows in the lobby at once. */
async function mediatorIn(browser: Browser, demo: DemoCase): Promise<RoomPerson> {
  const { ctx, page } = await newPersonPage(browser, 'mediator');
  await ctx.addInitScript({ content: INSTANT_ADMIT });
  const id = await enterRoom(page, demo, 'mediator', DEMO_PASSWORD);
  await page.getByTestId('controls').waitFor();
  return { role: 'mediator', ctx, page, id };
}

export async function benchJoin(runs: number, opts: { log?: (line: string) => void } = {}) {
  const log = opts.log ?? (() => undefined);
  const s = await startTestServer('sqlite');
  log(`media engine: ${s.mediaChoice ? `${s.mediaChoice.engine} (${s.mediaChoice.why})` : 'given by the caller'}`);
  const browser = await launchChromium();
  try {
    const demo = await createDemoCase(s.services, s.url);
    const mediator = await mediatorIn(browser, demo);
    // One join of each kind first, not counted: the first new renderer and the first scrypt are slower.
    await instantJoin(browser, demo, 'clerk', mediator.id);
    await robotJoin(browser, demo, mediator.id);
    await instantJoin(browser, demo, 'clerk', mediator.id, true);
    const instant: Sample[] = [];
    const signedIn: Sample[] = [];
    const robot: Sample[] = [];
    for (let i = 0; i < runs; i++) {
      const a = await instantJoin(browser, demo, 'clerk', mediator.id);
      instant.push(a);
      log(`clerk instant #${i + 1}: ${Math.round(a.total)} ms ${JSON.stringify(a.steps)}`);
      const c = await instantJoin(browser, demo, 'clerk', mediator.id, true);
      signedIn.push(c);
      log(`clerk signed in #${i + 1}: ${Math.round(c.total)} ms ${JSON.stringify(c.steps)}`);
      const b = await robotJoin(browser, demo, mediator.id);
      robot.push(b);
      log(`clerk robot   #${i + 1}: ${Math.round(b.total)} ms`);
    }
    await mediator.ctx.close();
    // Parties wait in the lobby for the mediator: a fresh hearing per run, so that every run is a first admission.
    const party: Sample[] = [];
    for (let i = 0; i < runs; i++) {
      const d = await createDemoCase(s.services, s.url);
      const m = await mediatorIn(browser, d);
      try {
        const a = await instantJoin(browser, d, 'applicant', m.id);
        party.push(a);
        log(`applicant     #${i + 1}: ${Math.round(a.total)} ms ${JSON.stringify(a.steps)}`);
      } finally {
        await m.ctx.close();
      }
    }
    return [
      ...rows('applicant, admitted at once', party), ...rows('clerk, instant person', instant),
      ...rows('clerk, signed in to Concord', signedIn), ...rows('clerk, Playwright robot', robot),
    ];
  } finally {
    await browser.close();
    await s.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(`machine: ${machine()}`);
  console.table(await benchJoin(Number(process.argv[2] ?? 10), { log: (l) => console.log(l) }));
}
