import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { DEMO_PASSWORD, startTestServer, type TestServer } from '../helpers/server.js';
import { launchChromium } from '../helpers/browser.js';
import { openRoom, type RoomPerson } from '../helpers/room.js';
import { ClientPool, must, state, verifyLink } from '../helpers/hearing.js';
import { createDemoCase, type DemoCase } from '../../server/demo.js';
import { runAxe } from '../helpers/axe.js';
import { HearingBot } from '../recordings/helpers/bot.js';
import { oggOpusPackets, speechOgg, testPatternIvf } from '../recordings/helpers/speech.js';

const EXPECTED = ['forward', 'ten', 'meters', 'somewhere', 'something', 'young', 'man', 'disposed'];
const PHONE = { width: 390, height: 844 };
const SHOTS = path.join('test-results', 'screenshots');

/**
 * Live captions in the room (issue 17.4), in Debian's Chromium at phone size (390x844): the applicant turns captions
 * on from the keyboard; the respondent, a werift bot, speaks known English through the SFU; the caption appears on
 * screen with the speaker's name, inside the viewport; turning captions off removes them and stops the decoder.
 * Runs in the serial stage (a browser, an SFU worker and a decoder).
 */
describe('live captions in the room (Chromium, phone size)', { timeout: 300_000 }, () => {
  let s: TestServer;
  let browser: Browser;
  let demo: DemoCase;
  let clients: ClientPool;
  const bots: HearingBot[] = [];
  let viewer: RoomPerson | undefined;

  beforeAll(async () => {
    s = await startTestServer('sqlite', { CONCORD_MEDIA_WORKERS: '1', CONCORD_TRANSCRIBE_ENGINE: 'none' });
    demo = await createDemoCase(s.services, s.url);
    browser = await launchChromium();
    clients = new ClientPool(s);
  });
  afterAll(async () => {
    for (const b of bots) await b.close().catch(() => undefined);
    clients?.closeAll();
    await viewer?.ctx.close().catch(() => undefined);
    await browser?.close();
    await s?.close();
  });

  it('the toggle shows captions of the speaker, with their name, on a phone', async () => {
    const token = (role: 'mediator' | 'respondent') => {
      const link = demo.links[role];
      const answers = role === 'respondent' ? demo.identities.respondent : { username: demo.staff.mediator.username, password: DEMO_PASSWORD };
      return verifyLink(s, link.slice(link.indexOf('#') + 1), answers);
    };
    const ids = await s.services.hearings.participants([demo.hearingId]);
    const respondentId = ids.find((p) => p.role === 'respondent')!.id;
    const respondentName = ids.find((p) => p.role === 'respondent')!.display_name;
    const mediator = await HearingBot.join(clients, await token('mediator'), ids.find((p) => p.role === 'mediator')!.id);
    bots.push(mediator);
    const speaker = await HearingBot.join(clients, await token('respondent'), respondentId);
    bots.push(speaker);
    await must(mediator.c, 'lobby.admit', { participantId: respondentId });
    await state(speaker.c, (snap) => snap.participants.find((p) => p.id === respondentId)?.roomId === 'joint', 15_000);
    const fixtures = `${s.env.CONCORD_DATA_DIR}/fixtures`;
    await speaker.publish(testPatternIvf(fixtures), oggOpusPackets(speechOgg(fixtures)));

    viewer = await openRoom(browser, demo, 'applicant', DEMO_PASSWORD);
    const page = viewer.page;
    await page.setViewportSize(PHONE);
    await page.getByTestId('lobby-waiting').waitFor();
    await must(mediator.c, 'lobby.admit', { participantId: viewer.id });
    await page.getByTestId('controls').waitFor();

    // Off by default: no caption area, the toggle not pressed.
    const toggle = page.getByTestId('ctl-captions');
    await toggle.waitFor();
    expect(await toggle.getAttribute('aria-pressed')).toBe('false');
    expect(await page.getByTestId('captions').count()).toBe(0);
    expect(await toggle.getAttribute('aria-label')).toBeTruthy();
    // On from the keyboard.
    await toggle.focus();
    await page.keyboard.press('Enter');
    await page.locator('[data-testid="ctl-captions"][aria-pressed="true"]').waitFor({ timeout: 15_000 });
    await page.getByTestId('captions').waitFor();
    await expect.poll(() => s.liveHearings.get(demo.hearingId)?.captions.liveDecoders().map((d) => d.speakerId) ?? [], { timeout: 30_000 }).toContain(respondentId);

    speaker.speech!.play();
    const line = page.locator(`[data-testid="caption-line"][data-speaker="${respondentId}"][data-final="true"]`);
    const seen = new Set<string>();
    const end = Date.now() + 60_000;
    while (Date.now() < end && seen.size < 2) {
      for (const t of await line.allTextContents()) for (const w of t.toLowerCase().split(/[^a-z]+/)) if (EXPECTED.includes(w)) seen.add(w);
      await page.waitForTimeout(250);
    }
    expect([...seen].length, `words seen on screen: ${[...seen].join(' ')}`).toBeGreaterThanOrEqual(2);
    // The line names its speaker, and the caption area sits inside the phone's viewport.
    expect(await line.last().locator('.caption-name').textContent()).toBe(respondentName);
    const box = await page.getByTestId('captions').boundingBox();
    expect(box).not.toBeNull();
    expect(box!.x).toBeGreaterThanOrEqual(0);
    expect(box!.x + box!.width).toBeLessThanOrEqual(PHONE.width + 0.5);
    expect(box!.y + box!.height).toBeLessThanOrEqual(PHONE.height + 0.5);
    // axe-core on the room with captions shown: no critical or serious finding (contrast of the caption area included).
    const axe = await runAxe(page);
    expect(axe.violations.filter((v) => v.impact === 'critical' || v.impact === 'serious'), JSON.stringify(axe.violations)).toEqual([]);
    fs.mkdirSync(SHOTS, { recursive: true });
    await page.screenshot({ path: path.join(SHOTS, 'captions-en-390x844.png') });

    // Off again: the area goes, and nobody wanting captions, the decoder stops.
    await toggle.click();
    await page.locator('[data-testid="ctl-captions"][aria-pressed="false"]').waitFor({ timeout: 15_000 });
    expect(await page.getByTestId('captions').count()).toBe(0);
    await expect.poll(() => s.captions.decoders().length, { timeout: 15_000 }).toBe(0);
  });
});
