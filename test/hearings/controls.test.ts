import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RequestName } from '../../signaling/protocol/hearing.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import {
  ClientPool, disconnected, must, next, presenceOf, rawRequest, refused, request, setupHearing, sleep, state, type HearingClient,
  type HearingFixture,
} from '../helpers/hearing.js';
import { FakeMediaEngine } from './fake-media.js';

/** The mediator's controls over others: mute, ask to unmute, remove; and who may use them. */
describe('live hearing: controls', () => {
  let s: TestServer;
  let engine: FakeMediaEngine;
  let pool: ClientPool;
  let n = 200;
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

  const audit = async () => s.services.audit.entries(f.caseId);

  /** Mediator inside, the given parties admitted. */
  async function room(...admit: ('applicant' | 'respondent' | 'arbitrator')[]): Promise<Record<string, HearingClient>> {
    f = await setupHearing(s, ++n);
    const p = f.participants;
    const out: Record<string, HearingClient> = { mediator: (await pool.join(p.mediator.token)).c };
    for (const role of admit) {
      out[role] = (await pool.join(p[role].token)).c;
      const inside = state(out[role]!, (x) => presenceOf(x, p[role].id)?.presence === 'joined');
      await must(out.mediator!, 'lobby.admit', { participantId: p[role].id });
      await inside;
    }
    return out;
  }

  it('mute stops forwarding in the router, tells the client and is audited; unmuting waits for the ask', async () => {
    const c = await room('applicant');
    const p = f.participants;
    const router = engine.router(f.hearingId);
    const told = next(c.applicant!, 'control.muted');
    const shown = state(c.mediator!, (x) => presenceOf(x, p.applicant.id)?.audioMuted === true);
    expect(await request(c.mediator!, 'participant.mute', { participantId: p.applicant.id, kind: 'audio' })).toEqual({ ok: true, data: null });
    expect((await told)[0]).toEqual({ kind: 'audio' });
    await shown;
    expect(router.callsOf('setForwarding')).toContainEqual([p.applicant.id, 'audio', false]);
    expect(router.forwarding.get(p.applicant.id)).toEqual({ audio: false, video: true });
    expect((await audit()).map((e) => [e.actor, e.action, (e.data as any).participantId, (e.data as any).kind])).toContainEqual([
      `participant:${p.mediator.id}`, 'hearing.muted', p.applicant.id, 'audio',
    ]);

    // Muted by the mediator: the participant cannot simply unmute.
    expect(await request(c.applicant!, 'self.update', { audioMuted: false })).toMatchObject({ ok: false, error: { code: 'PERMISSION_DENIED' } });
    expect(router.forwarding.get(p.applicant.id)?.audio).toBe(false);
    // Asked, they decide; only then does the router forward again.
    const asked = next(c.applicant!, 'control.askUnmute');
    await must(c.mediator!, 'participant.askUnmute', { participantId: p.applicant.id });
    await asked;
    expect(router.forwarding.get(p.applicant.id)?.audio).toBe(false);
    await must(c.applicant!, 'self.update', { audioMuted: false, handRaised: true, quality: 'fair' });
    expect(router.forwarding.get(p.applicant.id)?.audio).toBe(true);
    const after = await state(c.mediator!, (x) => presenceOf(x, p.applicant.id)?.handRaised === true);
    expect(presenceOf(after, p.applicant.id)).toMatchObject({ audioMuted: false, handRaised: true, quality: 'fair' });
  });

  it('remove closes the participant with hearing.closed removed and revokes their link; the old token is refused', async () => {
    const c = await room('respondent');
    const p = f.participants;
    const router = engine.router(f.hearingId);
    const notice = next(c.respondent!, 'hearing.closed');
    const gone = disconnected(c.respondent!);
    const left = state(c.mediator!, (x) => presenceOf(x, p.respondent.id)?.presence === 'left');
    expect(await request(c.mediator!, 'participant.remove', { participantId: p.respondent.id, reason: 'disruptive' })).toEqual({ ok: true, data: null });
    expect((await notice)[0]).toEqual({ reason: 'removed', message: 'disruptive' });
    await gone;
    await left;
    expect(router.callsOf('removeParticipant')).toContainEqual([p.respondent.id]);
    expect((await s.services.links.get(p.respondent.linkId)).revokedAt).not.toBeNull();
    const entries = await audit();
    expect(entries.map((e) => e.action)).toEqual(expect.arrayContaining(['link.revoked', 'hearing.removed']));
    expect(entries.find((e) => e.action === 'hearing.removed')).toMatchObject({
      actor: `participant:${p.mediator.id}`, data: { participantId: p.respondent.id, linksRevoked: [p.respondent.linkId], reason: 'disruptive' },
    });
    expect(await refused(pool.client(p.respondent.token))).toMatchObject({ code: 'TOKEN_REVOKED' });
    // The link itself no longer admits either.
    expect((await s.api('POST', '/api/join/inspect', { body: { token: p.respondent.linkToken } })).status).toBe(401);
    // Mediators cannot be removed, nor can one remove oneself.
    expect(await request(c.mediator!, 'participant.remove', { participantId: p.mediator.id })).toMatchObject({ ok: false, error: { code: 'INVALID_STATE' } });
  });

  it('a link revoked on the case page takes its holder out of the live hearing with hearing.closed link_revoked', async () => {
    const c = await room('applicant');
    const p = f.participants;
    const notice = next(c.applicant!, 'hearing.closed');
    const r = await s.api('POST', `/api/cases/${f.caseId}/links/${p.applicant.linkId}/revoke`, { token: f.staffToken, body: {} });
    expect(r.status).toBe(200);
    // At once, through the link service's revocation event (no check run).
    expect((await notice)[0]).toEqual({ reason: 'link_revoked' });
    await disconnected(c.applicant!);
    const left = await state(c.mediator!, (x) => presenceOf(x, p.applicant.id)?.presence === 'left');
    expect(presenceOf(left, p.mediator.id)?.presence).toBe('joined');
  });

  it('a link revoked by another process (straight in the store) is found by the periodic check', async () => {
    const c = await room('applicant');
    const p = f.participants;
    const notice = next(c.applicant!, 'hearing.closed');
    await s.services.store.db.updateTable('links').set({ revoked_at: new Date().toISOString() }).where('id', '=', p.applicant.linkId).execute();
    await s.liveHearings.checkLinks();
    expect((await notice)[0]).toEqual({ reason: 'link_revoked' });
  });

  it('only the mediator controls; an applicant (inside or waiting) and the clerk get PERMISSION_DENIED and nothing changes', async () => {
    const c = await room('applicant');
    const p = f.participants;
    c.clerk = (await pool.join(p.clerk.token)).c;
    c.respondent = (await pool.join(p.respondent.token)).c;
    await state(c.mediator!, (x) => presenceOf(x, p.respondent.id)?.presence === 'lobby' && presenceOf(x, p.clerk.id)?.presence === 'joined');
    const router = engine.router(f.hearingId);
    const callsBefore = router.calls.length;
    const auditBefore = (await audit()).length;
    const snapBefore = await must(c.mediator!, 'hearing.join', {});

    const attempts: [RequestName, unknown][] = [
      ['lobby.admit', { participantId: p.respondent.id }],
      ['lobby.deny', { participantId: p.respondent.id }],
      ['lobby.sendBack', { participantId: p.mediator.id }],
      ['participant.mute', { participantId: p.mediator.id, kind: 'audio' }],
      ['participant.askUnmute', { participantId: p.mediator.id }],
      ['participant.remove', { participantId: p.respondent.id }],
      ['caucus.start', { participantIds: [p.mediator.id] }],
      ['caucus.end', { caucusId: 'cau_whatever' }],
      ['hearing.lock', { locked: true }],
      ['hearing.end', {}],
    ];
    for (const [name, payload] of attempts) {
      expect(await rawRequest(c.applicant!, name, payload), `applicant ${name}`).toMatchObject({ ok: false, error: { code: 'PERMISSION_DENIED' } });
      expect(await rawRequest(c.respondent!, name, payload), `waiting respondent ${name}`).toMatchObject({ ok: false, error: { code: 'PERMISSION_DENIED' } });
    }
    for (const [name, payload] of attempts.filter(([x]) => x !== 'lobby.admit' && x !== 'lobby.sendBack')) {
      expect(await rawRequest(c.clerk!, name, payload), `clerk ${name}`).toMatchObject({ ok: false, error: { code: 'PERMISSION_DENIED' } });
    }
    await sleep(50);
    expect(router.calls.length).toBe(callsBefore);
    expect((await audit()).length).toBe(auditBefore);
    expect(await must(c.mediator!, 'hearing.join', {})).toEqual(snapBefore);
    expect((await s.services.hearings.get(f.caseId, f.hearingId)).status).toBe('in_progress');
  });
});
