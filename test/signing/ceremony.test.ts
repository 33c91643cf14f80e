import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type DbKind, type TestServer } from '../helpers/server.js';
import { expectError, snapshot } from '../helpers/fixtures.js';
import type { SigningStatusView } from '../../signaling/protocol/signing.js';
import { demoWithSessions, lock, signAs, signaturePng, status, type Demo } from './helpers.js';

/**
 * The signing ceremony over HTTP on both stores: signatures in any order, the case effective only after the last one
 * and the seal, unlock voiding what was signed, and every refusal with a clear error and nothing recorded.
 */
describe.each<DbKind>(['sqlite', 'postgres'])('signing ceremony (%s)', (db) => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer(db);
  });
  afterAll(async () => {
    await s?.close();
  });

  const caseStatus = async (d: Demo) => (await s.api('GET', `/api/cases/${d.demo.caseId}`, { token: d.mediator })).body.status as string;

  it('collects the signatures in any order; the case is agreed only after the last one and the seal', async () => {
    const d = await demoWithSessions(s);
    const agreementId = d.demo.agreementId;
    const before = await status(s, d.applicant, agreementId);
    expect(before.agreementStatus).toBe('drafting');
    const locked = await lock(s, d.mediator, agreementId);

    const st = await status(s, d.applicant, agreementId);
    expect(st.sha256).toBe(locked.sha256);
    expect(st.text).toBe(locked.text);
    expect(st.slots.map((x) => x.role).sort()).toEqual(['applicant', 'mediator', 'respondent']);
    expect(st.me?.role).toBe('applicant');

    // Mediator first, then respondent: not effective yet.
    expect((await signAs(s, d.mediator, agreementId, 'mediator')).status).toBe(201);
    expect((await signAs(s, d.respondent, agreementId, 'respondent', { seed: 2 })).status).toBe(201);
    const mid = await status(s, d.mediator, agreementId);
    expect(mid.effective).toBe(false);
    expect(mid.slots.filter((x) => x.signed)).toHaveLength(2);
    expect(await caseStatus(d)).toBe('scheduled');
    expect(mid.documents).toEqual([]);

    const last = await signAs(s, d.applicant, agreementId, 'applicant', { seed: 3, userAgent: 'Mozilla/5.0 test-applicant' });
    expect(last.status, JSON.stringify(last.body)).toBe(201);
    const done = last.body.status as SigningStatusView;
    expect(done.effective).toBe(true);
    expect(done.sealError).toBeNull();
    expect(done.documents.map((x) => x.kind).sort()).toEqual(['agreement', 'performance_notice']);
    expect(await caseStatus(d)).toBe('agreed');

    // The audit chain: one entry per signature with who, role, time, IP, user agent and both hashes; then the seal.
    const trail = (await s.api('GET', `/api/cases/${d.demo.caseId}/audit`, { token: d.mediator })).body;
    expect(trail.verification.ok).toBe(true);
    const signed = trail.entries.filter((e: { action: string }) => e.action === 'signature.signed');
    expect(signed).toHaveLength(3);
    const a = signed.find((e: { data: { role: string } }) => e.data.role === 'applicant').data;
    expect(a).toMatchObject({ documentSha256: locked.sha256, userAgent: 'Mozilla/5.0 test-applicant', method: 'drawn' });
    expect(a.ip).toMatch(/127\.0\.0\.1/);
    expect(a.imageSha256).toMatch(/^[0-9a-f]{64}$/);
    const actions = trail.entries.map((e: { action: string }) => e.action);
    expect(actions.indexOf('agreement.sealed')).toBeGreaterThan(actions.lastIndexOf('signature.signed'));
    expect(actions).toContain('performance_notice.issued');
    const statusChanges = trail.entries.filter((e: { action: string }) => e.action === 'case.status_changed').map((e: { data: { to: string } }) => e.data.to);
    expect(statusChanges.slice(-2)).toEqual(['mediating', 'agreed']);

    // Staff see IP and user agent; parties do not.
    const staffView = await status(s, d.mediator, agreementId);
    expect(staffView.slots.every((x) => x.signature?.ip)).toBe(true);
    const partyView = await status(s, d.respondent, agreementId);
    expect(partyView.slots.some((x) => x.signature?.ip)).toBe(false);

    // The signatures table holds exactly the three, bound to the locked text.
    const rows = await s.services.store.db.selectFrom('signatures').selectAll().where('agreement_id', '=', agreementId).execute();
    expect(rows).toHaveLength(3);
    expect(rows.every((r) => r.document_sha256 === locked.sha256 && r.voided_at === null)).toBe(true);

    // Effective agreements bind: unlocking the draft later voids nothing and the sealed text stays what everyone sees.
    const un = await s.api('POST', `/api/agreements/${agreementId}/unlock`, { token: d.mediator, body: { reason: 'after seal' } });
    if (un.status === 200) {
      const still = await s.services.store.db.selectFrom('signatures').select('voided_at').where('agreement_id', '=', agreementId).execute();
      expect(still.every((r) => r.voided_at === null)).toBe(true);
      const after = await status(s, d.applicant, agreementId);
      expect(after).toMatchObject({ effective: true, sha256: locked.sha256, text: locked.text, lockSeq: locked.lockSeq });
    }
  });

  it('when the procedure needs the arbitrator, the agreement waits for the arbitrator too', async () => {
    const d = await demoWithSessions(s);
    const agreementId = d.demo.agreementId;
    const locked = await lock(s, d.mediator, agreementId);
    // Only the mediator decides, and only before the first signature.
    const arbitrator = await s.login('demo.arbitrator.hk');
    expectError(await s.api('POST', `/api/signing/agreements/${agreementId}/signers`, { token: arbitrator, body: { lockSeq: locked.lockSeq, arbitrator: true } }), 403, 'PERMISSION_DENIED');
    const set = await s.api('POST', `/api/signing/agreements/${agreementId}/signers`, { token: d.mediator, body: { lockSeq: locked.lockSeq, arbitrator: true } });
    expect(set.status, JSON.stringify(set.body)).toBe(200);
    expect(set.body.slots.map((x: { role: string }) => x.role)).toContain('arbitrator');
    for (const [token, role] of [[d.applicant, 'applicant'], [d.respondent, 'respondent'], [d.mediator, 'mediator']] as const) {
      expect((await signAs(s, token, agreementId, role)).status).toBe(201);
    }
    expect((await status(s, d.mediator, agreementId)).effective).toBe(false);
    expect(await caseStatus(d)).toBe('scheduled');
    expectError(await s.api('POST', `/api/signing/agreements/${agreementId}/signers`, { token: d.mediator, body: { lockSeq: locked.lockSeq, arbitrator: false } }), 409, 'INVALID_STATE');
    const last = await signAs(s, arbitrator, agreementId, 'arbitrator');
    expect(last.status, JSON.stringify(last.body)).toBe(201);
    expect(last.body.status.effective).toBe(true);
    expect(await caseStatus(d)).toBe('agreed');
  });

  it('unlocking voids the signatures of that lock; a new lock starts again', async () => {
    const d = await demoWithSessions(s);
    const agreementId = d.demo.agreementId;
    await lock(s, d.mediator, agreementId);
    expect((await signAs(s, d.applicant, agreementId, 'applicant')).status).toBe(201);
    const un = await s.api('POST', `/api/agreements/${agreementId}/unlock`, { token: d.mediator, body: { reason: 'clause 3 changes' } });
    expect(un.status, JSON.stringify(un.body)).toBe(200);
    const rows = await s.services.store.db.selectFrom('signatures').selectAll().where('agreement_id', '=', agreementId).execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]!.voided_at).not.toBeNull();
    const trail = await s.services.audit.entries(d.demo.caseId);
    expect(trail.find((e) => e.action === 'signature.voided')?.data).toMatchObject({ agreementId, lockSeq: 1, count: 1 });

    const relocked = await lock(s, d.mediator, agreementId);
    expect(relocked.lockSeq).toBe(2);
    const st = await status(s, d.applicant, agreementId);
    expect(st.slots.every((x) => !x.signed)).toBe(true);
    expect((await signAs(s, d.applicant, agreementId, 'applicant')).status).toBe(201);
  });

  it('refuses with a clear error and records nothing: unlocked, changed text, twice, another role, wrong code, not effective', async () => {
    const d = await demoWithSessions(s);
    const agreementId = d.demo.agreementId;
    const png = signaturePng();
    const body = (over: Record<string, unknown> = {}) => ({
      role: 'applicant', lockSeq: 1, documentSha256: 'a'.repeat(64), otpId: 'otp_x', code: '123456', method: 'drawn', image: png, ...over,
    });
    const sign = (token: string, b: unknown) => s.api('POST', `/api/signing/agreements/${agreementId}/sign`, { token, body: b });

    // Not locked yet.
    let snap = await snapshot(s);
    let r = await sign(d.applicant, body());
    expectError(r, 409, 'INVALID_STATE');
    expect(r.body.error.details.reason).toBe('not_locked');
    r = await s.api('POST', `/api/signing/agreements/${agreementId}/otp`, { token: d.applicant, body: { role: 'applicant', lockSeq: 1, documentSha256: 'a'.repeat(64) } });
    expectError(r, 409, 'INVALID_STATE');
    expect(await snapshot(s)).toEqual(snap);

    const locked = await lock(s, d.mediator, agreementId);
    const otp = await s.api('POST', `/api/signing/agreements/${agreementId}/otp`, { token: d.applicant, body: { role: 'applicant', lockSeq: locked.lockSeq, documentSha256: locked.sha256 } });
    expect(otp.status).toBe(201);
    const good = body({ lockSeq: locked.lockSeq, documentSha256: locked.sha256, otpId: otp.body.otpId, code: otp.body.delivery.code });
    snap = await snapshot(s);

    // A text other than the locked one (the client sends the hash it saw), or an older lock.
    r = await sign(d.applicant, { ...good, documentSha256: 'b'.repeat(64) });
    expectError(r, 409, 'CONFLICT');
    expect(r.body.error.details).toMatchObject({ reason: 'text_changed', sha256: locked.sha256 });
    r = await sign(d.applicant, { ...good, lockSeq: locked.lockSeq + 1 });
    expectError(r, 409, 'CONFLICT');

    // Another role: the applicant signing for the respondent or the mediator.
    r = await sign(d.applicant, { ...good, role: 'respondent' });
    expectError(r, 403, 'PERMISSION_DENIED');
    expect(r.body.error.details.reason).toBe('wrong_role');
    r = await sign(d.applicant, { ...good, role: 'mediator' });
    expectError(r, 403, 'PERMISSION_DENIED');
    // Court and clerk do not sign.
    r = await sign(d.judge, { ...good, role: 'mediator' });
    expect([403, 404]).toContain(r.status);

    // A wrong one-time code; a code of another signer.
    const wrong = otp.body.delivery.code === '000000' ? '111111' : '000000';
    r = await sign(d.applicant, { ...good, code: wrong });
    expectError(r, 400, 'VALIDATION_FAILED');
    expect(r.body.error.details).toMatchObject({ reason: 'otp_mismatch', attemptsLeft: 4 });
    r = await sign(d.respondent, { ...good, role: 'respondent' });
    expectError(r, 400, 'VALIDATION_FAILED');
    expect(r.body.error.details.reason).toBe('otp_unknown');

    // Bad images and bad bodies.
    r = await sign(d.applicant, { ...good, image: 'data:image/png;base64,AAAA' });
    expectError(r, 400, 'VALIDATION_FAILED');
    r = await sign(d.applicant, { ...good, extra: 1 });
    expectError(r, 400, 'VALIDATION_FAILED');
    r = await sign(d.applicant, { ...good, method: 'typed' });
    expectError(r, 400, 'VALIDATION_FAILED');
    r = await s.api('POST', `/api/signing/agreements/${agreementId}/sign`, { body: good });
    expectError(r, 401, 'UNAUTHENTICATED');

    // Confirming an agreement that is not effective.
    r = await s.api('POST', `/api/signing/cases/${d.demo.caseId}/confirmation`, { token: d.applicant, body: {} });
    expectError(r, 409, 'INVALID_STATE');
    expect(r.body.error.details.reason).toBe('not_effective');
    r = await s.api('POST', `/api/signing/cases/${d.demo.caseId}/confirmation`, { token: d.mediator, body: {} });
    expectError(r, 409, 'INVALID_STATE');
    expect(await snapshot(s)).toEqual(snap);

    // The right code works once; signing twice is refused and changes nothing.
    r = await sign(d.applicant, good);
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    snap = await snapshot(s);
    r = await sign(d.applicant, good);
    expectError(r, 409, 'CONFLICT');
    expect(r.body.error.details.reason).toBe('already_signed');
    r = await s.api('POST', `/api/signing/agreements/${agreementId}/otp`, { token: d.applicant, body: { role: 'applicant', lockSeq: locked.lockSeq, documentSha256: locked.sha256 } });
    expectError(r, 409, 'CONFLICT');
    expect(await snapshot(s)).toEqual(snap);
  });

  it('the OpenAPI document lists the signing and court routes with their body schemas', async () => {
    const doc = (await s.api('GET', '/api/openapi.json')).body;
    expect(doc.paths['/api/signing/agreements/{agreementId}/sign']).toHaveProperty('post');
    expect(doc.paths['/api/court/requests/{id}/reject']).toHaveProperty('post');
    let schema = doc.paths['/api/signing/agreements/{agreementId}/sign'].post.requestBody.content['application/json'].schema;
    if (schema.$ref) schema = doc.components.schemas[schema.$ref.split('/').pop()];
    expect(Object.keys(schema.properties)).toEqual(expect.arrayContaining(['role', 'lockSeq', 'documentSha256', 'otpId', 'code', 'method', 'image']));
  });

  it('a code is good for a few attempts only', async () => {
    const d = await demoWithSessions(s);
    const agreementId = d.demo.agreementId;
    const locked = await lock(s, d.mediator, agreementId);
    const otp = await s.api('POST', `/api/signing/agreements/${agreementId}/otp`, { token: d.respondent, body: { role: 'respondent', lockSeq: locked.lockSeq, documentSha256: locked.sha256 } });
    const wrong = otp.body.delivery.code === '000000' ? '111111' : '000000';
    const b = { role: 'respondent', lockSeq: locked.lockSeq, documentSha256: locked.sha256, otpId: otp.body.otpId, method: 'drawn', image: signaturePng() };
    for (let i = 0; i < 5; i++) {
      const r = await s.api('POST', `/api/signing/agreements/${agreementId}/sign`, { token: d.respondent, body: { ...b, code: wrong } });
      expect(r.body.error.details.reason).toBe('otp_mismatch');
    }
    const r = await s.api('POST', `/api/signing/agreements/${agreementId}/sign`, { token: d.respondent, body: { ...b, code: otp.body.delivery.code } });
    expectError(r, 400, 'VALIDATION_FAILED');
    expect(r.body.error.details.reason).toBe('otp_exhausted');
    const row = await s.services.store.db.selectFrom('signing_otps').select(['code_hash', 'attempts']).where('id', '=', otp.body.otpId).executeTakeFirstOrThrow();
    expect(row.code_hash).not.toContain(otp.body.delivery.code);
    expect(Number(row.attempts)).toBe(5);
  });
});
