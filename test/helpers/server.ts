import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { loadConfig } from '../../server/config/index.js';
import { createLogger } from '../../server/lib/logger.js';
import { startServer, type RunningServer, type StartOptions } from '../../server/wiring.js';
import { DEMO_PASSWORD, seedDemo } from '../../server/demo.js';

export type DbKind = 'sqlite' | 'postgres';
export const PG_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export { DEMO_PASSWORD };

export interface TestServer extends RunningServer {
  db: DbKind;
  /** JSON request against the running server; returns status and parsed body. */
  api<T = any>(method: string, p: string, opts?: { body?: unknown; token?: string; raw?: string; headers?: Record<string, string> }): Promise<{ status: number; body: T }>;
  login(username: string, password?: string): Promise<string>;
  staff: Awaited<ReturnType<typeof seedDemo>>;
  /** The environment the server's config was built from: a CLI run with it reaches the same store. */
  env: Record<string, string>;
}

/**
 * A real Concord server on 127.0.0.1, port 0, with its own store: a fresh SQLite file in a temp folder, or a fresh
 * PostgreSQL schema (dropped on close). Demo organisations and staff are seeded; no demo case.
 */
export async function startTestServer(
  db: DbKind = 'sqlite',
  env: Record<string, string> = {},
  /** Live-hearing options: a fake media engine, a short reconnection grace period; the limits' clock; plain client serving; another client build. */
  start: Pick<StartOptions, 'mediaEngine' | 'hearingGraceMs' | 'now' | 'precompressedClient' | 'clientDir'> = {},
): Promise<TestServer> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'concord-test-'));
  const schema = `t_${randomBytes(6).toString('hex')}`;
  const fullEnv: Record<string, string> = {
    CONCORD_HOST: '127.0.0.1',
    CONCORD_PORT: '0',
    CONCORD_DATA_DIR: dir,
    CONCORD_LOG_LEVEL: 'silent',
    CONCORD_SECRET: 'test-secret-test-secret-test-secret-0123',
    CONCORD_DEMO: 'false',
    // The in-process retention timer stays off; tests run retention through the service or the CLI.
    CONCORD_RETENTION_RUN_HOURS: '0',
    ...(db === 'postgres' ? { DATABASE_URL: PG_URL, CONCORD_PG_SCHEMA: schema } : {}),
    // The browser hearing suites run on the default engine (mediasoup where its worker is built); CI runs the
    // four-browser room once more with CONCORD_MEDIA_ENGINE=werift, the fallback.
    ...(process.env.CONCORD_MEDIA_ENGINE ? { CONCORD_MEDIA_ENGINE: process.env.CONCORD_MEDIA_ENGINE } : {}),
    ...env,
  };
  const config = loadConfig(fullEnv);
  const running = await startServer(config, { log: createLogger('silent'), ...start });
  const staff = await seedDemo(running.services);
  const api: TestServer['api'] = async (method, p, opts = {}) => {
    const headers: Record<string, string> = { ...(opts.headers ?? {}) };
    if (opts.token) headers.authorization = `Bearer ${opts.token}`;
    let body: string | undefined = opts.raw;
    if (opts.body !== undefined) {
      body = JSON.stringify(opts.body);
      headers['content-type'] ??= 'application/json';
    } else if (opts.raw !== undefined) headers['content-type'] ??= 'application/json';
    const res = await fetch(`${running.url}${p}`, { method, headers, body });
    const text = await res.text();
    let parsed: any = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      /* not JSON: keep the text */
    }
    return { status: res.status, body: parsed };
  };
  const login = async (username: string, password = DEMO_PASSWORD) => {
    const r = await api('POST', '/api/auth/login', { body: { username, password } });
    if (r.status !== 200) throw new Error(`login ${username} failed: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body.token as string;
  };
  return {
    ...running,
    db,
    api,
    login,
    staff,
    env: fullEnv,
    async close() {
      await running.close();
      if (db === 'postgres') await dropPgSchema(schema);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Drops a PostgreSQL schema a test or benchmark made (and everything in it). */
export async function dropPgSchema(schema: string, url = PG_URL): Promise<void> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    await c.query(`drop schema if exists "${schema}" cascade`);
  } finally {
    await c.end();
  }
}

/** A valid case registration body; `n` varies names and ID numbers so cases can be told apart. */
export function caseBody(n = 1) {
  return {
    disputeTypes: ['unpaid_wages'],
    claim: { amount: '12000.50', currency: 'CNY' },
    summary: `测试案件 ${n}`,
    parties: [
      { side: 'applicant', kind: 'person', name: `张三${n}`, idType: 'prc_id', idNumber: `4401061990010${String(n).padStart(4, '0')}X` },
      { side: 'respondent', kind: 'organisation', name: `示例公司${n}`, idType: 'uscc', idNumber: `91440101MA5${String(n).padStart(7, '0')}` },
    ],
  };
}
