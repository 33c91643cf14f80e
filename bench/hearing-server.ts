import { readFileSync } from 'node:fs';
import { loadConfig } from '../server/config/index.js';
import { DEMO_PASSWORD, seedDemo } from '../server/demo.js';
import { createLogger } from '../server/lib/logger.js';
import { startServer, type RunningServer } from '../server/wiring.js';
import type { TestServer } from '../test/helpers/server.js';

/**
 * A server in the bench's own process with the demo staff seeded, shaped as the test fixtures' `TestServer` (its
 * `api` and `login`) so the benches drive hearings with the same helpers as the tests (`setupHearing`, `ClientPool`).
 * Used by bench:rec and bench:captions, which read the running server's recorders and decoders directly.
 */
export async function startBenchServer(env: Record<string, string>): Promise<{ running: RunningServer; s: TestServer }> {
  const running = await startServer(loadConfig(env), { log: createLogger('silent') });
  const staff = await seedDemo(running.services);
  const s = {
    ...running, env, staff, db: 'sqlite',
    api: async (method: string, p: string, opts: { body?: unknown; token?: string } = {}) => {
      const headers: Record<string, string> = {};
      if (opts.token) headers.authorization = `Bearer ${opts.token}`;
      if (opts.body !== undefined) headers['content-type'] = 'application/json';
      const res = await fetch(`${running.url}${p}`, { method, headers, body: opts.body === undefined ? undefined : JSON.stringify(opts.body) });
      return { status: res.status, body: await res.json().catch(() => null) };
    },
    login: async (username: string) => {
      const r = await fetch(`${running.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: DEMO_PASSWORD }) });
      return ((await r.json()) as { token: string }).token;
    },
  } as unknown as TestServer; // the fields the hearing fixtures use; the rest of TestServer (its own start-up) is not
  return { running, s };
}

const TICK = 100; // clock ticks per second of /proc/<pid>/stat

/** CPU time (user + system) of a process so far, in ms; 0 once it is gone. */
export function procCpuMs(pid: number): number {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const parts = f.slice(f.lastIndexOf(')') + 2).split(' ');
    return ((Number(parts[11]) + Number(parts[12])) * 1000) / TICK;
  } catch {
    return 0;
  }
}
