import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { Kysely, Migrator, PostgresDialect, SqliteDialect, sql } from 'kysely';
import type { Database } from './schema.js';
import { migrationProvider, type Dialect } from './migrations.js';

export type Db = Kysely<Database>;

export type DatabaseConfig =
  | { readonly kind: 'sqlite'; readonly file: string }
  | { readonly kind: 'postgres'; readonly url: string; readonly schema?: string | undefined };

export interface Store {
  readonly db: Db;
  readonly dialect: Dialect;
  /** True when a trivial query answers: what /readyz reports. */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

/** Opens the database, creates the PostgreSQL schema if one is named, and runs the migrations. */
export async function openStore(cfg: DatabaseConfig): Promise<Store> {
  let db: Db;
  if (cfg.kind === 'sqlite') {
    if (cfg.file !== ':memory:') fs.mkdirSync(path.dirname(cfg.file), { recursive: true });
    const handle = new SQLite(cfg.file);
    handle.pragma('journal_mode = WAL');
    handle.pragma('foreign_keys = ON');
    handle.pragma('busy_timeout = 5000');
    db = new Kysely<Database>({ dialect: new SqliteDialect({ database: handle }) });
  } else {
    const schema = cfg.schema;
    if (schema) {
      // The schema must exist before a pool whose search_path names it is useful.
      const client = new pg.Client({ connectionString: cfg.url });
      await client.connect();
      try {
        await client.query(`create schema if not exists "${schema}"`);
      } finally {
        await client.end();
      }
    }
    const pool = new pg.Pool({
      connectionString: cfg.url,
      max: 10,
      ...(schema ? { options: `-c search_path="${schema}"` } : {}),
    });
    // An idle client's error (server restart) must not crash the process; the pool replaces it.
    pool.on('error', () => {});
    db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  }
  const dialect: Dialect = cfg.kind;
  // Kysely looks for its migration tables in every schema unless told which one: with a named schema, another
  // schema's kysely_migration_lock (a second instance or test run in the same database) would be taken for ours.
  const migrationSchema = cfg.kind === 'postgres' ? cfg.schema : undefined;
  const migrator = new Migrator({ db, provider: migrationProvider(dialect), ...(migrationSchema ? { migrationTableSchema: migrationSchema } : {}) });
  const { error } = await migrator.migrateToLatest();
  if (error) {
    await db.destroy();
    throw error instanceof Error ? error : new Error(String(error));
  }
  let closed = false;
  return {
    db,
    dialect,
    async ping() {
      try {
        await sql`select 1`.execute(db);
        return true;
      } catch {
        return false;
      }
    },
    async close() {
      if (closed) return;
      closed = true;
      await db.destroy();
    },
  };
}
