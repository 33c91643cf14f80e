import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CaseView, HearingView, LinkInspection, LinkView, ParticipantSession } from '../../signaling/protocol/api.js';
import { TokenService } from '../../server/auth/tokens.js';
import { DEMO_PASSWORD, startTestServer, type DbKind, type TestServer } from '../helpers/server.js';
import {
  auditLength, countRows, createCase, expectError, issueLink, participantByRole, partyIdentity, scheduleHearing, snapshot,
  standardParticipants, tokenOf,
} from '../helpers/fixtures.js';

const GUEST = { name: 'Maria  Santos', idNumber: 'P1234567' };

interface Fixture { c: CaseView; h: HearingView }

async function caseWithHearing(s: TestServer, token: string, n: number): Promise<Fixture> {
  const c = await createCase(s, token, n);
  const h = await scheduleHearing(s, token, c.id, [
    ...standardParticipants(s, c, ['mediator', 'arbitrator', 'court']),
    { role: 'interpreter', ...GUEST },
  ]);
  return { c, h };
}

describe.each<DbKind>(['sqlite', 'postgres'])('mediation links and the identity check (%s)', (db) => {
  let s: TestServer;
  let mediator: string;
  let A: Fixture;
  let B: Fixture;
  const idA = partyIdentity(101);
  const idB = partyIdentity(102);

  beforeAll(async () => {
    s = await startTestServer(db);
    mediator = await s.login('demo.mediator');
    A = await caseWithHearing(s, mediator, 101);
    B = await caseWithHearing(s, mediator, 102);
  });
  afterAll(async () => {
    await s?.close();
  });

  const inspect = (token: string) => s.api<LinkInspection>('POST', '/api/join/inspect', { body: { token } });
  const verify = (body: Record<string, unknown>) => s.api<ParticipantSession>('POST', '/api/join/verify', { body });
  const me = (token: string) => s.api('GET', '/api/participant/me', { token });
  const linkFor = async (f: Fixture, role: string, hours?: number) => issueLink(s, mediator, f.c.id, f.h.id, participantByRole(f.h, role).id, hours);

  it('issues one link per participant, as <base>/join#<token>, listed on the case', async () => {
    const before = await auditLength(s, A.c.id);
    const links: LinkView[] = [];
    for (const p of A.h.participants) links.push(await issueLink(s, mediator, A.c.id, A.h.id, p.id));
    for (const [i, l] of links.entries()) {
      expect(l.url).toMatch(new RegExp(`^${s.url.replace(/[.]/g, '\\.')}/join#[\\w-]+\\.[\\w-]+\\.[\\w-]+$`));
      expect(l).toMatchObject({ participantId: A.h.participants[i]!.id, role: A.h.participants[i]!.role, status: 'active', revokedAt: null, verifiedAt: null });
      const hours = (Date.parse(l.expiresAt) - Date.now()) / 3_600_000;
      expect(hours).toBeGreaterThan(71.9);
      expect(hours).toBeLessThanOrEqual(72);
    }
    const short = await linkFor(A, 'applicant', 1);
    expect((Date.parse(short.expiresAt) - Date.now()) / 3_600_000).toBeCloseTo(1, 1);
    const entries = await s.services.audit.entries(A.c.id);
    expect(entries).toHaveLength(before + links.length + 1);
    expect(entries.slice(before).every((e) => e.action === 'link.issued')).toBe(true);

    const view = await s.api<CaseView>('GET', `/api/cases/${A.c.id}`, { token: mediator });
    const listed = view.body.hearings[0]!.links;
    expect(listed.map((l) => l.id).sort()).toEqual([...links.map((l) => l.id), short.id].sort());
    expect(listed.every((l) => l.url.includes('/join#'))).toBe(true);
    // Link URLs are bearer secrets: a clerk sees the links but not their URLs.
    const clerkView = await s.api<CaseView>('GET', `/api/cases/${A.c.id}`, { token: await s.login('demo.clerk') });
    expect(clerkView.body.hearings[0]!.links.map((l) => l.url)).toEqual(listed.map(() => ''));
    // A participant of another case, or an unknown one, gets no link.
    expectError(await s.api('POST', `/api/cases/${A.c.id}/hearings/${A.h.id}/links`, { token: mediator, body: { participantId: B.h.participants[0]!.id } }), 404, 'NOT_FOUND');
  });

  it('inspect tells the role, case number and which identity check applies, and records nothing', async () => {
    const before = await snapshot(s);
    const expected: Record<string, 'party' | 'staff'> = { applicant: 'party', respondent: 'party', interpreter: 'party', mediator: 'staff', arbitrator: 'staff', court: 'staff' };
    for (const [role, check] of Object.entries(expected)) {
      const l = await linkFor(A, role);
      const r = await inspect(tokenOf(l.url));
      expect(r.status).toBe(200);
      expect(r.body).toMatchObject({ caseNumber: A.c.number, role, identityCheck: check, expiresAt: l.expiresAt, hearing: { id: A.h.id, site: 'guangzhou', status: 'scheduled' } });
    }
    const after = (await snapshot(s)) as any;
    // Only the six issued links changed the store.
    expect(after.counts.links).toBe((before as any).counts.links + 6);
    expect(after.counts.identity_checks).toBe((before as any).counts.identity_checks);
  });

  it('verifies parties by name and ID number regardless of spacing and case; the session works', async () => {
    const app = await linkFor(A, 'applicant');
    const ok = await verify({ token: tokenOf(app.url), name: ` ${idA.applicant.name.slice(0, 1)} ${idA.applicant.name.slice(1)} `, idNumber: idA.applicant.idNumber.toLowerCase().replace(/(\d{4})/g, '$1 ') });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ caseNumber: A.c.number, participant: { role: 'applicant', id: app.participantId }, hearing: { id: A.h.id } });
    expect(Date.parse(ok.body.expiresAt)).toBeLessThanOrEqual(Date.parse(app.expiresAt));
    const session = await me(ok.body.token);
    expect(session.status).toBe(200);
    expect(session.body).toMatchObject({ caseNumber: A.c.number, participant: { id: app.participantId, role: 'applicant' }, hearing: { id: A.h.id } });

    const resp = await linkFor(A, 'respondent');
    expect((await verify({ token: tokenOf(resp.url), name: idA.respondent.name, idNumber: idA.respondent.idNumber.toLowerCase() })).status).toBe(200);
    const guest = await linkFor(A, 'interpreter');
    expect((await verify({ token: tokenOf(guest.url), name: 'maria santos', idNumber: 'p123-4567' })).status).toBe(200);

    const last = (await s.services.audit.entries(A.c.id)).at(-1)!;
    expect(last).toMatchObject({ actor: `link:${guest.id}`, action: 'identity.verified', data: { role: 'interpreter', method: 'party' } });
    const view = await s.api<CaseView>('GET', `/api/cases/${A.c.id}`, { token: mediator });
    expect(view.body.hearings[0]!.links.find((l) => l.id === app.id)!.verifiedAt).not.toBeNull();
  });

  it('wrong identity data answers 401 IDENTITY_CHECK_FAILED, and each attempt is audited', async () => {
    const l = await linkFor(A, 'applicant');
    const checks = await countRows(s, 'identity_checks');
    const before = await auditLength(s, A.c.id);
    for (const body of [
      { name: idA.applicant.name, idNumber: idA.respondent.idNumber },
      { name: idB.applicant.name, idNumber: idA.applicant.idNumber },
      { name: idB.applicant.name, idNumber: idB.applicant.idNumber },
    ]) expectError(await verify({ token: tokenOf(l.url), ...body }), 401, 'IDENTITY_CHECK_FAILED');
    // Staff credentials do not open a party's link.
    expectError(await verify({ token: tokenOf(l.url), username: 'demo.mediator', password: DEMO_PASSWORD }), 401, 'IDENTITY_CHECK_FAILED');
    expect(await countRows(s, 'identity_checks')).toBe(checks + 4);
    const added = (await s.services.audit.entries(A.c.id)).slice(before);
    expect(added.map((e) => e.action)).toEqual(Array(4).fill('identity.failed'));
    expect(added.every((e) => e.actor === `link:${l.id}`)).toBe(true);
  });

  it('a staff link is verified with that staff member\'s own username and password only', async () => {
    const med = await linkFor(A, 'mediator');
    const arb = await linkFor(A, 'arbitrator');
    const before = await auditLength(s, A.c.id);
    const ok = await verify({ token: tokenOf(med.url), username: 'demo.mediator', password: DEMO_PASSWORD });
    expect(ok.status).toBe(200);
    expect(ok.body.participant.role).toBe('mediator');
    expect((await me(ok.body.token)).status).toBe(200);
    expectError(await verify({ token: tokenOf(arb.url), username: 'demo.mediator', password: DEMO_PASSWORD }), 401, 'IDENTITY_CHECK_FAILED');
    expectError(await verify({ token: tokenOf(arb.url), username: 'demo.arbitrator.hk', password: 'not-the-password' }), 401, 'IDENTITY_CHECK_FAILED');
    expectError(await verify({ token: tokenOf(arb.url), ...idA.applicant }), 401, 'IDENTITY_CHECK_FAILED');
    const added = (await s.services.audit.entries(A.c.id)).slice(before);
    expect(added.map((e) => `${e.action}:${(e.data as any).method}`)).toEqual(['identity.verified:staff', 'identity.failed:staff', 'identity.failed:staff', 'identity.failed:party']);
  });

  it('a signed-in staff member opens their own staff link with the session, not another\'s; no session is 401', async () => {
    const med = await linkFor(A, 'mediator');
    const arb = await linkFor(A, 'arbitrator');
    const party = await linkFor(A, 'applicant');
    const checks = await countRows(s, 'identity_checks');
    const before = await auditLength(s, A.c.id);
    const signedIn = (url: string, token?: string) => s.api<ParticipantSession>('POST', '/api/join/verify', { body: { token: tokenOf(url), signedIn: true }, token });
    const ok = await signedIn(med.url, mediator);
    expect(ok.status).toBe(200);
    expect(ok.body.participant.role).toBe('mediator');
    expect((await me(ok.body.token)).status).toBe(200);
    // The mediator's session opens neither the arbitrator's link nor a party's; each refusal counts as a failed check.
    expectError(await signedIn(arb.url, mediator), 401, 'IDENTITY_CHECK_FAILED');
    expectError(await signedIn(party.url, mediator), 401, 'IDENTITY_CHECK_FAILED');
    // Without a session, or with a link token where the staff token goes, nothing is checked.
    expectError(await signedIn(med.url), 401, 'UNAUTHENTICATED');
    expectError(await signedIn(med.url, tokenOf(arb.url)), 401, 'UNAUTHENTICATED');
    // The flag is `true` or nothing, and comes without a password.
    expectError(await verify({ token: tokenOf(med.url), signedIn: false }), 400, 'VALIDATION_FAILED');
    expectError(await verify({ token: tokenOf(med.url), signedIn: true, password: DEMO_PASSWORD }), 400, 'VALIDATION_FAILED');
    expect(await countRows(s, 'identity_checks')).toBe(checks + 3);
    const added = (await s.services.audit.entries(A.c.id)).slice(before);
    expect(added.map((e) => `${e.action}:${(e.data as any).method}`)).toEqual(['identity.verified:staff-session', 'identity.failed:staff-session', 'identity.failed:staff-session']);
  });

  it('revoking a link refuses it (TOKEN_REVOKED) and ends the session obtained with it', async () => {
    const l = await linkFor(A, 'respondent');
    const session = await verify({ token: tokenOf(l.url), ...idA.respondent });
    expect(session.status).toBe(200);
    expect((await me(session.body.token)).status).toBe(200);
    const revoked = await s.api<LinkView>('POST', `/api/cases/${A.c.id}/links/${l.id}/revoke`, { token: mediator, body: { reason: '发错对象' } });
    expect(revoked.status).toBe(200);
    expect(revoked.body).toMatchObject({ id: l.id, status: 'revoked', url: '' });
    expect(revoked.body.revokedAt).not.toBeNull();
    expect((await s.services.audit.entries(A.c.id)).at(-1)).toMatchObject({ action: 'link.revoked', data: { linkId: l.id, reason: '发错对象' } });

    const before = await snapshot(s);
    expectError(await inspect(tokenOf(l.url)), 401, 'TOKEN_REVOKED');
    expectError(await verify({ token: tokenOf(l.url), ...idA.respondent }), 401, 'TOKEN_REVOKED');
    expectError(await me(session.body.token), 401, 'TOKEN_REVOKED');
    expectError(await s.api('POST', `/api/cases/${A.c.id}/links/${l.id}/revoke`, { token: mediator, body: {} }), 409, 'INVALID_STATE');
    expect(await snapshot(s)).toEqual(before);
  });

  it('an expired link answers TOKEN_EXPIRED, and so does its session', async () => {
    const l = await linkFor(A, 'applicant', 1);
    const session = await verify({ token: tokenOf(l.url), ...idA.applicant });
    expect(session.status).toBe(200);
    await s.services.store.db.updateTable('links').set({ expires_at: new Date(Date.now() - 60_000).toISOString() }).where('id', '=', l.id).execute();
    const before = await snapshot(s);
    // The token's own exp is still ahead: the link row decides.
    const fresh = s.services.tokens.signLink({ linkId: l.id, caseId: A.c.id, hearingId: A.h.id, role: 'applicant', participantId: l.participantId, expiresAt: new Date(Date.now() + 3_600_000) });
    for (const t of [tokenOf(l.url), fresh]) {
      expectError(await inspect(t), 401, 'TOKEN_EXPIRED');
      expectError(await verify({ token: t, ...idA.applicant }), 401, 'TOKEN_EXPIRED');
    }
    expectError(await me(session.body.token), 401, 'TOKEN_EXPIRED');
    // A token whose own exp has passed (signed an hour ago by the same keys) is expired too.
    const past = new TokenService(s.services.keyring, { staffTtlSeconds: 60, participantTtlSeconds: 60, now: () => new Date(Date.now() - 3_600_000) });
    const old = past.signLink({ linkId: l.id, caseId: A.c.id, hearingId: A.h.id, role: 'applicant', participantId: l.participantId, expiresAt: new Date(Date.now() - 1_800_000) });
    expectError(await inspect(old), 401, 'TOKEN_EXPIRED');
    expect(await snapshot(s)).toEqual(before);
    const view = await s.api<CaseView>('GET', `/api/cases/${A.c.id}`, { token: mediator });
    expect(view.body.hearings[0]!.links.find((x) => x.id === l.id)).toMatchObject({ status: 'expired', url: '' });
  });

  it('forged, wrong-kind and cross-case tokens answer 401 and record nothing', async () => {
    const l = await linkFor(A, 'applicant');
    const lB = await linkFor(B, 'applicant');
    const t = tokenOf(l.url);
    const [h, p, sig] = t.split('.') as [string, string, string];
    const flipped = sig.slice(0, 10) + (sig[10] === 'A' ? 'B' : 'A') + sig.slice(11);
    const payload = JSON.parse(Buffer.from(p, 'base64url').toString());
    const otherPayload = Buffer.from(JSON.stringify({ ...payload, role: 'mediator' })).toString('base64url');
    const sessionA = await verify({ token: t, ...idA.applicant });
    expect(sessionA.status).toBe(200);
    const bP = participantByRole(B.h, 'applicant');
    const crossLink = s.services.tokens.signLink({ linkId: l.id, caseId: B.c.id, hearingId: B.h.id, role: 'applicant', participantId: bP.id, expiresAt: new Date(Date.parse(l.expiresAt)) });
    const crossSession = s.services.tokens.signParticipant({ participantId: bP.id, linkId: l.id, caseId: B.c.id, hearingId: B.h.id, role: 'applicant' });
    const mixedSession = s.services.tokens.signParticipant({ participantId: l.participantId, linkId: lB.id, caseId: A.c.id, hearingId: A.h.id, role: 'applicant' });

    const before = await snapshot(s);
    const lenA = await auditLength(s, A.c.id);
    const lenB = await auditLength(s, B.c.id);
    // (Each refused verify counts against the per-address limiter, so one identity per token.)
    const bad: [string, string, { name: string; idNumber: string }][] = [
      ['signature changed', `${h}.${p}.${flipped}`, idA.applicant],
      ['payload changed', `${h}.${otherPayload}.${sig}`, idA.applicant],
      ['unsigned', `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${p}.`, idA.applicant],
      ['staff session', mediator, idA.applicant],
      ['participant session', sessionA.body.token, idA.applicant],
      ['link of case A claiming case B', crossLink, idB.applicant],
      ['garbage', 'not-a-token-at-all', idA.applicant],
    ];
    for (const [what, token, identity] of bad) {
      const i = await inspect(token);
      expect(i.status, what).toBe(401);
      expectError(i, 401, 'UNAUTHENTICATED');
      const v = await verify({ token, ...identity });
      expect(v.status, what).toBe(401);
      expectError(v, 401, 'UNAUTHENTICATED');
    }
    // A link is not a session, a session of case A is not one of case B.
    expectError(await me(t), 401, 'UNAUTHENTICATED');
    expectError(await me(crossSession), 401, 'UNAUTHENTICATED');
    expectError(await me(mixedSession), 401, 'UNAUTHENTICATED');
    expectError(await me(mediator), 401, 'UNAUTHENTICATED');
    expect(await snapshot(s)).toEqual(before);
    expect(await auditLength(s, A.c.id)).toBe(lenA);
    expect(await auditLength(s, B.c.id)).toBe(lenB);
  });
});

