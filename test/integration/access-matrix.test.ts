import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { can, noCase, type Action, type Principal, type Resource } from '../../server/auth/policy.js';
import { hashPassword } from '../../server/auth/passwords.js';
import { Requests } from '../../signaling/protocol/hearing.js';
import { PAD_NAMESPACE, PadRequests } from '../../signaling/protocol/pad.js';
import { PROTOCOL_VERSION } from '../../signaling/protocol/errors.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { caucusCase, type CaucusCase } from '../helpers/caucus.js';
import { connected, hearingClient, refused, request, type HearingClient } from '../helpers/hearing.js';
import { createAgreement } from '../pad/helpers.js';
import { HEARING_REGISTRY, HTTP_REGISTRY, PAD_REGISTRY, mountedRoutes, type Facts, type Target } from './access-registry.js';

/**
 * Issue 12: the policy table walked for real. Every action x every role x (own case, other case) is tried as the
 * real request over HTTP, the hearing namespace and the pad namespace, and the answer must be what `can()` says.
 * Denied = 401/403/404 (HTTP) or PERMISSION_DENIED (socket ack) or a refused handshake; anything else = allowed
 * (the probes send bodies that fail validation, so an allowed probe changes nothing). A mounted route or an event
 * without a registry entry fails the test.
 */
type Who = { label: string; token: string; principal: Principal };

