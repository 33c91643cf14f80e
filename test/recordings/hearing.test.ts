import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { DEMO_PASSWORD, startTestServer, type TestServer } from '../helpers/server.js';
import { launchChromium, englishContext, signInStaff } from '../helpers/browser.js';
import { openRoom, type RoomPerson } from '../helpers/room.js';
import { ClientPool, must, sleep, state, verifyLink } from '../helpers/hearing.js';
import { createDemoCase, type DemoCase } from '../../server/demo.js';
import { ffprobe } from '../../recordings/media.js';
import { wordErrorRate } from '../../recordings/transcribe/wer.js';
import { HearingBot } from './helpers/bot.js';
import { REFERENCE, WORD_TIMES, WORD_TIME_TOLERANCE_MS, oggOpusPackets, speechOgg, testPatternIvf } from './helpers/speech.js';

/**
 * pocketsphinx 0.8 on this speech: 0.18 (3 of 17 words) read from the Opus file; 0.18-0.35 through the recorded hearing
 * on an idle machine, up to 0.5 measured with the 2 cores saturated by other suites (docs/BENCHMARKS.md).
 */
const WER_BOUND = 0.5;

/**
 * A recorded hearing end to end: the mediator and the applicant in Debian's Chromium (fake camera and microphone),
 * the respondent a werift bot speaking known English from pocketsphinx-testdata, through the real gateway and the
 * SFU in a worker process. Everyone consents in the room in their own way (browser dialog, socket message); the recording, its
 * composed file and the transcript of the bot's own track are checked with ffprobe and a word error rate.
 */
