import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { DEMO_PASSWORD, startTestServer, type TestServer } from '../helpers/server.js';
import { launchChromium } from '../helpers/browser.js';
import { framesByParticipant, openRoom, waitDecoding, type RoomPerson } from '../helpers/room.js';
import { createDemoCase, type DemoCase } from '../../server/demo.js';

/** Frames decoded so far in the shared-screen tile of `sharer` (none: -1). */
const screenFrames = (page: Page, sharer: string) =>
  page.evaluate<number>(`(() => {
    const v = document.querySelector('[data-testid="screen-tile"][data-participant-id="${sharer}"] video');
    return v && v.videoWidth > 0 ? v.getVideoPlaybackQuality().totalVideoFrames : -1;
  })()`);

/**
 * Screen share in Debian's Chromium: with --use-fake-ui-for-media-stream getDisplayMedia is granted at once and returns
 * Chromium's fake 1280x720 "screen". The mediator shares; the clerk (staff enter without admission) decodes the screen in
 * its own tile while the mediator's camera keeps decoding beside it; the SFU carries it as a third producer with the
 * source "screen"; stopping the share removes the tile and the producer, and the camera still flows.
 */
describe('screen share in Chromium', { timeout: 120_000 }, () => {
  let s: TestServer;
  let browser: Browser;
  let demo: DemoCase;
  let mediator: RoomPerson;
  let clerk: RoomPerson;

  beforeAll(async () => {
    s = await startTestServer('sqlite', { CONCORD_MEDIA_WORKERS: '1' });
    demo = await createDemoCase(s.services, s.url);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await s?.close();
  });

  it('a shared screen reaches the other side in its own tile beside the camera, and stops cleanly', async () => {
    mediator = await openRoom(browser, demo, 'mediator', DEMO_PASSWORD);
    await mediator.page.getByTestId('controls').waitFor();
    clerk = await openRoom(browser, demo, 'clerk', DEMO_PASSWORD);
    await clerk.page.getByTestId('controls').waitFor();
    await waitDecoding(clerk.page, [mediator.id], 60_000);

    const m = mediator.page;
    await expect.poll(() => m.getByTestId('ctl-screen').isEnabled(), { timeout: 30_000 }).toBe(true);
    await m.getByTestId('ctl-screen').click();
    await expect.poll(() => m.getByTestId('ctl-screen').getAttribute('aria-pressed'), { timeout: 15_000 }).toBe('true');

    // The SFU receives a producer with the source "screen" from the mediator, and forwards it to the clerk.
    const live = s.liveHearings.get(demo.hearingId)!;
    const router = live.media.router!;
    const screenProducer = async () => (await router.recordableProducers()).find((p) => p.participantId === mediator.id && p.source === 'screen');
    await expect.poll(screenProducer, { timeout: 30_000 }).toBeDefined();
    const screenId = (await screenProducer())!.id;
    const forwarded = async () => (await live.media.forwardingTable()).filter((e) => e.producerId === screenId && e.toParticipantId === clerk.id).reduce((n, e) => n + e.packets, 0);
    await expect.poll(forwarded, { timeout: 30_000 }).toBeGreaterThan(0);

    // The clerk decodes the screen in its own tile, frames increasing, and the mediator's camera keeps decoding.
    await expect.poll(() => screenFrames(clerk.page, mediator.id), { timeout: 30_000 }).toBeGreaterThan(0);
    const first = await screenFrames(clerk.page, mediator.id);
    await expect.poll(() => screenFrames(clerk.page, mediator.id), { timeout: 15_000 }).toBeGreaterThan(first);
    await waitDecoding(clerk.page, [mediator.id], 30_000);
    const cameraSize = await clerk.page.evaluate<number>(`document.querySelector('[data-testid="video-tile"][data-participant-id="${mediator.id}"] video').videoWidth`);
    const screenSize = await clerk.page.evaluate<number>(`document.querySelector('[data-testid="screen-tile"][data-participant-id="${mediator.id}"] video').videoWidth`);
    expect(screenSize, 'the screen tile shows the screen, not the camera').not.toBe(cameraSize);

    // Stopping the share: the tile goes, the producer goes, and the camera still flows.
    await m.getByTestId('ctl-screen').click();
    await clerk.page.locator(`[data-testid="screen-tile"][data-participant-id="${mediator.id}"]`).waitFor({ state: 'detached', timeout: 30_000 });
    await expect.poll(screenProducer, { timeout: 30_000 }).toBeUndefined();
    const camera = (await framesByParticipant(clerk.page))[mediator.id] ?? 0;
    await expect.poll(async () => (await framesByParticipant(clerk.page))[mediator.id] ?? 0, { timeout: 15_000 }).toBeGreaterThan(camera);
  });
});