describe('access matrix: the policy table against the running service', { timeout: 300_000 }, () => {
  let s: TestServer;
  let A: CaucusCase;
  let own: Target;
  let other: Target;
  let otherAccess: Resource;
  let ownAccess: Resource;
  let people: Who[];
  const cells = { http: 0, hearing: 0, pad: 0 };

  beforeAll(async () => {
    s = await startTestServer('sqlite', { CONCORD_TRANSCRIBE_ENGINE: 'none' });
    A = await caucusCase(s, 1210);
    const org1 = s.staff.mediator.orgId;
    // The other case: another organisation's, nobody of case A on it.
    const org2 = await s.services.roster.createOrganisation({ name: '深圳前海劳动争议调解中心', nameEn: 'Qianhai Labour Dispute Mediation Centre', site: 'shenzhen', kind: 'mediation' });
    const m2 = await s.services.roster.createStaff({ orgId: org2.id, username: 'sz.mediator', displayName: '深圳调解员', role: 'mediator', passwordHash: await hashPassword('sz-mediator-password') });
    const t2 = await s.login('sz.mediator', 'sz-mediator-password');
    const b = await s.api<any>('POST', '/api/cases', { token: t2, body: (await import('../helpers/server.js')).caseBody(1211) });
    const party = (side: string) => b.body.parties.find((p: { side: string }) => p.side === side).id as string;
    const hb = await s.api<any>('POST', `/api/cases/${b.body.id}/hearings`, {
      token: t2, body: { startsAt: new Date(Date.now() + 86_400_000).toISOString(), durationMinutes: 60, site: 'shenzhen', participants: [{ role: 'mediator', staffId: m2.id }, { role: 'applicant', partyId: party('applicant') }] },
    });
    const lb = await s.api<any>('POST', `/api/cases/${b.body.id}/hearings/${hb.body.id}/links`, { token: t2, body: { participantId: hb.body.participants[1].id } });
    const ownLinks = (await s.api<any>('GET', `/api/cases/${A.caseId}`, { token: A.staff.mediator })).body.hearings[0].links;
    own = { caseId: A.caseId, hearingId: A.hearingId, linkId: ownLinks[0].id, agreementId: await createAgreement(s, A.staff.mediator, A.caseId), recordingId: A.recordingId, jointFileId: A.joint.fileId, caucusFileId: A.caucus.fileId };
    other = { caseId: b.body.id, hearingId: hb.body.id, linkId: lb.body.id, agreementId: await createAgreement(s, t2, b.body.id), recordingId: A.recordingId, jointFileId: A.joint.fileId, caucusFileId: A.caucus.fileId };
    ownAccess = await s.services.cases.access(own.caseId);
    otherAccess = await s.services.cases.access(other.caseId);
    const staffP = (key: keyof CaucusCase['staff'], id: string, role: 'org_admin' | 'mediator' | 'clerk' | 'arbitrator' | 'court', orgId: string): Who =>
      ({ label: role, token: A.staff[key], principal: { kind: 'staff', staffId: id, role, orgId } });
    people = [
      staffP('admin', s.staff.admin.id, 'org_admin', org1), staffP('mediator', s.staff.mediator.id, 'mediator', org1), staffP('clerk', s.staff.clerk.id, 'clerk', org1),
      staffP('arbitrator', s.staff.arbitrator.id, 'arbitrator', s.staff.arbitrator.orgId), staffP('court', s.staff.court.id, 'court', s.staff.court.orgId),
      ...(['mediator', 'clerk', 'arbitrator', 'court', 'applicant', 'respondent'] as const).map((role) => ({
        label: ['applicant', 'respondent'].includes(role) ? role : `hearing_${role}`, token: A.people[role].token,
        principal: { kind: 'participant', participantId: A.people[role].id, linkId: 'link', caseId: A.caseId, hearingId: A.hearingId, role } as Principal,
      })),
    ];
  });
  afterAll(async () => {
    await s?.close();
  });

  function resourceFor(facts: Facts | undefined, which: 'own' | 'other', p: Principal): Resource {
    const base = which === 'own' ? ownAccess : otherAccess;
    const t = which === 'own' ? own : other;
    if (facts === 'no_case') return noCase(p);
    if (facts === 'hearing') return { ...base, hearingId: t.hearingId };
    if (facts === 'caucus_file') {
      return { ...base, material: { kind: 'caucus', heldBy: [A.people.mediator.id, s.staff.mediator.id], parties: [A.people.applicant.id] } };
    }
    return base;
  }

  it('every mounted route has a registry entry, and every registered route is mounted', () => {
    const mounted = mountedRoutes(s.app).filter((r) => r.includes('/api/') || !r.startsWith('GET /{'));
    expect(mounted.filter((r) => !(r in HTTP_REGISTRY)), 'mounted without a policy entry').toEqual([]);
    expect(Object.keys(HTTP_REGISTRY).filter((r) => !mounted.includes(r)), 'registered but not mounted').toEqual([]);
    expect(Object.keys(Requests).filter((e) => !(e in HEARING_REGISTRY)), 'hearing events without a policy entry').toEqual([]);
    expect(Object.keys(PadRequests).filter((e) => !(e in PAD_REGISTRY)), 'pad events without a policy entry').toEqual([]);
  });

  it('HTTP: every (route, role, own/other case) answers as the table says', async () => {
    const wrong: string[] = [];
    for (const [route, entry] of Object.entries(HTTP_REGISTRY)) {
      if (!('method' in entry)) continue;
      for (const which of ['own', 'other'] as const) {
        if (which === 'other' && entry.only === 'own') continue;
        const t = which === 'own' ? own : other;
        for (const who of people) {
          const r = await s.api<any>(entry.method, entry.path(t), { token: who.token, ...(entry.body !== undefined ? { body: entry.body } : {}) });
          cells.http++;
          if (entry.facts === 'case_list') {
            const listed = r.status === 200 && (r.body.items as { id: string }[]).some((x) => x.id === t.caseId);
            if (listed !== can(who.principal, 'case.read', resourceFor(undefined, which, who.principal))) wrong.push(`${route} ${who.label} ${which}: listed=${listed}`);
            continue;
          }
          const expected = can(who.principal, entry.action, resourceFor(entry.facts, which, who.principal)) && !(entry.participantSession && who.principal.kind === 'staff');
          const denied = [401, 403, 404].includes(r.status);
          if (denied === expected) wrong.push(`${route} [${entry.action}] ${who.label} ${which}: expected ${expected ? 'allowed' : 'denied'}, got ${r.status} ${JSON.stringify(r.body).slice(0, 120)}`);
        }
      }
    }
    expect(wrong).toEqual([]);
  });

  it('hearing namespace: every event x hearing role answers as the table says; other cases and staff sessions are refused', async () => {
    const wrong: string[] = [];
    const sockets: HearingClient[] = [];
    try {
      for (const who of people) {
        if (who.principal.kind === 'staff') {
          // A staff session is no hearing session: every event of the namespace is refused at the handshake.
          expect((await refused(hearingClient(s, who.token))).code).toBe('UNAUTHENTICATED');
          cells.hearing += Object.keys(HEARING_REGISTRY).length * 2;
          continue;
        }
        // Another case's hearing: refused at the handshake, whatever the event.
        expect((await refused(hearingClient(s, who.token, { hearingId: other.hearingId }))).code).toBe('PERMISSION_DENIED');
        cells.hearing += Object.keys(HEARING_REGISTRY).length;
        const c = await connected(hearingClient(s, who.token));
        sockets.push(c);
        await request(c, 'hearing.join', {});
        for (const [event, entry] of Object.entries(HEARING_REGISTRY) as [keyof typeof HEARING_REGISTRY, (typeof HEARING_REGISTRY)[keyof typeof HEARING_REGISTRY]][]) {
          if (entry.payload === null) continue;
          const ack = await request(c, event, entry.payload as never);
          cells.hearing++;
          const denied = !ack.ok && ack.error.code === 'PERMISSION_DENIED';
          const expected = can(who.principal, entry.action, { ...ownAccess, hearingId: own.hearingId, hearingLive: true });
          if (denied === expected) wrong.push(`${event} [${entry.action}] ${who.label}: expected ${expected ? 'allowed' : 'denied'}, got ${JSON.stringify(ack).slice(0, 120)}`);
        }
      }
    } finally {
      for (const c of sockets) c.close();
    }
    expect(wrong).toEqual([]);
  });

  it('pad namespace: the handshake (pad.read) for every role on the own and the other case', async () => {
    const wrong: string[] = [];
    for (const which of ['own', 'other'] as const) {
      const t = which === 'own' ? own : other;
      for (const who of people) {
        const sock = io(`${s.url}${PAD_NAMESPACE}`, { auth: { token: who.token, protocol: PROTOCOL_VERSION, agreementId: t.agreementId }, transports: ['websocket'], extraHeaders: { origin: s.url }, reconnection: false, forceNew: true });
        const outcome = await new Promise<string>((resolve) => {
          sock.once('connect', () => resolve('connected'));
          sock.once('connect_error', (err: Error & { data?: { code?: string } }) => resolve(err.data?.code ?? 'error'));
        });
        sock.close();
        cells.pad += Object.values(PAD_REGISTRY).filter((a) => a === 'pad.read').length;
        const expected = can(who.principal, 'pad.read', which === 'own' ? ownAccess : otherAccess);
        if ((outcome === 'connected') !== expected) wrong.push(`pad ${who.label} ${which}: expected ${expected ? 'allowed' : 'denied'}, got ${outcome}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('counts the cells tried', () => {
    const total = cells.http + cells.hearing + cells.pad;
    console.log(`access matrix: ${cells.http} HTTP + ${cells.hearing} hearing-socket + ${cells.pad} pad-socket = ${total} (action, role, own/other case) cells`);
    expect(cells.http).toBeGreaterThan(500);
    expect(cells.hearing).toBeGreaterThan(100);
    expect(total).toBeGreaterThan(700);
  });
});

export type { Action };
