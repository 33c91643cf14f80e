import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type DatabaseConfig, type Store } from '../../server/store/db.js';
import { SqlKeyStore } from '../../server/store/keys.js';
import { BOX_LABELS, SecretBox } from '../../server/lib/secret-box.js';
import { migrationProvider } from '../../server/store/migrations.js';
import { AuditLog } from '../../server/cases/audit.js';
import { CaseService, type StaffActor } from '../../server/cases/cases.js';
import { IdentityHasher } from '../../server/cases/identity.js';
import { Roster } from '../../server/cases/roster.js';
import { CreateCaseBody } from '../../signaling/protocol/api.js';
import { caseBody, dropPgSchema, PG_URL, type DbKind } from '../helpers/server.js';
import { TABLES } from '../helpers/fixtures.js';


/** A fresh SQLite file in a temp folder, or a fresh PostgreSQL schema; `drop` removes it. */
function freshDatabase(kind: DbKind): { cfg: DatabaseConfig; schema?: string; drop(): Promise<void> } {
  if (kind === 'sqlite') {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'concord-store-'));
    return { cfg: { kind: 'sqlite', file: path.join(dir, 'db', 'concord.sqlite') }, drop: async () => fs.rmSync(dir, { recursive: true, force: true }) };
  }
  const schema = `t_store_${randomBytes(5).toString('hex')}`;
  return {
    cfg: { kind: 'postgres', url: PG_URL, schema },
    schema,
    async drop() {
      await dropPgSchema(schema);
    },
  };
}

async function tableNames(store: Store, schema: string | undefined): Promise<string[]> {
  const q = store.dialect === 'sqlite'
    ? sql<{ name: string }>`select name from sqlite_master where type = 'table'`
    : sql<{ name: string }>`select table_name as name from information_schema.tables where table_schema = ${schema}`;
  return (await q.execute(store.db)).rows.map((r) => r.name);
}

/** What the code declares: every one of them must be recorded as run, once. */
async function declaredMigrations(store: Store): Promise<string[]> {
  return Object.keys(await migrationProvider(store.dialect).getMigrations()).sort();
}

async function migrationNames(store: Store): Promise<string[]> {
  return (await sql<{ name: string }>`select name from kysely_migration order by name`.execute(store.db)).rows.map((r) => r.name);
}

