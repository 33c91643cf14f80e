import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server.js';
import {
  ClientPool, disconnected, must, next, presenceOf, refused, request, setupHearing, state, type HearingFixture,
} from '../helpers/hearing.js';
import { FakeMediaEngine } from './fake-media.js';

/** Lobby and door: who enters directly, admit, deny, send back, lock, end. */
describe('live hearing: lobby', () => {
  let s: TestServer;
  let engine: FakeMediaEngine;
  let pool: ClientPool;
  let n = 100;
  let f: HearingFixture;

  beforeAll(async () => {
    engine = new FakeMediaEngine();
    s = await startTestServer('sqlite', {}, { mediaEngine: engine });
    pool = new ClientPool(s);
  });
  afterEach(() => pool.closeAll());
  afterAll(async () => {
    await s?.close();
  });

  const fresh = async () => {
    f = await setupHearing(s, ++n);
    return f;
  };
  const actions = async () => (await s.services.audit.entries(f.caseId)).map((e) => ({ actor: e.actor, action: e.action, data: e.data as any }));

  it('the mediator enters directly; a party waits in the lobby, sees only themselves, and joins when admitted', async () => {
    const { participants: p } = await fresh();
    const med = await pool.join(p.mediator.token);
    expect(med.snapshot.selfId).toBe(p.mediator.id);
    expect(presenceOf(med.snapshot, p.mediator.id)).toMatchObject({ presence: 'joined', roomId: 'joint', role: 'mediator' });

    const seesApplicantWaiting = state(med.c, (x) => presenceOf(x, p.applicant.id)?.presence === 'lobby');
    const app = await pool.join(p.applicant.token);
    expect(app.snapshot.participants).toEqual([expect.objectContaining({ id: p.applicant.id, presence: 'lobby', roomId: null })]);
    expect(app.snapshot.caucuses).toEqual([]);
    expect(app.snapshot.caseNumber).toBe(f.caseNumber);
    await seesApplicantWaiting;

    // The lobby neither sends nor receives media.
    const pub = await request(app.c, 'media.publish', { sdp: 'v=0 offer from the lobby', sources: {} });
    expect(pub).toMatchObject({ ok: false, error: { code: 'INVALID_STATE' } });
    expect(engine.router(f.hearingId).callsOf('publish')).toEqual([]);

    const admitted = state(app.c, (x) => presenceOf(x, p.applicant.id)?.presence === 'joined');
    expect(await request(med.c, 'lobby.admit', { participantId: p.applicant.id })).toEqual({ ok: true, data: null });
    const inside = await admitted;
    expect(presenceOf(inside, p.applicant.id)?.roomId).toBe('joint');
    expect(presenceOf(inside, p.mediator.id)?.presence).toBe('joined');
    expect(engine.router(f.hearingId).rooms.get(p.applicant.id)).toBe('joint');
    expect(await actions()).toContainEqual({ actor: `participant:${p.mediator.id}`, action: 'hearing.admitted', data: expect.objectContaining({ participantId: p.applicant.id }) });
    expect((await s.services.hearings.get(f.caseId, f.hearingId)).status).toBe('in_progress');

    // Admitted, media flows through the router.
    expect(await must(app.c, 'media.publish', { sdp: 'v=0 offer from the applicant', sources: { mic: 'microphone' } })).toEqual({ sdp: `v=0 answer for ${p.applicant.id}` });
    const offer = next(app.c, 'media.offer');
    await must(app.c, 'media.subscribe', {});
    expect((await offer)[0].sdp).toBe(`v=0 offer for ${p.applicant.id}`);
  });

  it('deny closes the waiting participant with hearing.closed denied; the link still works for a later try', async () => {
    const { participants: p } = await fresh();
    const med = await pool.join(p.mediator.token);
    const resp = await pool.join(p.respondent.token);
    const closed = next(resp.c, 'hearing.closed');
    const gone = disconnected(resp.c);
    const leaves = state(med.c, (x) => presenceOf(x, p.respondent.id)?.presence === 'left');
    expect(await request(med.c, 'lobby.deny', { participantId: p.respondent.id, reason: 'wrong hearing' })).toEqual({ ok: true, data: null });
    expect((await closed)[0]).toEqual({ reason: 'denied', message: 'wrong hearing' });
    expect(await gone).toBe('io server disconnect');
    const left = await leaves;
    expect(presenceOf(left, p.respondent.id)?.roomId).toBeNull();
    expect(await actions()).toContainEqual({ actor: `participant:${p.mediator.id}`, action: 'hearing.denied', data: expect.objectContaining({ participantId: p.respondent.id, reason: 'wrong hearing' }) });
    // Denying is not removal: the link was not revoked, so the person can knock again (and waits again).
    const again = await pool.join(p.respondent.token);
    expect(presenceOf(again.snapshot, p.respondent.id)?.presence).toBe('lobby');
    // Only people in the lobby can be denied.
    expect(await request(med.c, 'lobby.deny', { participantId: p.mediator.id })).toMatchObject({ ok: false, error: { code: 'INVALID_STATE' } });
  });

  it('send back returns a participant to the lobby and out of the router; the clerk may do it, not to the mediator', async () => {
    const { participants: p } = await fresh();
    const med = await pool.join(p.mediator.token);
    const clerk = await pool.join(p.clerk.token);
    expect(presenceOf(clerk.snapshot, p.clerk.id)).toMatchObject({ presence: 'joined', roomId: 'joint' });
    const app = await pool.join(p.applicant.token);
    await must(clerk.c, 'lobby.admit', { participantId: p.applicant.id });
    await state(app.c, (x) => presenceOf(x, p.applicant.id)?.presence === 'joined');

    const back = state(app.c, (x) => presenceOf(x, p.applicant.id)?.presence === 'lobby');
    expect(await request(clerk.c, 'lobby.sendBack', { participantId: p.applicant.id })).toEqual({ ok: true, data: null });
    const snap = await back;
    expect(snap.participants).toHaveLength(1);
    const router = engine.router(f.hearingId);
    expect(router.callsOf('removeParticipant')).toContainEqual([p.applicant.id]);
    expect(router.rooms.has(p.applicant.id)).toBe(false);
    expect(await actions()).toContainEqual({ actor: `participant:${p.clerk.id}`, action: 'hearing.sent_back', data: expect.objectContaining({ participantId: p.applicant.id, from: 'joint' }) });

    expect(await request(clerk.c, 'lobby.sendBack', { participantId: p.mediator.id })).toMatchObject({ ok: false, error: { code: 'PERMISSION_DENIED' } });
    expect(await request(med.c, 'lobby.sendBack', { participantId: p.applicant.id })).toMatchObject({ ok: false, error: { code: 'INVALID_STATE' } });
  });

  it('a locked hearing keeps newcomers (even the clerk) in the lobby; admit still works', async () => {
    const { participants: p } = await fresh();
    const med = await pool.join(p.mediator.token);
    const locked = state(med.c, (x) => x.locked);
    expect(await request(med.c, 'hearing.lock', { locked: true })).toEqual({ ok: true, data: null });
    await locked;
    const clerk = await pool.join(p.clerk.token);
    expect(presenceOf(clerk.snapshot, p.clerk.id)).toMatchObject({ presence: 'lobby', roomId: null });
    expect(clerk.snapshot.locked).toBe(true);
    // From the lobby the clerk's door-keeping powers do not apply.
    expect(await request(clerk.c, 'lobby.admit', { participantId: p.clerk.id })).toMatchObject({ ok: false, error: { code: 'INVALID_STATE' } });
    await must(med.c, 'lobby.admit', { participantId: p.clerk.id });
    await state(clerk.c, (x) => presenceOf(x, p.clerk.id)?.presence === 'joined');
    const arb = await pool.join(p.arbitrator.token);
    expect(presenceOf(arb.snapshot, p.arbitrator.id)?.presence).toBe('lobby');
    expect(await actions()).toContainEqual({ actor: `participant:${p.mediator.id}`, action: 'hearing.locked', data: expect.objectContaining({ hearingId: f.hearingId }) });

    await must(med.c, 'hearing.lock', { locked: false });
    const [unlocked] = await next(clerk.c, 'hearing.state', (x) => !x.locked);
    expect(unlocked.locked).toBe(false);
  });

  it('end closes everyone with hearing.closed ended, the hearing becomes closed, and nobody can come back', async () => {
    const { participants: p } = await fresh();
    const med = await pool.join(p.mediator.token);
    const clerk = await pool.join(p.clerk.token);
    const app = await pool.join(p.applicant.token);
    const router = engine.router(f.hearingId);
    const notices = [med, clerk, app].map((x) => next(x.c, 'hearing.closed'));
    expect(await request(med.c, 'hearing.end', {})).toEqual({ ok: true, data: null });
    for (const [notice] of await Promise.all(notices)) expect(notice).toEqual({ reason: 'ended' });
    await Promise.all([med, clerk, app].map((x) => disconnected(x.c)));
    expect((await s.services.hearings.get(f.caseId, f.hearingId)).status).toBe('closed');
    expect(router.closed).toBe(true);
    expect(s.liveHearings.get(f.hearingId)).toBeUndefined();
    expect(await actions()).toContainEqual({ actor: `participant:${p.mediator.id}`, action: 'hearing.ended', data: expect.objectContaining({ hearingId: f.hearingId, status: 'closed' }) });
    expect(await refused(pool.client(p.applicant.token))).toMatchObject({ code: 'INVALID_STATE' });
  });

  it('requests before joining and after leaving are refused; leaving keeps the socket for a later join', async () => {
    const { participants: p } = await fresh();
    const med = await pool.join(p.mediator.token);
    const app = await pool.join(p.applicant.token);
    const leaves = state(med.c, (x) => presenceOf(x, p.applicant.id)?.presence === 'left');
    await must(app.c, 'hearing.leave', {});
    await leaves;
    expect(await request(app.c, 'chat.send', { to: 'mediator', text: 'still here?' })).toMatchObject({ ok: false, error: { code: 'INVALID_STATE' } });
    const back = await must(app.c, 'hearing.join', {});
    expect(presenceOf(back, p.applicant.id)?.presence).toBe('lobby');
    expect((await actions()).filter((e) => e.action === 'hearing.left')).toEqual([
      { actor: `participant:${p.applicant.id}`, action: 'hearing.left', data: expect.objectContaining({ participantId: p.applicant.id, reason: 'left' }) },
    ]);
  });
});
