import { io } from 'socket.io-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { TokenService } from '../../server/auth/tokens.js';
import { PROTOCOL_VERSION } from '../../signaling/protocol/errors.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { ClientPool, connected, must, refused, setupHearing, type HearingFixture } from '../helpers/hearing.js';
import { FakeMediaEngine } from './fake-media.js';

const PARTNER = 'https://partner.example';

/** Who may open a `/hearing` socket at all. */
describe('live hearing: handshake', () => {
  let s: TestServer;
  let pool: ClientPool;
  let a: HearingFixture;
  let b: HearingFixture;

  beforeAll(async () => {
    s = await startTestServer('sqlite', { CONCORD_CORS_ORIGINS: PARTNER }, { mediaEngine: new FakeMediaEngine() });
    pool = new ClientPool(s);
    a = await setupHearing(s, 501);
    b = await setupHearing(s, 502);
  });
  afterEach(() => pool.closeAll());
  afterAll(async () => {
    await s?.close();
  });

  it('accepts a participant session from the service origin or a configured CORS origin', async () => {
    const c = await connected(pool.client(a.participants.applicant.token, { hearingId: a.hearingId }));
    expect((await must(c, 'hearing.join', {})).hearingId).toBe(a.hearingId);
    await connected(pool.client(a.participants.respondent.token, { origin: PARTNER }));
  });

  it('refuses a session for another hearing than the one the client asks for', async () => {
    expect(await refused(pool.client(a.participants.applicant.token, { hearingId: b.hearingId }))).toMatchObject({ code: 'PERMISSION_DENIED' });
  });

  it('refuses an expired session', async () => {
    const past = new TokenService(s.services.keyring, { staffTtlSeconds: 60, participantTtlSeconds: 60, now: () => new Date(Date.now() - 3_600_000) });
    const p = a.participants.applicant;
    const expired = past.signParticipant({ participantId: p.id, linkId: p.linkId, caseId: a.caseId, hearingId: a.hearingId, role: 'applicant' });
    expect(await refused(pool.client(expired))).toMatchObject({ code: 'TOKEN_EXPIRED' });
  });

  it('refuses a session whose link was revoked', async () => {
    const p = b.participants.respondent;
    const r = await s.api('POST', `/api/cases/${b.caseId}/links/${p.linkId}/revoke`, { token: b.staffToken, body: { reason: 'sent to the wrong address' } });
    expect(r.status).toBe(200);
    expect(await refused(pool.client(p.token))).toMatchObject({ code: 'TOKEN_REVOKED' });
  });

  it('refuses a session whose claims do not match its link (a token minted for another participant)', async () => {
    const p = a.participants.applicant;
    const forged = s.services.tokens.signParticipant({ participantId: a.participants.respondent.id, linkId: p.linkId, caseId: a.caseId, hearingId: a.hearingId, role: 'respondent' });
    expect(await refused(pool.client(forged))).toMatchObject({ code: 'UNAUTHENTICATED' });
  });

  it('refuses other origins, and non-browser clients that send none', async () => {
    const p = a.participants.clerk;
    expect(await refused(pool.client(p.token, { origin: 'https://evil.example' }))).toMatchObject({ code: 'PERMISSION_DENIED' });
    expect(await refused(pool.client(p.token, { origin: `${s.url}.evil.example` }))).toMatchObject({ code: 'PERMISSION_DENIED' });
    expect(await refused(pool.client(p.token, { origin: null }))).toMatchObject({ code: 'PERMISSION_DENIED' });
  });

  it('refuses another protocol version or a malformed auth', async () => {
    const p = a.participants.clerk;
    expect(await refused(pool.client(p.token, { protocol: PROTOCOL_VERSION + 1 }))).toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(await refused(pool.client(p.token, { protocol: String(PROTOCOL_VERSION) }))).toMatchObject({ code: 'VALIDATION_FAILED' });
  });

  it('refuses garbage, staff sessions and link tokens (a link must pass the identity check first)', async () => {
    expect(await refused(pool.client('not-a-token'))).toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(await refused(pool.client(a.staffToken))).toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(await refused(pool.client(a.participants.applicant.linkToken))).toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(await refused(pool.client('x'.repeat(10_000)))).toMatchObject({ code: 'UNAUTHENTICATED' });
  });

  it('refuses the main namespace: nothing lives there', async () => {
    const c = io(s.url, { transports: ['websocket'], extraHeaders: { origin: s.url }, reconnection: false, forceNew: true, auth: { token: a.participants.applicant.token, protocol: PROTOCOL_VERSION } });
    try {
      expect(await refused(c as any)).toMatchObject({ code: 'NOT_FOUND' });
    } finally {
      c.close();
    }
  });
});
