import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore, type DatabaseConfig } from '../../server/store/db.js';
import { DEMO_PARTIES, DEMO_PASSWORD, type DemoCase } from '../../server/demo.js';
import { dropPgSchema, PG_URL, type DbKind } from '../helpers/server.js';

/**
 * `npm run demo -- --json` as a user runs it: a child process on the configured store, JSON on stdout. The local tsx
 * binary is what `npx tsx` finds; calling it directly saves npx's ~1.5 s start-up per run.
 */
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const ROLES = ['mediator', 'applicant', 'respondent', 'arbitrator', 'clerk', 'court'] as const;
const JWT = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

function runDemo(env: Record<string, string>): DemoCase {
  // A clean environment: no CONCORD_* or DATABASE_URL leaking in from the shell running the tests.
  const r = spawnSync(path.join(root, 'node_modules/.bin/tsx'), ['server/cli/demo.ts', '--json'], {
    cwd: root, encoding: 'utf8', timeout: 60_000,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, CONCORD_SECRET: 'demo-cli-test-secret-0123456789abcdef', ...env },
  });
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as DemoCase;
}

function payload(jwt: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString('utf8'));
}

describe.each<DbKind>(['sqlite', 'postgres'])('demo CLI (%s)', (kind) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'concord-demo-cli-'));
  const schema = `t_demo_${randomBytes(5).toString('hex')}`;
  const env: Record<string, string> = { CONCORD_DATA_DIR: dir, ...(kind === 'postgres' ? { DATABASE_URL: PG_URL, CONCORD_PG_SCHEMA: schema } : {}) };
  const dbConfig: DatabaseConfig = kind === 'sqlite' ? { kind, file: path.join(dir, 'concord.sqlite') } : { kind, url: PG_URL, schema };
  const runs: DemoCase[] = [];

  afterAll(async () => {
    if (kind === 'postgres') {
      await dropPgSchema(schema);
    }
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('prints a case with one join link per role, identities and staff logins', () => {
    const d = runDemo(env);
    runs.push(d);
    expect(d.caseId).toMatch(/^case_/);
    expect(d.caseNumber).toMatch(/^GZ-\d{4}-000001$/);
    expect(Object.keys(d.links).sort()).toEqual([...ROLES].sort());
    for (const role of ROLES) {
      const [base, token] = d.links[role].split('#');
      expect(base, role).toBe('http://127.0.0.1:8080/join');
      expect(token, role).toMatch(JWT);
      expect(payload(token!)).toMatchObject({ typ: 'link', role, case: d.caseId, hearing: d.hearingId });
    }
    expect(new Set(Object.values(d.links)).size).toBe(ROLES.length);
    expect(d.identities).toEqual({
      applicant: { name: DEMO_PARTIES.applicant.name, idNumber: DEMO_PARTIES.applicant.idNumber },
      respondent: { name: DEMO_PARTIES.respondent.name, idNumber: DEMO_PARTIES.respondent.idNumber },
    });
    expect(Object.keys(d.staff).sort()).toEqual(['admin', 'arbitrator', 'clerk', 'court', 'mediator']);
    for (const s of Object.values(d.staff)) {
      expect(s.password).toBe(DEMO_PASSWORD);
      expect(s.username).toMatch(/^demo\./);
      expect(s.displayName.length).toBeGreaterThan(0);
    }
    expect(d.staff.arbitrator.username).toBe('demo.arbitrator.hk');
  });

  it('stores it: the arbitrator behind the arbitrator link is on the Hong Kong panel', async () => {
    const d = runs[0]!;
    const store = await openStore(dbConfig);
    try {
      const linkId = payload(d.links.arbitrator.split('#')[1]!).jti as string;
      const row = await store.db
        .selectFrom('links')
        .innerJoin('hearing_participants', 'hearing_participants.id', 'links.participant_id')
        .innerJoin('staff', 'staff.id', 'hearing_participants.staff_id')
        .innerJoin('organisations', 'organisations.id', 'staff.org_id')
        .select(['links.case_id', 'links.role', 'staff.username', 'staff.panel', 'staff.role as staffRole', 'organisations.site'])
        .where('links.id', '=', linkId)
        .executeTakeFirstOrThrow();
      expect(row).toEqual({
        case_id: d.caseId, role: 'arbitrator', username: 'demo.arbitrator.hk', panel: 'hong_kong', staffRole: 'arbitrator', site: 'hong_kong',
      });
      const others = await store.db.selectFrom('staff').select(['username', 'panel']).where('username', '!=', 'demo.arbitrator.hk').execute();
      expect(others.map((s) => s.panel)).toEqual(others.map(() => null));
      const parties = await store.db.selectFrom('parties').select(['side', 'id_number_hash', 'id_number_last4']).where('case_id', '=', d.caseId).execute();
      expect(parties).toHaveLength(2);
      // Identity numbers are kept as keyed hashes, never in the clear.
      for (const p of parties) {
        expect(p.id_number_hash).toMatch(/^[0-9a-f]{64}$/);
        expect(DEMO_PARTIES[p.side as 'applicant' | 'respondent'].idNumber.endsWith(p.id_number_last4)).toBe(true);
      }
    } finally {
      await store.close();
    }
  });

  it('creates a new case on every run, reusing the staff', async () => {
    const d = runDemo(env);
    runs.push(d);
    expect(d.caseId).not.toBe(runs[0]!.caseId);
    expect(d.hearingId).not.toBe(runs[0]!.hearingId);
    expect(d.caseNumber).toMatch(/^GZ-\d{4}-000002$/);
    expect(d.links.mediator).not.toBe(runs[0]!.links.mediator);
    const store = await openStore(dbConfig);
    try {
      const count = async (t: 'cases' | 'staff' | 'organisations') =>
        Number((await store.db.selectFrom(t).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
      expect(await count('cases')).toBe(2);
      expect(await count('staff')).toBe(5);
      expect(await count('organisations')).toBe(3);
    } finally {
      await store.close();
    }
  });
});