describe('recorded hearing with two browsers and a speaking bot', { timeout: 600_000 }, () => {
  let s: TestServer;
  let browser: Browser;
  let demo: DemoCase;
  let clients: ClientPool;
  let bot: HearingBot | undefined;
  const people: Partial<Record<'mediator' | 'applicant', RoomPerson>> = {};

  beforeAll(async () => {
    // The bots speak English and their participants name no language: without this, a Guangzhou case's tracks are
    // Mandarin (issue 17), for which this machine has no model.
    s = await startTestServer('sqlite', { CONCORD_MEDIA_WORKERS: '1', CONCORD_RECORDINGS_SEGMENT_SECONDS: '3', CONCORD_TRANSCRIBE_LANGUAGE: 'en' });
    demo = await createDemoCase(s.services, s.url);
    browser = await launchChromium();
    clients = new ClientPool(s);
  });
  afterAll(async () => {
    await bot?.close().catch(() => undefined);
    clients?.closeAll();
    await browser?.close();
    await s?.close();
  });

  it('records everyone who agreed, composes the hearing and transcribes the speaker', async () => {
    people.mediator = await openRoom(browser, demo, 'mediator', DEMO_PASSWORD);
    const m = people.mediator.page;
    await m.getByTestId('controls').waitFor();
    people.applicant = await openRoom(browser, demo, 'applicant', DEMO_PASSWORD);
    const a = people.applicant.page;
    await a.getByTestId('lobby-waiting').waitFor();
    const admitApplicant = m.getByTestId(`lobby-admit-${people.applicant.id}`);
    await admitApplicant.or(m.getByTestId('lobby-open')).first().waitFor();
    if (!(await admitApplicant.isVisible())) await m.getByTestId('lobby-open').click();
    await admitApplicant.click();
    await a.getByTestId('controls').waitFor();

    const link = demo.links.respondent;
    const token = await verifyLink(s, link.slice(link.indexOf('#') + 1), demo.identities.respondent);
    const respondentId = (await s.services.hearings.participants([demo.hearingId])).find((p) => p.role === 'respondent')!.id;
    bot = await HearingBot.join(clients, token, respondentId);
    const admitBot = m.getByTestId(`lobby-admit-${respondentId}`);
    // The bot's lobby entry shows in the open lobby panel a moment after it joins; a closed panel shows its opener.
    await admitBot.or(m.getByTestId('lobby-open')).first().waitFor();
    if (!(await admitBot.isVisible())) await m.getByTestId('lobby-open').click();
    await admitBot.click();
    await state(bot.c, (snap) => snap.participants.find((p) => p.id === respondentId)?.roomId === 'joint', 15_000);
    const fixtures = `${s.env.CONCORD_DATA_DIR}/fixtures`;
    await bot.publish(testPatternIvf(fixtures), oggOpusPackets(speechOgg(fixtures)));

    // The join page's box is not consent: everyone is asked in the room (the browsers' dialog, the bot's prompt), and
    // nothing runs before all have answered.
    await m.getByTestId('recording-start').click();
    await bot.waitRecording((r) => r.ask === 'hearing');
    await expect.poll(() => m.getByTestId('recording-indicator').getAttribute('data-status')).toBe('awaiting_consent');
    for (const page of [m, a]) await page.getByTestId('recording-consent-accept').click();
    await sleep(1000);
    expect(s.services.recordings.service.recorders()).toHaveLength(0);
    await must(bot.c, 'recording.consent', { scope: 'hearing', accept: true });
    await m.locator('[data-testid="recording-indicator"][data-status="recording"]').waitFor({ timeout: 15_000 });
    await a.locator('[data-testid="recording-indicator"][data-status="recording"]').waitFor({ timeout: 15_000 });
    await bot.waitRecording((r) => r.recordingMe, 15_000);
    // Let the browsers' recorders see a keyframe and settle.
    await expect.poll(() => s.services.recordings.service.recorders().length, { timeout: 20_000 }).toBe(6);
    await sleep(1000);
    bot.speech!.play();
    while (bot.speech!.playing) await sleep(200);
    const playStartedAt = bot.speech!.playStartedAt!;
    await sleep(1500);
    // A private caucus (mediator + applicant): recorded only after both accept the prompt, marked private.
    await m.getByTestId('caucus-start').click();
    await m.getByTestId(`caucus-pick-${people.applicant.id}`).check();
    await m.getByTestId('caucus-confirm').click();
    await a.getByTestId('caucus-self-banner').waitFor();
    await m.getByTestId('recording-caucus').click();
    await a.locator('[data-testid="recording-consent"]').waitFor();
    expect(await a.getByTestId('recording-consent').getAttribute('data-scope')).not.toBe('hearing');
    await a.getByTestId('recording-consent-accept').click();
    await m.getByTestId('recording-consent-accept').click();
    await a.locator('[data-testid="recording-indicator"][data-status="recording"][data-private="true"]').waitFor({ timeout: 15_000 });
    await sleep(3000);
    await m.locator('[data-testid^="caucus-end-"]').first().click();
    await a.getByTestId('caucus-self-banner').waitFor({ state: 'detached' });
    await sleep(1000);
    await m.getByTestId('recording-stop').click();
    await m.locator('[data-testid="recording-bar"][data-status="off"]').waitFor({ timeout: 30_000 });
    await expect.poll(async () => (await s.services.recordings.service.db.selectFrom('recordings').select('status').where('case_id', '=', demo.caseId).executeTakeFirst())?.status, { timeout: 30_000 }).toBe('stopped');
    await s.services.recordings.jobs.idle();

    const svc = s.services.recordings.service;
    const rec = await svc.db.selectFrom('recordings').selectAll().where('case_id', '=', demo.caseId).executeTakeFirstOrThrow();
    expect(rec.status).toBe('stopped');
    expect(rec.partial).toBe(0);
    const hearingMs = Date.parse(rec.stopped_at!) - Date.parse(rec.started_at!);
    const tracks = await svc.db.selectFrom('recording_tracks').selectAll().where('recording_id', '=', rec.id).execute();
    const files = await svc.db.selectFrom('recording_files').selectAll().where('recording_id', '=', rec.id).execute();
    expect(new Set(tracks.map((t) => t.participant_id))).toEqual(new Set([people.mediator.id, people.applicant.id, respondentId]));
    const priv = tracks.filter((t) => t.private === 1);
    expect(new Set(priv.map((t) => t.participant_id))).toEqual(new Set([people.mediator.id, people.applicant.id]));
    // Caucus tracks are encrypted at rest (issue 12): probed through the case key, into a file of the test's own.
    const probe = async (path: string) => {
      if (!path.startsWith('caucus/')) return ffprobe(svc.absolute(rec.site, path));
      const plain = join(mkdtempSync(join(tmpdir(), 'concord-caucus-')), 'plain.webm');
      await svc.vault.decryptToFile(demo.caseId, svc.absolute(rec.site, path), plain);
      return ffprobe(plain);
    };
    for (const t of tracks) {
      const own = files.filter((x) => x.track_id === t.id);
      expect(own.length, `${t.display_name} ${t.kind}`).toBeGreaterThan(0);
      if (t.private === 1) expect(own.every((x) => x.path.startsWith('caucus/')), `${t.display_name} ${t.kind} stored apart`).toBe(true);
      const p = await probe(own[0]!.path);
      expect(p.streams.map((x) => x.codec)).toEqual([t.kind === 'audio' ? 'opus' : t.codec]);
      if (t.kind === 'video') expect(['vp8', 'h264', 'vp9']).toContain(t.codec);
      // The speaker's audio covers the hearing from its first packet to the end, within 3 s (several times the usual
      // gap, which a loaded machine widens: the recorder and ffmpeg start a moment late).
      if (t.kind === 'audio' && t.participant_id === respondentId) {
        let total = 0;
        for (const x of own) total += (await probe(x.path)).duration;
        expect(Math.abs(total * 1000 - (hearingMs - (t.offset_ms ?? 0))), `${t.display_name} audio: ${total} s in files, hearing ${hearingMs} ms, track from ${t.offset_ms} ms`).toBeLessThan(3000);
      }
    }
    const composed = files.find((x) => x.kind === 'composed')!;
    const cp = await ffprobe(svc.absolute(rec.site, composed.path));
    expect(cp.streams.map((x) => x.codec).sort()).toEqual(['opus', 'vp8']);
    expect(Math.abs(cp.duration * 1000 - hearingMs)).toBeLessThan(3000);

    const t = await s.services.recordings.casefile.transcript(demo.caseId, rec.id, { actor: 'test', sees: () => true });
    expect(t.status).toBe('done');
    const spoken = t.segments.filter((x) => x.participantId === respondentId);
    const text = spoken.map((x) => x.text).join(' ');
    expect(wordErrorRate(REFERENCE, text), text).toBeLessThanOrEqual(WER_BOUND);
    const words = spoken.flatMap((x) => x.words);
    const offset = playStartedAt - Date.parse(rec.started_at!);
    for (const w of ['go', 'forward', 'somewhere', 'young']) {
      const found = words.find((x) => x.w === w);
      expect(found, w).toBeDefined();
      expect(Math.abs(found!.s - (offset + WORD_TIMES[w]! * 1000)), w).toBeLessThan(WORD_TIME_TOLERANCE_MS);
    }

    // The case file in the browser: the recording, its transcript beside the player, the clerk's record.
    const ctx = await englishContext(browser);
    const page = await ctx.newPage();
    await signInStaff(page, s.url, demo.staff.clerk.username, DEMO_PASSWORD);
    await page.goto(`${s.url}/cases/${demo.caseId}#recordings`);
    const card = page.getByTestId('recording').first();
    await card.waitFor();
    await expect.poll(() => page.getByTestId('transcript').textContent(), { timeout: 15_000 }).toContain('forward');
    // The hearing's events beside the player: the caucus held while recording is on the timeline.
    await page.locator('[data-testid="recording-timeline"] li[data-kind="hearing.caucus_started"]').first().waitFor();
    await page.getByTestId('recording-play').click();
    await page.getByTestId('recording-player').waitFor();
    await expect.poll(() => page.getByTestId('recording-player').evaluate((v: any) => v.readyState), { timeout: 15_000 }).toBeGreaterThanOrEqual(1);
    await page.getByTestId('record-from-transcript').click();
    // The draft comes from the server (issue 17): who spoke, in which role and language, in the case's language.
    await expect.poll(() => page.getByTestId('record-line-0').inputValue()).toMatch(/（英语）：.*forward/);
    await page.getByTestId('record-submit').click();
    await expect.poll(() => page.getByTestId('hearing-record').getAttribute('data-status')).toBe('review');
    await ctx.close();
    const audit = (await s.services.audit.entries(demo.caseId)).map((e) => e.action);
    expect(audit).toContain('recording.played');
    expect(audit).toContain('record.submitted');
  });
});
