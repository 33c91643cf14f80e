import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ProducerInfo } from '../../server/media/engine.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import {
  ClientPool, must, presenceOf, request, setupHearing, state, type HearingClient, type HearingFixture, next,
} from '../helpers/hearing.js';
import { FakeMediaEngine } from './fake-media.js';

/**
 * What a participant learns when joining and while inside, beyond presence: the chat they may read (private messages
 * to the mediator only for their author and the mediator), the mediator's mutes, the recording-notice answer, who
 * publishes which track (camera or screen), and the ICE servers from the configuration.
 */
const ICE = [{ urls: 'stun:stun.example.org:3478' }, { urls: ['turn:turn.example.org:3478?transport=udp'], username: 'u', credential: 'c' }];

describe('live hearing: join answer and participant state', () => {
  let s: TestServer;
  let engine: FakeMediaEngine;
  let pool: ClientPool;
  let n = 700;
  let f: HearingFixture;

  beforeAll(async () => {
    engine = new FakeMediaEngine();
    s = await startTestServer('sqlite', { CONCORD_ICE_SERVERS: JSON.stringify(ICE) }, { mediaEngine: engine });
    pool = new ClientPool(s);
  });
  afterEach(() => pool.closeAll());
  afterAll(async () => {
    await s?.close();
  });

  async function admit(mediator: HearingClient, id: string, c: HearingClient): Promise<void> {
    const inside = state(c, (x) => presenceOf(x, id)?.presence === 'joined');
    await must(mediator, 'lobby.admit', { participantId: id });
    await inside;
  }

  it('the join answer carries the ICE servers and only the chat this participant may read; admission sends the room chat', async () => {
    f = await setupHearing(s, ++n);
    const p = f.participants;
    const mediator = await pool.join(p.mediator.token);
    expect(mediator.snapshot).toMatchObject({ iceServers: ICE, chat: [] });
    const applicant = (await pool.join(p.applicant.token)).c;
    const respondent = (await pool.join(p.respondent.token)).c;
    await must(applicant, 'chat.send', { to: 'mediator', text: 'private from the applicant (lobby)' });
    await admit(mediator.c, p.applicant.id, applicant);
    await must(mediator.c, 'chat.send', { to: 'all', text: 'welcome, everyone' });
    await must(applicant, 'chat.send', { to: 'mediator', text: 'private from the applicant (inside)' });
    await must(respondent, 'chat.send', { to: 'mediator', text: 'private from the respondent' });

    // Admitted: the respondent gets the joint session's chat and their own private message, nothing of the applicant's.
    const history = next(respondent, 'chat.history');
    await admit(mediator.c, p.respondent.id, respondent);
    const texts = (await history)[0].messages.map((m) => m.text);
    expect(texts).toEqual(['welcome, everyone', 'private from the respondent']);

    // A fresh join (a reload) answers with the same rules; the mediator reads everything.
    pool.closeAll();
    const again = await pool.join(p.applicant.token);
    expect(again.snapshot.chat.map((m) => m.text)).toEqual(['private from the applicant (lobby)', 'welcome, everyone', 'private from the applicant (inside)']);
    const m2 = await pool.join(p.mediator.token);
    expect(m2.snapshot.chat.map((m) => m.text)).toEqual([
      'private from the applicant (lobby)', 'welcome, everyone', 'private from the applicant (inside)', 'private from the respondent',
    ]);
    const r2 = await pool.join(p.respondent.token);
    expect(r2.snapshot.chat.every((m) => !m.text.includes('applicant'))).toBe(true);
  });

  it('the recording-notice answer is stored per participant (join and consent.set), audited once per change, and refused when malformed', async () => {
    f = await setupHearing(s, ++n);
    const p = f.participants;
    const mediator = await pool.join(p.mediator.token);
    const c = await pool.join(p.applicant.token, {});
    expect(presenceOf(c.snapshot, p.applicant.id)?.consent).toBeNull();
    const applicant = await pool.join(p.respondent.token);
    // With hearing.join, from the lobby.
    const res = await must(applicant.c, 'hearing.join', { consent: { recording: 'accepted' } });
    expect(presenceOf(res, p.respondent.id)?.consent).toEqual({ recording: 'accepted' });
    await must(applicant.c, 'consent.set', { recording: 'accepted' }); // unchanged: not audited again
    await state(mediator.c, (x) => presenceOf(x, p.respondent.id)?.consent?.recording === 'accepted');
    await must(applicant.c, 'consent.set', { recording: 'refused' });
    await state(mediator.c, (x) => presenceOf(x, p.respondent.id)?.consent?.recording === 'refused');
    expect(await request(applicant.c, 'consent.set', { recording: 'maybe' } as never)).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
    expect(await request(applicant.c, 'hearing.join', { consent: { recording: 'yes' } } as never)).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
    const entries = (await s.services.audit.entries(f.caseId)).filter((e) => e.action === 'hearing.consent');
    expect(entries.map((e) => [e.actor, (e.data as { recording: string }).recording])).toEqual([
      [`participant:${p.respondent.id}`, 'accepted'],
      [`participant:${p.respondent.id}`, 'refused'],
    ]);
  });

  it("the mediator's mute is in ParticipantState (a reload remembers it) until the mediator asks to unmute", async () => {
    f = await setupHearing(s, ++n);
    const p = f.participants;
    const mediator = (await pool.join(p.mediator.token)).c;
    const applicant = (await pool.join(p.applicant.token)).c;
    await admit(mediator, p.applicant.id, applicant);
    await must(mediator, 'participant.mute', { participantId: p.applicant.id, kind: 'video' });
    await state(mediator, (x) => presenceOf(x, p.applicant.id)?.forcedMuted.video === true);
    pool.closeAll();
    const again = await pool.join(p.applicant.token);
    expect(presenceOf(again.snapshot, p.applicant.id)).toMatchObject({ videoMuted: true, forcedMuted: { audio: false, video: true } });
    const m2 = (await pool.join(p.mediator.token)).c;
    await must(m2, 'participant.askUnmute', { participantId: p.applicant.id });
    const lifted = await state(again.c, (x) => presenceOf(x, p.applicant.id)?.forcedMuted.video === false);
    expect(presenceOf(lifted, p.applicant.id)?.forcedMuted).toEqual({ audio: false, video: false });
  });

  it("subscribers learn each producer's source (camera or screen), only for people in their own room", async () => {
    f = await setupHearing(s, ++n);
    const p = f.participants;
    const mediator = (await pool.join(p.mediator.token)).c;
    const applicant = (await pool.join(p.applicant.token)).c;
    const respondent = (await pool.join(p.respondent.token)).c;
    await admit(mediator, p.applicant.id, applicant);
    await admit(mediator, p.respondent.id, respondent);
    const router = engine.router(f.hearingId);
    const producers: ProducerInfo[] = [
      { id: 'prod_cam', participantId: p.applicant.id, kind: 'video', source: 'camera', layers: [] },
      { id: 'prod_scr', participantId: p.applicant.id, kind: 'video', source: 'screen', layers: [] },
      { id: 'prod_mic', participantId: p.mediator.id, kind: 'audio', source: 'microphone', layers: [] },
    ];
    const seen = state(respondent, (x) => x.producers.length === 3);
    router.emit('producersChanged', producers);
    const snap = await seen;
    expect(snap.producers).toEqual(expect.arrayContaining([
      { id: 'prod_scr', participantId: p.applicant.id, kind: 'video', source: 'screen' },
      { id: 'prod_cam', participantId: p.applicant.id, kind: 'video', source: 'camera' },
    ]));
    // In a caucus with the mediator, the applicant's tracks are no longer listed for the respondent.
    const hidden = state(respondent, (x) => x.producers.every((q) => q.participantId !== p.applicant.id && q.participantId !== p.mediator.id));
    await must(mediator, 'caucus.start', { participantIds: [p.applicant.id] });
    await hidden;
    // media.subscribe answers at once, naming the session of its offers (null: this SFU does not say).
    expect(await request(respondent, 'media.subscribe', {})).toEqual({ ok: true, data: { session: null } });
  });
});
