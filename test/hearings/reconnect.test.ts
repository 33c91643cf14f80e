import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server.js';
import {
  ClientPool, connected, disconnected, must, next, presenceOf, setupHearing, sleep, state, type HearingClient, type HearingFixture,
} from '../helpers/hearing.js';
import { FakeMediaEngine } from './fake-media.js';

const GRACE_MS = 1500;

/** Connections come and go; participants stay for the grace period. And the media router may die. */
describe('live hearing: reconnection', () => {
  let s: TestServer;
  let engine: FakeMediaEngine;
  let pool: ClientPool;
  let n = 400;
  let f: HearingFixture;

  beforeAll(async () => {
    engine = new FakeMediaEngine();
    s = await startTestServer('sqlite', {}, { mediaEngine: engine, hearingGraceMs: GRACE_MS });
    pool = new ClientPool(s);
  });
  afterEach(() => pool.closeAll());
  afterAll(async () => {
    await s?.close();
  });

  const entered = async (id: string) =>
    (await s.services.audit.entries(f.caseId)).filter((e) => e.action === 'hearing.entered' && (e.data as any).participantId === id).length;

  /** Mediator inside; the applicant admitted and taken into a caucus (so "same room" means something). */
  async function applicantInCaucus(opts: { reconnection?: boolean } = {}) {
    f = await setupHearing(s, ++n);
    const p = f.participants;
    const med = (await pool.join(p.mediator.token)).c;
    const app = (await pool.join(p.applicant.token, opts)).c;
    await must(med, 'lobby.admit', { participantId: p.applicant.id });
    const { caucusId } = await must(med, 'caucus.start', { participantIds: [p.applicant.id] });
    await state(app, (x) => presenceOf(x, p.applicant.id)?.roomId === caucusId);
    return { med, app, caucusId };
  }

  it('a new socket within the grace period resumes the same participant in the same room, without the lobby', async () => {
    const { med, app, caucusId } = await applicantInCaucus();
    const p = f.participants;
    const router = engine.router(f.hearingId);
    const away = state(med, (x) => presenceOf(x, p.applicant.id)?.presence === 'disconnected');
    app.disconnect();
    expect(presenceOf(await away, p.applicant.id)?.roomId).toBe(caucusId);

    const again = await pool.join(p.applicant.token);
    expect(again.snapshot.selfId).toBe(p.applicant.id);
    expect(presenceOf(again.snapshot, p.applicant.id)).toMatchObject({ presence: 'joined', roomId: caucusId });
    await state(med, (x) => presenceOf(x, p.applicant.id)?.presence === 'joined');
    await sleep(GRACE_MS + 300);
    // Still there after the grace period: the timer was cancelled by the return.
    expect(presenceOf(await must(med, 'hearing.join', {}), p.applicant.id)?.presence).toBe('joined');
    expect(router.callsOf('removeParticipant')).toEqual([]);
    expect(await entered(p.applicant.id)).toBe(1);
  });

  it("socket.io's connection-state recovery resumes without a new hearing.join", async () => {
    const { med, app, caucusId } = await applicantInCaucus({ reconnection: true });
    const p = f.participants;
    const back = next(app, 'hearing.state', (x) => presenceOf(x, p.applicant.id)?.presence === 'joined');
    const away = state(med, (x) => presenceOf(x, p.applicant.id)?.presence === 'disconnected');
    // A network drop: the transport closes under the socket, which reconnects by itself.
    (app.io as any).engine.close();
    await away;
    await connected(app);
    const [snap] = await back;
    expect(app.recovered).toBe(true);
    expect(presenceOf(snap, p.applicant.id)?.roomId).toBe(caucusId);
    await state(med, (x) => presenceOf(x, p.applicant.id)?.presence === 'joined');
    expect(await must(app, 'chat.send', { to: 'all', text: 'back' })).toMatchObject({ fromId: p.applicant.id });
  });

  it('a second socket for the same participant replaces the first', async () => {
    const { med, app, caucusId } = await applicantInCaucus();
    const p = f.participants;
    const firstGone = disconnected(app);
    const second = await pool.join(p.applicant.token);
    expect(await firstGone).toBe('io server disconnect');
    expect(presenceOf(second.snapshot, p.applicant.id)).toMatchObject({ presence: 'joined', roomId: caucusId });
    const chair = await must(med, 'hearing.join', {});
    expect(chair.participants.filter((x) => x.id === p.applicant.id)).toHaveLength(1);
    expect(presenceOf(chair, p.applicant.id)?.presence).toBe('joined');
    // The old socket's disconnect did not mark the participant away.
    await sleep(100);
    expect(presenceOf(await must(med, 'hearing.join', {}), p.applicant.id)?.presence).toBe('joined');
    expect(await entered(p.applicant.id)).toBe(1);
  });

  it('after the grace period the participant leaves the router and shows as left', async () => {
    const { med, app } = await applicantInCaucus();
    const p = f.participants;
    const router = engine.router(f.hearingId);
    const left = state(med, (x) => presenceOf(x, p.applicant.id)?.presence === 'left', GRACE_MS + 3000);
    app.disconnect();
    await left;
    expect(router.callsOf('removeParticipant')).toContainEqual([p.applicant.id]);
    const entries = await s.services.audit.entries(f.caseId);
    expect(entries.find((e) => e.action === 'hearing.left')).toMatchObject({ data: { participantId: p.applicant.id, reason: 'connection_lost' } });
    // Coming back later is a new arrival: the lobby again.
    const again = await pool.join(p.applicant.token);
    expect(presenceOf(again.snapshot, p.applicant.id)?.presence).toBe('lobby');
  });

  it('the last participant leaving closes the router and forgets the live hearing', async () => {
    f = await setupHearing(s, ++n);
    const p = f.participants;
    const med = (await pool.join(p.mediator.token)).c;
    const app = (await pool.join(p.applicant.token)).c;
    const router = engine.router(f.hearingId);
    await must(app, 'hearing.leave', {});
    expect(router.closed).toBe(false);
    await must(med, 'hearing.leave', {});
    expect(router.closed).toBe(true);
    expect(s.liveHearings.get(f.hearingId)).toBeUndefined();
    // The hearing itself is not over: the next join opens a new live hearing with a new router.
    await must(med, 'hearing.join', {});
    expect(engine.router(f.hearingId)).not.toBe(router);
  });

  it('a failed router is re-created with every room and mute, then clients are told to restart media', async () => {
    f = await setupHearing(s, ++n);
    const p = f.participants;
    const c: Record<'mediator' | 'applicant' | 'respondent', HearingClient> = {
      mediator: (await pool.join(p.mediator.token)).c,
      applicant: (await pool.join(p.applicant.token)).c,
      respondent: (await pool.join(p.respondent.token)).c,
    };
    for (const role of ['applicant', 'respondent'] as const) await must(c.mediator, 'lobby.admit', { participantId: p[role].id });
    const { caucusId } = await must(c.mediator, 'caucus.start', { participantIds: [p.applicant.id] });
    await must(c.mediator, 'participant.mute', { participantId: p.respondent.id, kind: 'video' });
    const old = engine.router(f.hearingId);
    const restarts = Object.values(c).map((x) => next(x, 'media.restart'));
    old.emit('failed', 'worker 1234 exited');
    await Promise.all(restarts);
    const fresh = engine.router(f.hearingId);
    expect(fresh).not.toBe(old);
    expect(old.closed).toBe(true);
    expect(Object.fromEntries(fresh.rooms)).toEqual({ [p.mediator.id]: caucusId, [p.applicant.id]: caucusId, [p.respondent.id]: 'joint' });
    expect(fresh.forwarding.get(p.respondent.id)).toEqual({ audio: true, video: false });
    expect(await must(c.respondent, 'media.publish', { sdp: 'v=0 offer after restart', sources: {} })).toEqual({ sdp: `v=0 answer for ${p.respondent.id}` });
    expect(fresh.callsOf('publish')).toHaveLength(1);
  });
});
