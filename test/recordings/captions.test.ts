import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CaptionText, CaptionsState } from '../../signaling/protocol/captions.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { ClientPool, must, request, setupHearing, sleep, state, type HearingFixture } from '../helpers/hearing.js';
import { HearingBot } from './helpers/bot.js';
import { oggOpusPackets, speechOgg, testPatternIvf } from './helpers/speech.js';

/** Words of the test speech ("go forward ten meters", "go somewhere and do something", "he was not an ill disposed young man"). */
const EXPECTED = ['forward', 'ten', 'meters', 'somewhere', 'something', 'young', 'man', 'disposed'];
/** pocketsphinx reads 14 of 17 words of this speech through Opus; at least 3 of the 8 above is far below that. */
const MIN_WORDS = 3;

/** A bot that also keeps every caption and captions state it is sent. */
class Viewer {
  readonly texts: CaptionText[] = [];
  state: CaptionsState | null = null;
  constructor(readonly bot: HearingBot) {
    bot.c.on('captions.text', (c) => this.texts.push(c));
    bot.c.on('captions.state', (s) => (this.state = s));
  }
  finalsOf(speakerId: string): string {
    return this.texts.filter((t) => t.speakerId === speakerId && t.final).map((t) => t.text).join(' ');
  }
}

const heard = (text: string) => EXPECTED.filter((w) => text.split(/\s+/).includes(w));

/**
 * Live captions (issue 17.4) against the real gateway, the SFU in a worker process, ffmpeg and pocketsphinx: a werift
 * bot speaks known English (pocketsphinx-testdata) through `media.publish`; the SFU's caption tap feeds a decoder.
 * The caption reaches the participant in the speaker's room, and never one in another room: first the speaker is in
 * the joint session while a caucus runs, then the speaker is in a caucus while others are in the joint session.
 */
describe('live captions through the SFU', { timeout: 240_000 }, () => {
  let s: TestServer;
  let f: HearingFixture;
  let clients: ClientPool;
  const bots: HearingBot[] = [];

  beforeAll(async () => {
    s = await startTestServer('sqlite', { CONCORD_MEDIA_WORKERS: '1', CONCORD_TRANSCRIBE_ENGINE: 'none', CONCORD_CAPTIONS_MAX_DECODERS: '4' });
    f = await setupHearing(s, 171);
    clients = new ClientPool(s);
  });
  afterAll(async () => {
    for (const b of bots) await b.close().catch(() => undefined);
    clients?.closeAll();
    await s?.close();
  });

  it('captions the speaker for their room only, and stops decoders when nobody wants them', async () => {
    const P = f.participants;
    const join = async (role: keyof typeof P) => {
      const b = await HearingBot.join(clients, P[role].token, P[role].id);
      bots.push(b);
      return b;
    };
    const mediator = await join('mediator');
    const clerk = new Viewer(await join('clerk'));
    const applicant = new Viewer(await join('applicant'));
    const speaker = await join('respondent');
    const med = new Viewer(mediator);
    for (const id of [P.applicant.id, P.respondent.id]) await must(mediator.c, 'lobby.admit', { participantId: id });
    await state(speaker.c, (snap) => snap.participants.find((p) => p.id === P.respondent.id)?.roomId === 'joint', 15_000);
    const fixtures = `${s.env.CONCORD_DATA_DIR}/fixtures`;
    const speech = oggOpusPackets(speechOgg(fixtures));
    await speaker.publish(testPatternIvf(fixtures), speech);

    // Bad input changes nothing.
    expect(await request(clerk.bot.c, 'captions.set', { on: 'yes' } as never)).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
    expect(await request(clerk.bot.c, 'captions.set', { on: true, participantId: P.applicant.id } as never)).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
    expect(s.captions.decoders()).toHaveLength(0);

    // ---- 1: the speaker in the joint session (with the clerk); the mediator and the applicant in a caucus.
    const { caucusId } = await must(mediator.c, 'caucus.start', { participantIds: [P.applicant.id] });
    for (const v of [clerk, applicant, med]) expect((await must(v.bot.c, 'captions.set', { on: true })).on).toBe(true);
    const live = () => s.liveHearings.get(f.hearingId)!.captions.liveDecoders();
    await expect.poll(() => live().map((d) => `${d.speakerId}|${d.roomId}`), { timeout: 30_000 }).toContain(`${P.respondent.id}|joint`);
    // Nobody in the caucus publishes audio, so the caucus has no decoder; one decoder per captioned speaker.
    expect(live()).toHaveLength(1);
    await expect.poll(() => clerk.state?.speakers.find((x) => x.participantId === P.respondent.id)?.status, { timeout: 15_000 }).toBe('live');
    await sleep(1000);
    speaker.speech!.play();
    while (speaker.speech!.playing) await sleep(200);
    await expect.poll(() => heard(clerk.finalsOf(P.respondent.id)).length, { timeout: 30_000 }).toBeGreaterThanOrEqual(MIN_WORDS);
    await sleep(2000);
    const joint = clerk.texts.filter((t) => t.speakerId === P.respondent.id);
    expect(joint.every((t) => t.speakerName === P.respondent.displayName && t.engine === 'pocketsphinx')).toBe(true);
    // The caucus heard nothing of the joint session, and was told nothing of it either.
    expect(applicant.texts).toEqual([]);
    expect(med.texts).toEqual([]);
    expect(applicant.state?.speakers.map((x) => x.participantId)).not.toContain(P.respondent.id);
    console.log(`captions (joint session): ${clerk.finalsOf(P.respondent.id)}`);

    // ---- 2: the speaker in a caucus with the mediator; the clerk and the applicant in the joint session.
    await must(mediator.c, 'caucus.end', { caucusId });
    await state(applicant.bot.c, (snap) => snap.participants.find((p) => p.id === P.applicant.id)?.roomId === 'joint', 15_000);
    await must(mediator.c, 'caucus.start', { participantIds: [P.respondent.id] });
    await state(speaker.c, (snap) => snap.participants.find((p) => p.id === P.respondent.id)?.roomId !== 'joint', 15_000);
    // The joint decoder stops (its room lost the speaker); a caucus decoder starts for the mediator.
    await expect.poll(() => live().map((d) => `${d.speakerId}|${d.roomId === 'joint' ? 'joint' : 'caucus'}`), { timeout: 30_000 }).toEqual([`${P.respondent.id}|caucus`]);
    const before = { clerk: clerk.texts.length, applicant: applicant.texts.length };
    await sleep(1000);
    speaker.speech!.play();
    while (speaker.speech!.playing) await sleep(200);
    await expect.poll(() => heard(med.finalsOf(P.respondent.id)).length, { timeout: 30_000 }).toBeGreaterThanOrEqual(MIN_WORDS);
    await sleep(2000);
    expect(clerk.texts.slice(before.clerk)).toEqual([]);
    expect(applicant.texts.slice(before.applicant)).toEqual([]);
    console.log(`captions (caucus, to the mediator): ${med.finalsOf(P.respondent.id)}`);

    // ---- 3: nobody in the caucus wants captions any more -> its decoder stops; the speaker leaving stops all.
    await must(mediator.c, 'captions.set', { on: false });
    await expect.poll(() => live().length, { timeout: 15_000 }).toBe(0);
    await expect.poll(() => s.captions.decoders().length, { timeout: 15_000 }).toBe(0);
    await must(mediator.c, 'captions.set', { on: true });
    await expect.poll(() => live().length, { timeout: 30_000 }).toBe(1);
    await must(speaker.c, 'hearing.leave', {});
    await expect.poll(() => s.captions.decoders().length, { timeout: 15_000 }).toBe(0);
  });
});