describe.each<DbKind>(['sqlite', 'postgres'])('store (%s)', (kind) => {
  const fresh = freshDatabase(kind);
  let store: Store;

  beforeAll(async () => {
    store = await openStore(fresh.cfg);
  });
  afterAll(async () => {
    await store?.close();
    await fresh.drop();
  });

  it('creates every table, in the named schema on PostgreSQL', async () => {
    const names = await tableNames(store, fresh.schema);
    for (const t of TABLES) expect(names, `table ${t}`).toContain(t);
    expect(await declaredMigrations(store)).toContain('001_foundation');
    expect(await migrationNames(store)).toEqual(await declaredMigrations(store));
    if (kind === 'postgres') {
      // Nothing of ours leaked into public (the pool's search_path points at the schema).
      const c = new pg.Client({ connectionString: PG_URL });
      await c.connect();
      try {
        const r = await c.query(`select table_schema from information_schema.tables where table_name = 'case_counters' and table_schema = $1`, [fresh.schema]);
        expect(r.rowCount).toBe(1);
      } finally {
        await c.end();
      }
    }
  });

  it('runs the migrations once: opening again changes nothing and keeps the data', async () => {
    await store.db.insertInto('case_counters').values({ prefix: 'XX-2000', value: 7 }).execute();
    const again = await openStore(fresh.cfg);
    try {
      expect(await migrationNames(again)).toEqual(await declaredMigrations(again));
      const row = await again.db.selectFrom('case_counters').select('value').where('prefix', '=', 'XX-2000').executeTakeFirstOrThrow();
      expect(Number(row.value)).toBe(7);
    } finally {
      await again.close();
    }
  });

  it('answers ping while open, not after close; close is safe twice', async () => {
    const other = await openStore(fresh.cfg);
    expect(await other.ping()).toBe(true);
    await other.close();
    await other.close();
    expect(await other.ping()).toBe(false);
    expect(await store.ping()).toBe(true);
  });

  it('numbers 20 concurrently registered cases 1..20 without a duplicate', async () => {
    const audit = new AuditLog(store.db, store.dialect);
    const roster = new Roster(store.db, audit);
    const cases = new CaseService(store.db, audit, new IdentityHasher('store-test-secret-store-test-secret'));
    const org = await roster.createOrganisation({ name: `机构 ${kind}`, nameEn: `Org ${kind}`, site: 'guangzhou', kind: 'mediation' });
    const staff = await roster.createStaff({ orgId: org.id, username: `mediator.${kind}`, displayName: 'M', role: 'mediator', passwordHash: 'x' });
    const actor: StaffActor = { id: staff.id, role: 'mediator', orgId: org.id };

    const created = await Promise.all(Array.from({ length: 20 }, (_, i) => cases.create(actor, CreateCaseBody.parse(caseBody(i + 1)), 'guangzhou')));
    const year = new Date().getUTCFullYear();
    const numbers = created.map((c) => c.number).sort();
    expect(new Set(numbers).size).toBe(20);
    expect(numbers).toEqual(Array.from({ length: 20 }, (_, i) => `GZ-${year}-${String(i + 1).padStart(6, '0')}`));

    const counter = await store.db.selectFrom('case_counters').select('value').where('prefix', '=', `GZ-${year}`).executeTakeFirstOrThrow();
    expect(Number(counter.value)).toBe(20);
    const stored = await store.db.selectFrom('cases').select('number').execute();
    expect(stored.map((r) => r.number).sort()).toEqual(numbers);
    // Each case's registration went into its own audit chain.
    for (const c of created.slice(0, 3)) expect(await audit.verify(c.id)).toMatchObject({ ok: true, checked: 1 });
  });

  it('appends 30 concurrent entries to one audit chain as seq 1..30 with an intact chain', async () => {
    const audit = new AuditLog(store.db, store.dialect);
    const chain = `case_concurrent_${kind}`;
    const results = await Promise.all(
      Array.from({ length: 30 }, (_, i) => audit.record(chain, { actor: `staff:${i}`, action: 'case.status_changed', data: { i } })),
    );
    expect(results.map((r) => r.seq).sort((a, b) => a - b)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    const entries = await audit.entries(chain);
    expect(entries.map((e) => e.seq)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    expect(new Set(entries.map((e) => (e.data as { i: number }).i)).size).toBe(30);
    for (let i = 1; i < entries.length; i++) expect(entries[i]!.prevHash).toBe(entries[i - 1]!.hash);
    expect(await audit.verify(chain)).toMatchObject({ ok: true, checked: 30, headSeq: 30, firstBroken: null });

    // The check has teeth: altering one entry breaks verification at that entry.
    await store.db.updateTable('audit_entries').set({ data: '{"i":-1}' }).where('chain_id', '=', chain).where('seq', '=', 17).execute();
    expect((await audit.verify(chain)).firstBroken?.seq).toBe(17);
  });

  it('keeps signing keys sealed: insert, list, retire (retiring twice keeps the first time)', async () => {
    const keys = new SqlKeyStore(store.db, new SecretBox('store-test-secret', BOX_LABELS.signingKeys));
    const a = { kid: 'k-a', secret: randomBytes(32).toString('base64url'), createdAt: '2026-01-01T00:00:00.000Z', retiredAt: null };
    const b = { kid: 'k-b', secret: randomBytes(32).toString('base64url'), createdAt: '2026-02-01T00:00:00.000Z', retiredAt: null };
    expect(await keys.list()).toEqual([]);
    await keys.insert(a);
    await keys.insert(b);
    const byKid = async () => Object.fromEntries((await keys.list()).map((k) => [k.kid, k]));
    expect(await byKid()).toEqual({ 'k-a': a, 'k-b': b });
    // At rest only the sealed form, bound to its kid: swapping two rows' secrets does not open.
    const rows = await store.db.selectFrom('signing_keys').selectAll().orderBy('kid').execute();
    for (const r of rows) expect(SecretBox.isSealed(r.secret) && !r.secret.includes(r.kid === 'k-a' ? a.secret : b.secret)).toBe(true);
    await store.db.updateTable('signing_keys').set({ secret: rows[1]!.secret }).where('kid', '=', 'k-a').execute();
    await expect(keys.list()).rejects.toThrow(/k-a does not open with this service secret/);
    await store.db.updateTable('signing_keys').set({ secret: rows[0]!.secret }).where('kid', '=', 'k-a').execute();

    await keys.retire('k-a', '2026-03-01T00:00:00.000Z');
    await keys.retire('k-a', '2026-04-01T00:00:00.000Z');
    await keys.retire('k-missing', '2026-04-01T00:00:00.000Z');
    expect(await byKid()).toEqual({ 'k-a': { ...a, retiredAt: '2026-03-01T00:00:00.000Z' }, 'k-b': b });
    await expect(keys.insert(a)).rejects.toThrow();
  });

  it('seals a plaintext key of an older version once, when two instances read it at the same moment', async () => {
    const box = () => new SecretBox('store-test-secret', BOX_LABELS.signingKeys);
    const plain = { kid: 'k-plain', secret: randomBytes(32).toString('base64url'), createdAt: '2026-05-01T00:00:00.000Z', retiredAt: null };
    await store.db.insertInto('signing_keys').values({ kid: plain.kid, secret: plain.secret, created_at: plain.createdAt, retired_at: null }).execute();
    const [one, two] = await Promise.all([new SqlKeyStore(store.db, box()).list(), new SqlKeyStore(store.db, box()).list()]);
    expect(one.find((k) => k.kid === plain.kid)).toEqual(plain);
    expect(two.find((k) => k.kid === plain.kid)).toEqual(plain);
    const row = await store.db.selectFrom('signing_keys').select('secret').where('kid', '=', plain.kid).executeTakeFirstOrThrow();
    expect(SecretBox.isSealed(row.secret)).toBe(true);
    expect((await new SqlKeyStore(store.db, box()).list()).find((k) => k.kid === plain.kid)).toEqual(plain);
    const again = await store.db.selectFrom('signing_keys').select('secret').where('kid', '=', plain.kid).executeTakeFirstOrThrow();
    expect(again.secret).toBe(row.secret);
  });
});
