import { execFile } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditTrail, AuditVerification, CaseView } from '../../signaling/protocol/api.js';
import { GENESIS_HASH, entryHash } from '../../server/cases/audit.js';
import { startTestServer, type DbKind, type TestServer } from '../helpers/server.js';
import {
  createCase, inDays, issueLink, participantByRole, partyIdentity, scheduleHearing, standardParticipants, tokenOf, transition,
} from '../helpers/fixtures.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const TSX = path.join(ROOT, 'node_modules/.bin/tsx');

/** Runs the audit CLI against the test server's store, with the environment the server's config came from. */
function auditCli(s: TestServer, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, ...s.env };
  // A DATABASE_URL from the outer environment must not turn a SQLite run into a PostgreSQL one.
  if (!('DATABASE_URL' in s.env)) delete env.DATABASE_URL;
  return new Promise((resolve) => {
    execFile(TSX, ['server/cli/audit-verify.ts', ...args], { cwd: ROOT, env, timeout: 30_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

describe.each<DbKind>(['sqlite', 'postgres'])('audit chain (%s)', (db) => {
  let s: TestServer;
  let mediator: string;

  beforeAll(async () => {
    s = await startTestServer(db);
    mediator = await s.login('demo.mediator');
  });
  afterAll(async () => {
    await s?.close();
  });

  const trail = async (caseId: string) => {
    const r = await s.api<AuditTrail>('GET', `/api/cases/${caseId}/audit`, { token: mediator });
    expect(r.status).toBe(200);
    return r.body;
  };
  const verification = async (caseId: string) => {
    const r = await s.api<AuditVerification>('GET', `/api/cases/${caseId}/audit/verify`, { token: mediator });
    expect(r.status).toBe(200);
    return r.body;
  };
  const entriesTable = () => s.services.store.db.updateTable('audit_entries');

  /** A case with some history: registration, hearing, status change, links, an identity check, a revocation. */
  async function busyCase(n: number): Promise<CaseView> {
    const c = await createCase(s, mediator, n);
    const h = await scheduleHearing(s, mediator, c.id, standardParticipants(s, c));
    const app = await issueLink(s, mediator, c.id, h.id, participantByRole(h, 'applicant').id);
    const resp = await issueLink(s, mediator, c.id, h.id, participantByRole(h, 'respondent').id);
    expect((await s.api('POST', '/api/join/verify', { body: { token: tokenOf(app.url), ...partyIdentity(n).applicant } })).status).toBe(200);
    expect((await transition(s, mediator, c.id, 'mediating')).status).toBe(200);
    expect((await s.api('POST', `/api/cases/${c.id}/links/${resp.id}/revoke`, { token: mediator, body: {} })).status).toBe(200);
    return c;
  }

  it('verifies an intact chain: seq 1..n, each entry linked to the one before, head at the last', async () => {
    const c = await busyCase(1);
    const t = await trail(c.id);
    expect(t.entries.map((e) => e.action)).toEqual([
      'case.registered', 'hearing.scheduled', 'case.status_changed', 'link.issued', 'link.issued', 'identity.verified', 'case.status_changed', 'link.revoked',
    ]);
    expect(t.entries.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(t.entries[0]!.prevHash).toBe(GENESIS_HASH);
    for (let i = 1; i < t.entries.length; i++) expect(t.entries[i]!.prevHash).toBe(t.entries[i - 1]!.hash);
    expect(new Set(t.entries.map((e) => e.hash)).size).toBe(8);
    expect(t.verification).toEqual({ ok: true, checked: 8, headSeq: 8, headHash: t.entries[7]!.hash, firstBroken: null });
    expect(await verification(c.id)).toEqual(t.verification);
    // The party's full ID number never lands in the trail.
    expect(JSON.stringify(t.entries)).not.toContain(partyIdentity(1).applicant.idNumber);

    const cli = await auditCli(s, c.id);
    expect(cli.code, cli.stderr).toBe(0);
    expect(cli.stdout).toContain(`audit chain ${c.id}: intact, 8 entries`);
  });

  it('reports an entry whose data was edited in the database, also through the CLI (exit 2)', async () => {
    const c = await busyCase(2);
    const row = await s.services.store.db.selectFrom('audit_entries').select('data').where('chain_id', '=', c.id).where('seq', '=', 4).executeTakeFirstOrThrow();
    const edited = JSON.stringify({ ...JSON.parse(row.data), expiresAt: '2099-01-01T00:00:00.000Z' });
    await entriesTable().set({ data: edited }).where('chain_id', '=', c.id).where('seq', '=', 4).execute();
    const v = (await trail(c.id)).verification;
    expect(v.ok).toBe(false);
    expect(v.firstBroken!.seq).toBe(4);
    expect(v.firstBroken!.reason).toMatch(/altered/);
    expect(await verification(c.id)).toEqual(v);

    const cli = await auditCli(s, c.id);
    expect(cli.code).toBe(2);
    expect(cli.stdout).toContain('BROKEN at entry 4');
  });

  it('reports edits to the actor or time of an entry, and a re-hashed entry that no longer links', async () => {
    const c1 = await busyCase(3);
    await entriesTable().set({ actor: 'staff:someone_else' }).where('chain_id', '=', c1.id).where('seq', '=', 7).execute();
    expect((await verification(c1.id)).firstBroken).toMatchObject({ seq: 7, reason: expect.stringMatching(/altered/) });

    const c2 = await busyCase(4);
    await entriesTable().set({ at: '2020-01-01T00:00:00.000Z' }).where('chain_id', '=', c2.id).where('seq', '=', 1).execute();
    expect((await verification(c2.id)).firstBroken).toMatchObject({ seq: 1 });

    // Changing an entry and recomputing its own hash still breaks the link from the next entry.
    const c3 = await busyCase(5);
    const r = await s.services.store.db.selectFrom('audit_entries').selectAll().where('chain_id', '=', c3.id).where('seq', '=', 5).executeTakeFirstOrThrow();
    const data = JSON.stringify({ ...JSON.parse(r.data), role: 'mediator' });
    const hash = entryHash({ chainId: c3.id, seq: 5, at: r.at, actor: r.actor, action: r.action, data, prevHash: r.prev_hash });
    await entriesTable().set({ data, hash }).where('chain_id', '=', c3.id).where('seq', '=', 5).execute();
    expect((await verification(c3.id)).firstBroken).toMatchObject({ seq: 6, reason: expect.stringMatching(/link/) });
  });

  it('reports a deleted middle entry as missing', async () => {
    const c = await busyCase(6);
    await s.services.store.db.deleteFrom('audit_entries').where('chain_id', '=', c.id).where('seq', '=', 3).execute();
    const v = await verification(c.id);
    expect(v.ok).toBe(false);
    expect(v.firstBroken).toEqual({ seq: 3, reason: expect.stringMatching(/missing/) });
    expect(v.headSeq).toBe(8);
  });

  it('reports deleted last entries through the chain head', async () => {
    const c1 = await busyCase(7);
    await s.services.store.db.deleteFrom('audit_entries').where('chain_id', '=', c1.id).where('seq', '=', 8).execute();
    const v1 = await verification(c1.id);
    expect(v1).toMatchObject({ ok: false, checked: 7, headSeq: 8 });
    expect(v1.firstBroken!.seq).toBe(8);
    expect(v1.firstBroken!.reason).toMatch(/removed/);

    const c2 = await busyCase(8);
    await s.services.store.db.deleteFrom('audit_entries').where('chain_id', '=', c2.id).where('seq', '>=', 6).execute();
    const v2 = await verification(c2.id);
    expect(v2).toMatchObject({ ok: false, checked: 5, headSeq: 8, firstBroken: { seq: 6 } });
    const cli = await auditCli(s, c2.id);
    expect(cli.code).toBe(2);
    expect(cli.stdout).toContain('BROKEN at entry 6');

    // A head rewound to match the shortened chain but with another hash is caught too.
    const c3 = await busyCase(9);
    await s.services.store.db.updateTable('audit_heads').set({ hash: 'f'.repeat(64) }).where('chain_id', '=', c3.id).execute();
    expect((await verification(c3.id)).firstBroken).toMatchObject({ seq: 8, reason: expect.stringMatching(/head/) });
  });

  it('the CLI refuses an unknown chain and a missing argument (exit 1)', async () => {
    const [unknown, usage] = await Promise.all([auditCli(s, 'case_doesnotexist'), auditCli(s)]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('no audit chain for case_doesnotexist');
    expect(usage.code).toBe(1);
    expect(usage.stderr).toContain('usage');
  });

  it('20 concurrent transitions, link issues, hearings and identity checks on one case leave a valid chain without gaps', async () => {
    const c = await createCase(s, mediator, 20);
    const h = await scheduleHearing(s, mediator, c.id, standardParticipants(s, c));
    const before = (await trail(c.id)).entries.length;
    const linkBefore = await s.services.store.db.selectFrom('links').select('id').where('case_id', '=', c.id).execute();
    const app = await issueLink(s, mediator, c.id, h.id, participantByRole(h, 'applicant').id);
    const ops: Promise<{ status: number; body: any }>[] = [];
    for (let i = 0; i < 20; i++) {
      if (i % 4 === 0) ops.push(transition(s, mediator, c.id, i % 8 === 0 ? 'mediating' : 'scheduled'));
      else if (i % 4 === 1) ops.push(s.api('POST', `/api/cases/${c.id}/hearings/${h.id}/links`, { token: mediator, body: { participantId: participantByRole(h, 'respondent').id } }));
      else if (i % 4 === 2) ops.push(s.api('POST', '/api/join/verify', { body: { token: tokenOf(app.url), name: 'wrong name', idNumber: '00000000' } }));
      else ops.push(s.api('POST', `/api/cases/${c.id}/hearings`, { token: mediator, body: { startsAt: inDays(5 + i), durationMinutes: 60, site: 'guangzhou', participants: standardParticipants(s, c) } }));
    }
    const res = await Promise.all(ops);
    // 401/429: refused identity checks, which are audited too; 409: a transition that lost the race, which is not.
    for (const r of res) expect([200, 201, 401, 409, 429], JSON.stringify(r.body)).toContain(r.status);
    expect(res.filter((r) => r.status === 201)).toHaveLength(10);
    const t = await trail(c.id);
    expect(t.verification.ok).toBe(true);
    expect(t.entries.map((e) => e.seq)).toEqual(Array.from({ length: t.entries.length }, (_, i) => i + 1));
    const okCount = res.filter((r) => r.status !== 409).length;
    // The fifth wrong answer from this address locks it: one more entry, identity.locked (issue 11).
    expect(t.entries.filter((e) => e.action === 'identity.locked')).toHaveLength(1);
    expect(t.entries.length).toBe(before + 1 + okCount + 1);
    const links = await s.services.store.db.selectFrom('links').select('id').where('case_id', '=', c.id).execute();
    expect(links.length).toBe(linkBefore.length + 1 + 5);
    // The last status change in the trail is the case's status.
    const lastChange = t.entries.filter((e) => e.action === 'case.status_changed').at(-1)!;
    expect((lastChange.data as { to: string }).to).toBe((await s.services.cases.get(c.id)).status);
  });

  it('concurrent scheduling and withdrawal of registered cases neither deadlock nor fail', async () => {
    for (let round = 0; round < 6; round++) {
      const c = await createCase(s, mediator, 30 + round);
      const ops: Promise<{ status: number; body: any }>[] = [];
      for (let i = 0; i < 10; i++) {
        ops.push(s.api('POST', `/api/cases/${c.id}/hearings`, { token: mediator, body: { startsAt: inDays(3), durationMinutes: 60, site: 'guangzhou', participants: standardParticipants(s, c, []) } }));
        ops.push(transition(s, mediator, c.id, 'withdrawn', 'concurrent withdrawal'));
      }
      const res = await Promise.all(ops);
      for (const r of res) expect([200, 201, 409], JSON.stringify(r.body)).toContain(r.status);
      expect(res.filter((r) => r.status === 200)).toHaveLength(1);
      expect((await s.services.cases.get(c.id)).status).toBe('withdrawn');
      const t = await trail(c.id);
      expect(t.verification.ok).toBe(true);
      const scheduled = res.filter((r) => r.status === 201).length;
      expect(t.entries.filter((e) => e.action === 'hearing.scheduled')).toHaveLength(scheduled);
      expect((await s.services.hearings.forCase(c.id)).length).toBe(scheduled);
    }
  });
});
