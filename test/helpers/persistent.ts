import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { dropPgSchema, startTestServer, type DbKind, type TestServer } from './server.js';

/**
 * One store kept across several server starts (a restart, an upgrade, a second instance): a fixed data folder and,
 * for PostgreSQL, a fixed schema. `start(env)` adds to (or overrides) the store's environment; `drop()` removes it.
 */
export function persistentStore(db: DbKind) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'concord-persist-'));
  const schema = `t_keep_${randomBytes(5).toString('hex')}`;
  const base: Record<string, string> = { CONCORD_DATA_DIR: dir, ...(db === 'postgres' ? { CONCORD_PG_SCHEMA: schema } : {}) };
  return {
    start: (env: Record<string, string> = {}): Promise<TestServer> => startTestServer(db, { ...base, ...env }),
    async drop(): Promise<void> {
      if (db === 'postgres') await dropPgSchema(schema);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
