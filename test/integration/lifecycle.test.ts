import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CaseListResult, CaseView } from '../../signaling/protocol/api.js';
import { caseBody, startTestServer, type DbKind, type TestServer } from '../helpers/server.js';
import {
  auditLength, createCase, expectError, scheduleHearing, standardParticipants, transition,
} from '../helpers/fixtures.js';

const REGISTERED_BY_MEDIATION = ['scheduled', 'withdrawn', 'referred_to_arbitration'];

describe.each<DbKind>(['sqlite', 'postgres'])('case lifecycle (%s)', (db) => {
  let s: TestServer;
  let mediator: string;
  let clerk: string;
  let judge: string;
  let admin: string;
  const year = new Date().getUTCFullYear();

  beforeAll(async () => {
    s = await startTestServer(db);
    [mediator, clerk, judge, admin] = await Promise.all([s.login('demo.mediator'), s.login('demo.clerk'), s.login('demo.judge'), s.login('demo.admin')]);
  });
  afterAll(async () => {
    await s?.close();
  });

  const get = (token: string, id: string) => s.api<CaseView>('GET', `/api/cases/${id}`, { token });
  const status = async (id: string) => (await s.services.cases.get(id)).status;
  /**
   * `agreed` is the seal's step (test/signing and test/court drive the real ceremony); here the case is moved through the
   * store the way server/signing/seal.ts does it, so the rest of the lifecycle can be walked without rendering PDFs.
   */
  async function sealedAgreed(id: string): Promise<void> {
    await s.services.store.db.transaction().execute(async (trx) => {
      await s.services.cases.setStatus(trx, await s.services.cases.get(id, trx), 'agreed', 'system:seal', 'all signatures collected and the organisation seal applied');
    });
  }

  /** A case taken by the mediator up to `confirmation_requested`, with or without the judge on its hearing. */
  async function caseAtConfirmationRequested(n: number, withJudge: boolean): Promise<CaseView> {
    const c = await createCase(s, mediator, n);
    await scheduleHearing(s, mediator, c.id, standardParticipants(s, c, withJudge ? ['mediator', 'court'] : ['mediator']));
    expect((await transition(s, mediator, c.id, 'mediating')).status).toBe(200);
    await sealedAgreed(c.id);
    expect((await transition(s, mediator, c.id, 'confirmation_requested')).status).toBe(200);
    return c;
  }

  it('walks registered → scheduled (by scheduling) → mediating → agreed (by the seal) → confirmation_requested → confirmed by the assigned judge', async () => {
    const c = await createCase(s, mediator, 1);
    expect(c.status).toBe('registered');
    expect(c.allowedTransitions.sort()).toEqual([...REGISTERED_BY_MEDIATION].sort());
    expect(await auditLength(s, c.id)).toBe(1);

    await scheduleHearing(s, mediator, c.id, standardParticipants(s, c, ['mediator', 'court']));
    const scheduled = await get(mediator, c.id);
    expect(scheduled.body.status).toBe('scheduled');
    const trail = await s.services.audit.entries(c.id);
    expect(trail.map((e) => e.action)).toEqual(['case.registered', 'hearing.scheduled', 'case.status_changed']);
    expect(trail[2]!.data).toMatchObject({ from: 'registered', to: 'scheduled' });

    const mediating = await transition(s, mediator, c.id, 'mediating');
    expect(mediating.body.status).toBe('mediating');
    expect(mediating.body.allowedTransitions).not.toContain('agreed');
    await sealedAgreed(c.id);
    const r = await transition(s, mediator, c.id, 'confirmation_requested');
    expect(r.status).toBe(200);
    expect(r.body.status).toBe('confirmation_requested');
    expect((await get(mediator, c.id)).body.allowedTransitions).toEqual([]);
    expect((await get(judge, c.id)).body.allowedTransitions.sort()).toEqual(['confirmation_rejected', 'confirmed']);

    // Only the court decides a confirmation: the mediator may not.
    const before = await auditLength(s, c.id);
    expectError(await transition(s, mediator, c.id, 'confirmed'), 403, 'PERMISSION_DENIED');
    expect(await status(c.id)).toBe('confirmation_requested');

    const confirmed = await transition(s, judge, c.id, 'confirmed');
    expect(confirmed.status).toBe(200);
    expect(confirmed.body.status).toBe('confirmed');
    const entries = await s.services.audit.entries(c.id);
    expect(entries).toHaveLength(before + 1);
    expect(entries.at(-1)).toMatchObject({ actor: `staff:${s.staff.court.id}`, action: 'case.status_changed', data: { from: 'confirmation_requested', to: 'confirmed' } });
    // The judge cannot take the mediation organisation's steps.
    expectError(await transition(s, judge, c.id, 'archived'), 403, 'PERMISSION_DENIED');
    expect((await transition(s, mediator, c.id, 'archived')).body.status).toBe('archived');
    expect((await s.api('GET', `/api/cases/${c.id}/audit/verify`, { token: mediator })).body.ok).toBe(true);
  });

  it('nobody moves a case to agreed by hand: only the signing service\'s seal does, and a refused attempt changes nothing', async () => {
    const c = await createCase(s, mediator, 20);
    await scheduleHearing(s, mediator, c.id, standardParticipants(s, c, ['mediator', 'court']));
    expect((await transition(s, mediator, c.id, 'mediating')).status).toBe(200);
    const before = await auditLength(s, c.id);
    for (const token of [mediator, admin, judge, clerk]) {
      const r = await transition(s, token, c.id, 'agreed');
      expect(r.status).toBeGreaterThanOrEqual(403);
      expect(r.status).toBeLessThan(405);
      expect(['PERMISSION_DENIED', 'NOT_FOUND']).toContain((r.body as any).error.code);
    }
    expectError(await transition(s, mediator, c.id, 'agreed'), 403, 'PERMISSION_DENIED');
    expect(await status(c.id)).toBe('mediating');
    expect(await auditLength(s, c.id)).toBe(before);
    for (const token of [mediator, admin]) expect((await get(token, c.id)).body.allowedTransitions).not.toContain('agreed');
  });

  it('a court user not assigned to the case gets 404 for it, and does not list it', async () => {
    const c = await caseAtConfirmationRequested(2, false);
    const before = await auditLength(s, c.id);
    expectError(await get(judge, c.id), 404, 'NOT_FOUND');
    expectError(await transition(s, judge, c.id, 'confirmed'), 404, 'NOT_FOUND');
    expectError(await s.api('GET', `/api/cases/${c.id}/audit`, { token: judge }), 404, 'NOT_FOUND');
    expect(await status(c.id)).toBe('confirmation_requested');
    expect(await auditLength(s, c.id)).toBe(before);
    const list = await s.api<CaseListResult>('GET', '/api/cases?limit=100', { token: judge });
    expect(list.status).toBe(200);
    expect(list.body.items.map((x) => x.id)).not.toContain(c.id);
  });

  it('the judge rejects only with a reason; a rejected case goes back to mediation when a hearing is scheduled', async () => {
    const c = await caseAtConfirmationRequested(3, true);
    const before = await auditLength(s, c.id);
    expectError(await transition(s, judge, c.id, 'confirmation_rejected'), 409, 'INVALID_STATE');
    expectError(await transition(s, judge, c.id, 'confirmation_rejected', '   '), 409, 'INVALID_STATE');
    expect(await status(c.id)).toBe('confirmation_requested');
    expect(await auditLength(s, c.id)).toBe(before);
    const r = await transition(s, judge, c.id, 'confirmation_rejected', '协议内容违反法律强制性规定');
    expect(r.status).toBe(200);
    expect((await s.services.audit.entries(c.id)).at(-1)!.data).toMatchObject({ to: 'confirmation_rejected', reason: '协议内容违反法律强制性规定' });
    await scheduleHearing(s, mediator, c.id, standardParticipants(s, c));
    expect(await status(c.id)).toBe('mediating');
  });

  it('illegal transitions answer 409 INVALID_STATE and change neither the status nor the audit chain', async () => {
    const c = await createCase(s, mediator, 4);
    for (const to of ['confirmed', 'agreed', 'mediating', 'registered', 'archived', 'confirmation_requested']) {
      const r = await transition(s, mediator, c.id, to);
      expectError(r, 409, 'INVALID_STATE');
      expect((r.body as any).error.details).toMatchObject({ from: 'registered', to });
    }
    expect(await status(c.id)).toBe('registered');
    expect(await auditLength(s, c.id)).toBe(1);

    expect((await transition(s, mediator, c.id, 'withdrawn', '申请人撤回申请')).status).toBe(200);
    expect((await transition(s, mediator, c.id, 'archived')).status).toBe(200);
    const archived = await get(mediator, c.id);
    expect(archived.body.allowedTransitions).toEqual([]);
    const len = await auditLength(s, c.id);
    for (const to of ['registered', 'scheduled', 'mediating', 'withdrawn', 'referred_to_arbitration', 'follow_up', 'confirmed']) {
      expectError(await transition(s, mediator, c.id, to, 'reason given'), 409, 'INVALID_STATE');
      expectError(await transition(s, admin, c.id, to, 'reason given'), 409, 'INVALID_STATE');
    }
    // Scheduling is refused for an archived case too, without leaving a hearing behind.
    const sched = await s.api('POST', `/api/cases/${c.id}/hearings`, {
      token: mediator, body: { startsAt: new Date(Date.now() + 86_400_000).toISOString(), durationMinutes: 60, site: 'guangzhou', participants: standardParticipants(s, c) },
    });
    expectError(sched, 409, 'INVALID_STATE');
    expect(await s.services.hearings.forCase(c.id)).toEqual([]);
    expect(await status(c.id)).toBe('archived');
    expect(await auditLength(s, c.id)).toBe(len);
  });

  it('withdrawn and referred_to_arbitration need a reason, which is kept in the audit trail', async () => {
    const c = await createCase(s, mediator, 5);
    for (const to of ['withdrawn', 'referred_to_arbitration']) {
      expectError(await transition(s, mediator, c.id, to), 409, 'INVALID_STATE');
      expectError(await transition(s, mediator, c.id, to, ' \n '), 409, 'INVALID_STATE');
    }
    expect(await status(c.id)).toBe('registered');
    expect(await auditLength(s, c.id)).toBe(1);
    const r = await transition(s, admin, c.id, 'referred_to_arbitration', '调解不成，转仲裁');
    expect(r.status).toBe(200);
    expect(r.body.allowedTransitions).toEqual(['archived']);
    expect((await s.services.audit.entries(c.id)).at(-1)).toMatchObject({
      actor: `staff:${s.staff.admin.id}`, data: { from: 'registered', to: 'referred_to_arbitration', reason: '调解不成，转仲裁' },
    });
  });

  it('the clerk reads cases but may not change them (403), and sees no allowed transitions', async () => {
    const c = await createCase(s, mediator, 6);
    const read = await get(clerk, c.id);
    expect(read.status).toBe(200);
    expect(read.body.allowedTransitions).toEqual([]);
    expect((await get(admin, c.id)).body.allowedTransitions.sort()).toEqual([...REGISTERED_BY_MEDIATION].sort());
    expectError(await transition(s, clerk, c.id, 'withdrawn', 'clerk tries'), 403, 'PERMISSION_DENIED');
    expectError(await transition(s, clerk, c.id, 'confirmed'), 403, 'PERMISSION_DENIED');
    expectError(await s.api('POST', `/api/cases/${c.id}/hearings`, {
      token: clerk, body: { startsAt: new Date(Date.now() + 86_400_000).toISOString(), durationMinutes: 60, site: 'guangzhou', participants: standardParticipants(s, c) },
    }), 403, 'PERMISSION_DENIED');
    expectError(await s.api('POST', '/api/cases', { token: clerk, body: caseBody(60) }), 403, 'PERMISSION_DENIED');
    expect(await status(c.id)).toBe('registered');
    expect(await auditLength(s, c.id)).toBe(1);
    expect((await s.api('GET', `/api/cases/${c.id}/audit`, { token: clerk })).status).toBe(200);
  });

  it('numbers cases sequentially per site and year, also when registered concurrently', async () => {
    const seqOf = (n: string) => Number(n.slice(-6));
    const a = await createCase(s, mediator, 10);
    const b = await createCase(s, mediator, 11);
    expect(a.number).toMatch(new RegExp(`^GZ-${year}-\\d{6}$`));
    expect(seqOf(b.number)).toBe(seqOf(a.number) + 1);
    const sz1 = await createCase(s, mediator, 12, { site: 'shenzhen' });
    const sz2 = await createCase(s, mediator, 13, { site: 'shenzhen' });
    expect([sz1.number, sz2.number]).toEqual([`SZ-${year}-000001`, `SZ-${year}-000002`]);
    expect((await createCase(s, mediator, 14, { site: 'hong_kong' })).number).toBe(`HK-${year}-000001`);
    const c = await createCase(s, mediator, 15);
    expect(seqOf(c.number)).toBe(seqOf(b.number) + 1);

    const many = await Promise.all(Array.from({ length: 10 }, (_, i) => s.api<CaseView>('POST', '/api/cases', { token: mediator, body: caseBody(20 + i) })));
    expect(many.map((r) => r.status)).toEqual(Array(10).fill(201));
    const seqs = many.map((r) => seqOf(r.body.number)).sort((x, y) => x - y);
    expect(seqs).toEqual(Array.from({ length: 10 }, (_, i) => seqOf(c.number) + 1 + i));
  });

  it('searches by number and party name, filters by status, pages with limit/offset and reports the total', async () => {
    const made: CaseView[] = [];
    for (let i = 1; i <= 5; i++) made.push(await createCase(s, mediator, 7000 + i));
    for (const c of made.slice(0, 2)) expect((await transition(s, mediator, c.id, 'withdrawn', 'withdrawn for the search test')).status).toBe(200);
    const list = (query: string, token = mediator) => s.api<CaseListResult>('GET', `/api/cases?${query}`, { token });

    const byName = await list(`q=${encodeURIComponent('张三700')}`);
    expect(byName.status).toBe(200);
    expect(byName.body.total).toBe(5);
    expect(byName.body.items.map((x) => x.id).sort()).toEqual(made.map((x) => x.id).sort());

    const one = await list(`q=${encodeURIComponent('示例公司7003')}`);
    expect(one.body.total).toBe(1);
    expect(one.body.items[0]!.id).toBe(made[2]!.id);
    expect(one.body.items[0]!.respondents).toEqual(['示例公司7003']);

    const byNumber = await list(`q=${encodeURIComponent(made[3]!.number.toLowerCase())}`);
    expect(byNumber.body.items.map((x) => x.id)).toEqual([made[3]!.id]);
    expect(byNumber.body.total).toBe(1);

    const withdrawn = await list(`q=${encodeURIComponent('张三700')}&status=withdrawn`);
    expect(withdrawn.body.total).toBe(2);
    expect(withdrawn.body.items.every((x) => x.status === 'withdrawn')).toBe(true);
    const allWithdrawn = await list('status=withdrawn&limit=100');
    expect(allWithdrawn.body.items.every((x) => x.status === 'withdrawn')).toBe(true);

    const seen: string[] = [];
    for (const offset of [0, 2, 4]) {
      const page = await list(`q=${encodeURIComponent('张三700')}&limit=2&offset=${offset}`);
      expect(page.body.total).toBe(5);
      expect(page.body.items).toHaveLength(offset === 4 ? 1 : 2);
      seen.push(...page.body.items.map((x) => x.id));
    }
    expect(new Set(seen).size).toBe(5);
    expect((await list(`q=${encodeURIComponent('张三700')}&offset=5`)).body).toEqual({ items: [], total: 5 });

    // LIKE wildcards are taken literally.
    for (const q of ['%', '_', '张三70_1']) expect((await list(`q=${encodeURIComponent(q)}`)).body.total).toBe(0);
    for (const bad of ['status=nonsense', 'limit=0', 'limit=101', 'offset=-1', 'limit=abc', 'sort=number']) {
      expectError(await list(bad), 400, 'VALIDATION_FAILED');
    }
    // The clerk of the same organisation finds the same cases; the judge (assigned to none of them) finds none.
    expect((await list(`q=${encodeURIComponent('张三700')}`, clerk)).body.total).toBe(5);
    expect((await list(`q=${encodeURIComponent('张三700')}`, judge)).body).toEqual({ items: [], total: 0 });
  });
});
