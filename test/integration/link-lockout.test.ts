import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CaseView, HearingView, LinkView } from '../../signaling/protocol/api.js';
import { hashPassword } from '../../server/auth/passwords.js';
import { DEMO_PASSWORD, startTestServer, type DbKind, type TestServer } from '../helpers/server.js';
import {
  createCase, expectError, issueLink, participantByRole, partyIdentity, scheduleHearing, standardParticipants, tokenOf,
} from '../helpers/fixtures.js';

/**
 * Issue 11, item 5: the identity check counts failures per (link, address) and per link. Whoever sees a party's link can
 * no longer keep that party out: a correct answer from an address without failures passes. The mediator sees a link's
 * lockout on the case and clears it; lockouts and clearing are in the case's audit chain. Clock injected.
 */
describe.each<DbKind>(['sqlite', 'postgres'])('identity check lockout per link and address (%s)', (db) => {
  let s: TestServer;
  let mediator: string;
  let c: CaseView;
  let h: HearingView;
  let t = Date.now();
  const id = partyIdentity(501);
  beforeAll(async () => {
    s = await startTestServer(db, { CONCORD_TRUST_PROXY: 'true' }, { now: () => new Date(t) });
    mediator = await s.login('demo.mediator');
    c = await createCase(s, mediator, 501);
    h = await scheduleHearing(s, mediator, c.id, standardParticipants(s, c));
  });
  afterAll(async () => {
    await s?.close();
  });

  const newLink = () => issueLink(s, mediator, c.id, h.id, participantByRole(h, 'applicant').id);
  const verify = (l: LinkView, ip: string, body: Record<string, unknown>) =>
    s.api('POST', '/api/join/verify', { body: { token: tokenOf(l.url), ...body }, headers: { 'x-forwarded-for': ip } });
  const wrong = { name: id.applicant.name, idNumber: '000000000000' };
  const details = (r: { body: unknown }) => (r.body as { error: { details: Record<string, unknown> } }).error.details;
  const linkOnCase = async (l: LinkView, token = mediator) =>
    (await s.api<CaseView>('GET', `/api/cases/${c.id}`, { token })).body.hearings[0]!.links.find((x) => x.id === l.id)!;
  const clear = (l: LinkView, token: string) => s.api<LinkView>('POST', `/api/cases/${c.id}/links/${l.id}/lockout/clear`, { token, body: {} });

  it('five wrong answers from address A lock A; the correct answer from address B passes; A stays locked', async () => {
    const l = await newLink();
    const left: unknown[] = [];
    for (let i = 0; i < 5; i++) {
      const r = await verify(l, '203.0.113.10', wrong);
      expectError(r, 401, 'IDENTITY_CHECK_FAILED');
      left.push(details(r).attemptsLeft);
    }
    expect(left).toEqual([4, 3, 2, 1, 0]);
    const lockedA = await verify(l, '203.0.113.10', id.applicant);
    expectError(lockedA, 429, 'RATE_LIMITED');
    expect(details(lockedA).retryAfterSeconds).toEqual(expect.any(Number));

    expect((await verify(l, '198.51.100.20', id.applicant)).status).toBe(200);
    expectError(await verify(l, '203.0.113.10', id.applicant), 429, 'RATE_LIMITED');
    const actions = (await s.services.audit.entries(c.id)).filter((e) => e.actor === `link:${l.id}`).map((e) => e.action);
    expect(actions).toEqual([...Array(5).fill('identity.failed'), 'identity.locked', 'identity.rate_limited', 'identity.verified', 'identity.rate_limited']);

    // Once the window has passed, A is let in again.
    t += 16 * 60_000;
    expect((await verify(l, '203.0.113.10', id.applicant)).status).toBe(200);
  });

  it('behind the proxy only the address it saw counts: a client-written first X-Forwarded-For entry does not buy new tries', async () => {
    const l = await newLink();
    for (let i = 0; i < 5; i++) expectError(await verify(l, `10.9.9.${i}, 203.0.113.77`, wrong), 401, 'IDENTITY_CHECK_FAILED');
    expectError(await verify(l, '10.9.9.99, 203.0.113.77', id.applicant), 429, 'RATE_LIMITED');
    expect((await verify(l, '203.0.113.10, 198.51.100.77', id.applicant)).status).toBe(200);
  });

  it('many addresses failing on one link leave each further address one try, and still admit the right answer', async () => {
    const l = await newLink();
    for (let a = 0; a < 4; a++) for (let i = 0; i < 5; i++) await verify(l, `203.0.113.${40 + a}`, wrong);
    const once = await verify(l, '203.0.113.99', wrong);
    expectError(once, 401, 'IDENTITY_CHECK_FAILED');
    expect(details(once).attemptsLeft).toBe(0);
    expectError(await verify(l, '203.0.113.99', id.applicant), 429, 'RATE_LIMITED');
    expect((await verify(l, '198.51.100.77', id.applicant)).status).toBe(200);
  });

  it('the mediator sees the lockout on the case page and clears it; both are audited', async () => {
    const l = await newLink();
    expect((await linkOnCase(l)).lockout).toBeNull();
    for (let i = 0; i < 5; i++) await verify(l, '203.0.113.60', wrong);
    await verify(l, '203.0.113.61', wrong);
    const seen = (await linkOnCase(l)).lockout;
    expect(seen).toEqual({ failures: 6, addresses: 2, lockedAddresses: 1, lockedUntil: expect.any(String) });
    expect(Date.parse(seen!.lockedUntil!)).toBeGreaterThan(t);

    const cleared = await clear(l, mediator);
    expect(cleared.status).toBe(200);
    expect(cleared.body.lockout).toBeNull();
    expect((await linkOnCase(l)).lockout).toBeNull();
    expect((await verify(l, '203.0.113.60', id.applicant)).status).toBe(200);
    const entries = (await s.services.audit.entries(c.id)).filter((e) => e.action === 'link.lockout_cleared');
    expect(entries).toEqual([
      expect.objectContaining({ actor: `staff:${s.staff.mediator.id}`, data: expect.objectContaining({ linkId: l.id, failures: 6, addresses: 2 }) }),
    ]);
    expect((await s.services.audit.verify(c.id)).ok).toBe(true);
  });

  it('a party\'s session, the clerk and another organisation\'s mediator cannot clear a lockout', async () => {
    const l = await newLink();
    for (let i = 0; i < 5; i++) await verify(l, '203.0.113.80', wrong);
    const resp = await issueLink(s, mediator, c.id, h.id, participantByRole(h, 'respondent').id);
    const session = (await verify(resp, '198.51.100.81', id.respondent)).body as { token: string };
    expectError(await clear(l, session.token), 401, 'UNAUTHENTICATED');
    expectError(await clear(l, await s.login('demo.clerk')), 403, 'PERMISSION_DENIED');
    await s.services.roster.createStaff({
      orgId: s.staff.arbitrator.orgId, username: 'hk.mediator', displayName: 'HK Mediator', role: 'mediator', passwordHash: await hashPassword('hk-mediator-pw'),
    });
    expectError(await clear(l, await s.login('hk.mediator', 'hk-mediator-pw')), 404, 'NOT_FOUND');
    expect((await linkOnCase(l)).lockout).toMatchObject({ lockedAddresses: 1 });
    expect((await s.services.audit.entries(c.id)).filter((e) => e.action === 'link.lockout_cleared' && (e.data as { linkId: string }).linkId === l.id)).toEqual([]);
    // The organisation's admin may (the permission table grants org_admin every case action).
    expect((await clear(l, await s.login('demo.admin'))).status).toBe(200);
  });

  it('a staff link\'s password check is under the account\'s sign-in lock: guesses there count, and a locked account is refused there', async () => {
    const l = await issueLink(s, mediator, c.id, h.id, participantByRole(h, 'mediator').id);
    // Five wrong passwords through the link, each from a fresh address (so no per-link-and-address lock applies).
    for (let i = 0; i < 5; i++) expectError(await verify(l, `192.0.2.${i + 1}`, { username: 'demo.mediator', password: `guess-${i}` }), 401, 'IDENTITY_CHECK_FAILED');
    // The account is now locked: at sign-in, and on the link with the right password from yet another address.
    expectError(await s.api('POST', '/api/auth/login', { body: { username: 'demo.mediator', password: DEMO_PASSWORD }, headers: { 'x-forwarded-for': '192.0.2.50' } }), 429, 'ACCOUNT_LOCKED');
    expectError(await verify(l, '192.0.2.51', { username: 'demo.mediator', password: DEMO_PASSWORD }), 429, 'ACCOUNT_LOCKED');
    // After the lock, the link admits its holder again.
    t += 2 * 60_000;
    expect((await verify(l, '192.0.2.52', { username: 'demo.mediator', password: DEMO_PASSWORD })).status).toBe(200);
  });
});