describe.each<DbKind>(['sqlite', 'postgres'])('identity check rate limit (%s)', (db) => {
  let s: TestServer;
  let mediator: string;
  beforeAll(async () => {
    s = await startTestServer(db, { CONCORD_IDENTITY_MAX_ATTEMPTS: '3' });
    mediator = await s.login('demo.mediator');
  });
  afterAll(async () => {
    await s?.close();
  });

  it('after CONCORD_IDENTITY_MAX_ATTEMPTS failures from one address even the right data gets 429 there, per link, and every attempt is audited', async () => {
    const { c, h } = await caseWithHearing(s, mediator, 201);
    const id = partyIdentity(201);
    const l = await issueLink(s, mediator, c.id, h.id, participantByRole(h, 'applicant').id);
    const verify = (body: Record<string, unknown>) => s.api('POST', '/api/join/verify', { body: { token: tokenOf(l.url), ...body } });
    const before = await auditLength(s, c.id);
    for (let i = 0; i < 3; i++) expectError(await verify({ name: id.applicant.name, idNumber: '0000000000' }), 401, 'IDENTITY_CHECK_FAILED');
    expectError(await verify(id.applicant), 429, 'RATE_LIMITED');
    expectError(await verify(id.applicant), 429, 'RATE_LIMITED');
    const added = (await s.services.audit.entries(c.id)).slice(before);
    // The third failure locks this address (audited once); the refusals after it are audited too.
    expect(added.map((e) => e.action)).toEqual(['identity.failed', 'identity.failed', 'identity.failed', 'identity.locked', 'identity.rate_limited', 'identity.rate_limited']);
    expect(added.every((e) => e.actor === `link:${l.id}`)).toBe(true);
    const rows = await s.services.store.db.selectFrom('identity_checks').select(['ok']).where('link_id', '=', l.id).execute();
    expect(rows.map((r) => Number(r.ok))).toEqual([0, 0, 0]);
    expect((await s.api('GET', `/api/cases/${c.id}/audit`, { token: mediator })).body.verification.ok).toBe(true);

    // The limit is per link: the respondent's link still admits the respondent.
    const r = await issueLink(s, mediator, c.id, h.id, participantByRole(h, 'respondent').id);
    const ok = await s.api('POST', '/api/join/verify', { body: { token: tokenOf(r.url), ...id.respondent } });
    expect(ok.status).toBe(200);
  });

  it('holds the per-link limit against a burst of concurrent guesses', async () => {
    const { c, h } = await caseWithHearing(s, mediator, 202);
    const l = await issueLink(s, mediator, c.id, h.id, participantByRole(h, 'respondent').id);
    const guesses = await Promise.all(Array.from({ length: 10 }, (_, i) =>
      s.api('POST', '/api/join/verify', { body: { token: tokenOf(l.url), name: partyIdentity(202).respondent.name, idNumber: `9144010100000${i}` } })));
    expect(guesses.map((g) => g.status).sort()).toEqual([...Array(3).fill(401), ...Array(7).fill(429)]);
    const rows = await s.services.store.db.selectFrom('identity_checks').select('ok').where('link_id', '=', l.id).execute();
    expect(rows).toHaveLength(3);
    const actions = (await s.services.audit.entries(c.id)).filter((e) => e.actor === `link:${l.id}`).map((e) => e.action).sort();
    expect(actions).toEqual([...Array(3).fill('identity.failed'), 'identity.locked', ...Array(7).fill('identity.rate_limited')]);
    expectError(await s.api('POST', '/api/join/verify', { body: { token: tokenOf(l.url), ...partyIdentity(202).respondent } }), 429, 'RATE_LIMITED');
    expect((await s.services.audit.verify(c.id)).ok).toBe(true);
  });
});
