import { startTestServer, DEMO_PASSWORD } from '../test/helpers/server.js';
import { launchChromium } from '../test/helpers/browser.js';
import { enterRoom, framesByParticipant, newPersonPage, openRoom } from '../test/helpers/room.js';
import { createDemoCase } from '../server/demo.js';
import { fmt, machine, percentile } from './lib.js';

/**
 * Join time in Debian's Chromium: from opening a mediation link to the first decoded frame of the mediator's video,
 * through the identity check, the pre-join page, the socket handshake, publish and subscribe on the werift SFU.
 * The clerk's link is used (staff who enter without waiting for admission), so the figure has no human in it.
 * `npx tsx bench/join.ts [runs]` (default 10); part of `npm run bench:sfu`.
 */
export async function benchJoin(runs: number) {
  const s = await startTestServer('sqlite');
  const browser = await launchChromium();
  try {
    const demo = await createDemoCase(s.services, s.url);
    const mediator = await openRoom(browser, demo, 'mediator', DEMO_PASSWORD);
    await mediator.page.getByTestId('controls').waitFor();
    const total: number[] = [];
    const media: number[] = [];
    for (let i = 0; i < runs; i++) {
      // A new person's browser is ready; the clock starts when the link is opened.
      const clerk = await newPersonPage(browser, 'clerk');
      const t0 = performance.now();
      await enterRoom(clerk.page, demo, 'clerk', DEMO_PASSWORD);
      const t1 = performance.now();
      for (;;) {
        const frames = await framesByParticipant(clerk.page);
        if ((frames[mediator.id] ?? 0) > 0) break;
        if (performance.now() - t0 > 30_000) throw new Error('no frame within 30 s');
        await clerk.page.waitForTimeout(25);
      }
      const t2 = performance.now();
      total.push(t2 - t0);
      media.push(t2 - t1);
      await clerk.ctx.close();
    }
    total.sort((a, b) => a - b);
    media.sort((a, b) => a - b);
    return [
      { span: 'link opened -> first remote frame decoded', runs: String(runs), 'median ms': fmt(percentile(total, 50), 0), 'p95 ms': fmt(percentile(total, 95), 0) },
      { span: '"enter" clicked -> first remote frame decoded', runs: String(runs), 'median ms': fmt(percentile(media, 50), 0), 'p95 ms': fmt(percentile(media, 95), 0) },
    ];
  } finally {
    await browser.close();
    await s.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(`machine: ${machine()}`);
  console.table(await benchJoin(Number(process.argv[2] ?? 10)));
}
