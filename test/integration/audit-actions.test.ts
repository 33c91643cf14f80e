import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUDIT_ACTIONS } from '../../signaling/protocol/audit.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { ClientPool, must, presenceOf, setupHearing, state } from '../helpers/hearing.js';
import { FakeMediaEngine } from '../hearings/fake-media.js';

/**
 * Issue 17 item 1: the client names every audit action from signaling/protocol/audit.ts. The typecheck makes the
 * server's literals listed ones; this guards what is chosen at run time (ternaries, actions passed through helpers)
 * by running a representative flow and reading back every action written, on every chain.
 */
describe('audit actions written by the server', () => {
  let s: TestServer;
  let pool: ClientPool;

  beforeAll(async () => {
    s = await startTestServer('sqlite', {}, { mediaEngine: new FakeMediaEngine() });
    pool = new ClientPool(s);
  });
  afterAll(async () => {
    pool?.closeAll();
    await s?.close();
  });

  it('are all in AUDIT_ACTIONS, both sides of each run-time choice included', async () => {
    // The organisation's chain: a failed sign-in, a sign-in and a sign-out.
    expect((await s.api('POST', '/api/auth/login', { body: { username: 'demo.clerk', password: 'wrong-password' } })).status).toBe(401);
    const clerk = await s.login('demo.clerk');
    expect((await s.api('POST', '/api/auth/logout', { token: clerk })).status).toBeLessThan(300);

    // The case: registered, hearing scheduled, links issued, identity checks passed and one failed.
    const f = await setupHearing(s, 1);
    const p = f.participants;
    expect((await s.api('POST', '/api/join/verify', { body: { token: p.applicant.linkToken, name: 'Nobody', idNumber: '000000000000000000' } })).status).not.toBe(200);

    // The live hearing: entry, consent both ways, admission, lock and unlock, a caucus, mute, the end.
    const mediator = (await pool.join(p.mediator.token)).c;
    const applicant = (await pool.join(p.applicant.token)).c;
    await must(applicant, 'consent.set', { recording: 'accepted' });
    await must(applicant, 'consent.set', { recording: 'refused' });
    const inside = state(applicant, (x) => presenceOf(x, p.applicant.id)?.presence === 'joined');
    await must(mediator, 'lobby.admit', { participantId: p.applicant.id });
    await inside;
    await must(mediator, 'hearing.lock', { locked: true });
    await must(mediator, 'hearing.lock', { locked: false });
    const { caucusId } = await must(mediator, 'caucus.start', { participantIds: [p.applicant.id] });
    await must(mediator, 'caucus.end', { caucusId });
    await must(mediator, 'participant.mute', { participantId: p.applicant.id, kind: 'audio' });
    await must(mediator, 'hearing.end', {});

    const rows = await s.services.store.db.selectFrom('audit_entries').select('action').distinct().execute();
    const written = rows.map((r) => r.action).sort();
    const known: readonly string[] = AUDIT_ACTIONS;
    expect(written.filter((a) => !known.includes(a)), 'actions written but not listed (no label in the client)').toEqual([]);
    // The flow really went through the run-time choices, so the check above is not vacuous.
    expect(written).toEqual(expect.arrayContaining([
      'login.failed', 'login.succeeded', 'logout', 'case.registered', 'case.status_changed', 'hearing.scheduled', 'link.issued',
      'identity.verified', 'identity.failed', 'hearing.started', 'hearing.entered', 'hearing.consent', 'hearing.admitted',
      'hearing.locked', 'hearing.unlocked', 'hearing.caucus_started', 'hearing.caucus_ended', 'hearing.muted', 'hearing.ended',
    ]));
  });
});
