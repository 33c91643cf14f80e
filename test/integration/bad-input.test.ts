import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CaseView, HearingView, LinkView } from '../../signaling/protocol/api.js';
import { CreateCaseBody } from '../../signaling/protocol/api.js';
import { TokenService } from '../../server/auth/tokens.js';
import { caseBody, DEMO_PASSWORD, startTestServer, type DbKind, type TestServer } from '../helpers/server.js';
import {
  createCase, expectError, inDays, issueLink, participantByRole, partyIdentity, scheduleHearing, snapshot, standardParticipants, tokenOf,
} from '../helpers/fixtures.js';

interface Endpoint { name: string; path: string; valid: Record<string, unknown>; wrongTypes: Record<string, unknown>; missing?: Record<string, unknown>; staff: boolean }

describe.each<DbKind>(['sqlite', 'postgres'])('bad input (%s)', (db) => {
  let s: TestServer;
  let mediator: string;
  let c: CaseView;
  let h: HearingView;
  let link: LinkView;
  let revokedLink: LinkView;
  let session: string;
  let revokedSession: string;
  let expiredStaff: string;
  let expiredSession: string;
  let endpoints: Endpoint[];

  beforeAll(async () => {
    s = await startTestServer(db);
    mediator = await s.login('demo.mediator');
    c = await createCase(s, mediator, 501);
    h = await scheduleHearing(s, mediator, c.id, standardParticipants(s, c));
    const pid = participantByRole(h, 'applicant').id;
    link = await issueLink(s, mediator, c.id, h.id, pid);
    revokedLink = await issueLink(s, mediator, c.id, h.id, pid);
    const id = partyIdentity(501).applicant;
    session = (await s.api('POST', '/api/join/verify', { body: { token: tokenOf(link.url), ...id } })).body.token;
    revokedSession = (await s.api('POST', '/api/join/verify', { body: { token: tokenOf(revokedLink.url), ...id } })).body.token;
    expect((await s.api('POST', `/api/cases/${c.id}/links/${revokedLink.id}/revoke`, { token: mediator, body: {} })).status).toBe(200);
    const past = new TokenService(s.services.keyring, { staffTtlSeconds: 600, participantTtlSeconds: 600, now: () => new Date(Date.now() - 3_600_000) });
    expiredStaff = past.signStaff({ staffId: s.staff.mediator.id, role: 'mediator', orgId: s.staff.mediator.orgId, sid: 'sess_0123456789abcdef' });
    expiredSession = past.signParticipant({ participantId: pid, linkId: link.id, caseId: c.id, hearingId: h.id, role: 'applicant' });
    const hearing = { startsAt: inDays(3), durationMinutes: 60, site: 'guangzhou', participants: [{ role: 'applicant', partyId: c.parties[0]!.id }] };
    // The later layers' write routes (pad, signing): an agreement to address; the bad bodies below must not touch it.
    const created = await s.api('POST', `/api/cases/${c.id}/agreements`, { token: mediator, body: { language: 'en', template: 'blank' } });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const agreementId = (created.body as { agreement: { id: string } }).agreement.id;
    const ag = `/api/agreements/${agreementId}`;
    const tooLong = 'x'.repeat(4001);
    endpoints = [
      { name: 'login', path: '/api/auth/login', valid: { username: 'demo.mediator', password: 'wrong-but-well-formed' }, wrongTypes: { username: 12, password: true }, staff: false },
      { name: 'create case', path: '/api/cases', valid: caseBody(502), wrongTypes: { ...caseBody(502), disputeTypes: 'unpaid_wages', claim: { amount: 12000, currency: 'CNY' } }, staff: true },
      { name: 'transition', path: `/api/cases/${c.id}/transitions`, valid: { to: 'mediating' }, wrongTypes: { to: 3, reason: ['x'] }, staff: true },
      { name: 'schedule', path: `/api/cases/${c.id}/hearings`, valid: hearing, wrongTypes: { ...hearing, durationMinutes: '60', startsAt: 'tomorrow' }, staff: true },
      { name: 'issue link', path: `/api/cases/${c.id}/hearings/${h.id}/links`, valid: { participantId: pid }, wrongTypes: { participantId: 42, expiresInHours: '1' }, staff: true },
      // Revoking needs no field at all: an over-long reason stands in for the "missing fields" case.
      { name: 'revoke', path: `/api/cases/${c.id}/links/${link.id}/revoke`, valid: { reason: 'r' }, wrongTypes: { reason: 5 }, missing: { reason: 'x'.repeat(501) }, staff: true },
      { name: 'inspect', path: '/api/join/inspect', valid: { token: tokenOf(link.url) }, wrongTypes: { token: 1234567890123 }, staff: false },
      { name: 'verify', path: '/api/join/verify', valid: { token: tokenOf(link.url), ...id }, wrongTypes: { token: tokenOf(link.url), name: 5, idNumber: 5 }, staff: false },
      // Pad and signing routes take a staff or a party session: staff: false keeps them out of the staff-only token test.
      { name: 'create agreement', path: `/api/cases/${c.id}/agreements`, valid: { language: 'en' }, wrongTypes: { language: 5, clauses: 'unpaid_wages' }, staff: false },
      { name: 'agreement fields', path: `${ag}/fields`, valid: { fields: { amount: '1' } }, wrongTypes: { fields: ['1'] }, staff: false },
      { name: 'name version', path: `${ag}/versions`, valid: { name: 'v1' }, wrongTypes: { name: 3 }, staff: false },
      // Lock and unlock need no field: an over-long reason stands in for "missing" (an empty body would lock).
      { name: 'lock', path: `${ag}/lock`, valid: {}, wrongTypes: { reason: 5 }, missing: { reason: tooLong }, staff: false },
      { name: 'unlock', path: `${ag}/unlock`, valid: {}, wrongTypes: { reason: 5 }, missing: { reason: tooLong }, staff: false },
      { name: 'clerk edit', path: `${ag}/clerk-edit`, valid: { allowed: true }, wrongTypes: { allowed: 'yes' }, staff: false },
      { name: 'signer set', path: `/api/signing/agreements/${agreementId}/signers`, valid: { lockSeq: 1, arbitrator: false }, wrongTypes: { lockSeq: '1', arbitrator: 'no' }, staff: true },
      { name: 'ask confirmation', path: `/api/signing/cases/${c.id}/confirmation`, valid: {}, wrongTypes: { note: 5 }, missing: { note: tooLong }, staff: false },
    ];
  });
  afterAll(async () => {
    await s?.close();
  });

  const send = (path: string, raw: string, headers: Record<string, string> = {}, token = mediator) =>
    s.api('POST', path, { raw, token, headers });

  it('refuses malformed JSON, wrong types, unknown and missing fields, non-objects, text bodies and bad charsets on every write endpoint, changing nothing', async () => {
    const before = await snapshot(s);
    for (const e of endpoints) {
      const cases: [string, string, Record<string, string>, number, string][] = [
        ['malformed', '{"to": "mediating",', {}, 400, 'VALIDATION_FAILED'],
        ['wrong types', JSON.stringify(e.wrongTypes), {}, 400, 'VALIDATION_FAILED'],
        ['unknown field', JSON.stringify({ ...e.valid, isAdmin: true }), {}, 400, 'VALIDATION_FAILED'],
        ['missing fields', JSON.stringify(e.missing ?? {}), {}, 400, 'VALIDATION_FAILED'],
        ['null', 'null', {}, 400, 'VALIDATION_FAILED'],
        ['array', '[]', {}, 400, 'VALIDATION_FAILED'],
        ['text/plain', JSON.stringify(e.valid), { 'content-type': 'text/plain' }, 415, 'UNSUPPORTED_MEDIA_TYPE'],
        ['form', 'to=mediating', { 'content-type': 'application/x-www-form-urlencoded' }, 415, 'UNSUPPORTED_MEDIA_TYPE'],
        ['charset', JSON.stringify(e.valid), { 'content-type': 'application/json; charset=latin1' }, 415, 'UNSUPPORTED_MEDIA_TYPE'],
      ];
      for (const [what, raw, headers, status, code] of cases) {
        const r = await send(e.path, raw, headers);
        expect(r.status, `${e.name}: ${what} ${JSON.stringify(r.body)}`).toBe(status);
        expectError(r, status, code as 'VALIDATION_FAILED');
        if (what === 'wrong types' || what === 'unknown field') {
          const issues = (r.body as any).error.details?.issues;
          expect(Array.isArray(issues) && issues.length > 0, `${e.name}: ${what} lists its issues`).toBe(true);
        }
      }
    }
    // A party with an unknown field, nested: refused too.
    const nested = caseBody(503);
    (nested.parties[0] as Record<string, unknown>).nationality = 'CN';
    expectError(await s.api('POST', '/api/cases', { token: mediator, body: nested }), 400, 'VALIDATION_FAILED');
    expectError(await s.api('POST', '/api/cases', { token: mediator, body: { ...caseBody(504), parties: caseBody(504).parties.slice(0, 1) } }), 400, 'VALIDATION_FAILED');
    expectError(await s.api('POST', '/api/cases', { token: mediator, body: { ...caseBody(505), claim: { amount: '12.345', currency: 'CNY' } } }), 400, 'VALIDATION_FAILED');
    expect(await snapshot(s)).toEqual(before);
  });

  it('answers 413 PAYLOAD_TOO_LARGE for a body over the limit (100 kB by default)', async () => {
    const before = await snapshot(s);
    const big = 'x'.repeat(101 * 1024);
    for (const e of endpoints) {
      const r = await send(e.path, JSON.stringify({ ...e.valid, summary: big }));
      expectError(r, 413, 'PAYLOAD_TOO_LARGE');
    }
    // Just under the limit is parsed (and refused only for its content).
    const summary = 'y'.repeat(4001);
    expectError(await s.api('POST', '/api/cases', { token: mediator, body: { ...caseBody(506), summary } }), 400, 'VALIDATION_FAILED');
    expect(await snapshot(s)).toEqual(before);
  });

  it('refuses invalid ids in paths with 400 and unknown ones with 404', async () => {
    const before = await snapshot(s);
    const bad = ['bad%20id', 'x'.repeat(65), '%E6%A1%88%E4%BB%B6', 'a.b', "1'or'1'='1"];
    for (const id of bad) {
      expectError(await s.api('GET', `/api/cases/${id}`, { token: mediator }), 400, 'VALIDATION_FAILED');
      expectError(await s.api('GET', `/api/cases/${id}/audit`, { token: mediator }), 400, 'VALIDATION_FAILED');
      expectError(await s.api('POST', `/api/cases/${id}/transitions`, { token: mediator, body: { to: 'mediating' } }), 400, 'VALIDATION_FAILED');
      expectError(await s.api('POST', `/api/cases/${c.id}/hearings/${id}/links`, { token: mediator, body: { participantId: 'ptc_x' } }), 400, 'VALIDATION_FAILED');
      expectError(await s.api('POST', `/api/cases/${c.id}/links/${id}/revoke`, { token: mediator, body: {} }), 400, 'VALIDATION_FAILED');
    }
    expectError(await s.api('GET', '/api/cases/case_unknown', { token: mediator }), 404, 'NOT_FOUND');
    expectError(await s.api('POST', `/api/cases/${c.id}/hearings/hrg_unknown/links`, { token: mediator, body: { participantId: 'ptc_x' } }), 404, 'NOT_FOUND');
    expectError(await s.api('POST', `/api/cases/${c.id}/hearings/${h.id}/links`, { token: mediator, body: { participantId: 'ptc_unknown' } }), 404, 'NOT_FOUND');
    expectError(await s.api('POST', `/api/cases/${c.id}/hearings`, {
      token: mediator, body: { startsAt: inDays(3), durationMinutes: 60, site: 'guangzhou', participants: [{ role: 'applicant', partyId: 'pty_unknown' }] },
    }), 400, 'VALIDATION_FAILED');
    expect(await snapshot(s)).toEqual(before);
  });

  it('refuses missing, garbage, expired, revoked and wrong-kind tokens on every staff route, changing nothing', async () => {
    const before = await snapshot(s);
    const auths: [string, Record<string, string>, string][] = [
      ['missing', {}, 'UNAUTHENTICATED'],
      ['garbage', { authorization: 'Bearer garbage.garbage.garbage' }, 'UNAUTHENTICATED'],
      ['empty bearer', { authorization: 'Bearer ' }, 'UNAUTHENTICATED'],
      ['basic', { authorization: `Basic ${Buffer.from(`demo.mediator:${DEMO_PASSWORD}`).toString('base64')}` }, 'UNAUTHENTICATED'],
      ['expired staff', { authorization: `Bearer ${expiredStaff}` }, 'TOKEN_EXPIRED'],
      ['participant session', { authorization: `Bearer ${session}` }, 'UNAUTHENTICATED'],
      ['revoked participant session', { authorization: `Bearer ${revokedSession}` }, 'UNAUTHENTICATED'],
      ['link token', { authorization: `Bearer ${tokenOf(link.url)}` }, 'UNAUTHENTICATED'],
    ];
    const routes = [
      ...endpoints.filter((e) => e.staff).map((e) => ({ method: 'POST', path: e.path, body: e.valid as unknown })),
      { method: 'GET', path: '/api/cases', body: undefined },
      { method: 'GET', path: `/api/cases/${c.id}`, body: undefined },
      { method: 'GET', path: `/api/cases/${c.id}/audit`, body: undefined },
      { method: 'GET', path: '/api/auth/me', body: undefined },
      { method: 'GET', path: '/api/staff', body: undefined },
    ];
    for (const [what, headers, code] of auths) {
      for (const r of routes) {
        const res = await s.api(r.method, r.path, { headers, body: r.body });
        expect(res.status, `${what} ${r.method} ${r.path}`).toBe(401);
        expectError(res, 401, code as 'UNAUTHENTICATED');
      }
    }
    const me = (token: string) => s.api('GET', '/api/participant/me', { token });
    expectError(await me(revokedSession), 401, 'TOKEN_REVOKED');
    expectError(await me(expiredSession), 401, 'TOKEN_EXPIRED');
    expectError(await me(mediator), 401, 'UNAUTHENTICATED');
    expectError(await me(expiredStaff), 401, 'UNAUTHENTICATED');
    expectError(await s.api('GET', '/api/participant/me'), 401, 'UNAUTHENTICATED');
    expect((await me(session)).status).toBe(200);
    expect(await snapshot(s)).toEqual(before);
  });

  it('login: wrong password and unknown user answer 401 alike; every attempt is audited', async () => {
    const orgChain = `org:${s.staff.mediator.orgId}`;
    const org = (await s.services.audit.entries(orgChain)).length;
    const sys = (await s.services.audit.entries('system')).length;
    const wrong = await s.api('POST', '/api/auth/login', { body: { username: 'demo.mediator', password: 'not-the-password' } });
    const unknown = await s.api('POST', '/api/auth/login', { body: { username: 'nobody.here', password: 'whatever' } });
    expectError(wrong, 401, 'UNAUTHENTICATED');
    expectError(unknown, 401, 'UNAUTHENTICATED');
    expect((unknown.body as any).error.message).toBe((wrong.body as any).error.message);
    const ok = await s.api('POST', '/api/auth/login', { body: { username: 'demo.mediator', password: DEMO_PASSWORD } });
    expect(ok.status).toBe(200);
    expect(ok.body.staff).toMatchObject({ username: 'demo.mediator', role: 'mediator' });
    expect(ok.body.staff).not.toHaveProperty('passwordHash');

    const orgEntries = (await s.services.audit.entries(orgChain)).slice(org);
    expect(orgEntries.map((e) => [e.actor, e.action])).toEqual([
      [`staff:${s.staff.mediator.id}`, 'login.failed'], [`staff:${s.staff.mediator.id}`, 'login.succeeded'],
    ]);
    expect(JSON.stringify(orgEntries)).not.toContain('not-the-password');
    const sysEntries = (await s.services.audit.entries('system')).slice(sys);
    expect(sysEntries).toEqual([expect.objectContaining({ actor: 'anonymous', action: 'login.failed', data: expect.objectContaining({ username: 'nobody.here' }) })]);
    expect((await s.services.audit.verify(orgChain)).ok).toBe(true);
    expect((await s.services.audit.verify('system')).ok).toBe(true);
  });

  it('serves health, readiness, metrics and the OpenAPI document', async () => {
    expect(await s.api('GET', '/healthz')).toEqual({ status: 200, body: { status: 'ok' } });
    expect(await s.api('GET', '/readyz')).toEqual({ status: 200, body: { status: 'ready' } });
    expect((await s.api('GET', '/api/no-such-route')).status).toBe(404);
    const metrics = await fetch(`${s.url}/metrics`);
    expect(metrics.status).toBe(200);
    const text = await metrics.text();
    expect(text).toContain('# TYPE concord_http_request_duration_seconds histogram');
    // Labelled by route pattern, also for refused requests (the earlier tests' 400s), never by raw path.
    const count = (method: string, route: string, status: number) => `concord_http_request_duration_seconds_count{method="${method}",route="${route}",status="${status}"}`;
    expect(text).toContain(count('GET', '/api/cases/:caseId', 400));
    expect(text).toContain(count('POST', '/api/cases/:caseId/transitions', 400));
    expect(text).toContain(count('POST', '/api/auth/login', 401));
    expect(text).toContain(count('GET', 'unmatched', 404));
    expect(text).not.toContain(c.id);

    const doc = (await s.api('GET', '/api/openapi.json')).body;
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.paths['/api/cases']).toHaveProperty('get');
    let schema = doc.paths['/api/cases'].post.requestBody.content['application/json'].schema;
    if (schema.$ref) schema = doc.components.schemas[schema.$ref.split('/').pop()];
    expect(Object.keys(schema.properties).sort()).toEqual(Object.keys(CreateCaseBody.shape).sort());
    expect(schema.required).toEqual(expect.arrayContaining(['disputeTypes', 'claim', 'parties']));
    expect(schema.additionalProperties).toBe(false);
    expect(doc.paths['/api/cases/{caseId}/transitions']).toHaveProperty('post');
  });

  it('answers unknown API routes with the error shape; sends security headers; no CORS for a foreign origin', async () => {
    expectError(await s.api('GET', '/api/nope'), 404, 'NOT_FOUND');
    expectError(await s.api('POST', `/api/cases/${c.id}/nope`, { token: mediator, body: {} }), 404, 'NOT_FOUND');
    expectError(await s.api('DELETE', `/api/cases/${c.id}`, { token: mediator }), 404, 'NOT_FOUND');
    const res = await fetch(`${s.url}/api/meta`, { headers: { origin: 'https://evil.example' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    expect(res.headers.get('x-powered-by')).toBeNull();
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    const pre = await fetch(`${s.url}/api/cases`, { method: 'OPTIONS', headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' } });
    expect(pre.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe.each<DbKind>(['sqlite', 'postgres'])('configured limits (%s)', (db) => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer(db, { CONCORD_LOGIN_MAX_ATTEMPTS: '3', CONCORD_BODY_LIMIT_KB: '1', CONCORD_CORS_ORIGINS: 'https://concord.example' });
  });
  afterAll(async () => {
    await s?.close();
  });

  it('CONCORD_BODY_LIMIT_KB=1 refuses a 2 kB body with 413, before any authentication', async () => {
    const before = await snapshot(s);
    const body = { ...caseBody(1), summary: 'z'.repeat(2048) };
    expectError(await s.api('POST', '/api/cases', { body }), 413, 'PAYLOAD_TOO_LARGE');
    expectError(await s.api('POST', '/api/auth/login', { body: { username: 'demo.mediator', password: 'p'.repeat(2048) } }), 413, 'PAYLOAD_TOO_LARGE');
    expect(await snapshot(s)).toEqual(before);
  });

  it('after CONCORD_LOGIN_MAX_ATTEMPTS failed logins even the right password gets 429', async () => {
    const chain = `org:${s.staff.mediator.orgId}`;
    const before = (await s.services.audit.entries(chain)).length;
    for (let i = 0; i < 3; i++) {
      expectError(await s.api('POST', '/api/auth/login', { body: { username: 'demo.mediator', password: `wrong-${i}` } }), 401, 'UNAUTHENTICATED');
    }
    const limited = await s.api('POST', '/api/auth/login', { body: { username: 'demo.mediator', password: DEMO_PASSWORD } });
    expectError(limited, 429, 'RATE_LIMITED');
    const added = (await s.services.audit.entries(chain)).slice(before);
    expect(added.map((e) => e.action)).toEqual(['login.failed', 'login.failed', 'login.failed']);
  });

  it('sends CORS headers to a configured origin only', async () => {
    const ok = await fetch(`${s.url}/api/meta`, { headers: { origin: 'https://concord.example' } });
    expect(ok.headers.get('access-control-allow-origin')).toBe('https://concord.example');
    const foreign = await fetch(`${s.url}/api/meta`, { headers: { origin: 'https://concord.example.evil.example' } });
    expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
  });
});
