import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type DbKind, type TestServer } from '../helpers/server.js';
import { expectError, snapshot } from '../helpers/fixtures.js';
import type { CourtPackageView, SigningStatusView } from '../../signaling/protocol/signing.js';
import { demoWithSessions, download, lock, pdfsig, signAs, type Demo } from '../signing/helpers.js';

/** Judicial confirmation end to end over HTTP on both stores: request, the court's package, confirm, reject. */
describe.each<DbKind>(['sqlite', 'postgres'])('judicial confirmation (%s)', (db) => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer(db);
  });
  afterAll(async () => {
    await s?.close();
  });

  async function effectiveDemo(): Promise<Demo> {
    const d = await demoWithSessions(s);
    await lock(s, d.mediator, d.demo.agreementId);
    for (const [token, role] of [[d.applicant, 'applicant'], [d.respondent, 'respondent'], [d.mediator, 'mediator']] as const) {
      const r = await signAs(s, token, d.demo.agreementId, role);
      expect(r.status, JSON.stringify(r.body)).toBe(201);
    }
    return d;
  }
  const caseStatus = async (d: Demo) => (await s.api('GET', `/api/cases/${d.demo.caseId}`, { token: d.mediator })).body.status as string;

  it('a party requests, the judge reviews the package and confirms with a ruling sealed by the court', async () => {
    const d = await effectiveDemo();
    const req = await s.api('POST', `/api/signing/cases/${d.demo.caseId}/confirmation`, { token: d.applicant, body: { note: '请予确认' } });
    expect(req.status, JSON.stringify(req.body)).toBe(201);
    expect(req.body.status).toBe('requested');
    expect(await caseStatus(d)).toBe('confirmation_requested');
    // A second request while one is open is refused.
    const again = await s.api('POST', `/api/signing/cases/${d.demo.caseId}/confirmation`, { token: d.respondent, body: {} });
    expect(again.status).toBe(409);

    const queue = await s.api('GET', '/api/court/queue', { token: d.judge });
    expect(queue.status).toBe(200);
    const item = queue.body.items.find((i: { caseId: string }) => i.caseId === d.demo.caseId);
    expect(item).toMatchObject({ status: 'requested', caseNumber: d.demo.caseNumber });

    const pkg = (await s.api<CourtPackageView>('GET', `/api/court/requests/${item.id}`, { token: d.judge })).body;
    expect(pkg.documents.map((x) => x.kind).sort()).toEqual(['agreement', 'performance_notice']);
    expect(pkg.signatures).toHaveLength(3);
    expect(pkg.audit.verification.ok).toBe(true);
    expect(pkg.audit.entries.some((e) => e.action === 'agreement.sealed')).toBe(true);
    expect(pkg.identityChecks.filter((c) => c.ok).length).toBeGreaterThanOrEqual(2);
    expect(pkg.hearingRecord).toHaveLength(1);
    expect(Array.isArray(pkg.recordings)).toBe(true);
    expect(pkg.agreement.text).toContain('调解协议书');
    expect(pkg.certificate).toMatchObject({ documentSha256: pkg.agreement.sha256 });

    // Non-court users: the mediator (who can read the case) and a party are refused, nothing changes.
    const snap = await snapshot(s);
    expectError(await s.api('POST', `/api/court/requests/${item.id}/confirm`, { token: d.mediator, body: {} }), 403, 'PERMISSION_DENIED');
    expectError(await s.api('POST', `/api/court/requests/${item.id}/reject`, { token: d.mediator, body: { reasons: 'not mine to decide' } }), 403, 'PERMISSION_DENIED');
    expectError(await s.api('POST', `/api/court/requests/${item.id}/confirm`, { token: d.applicant, body: {} }), 401, 'UNAUTHENTICATED');
    expectError(await s.api('GET', '/api/court/queue', { token: d.mediator }), 403, 'PERMISSION_DENIED');
    expectError(await s.api('POST', `/api/court/requests/${item.id}/reject`, { token: d.judge, body: { reasons: 'x' } }), 400, 'VALIDATION_FAILED');
    expect(await snapshot(s)).toEqual(snap);

    const ok = await s.api('POST', `/api/court/requests/${item.id}/confirm`, { token: d.judge, body: { note: '经审查，协议合法有效。' } });
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    expect(ok.body.status).toBe('confirmed');
    expect(ok.body.ruling.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(await caseStatus(d)).toBe('confirmed');
    // Deciding twice is refused.
    expectError(await s.api('POST', `/api/court/requests/${item.id}/reject`, { token: d.judge, body: { reasons: 'changed my mind' } }), 409, 'INVALID_STATE');

    // The parties see the outcome and the ruling.
    const mine = await s.api('GET', '/api/signing/mine', { token: d.respondent });
    expect(mine.body.confirmation).toMatchObject({ status: 'confirmed' });
    const trail = await s.services.audit.entries(d.demo.caseId);
    expect(trail.map((e) => e.action)).toEqual(expect.arrayContaining(['court.confirmation_requested', 'court.confirmed']));
    expect((await s.services.audit.verify(d.demo.caseId)).ok).toBe(true);

    if (db === 'sqlite') {
      const { file } = await download(s, ok.body.ruling.url, 'ruling.pdf');
      const v = await pdfsig(file);
      expect(v.signatures, v.out).toHaveLength(1);
      expect(v.signatures[0]!.valid, v.out).toBe(true);
      expect(v.out).toMatch(/Total document signed/);
    }
  });

  it('the judge rejects with reasons; the parties see them', async () => {
    const d = await effectiveDemo();
    const req = await s.api('POST', `/api/signing/cases/${d.demo.caseId}/confirmation`, { token: d.mediator, body: {} });
    expect(req.status, JSON.stringify(req.body)).toBe(201);
    const reasons = '协议第二条的支付期限与劳动合同法第五十条不符，请重新调解。';
    const r = await s.api('POST', `/api/court/requests/${req.body.id}/reject`, { token: d.judge, body: { reasons } });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toMatchObject({ status: 'rejected', reasons });
    expect(await caseStatus(d)).toBe('confirmation_rejected');
    const mine = await s.api('GET', '/api/signing/mine', { token: d.applicant });
    expect(mine.body.confirmation).toMatchObject({ status: 'rejected', reasons });
    const st = mine.body.agreements[0] as SigningStatusView;
    expect(st.confirmation?.reasons).toBe(reasons);
    const trail = await s.services.audit.entries(d.demo.caseId);
    expect(trail.find((e) => e.action === 'court.rejected')?.data).toMatchObject({ reasons });
  });
});
