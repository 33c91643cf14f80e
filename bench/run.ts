import pg from 'pg';
import { benchAudit, tempSqlite } from './audit.js';
import { benchApi } from './api.js';
import { machine } from './lib.js';
import { dropPgSchema } from '../test/helpers/server.js';

/**
 * `npm run bench`: the foundation's figures. PostgreSQL rows are added when it answers at TEST_DATABASE_URL
 * (default postgres://postgres@127.0.0.1:5432/test). Flags: --quick (fewer entries, shorter load).
 */
const quick = process.argv.includes('--quick');
const PG_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

async function pgAvailable(): Promise<boolean> {
  const c = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 2000 });
  try {
    await c.connect();
    await c.end();
    return true;
  } catch {
    return false;
  }
}

async function main() {
  console.log(`machine: ${machine()}`);
  const withPg = await pgAvailable();
  const schema = `bench_${Date.now()}`;

  console.log('\n## Audit chain (append in its own transaction each; verify walks the whole chain)');
  const sqlite = tempSqlite();
  const auditRows = [await benchAudit(sqlite.cfg, 'sqlite', quick ? 1000 : 5000)];
  sqlite.cleanup();
  if (withPg) auditRows.push(await benchAudit({ kind: 'postgres', url: PG_URL, schema }, 'postgres', quick ? 500 : 2000));
  console.table(auditRows);

  console.log('\n## API latency under concurrent case reads (service in its own process, load over loopback)');
  const seconds = quick ? 3 : 8;
  const apiRows = await benchApi({ cases: quick ? 50 : 200, concurrency: 32, seconds, label: 'sqlite' });
  if (withPg) {
    apiRows.push(...(await benchApi({ cases: quick ? 50 : 200, concurrency: 32, seconds, label: 'postgres', env: { DATABASE_URL: PG_URL, CONCORD_PG_SCHEMA: `${schema}_api` } })));
  }
  console.table(apiRows);

  if (withPg) {
    await dropPgSchema(schema, PG_URL);
    await dropPgSchema(`${schema}_api`, PG_URL);
  } else {
    console.log('(PostgreSQL not reachable: its rows are skipped)');
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
