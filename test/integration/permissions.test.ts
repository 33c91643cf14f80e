import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CaseListResult, CaseView, HearingView, LinkView } from '../../signaling/protocol/api.js';
import { hashPassword } from '../../server/auth/passwords.js';
import { startTestServer, type DbKind, type TestServer } from '../helpers/server.js';
import {
  createCase, expectError, inDays, issueLink, participantByRole, partyId, partyIdentity, scheduleHearing, snapshot, standardParticipants,
  tokenOf,
} from '../helpers/fixtures.js';

interface Fixture { c: CaseView; h: HearingView; link: LinkView }

describe.each<DbKind>(['sqlite', 'postgres'])('permissions across cases and organisations (%s)', (db) => {
  let s: TestServer;
  let mediator: string;
  let mediator2: string;
  let arbitrator: string;
  let participantA: string;
  let mediator2Id: string;
  /** Org 1, with the HK arbitrator on its hearing. */
  let A: Fixture;
  /** Org 2 (Shenzhen). */
  let B: Fixture;
  /** Org 1, no arbitrator. */
  let C: Fixture;

  async function fixture(token: string, n: number, staff: { role: string; staffId: string }[]): Promise<Fixture> {
    const c = await createCase(s, token, n);
    const h = await scheduleHearing(s, token, c.id, [...standardParticipants(s, c, []), ...staff]);
    const link = await issueLink(s, token, c.id, h.id, participantByRole(h, 'applicant').id);
    return { c, h, link };
  }

  beforeAll(async () => {
    s = await startTestServer(db);
    const org2 = await s.services.roster.createOrganisation({ name: '深圳前海劳动争议调解中心', nameEn: 'Qianhai Labour Dispute Mediation Centre', site: 'shenzhen', kind: 'mediation' });
    const m2 = await s.services.roster.createStaff({
      orgId: org2.id, username: 'sz.mediator', displayName: '深圳调解员', role: 'mediator', passwordHash: await hashPassword('sz-mediator-password'),
    });
    mediator2Id = m2.id;
    [mediator, mediator2, arbitrator] = await Promise.all([s.login('demo.mediator'), s.login('sz.mediator', 'sz-mediator-password'), s.login('demo.arbitrator.hk')]);
    A = await fixture(mediator, 301, [{ role: 'mediator', staffId: s.staff.mediator.id }, { role: 'arbitrator', staffId: s.staff.arbitrator.id }]);
    B = await fixture(mediator2, 302, [{ role: 'mediator', staffId: m2.id }]);
    C = await fixture(mediator, 303, [{ role: 'mediator', staffId: s.staff.mediator.id }]);
    const v = await s.api('POST', '/api/join/verify', { body: { token: tokenOf(A.link.url), ...partyIdentity(301).applicant } });
    expect(v.status).toBe(200);
    participantA = v.body.token;
  });
  afterAll(async () => {
    await s?.close();
  });

  /** Every staff route of a case, with a body that would be accepted from someone allowed to act. */
  const caseRoutes = (f: Fixture, extra: { linkId?: string; hearingId?: string; participantId?: string } = {}) => [
    { method: 'GET', path: `/api/cases/${f.c.id}` },
    { method: 'GET', path: `/api/cases/${f.c.id}/audit` },
    { method: 'GET', path: `/api/cases/${f.c.id}/audit/verify` },
    { method: 'POST', path: `/api/cases/${f.c.id}/transitions`, body: { to: 'mediating' } },
    { method: 'POST', path: `/api/cases/${f.c.id}/transitions`, body: { to: 'withdrawn', reason: 'not yours' } },
    {
      method: 'POST', path: `/api/cases/${f.c.id}/hearings`,
      body: { startsAt: inDays(3), durationMinutes: 60, site: 'guangzhou', participants: [{ role: 'applicant', partyId: partyId(f.c, 'applicant') }] },
    },
    { method: 'POST', path: `/api/cases/${f.c.id}/hearings/${extra.hearingId ?? f.h.id}/links`, body: { participantId: extra.participantId ?? participantByRole(f.h, 'respondent').id } },
    { method: 'POST', path: `/api/cases/${f.c.id}/links/${extra.linkId ?? f.link.id}/revoke`, body: { reason: 'not yours' } },
  ];

  it('a participant session reaches its own hearing only: no staff route of any case answers it', async () => {
    const me = await s.api('GET', '/api/participant/me', { token: participantA });
    expect(me.status).toBe(200);
    expect(me.body.caseNumber).toBe(A.c.number);
    const before = await snapshot(s);
    for (const r of [...caseRoutes(A), ...caseRoutes(B), { method: 'GET', path: '/api/cases' }, { method: 'POST', path: '/api/cases', body: {} },
      { method: 'GET', path: '/api/auth/me' }, { method: 'GET', path: '/api/staff' }]) {
      const res = await s.api(r.method, r.path, { token: participantA, body: r.body });
      expect(res.status, `${r.method} ${r.path}`).toBe(401);
      expectError(res, 401, 'UNAUTHENTICATED');
    }
    // Nor can it stand in for a link of case B.
    expectError(await s.api('POST', '/api/join/inspect', { body: { token: participantA } }), 401, 'UNAUTHENTICATED');
    expect(await snapshot(s)).toEqual(before);
  });

  it('a mediator of another organisation gets 404 for every route of case A, and changes nothing', async () => {
    const before = await snapshot(s);
    for (const r of caseRoutes(A)) {
      const res = await s.api(r.method, r.path, { token: mediator2, body: r.body });
      expect(res.status, `${r.method} ${r.path}`).toBe(404);
      expectError(res, 404, 'NOT_FOUND');
      // The answer is the same as for a case that does not exist.
      expect((res.body as any).error.message).toBe('case not found');
    }
    // And the other way round.
    for (const r of caseRoutes(B)) expectError(await s.api(r.method, r.path, { token: mediator, body: r.body }), 404, 'NOT_FOUND');
    const list = await s.api<CaseListResult>('GET', '/api/cases?limit=100', { token: mediator2 });
    expect(list.body.items.map((x) => x.id)).toEqual([B.c.id]);
    expect(list.body.total).toBe(1);
    const list1 = await s.api<CaseListResult>('GET', '/api/cases?limit=100', { token: mediator });
    expect(list1.body.items.map((x) => x.id).sort()).toEqual([A.c.id, C.c.id].sort());
    expect(await snapshot(s)).toEqual(before);
  });

  it('staff of one organisation cannot be put on another organisation\'s hearing; parties of another case cannot either', async () => {
    const before = await snapshot(s);
    const body = (participants: unknown[]) => ({ startsAt: inDays(4), durationMinutes: 60, site: 'shenzhen', participants });
    expectError(await s.api('POST', `/api/cases/${B.c.id}/hearings`, { token: mediator2, body: body([{ role: 'clerk', staffId: s.staff.clerk.id }]) }), 400, 'VALIDATION_FAILED');
    expectError(await s.api('POST', `/api/cases/${B.c.id}/hearings`, { token: mediator2, body: body([{ role: 'applicant', partyId: partyId(A.c, 'applicant') }]) }), 400, 'VALIDATION_FAILED');
    expectError(await s.api('POST', `/api/cases/${A.c.id}/hearings`, { token: mediator, body: body([{ role: 'mediator', staffId: mediator2Id }]) }), 400, 'VALIDATION_FAILED');
    // A staff member may only fill the hearing role of their own staff role.
    expectError(await s.api('POST', `/api/cases/${A.c.id}/hearings`, { token: mediator, body: body([{ role: 'court', staffId: s.staff.arbitrator.id }]) }), 400, 'VALIDATION_FAILED');
    expect(await snapshot(s)).toEqual(before);
  });

  it('an arbitrator sees only the cases they are assigned to, and may read but not act on them', async () => {
    const list = await s.api<CaseListResult>('GET', '/api/cases?limit=100', { token: arbitrator });
    expect(list.status).toBe(200);
    expect(list.body).toMatchObject({ total: 1 });
    expect(list.body.items.map((x) => x.id)).toEqual([A.c.id]);
    const read = await s.api<CaseView>('GET', `/api/cases/${A.c.id}`, { token: arbitrator });
    expect(read.status).toBe(200);
    expect(read.body.allowedTransitions).toEqual([]);
    // Links are listed without their URLs (bearer secrets) for someone who may not issue them.
    expect(read.body.hearings[0]!.links.every((l) => l.url === '')).toBe(true);
    expect((await s.api('GET', `/api/cases/${A.c.id}/audit`, { token: arbitrator })).status).toBe(200);
    for (const other of [B, C]) {
      expectError(await s.api('GET', `/api/cases/${other.c.id}`, { token: arbitrator }), 404, 'NOT_FOUND');
      expectError(await s.api('GET', `/api/cases/${other.c.id}/audit`, { token: arbitrator }), 404, 'NOT_FOUND');
    }
    const before = await snapshot(s);
    for (const r of caseRoutes(A).filter((x) => x.method === 'POST')) expectError(await s.api(r.method, r.path, { token: arbitrator, body: r.body }), 403, 'PERMISSION_DENIED');
    for (const r of caseRoutes(C).filter((x) => x.method === 'POST')) expectError(await s.api(r.method, r.path, { token: arbitrator, body: r.body }), 404, 'NOT_FOUND');
    expectError(await s.api('POST', '/api/cases', { token: arbitrator, body: {} }), 403, 'PERMISSION_DENIED');
    expect(await snapshot(s)).toEqual(before);
  });

  it('ids of case C used under case A\'s path answer 404 even for a mediator who may act on both', async () => {
    const before = await snapshot(s);
    const cParticipant = participantByRole(C.h, 'respondent').id;
    const aParticipant = participantByRole(A.h, 'respondent').id;
    const tries = [
      { path: `/api/cases/${A.c.id}/links/${C.link.id}/revoke`, body: {} },
      { path: `/api/cases/${C.c.id}/links/${A.link.id}/revoke`, body: {} },
      { path: `/api/cases/${A.c.id}/hearings/${C.h.id}/links`, body: { participantId: cParticipant } },
      { path: `/api/cases/${A.c.id}/hearings/${C.h.id}/links`, body: { participantId: aParticipant } },
      { path: `/api/cases/${A.c.id}/hearings/${A.h.id}/links`, body: { participantId: cParticipant } },
      { path: `/api/cases/${A.c.id}/links/lnk_doesnotexist/revoke`, body: {} },
      { path: `/api/cases/case_doesnotexist/transitions`, body: { to: 'mediating' } },
    ];
    for (const t of tries) {
      const r = await s.api('POST', t.path, { token: mediator, body: t.body });
      expect(r.status, t.path).toBe(404);
      expectError(r, 404, 'NOT_FOUND');
    }
    expectError(await s.api('POST', `/api/cases/${A.c.id}/hearings`, {
      token: mediator, body: { startsAt: inDays(3), durationMinutes: 60, site: 'guangzhou', participants: [{ role: 'applicant', partyId: partyId(C.c, 'applicant') }] },
    }), 400, 'VALIDATION_FAILED');
    expect(await snapshot(s)).toEqual(before);
    // Both links still work.
    for (const l of [A.link, C.link]) expect((await s.api('POST', '/api/join/inspect', { body: { token: tokenOf(l.url) } })).status).toBe(200);
  });

  it('a deactivated account loses access at once, although its token has not expired', async () => {
    expect((await s.api('GET', '/api/cases', { token: mediator2 })).status).toBe(200);
    await s.services.store.db.updateTable('staff').set({ active: 0 }).where('id', '=', mediator2Id).execute();
    const before = await snapshot(s);
    expectError(await s.api('GET', '/api/cases', { token: mediator2 }), 401, 'UNAUTHENTICATED');
    expectError(await s.api('GET', `/api/cases/${B.c.id}`, { token: mediator2 }), 401, 'UNAUTHENTICATED');
    expectError(await s.api('POST', `/api/cases/${B.c.id}/transitions`, { token: mediator2, body: { to: 'mediating' } }), 401, 'UNAUTHENTICATED');
    expect(await snapshot(s)).toEqual(before);
  });
});
