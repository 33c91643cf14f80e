import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fmt, percentile } from './lib.js';

/**
 * API latency under concurrent case reads: the service runs in its own process (as in production), the load comes
 * from this one over loopback with keep-alive. Baseline in the same run: GET /healthz at the same concurrency,
 * which measures the HTTP stack and the load generator without the store and the auth check.
 */
interface Server { url: string; proc: ChildProcess; cleanup: () => void }

async function startService(env: Record<string, string>): Promise<Server> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'concord-bench-api-'));
  const proc = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    env: { ...process.env, CONCORD_PORT: '0', CONCORD_DATA_DIR: dir, CONCORD_LOG_LEVEL: 'warn', CONCORD_LOGIN_MAX_ATTEMPTS: '1000', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`service did not start: ${out}`)), 30_000);
    proc.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /Concord is running: open (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    proc.once('exit', (code) => reject(new Error(`service exited with ${code}: ${out}`)));
  });
  proc.stdout!.resume();
  return { url, proc, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

async function load(url: string, paths: string[], headers: Record<string, string>, concurrency: number, seconds: number, maxRequests: number) {
  const latencies: number[] = [];
  let errors = 0;
  let sent = 0;
  const end = performance.now() + seconds * 1000;
  const worker = async (w: number) => {
    let i = w;
    while (performance.now() < end && sent < maxRequests) {
      sent++;
      const t = performance.now();
      const res = await fetch(`${url}${paths[i++ % paths.length]}`, { headers });
      await res.arrayBuffer();
      latencies.push(performance.now() - t);
      if (res.status !== 200) errors++;
    }
  };
  const t0 = performance.now();
  await Promise.all(Array.from({ length: concurrency }, (_, w) => worker(w)));
  const elapsed = (performance.now() - t0) / 1000;
  latencies.sort((a, b) => a - b);
  return { n: latencies.length, rps: latencies.length / elapsed, p50: percentile(latencies, 50), p99: percentile(latencies, 99), errors };
}

export async function benchApi(opts: { cases: number; concurrency: number; seconds: number; env?: Record<string, string>; label: string }) {
  const s = await startService(opts.env ?? {});
  try {
    const login = await fetch(`${s.url}/api/auth/login`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'demo.mediator', password: 'concord-demo-2026' }),
    });
    const { token } = (await login.json()) as { token: string };
    const auth = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const ids: string[] = [];
    for (let i = 0; i < opts.cases; i++) {
      const res = await fetch(`${s.url}/api/cases`, {
        method: 'POST', headers: auth,
        body: JSON.stringify({
          disputeTypes: ['unpaid_wages'], claim: { amount: String(1000 + i), currency: 'CNY' }, summary: `bench ${i}`,
          parties: [
            { side: 'applicant', kind: 'person', name: `申请人${i}`, idType: 'prc_id', idNumber: `44010619900101${String(i).padStart(4, '0')}` },
            { side: 'respondent', kind: 'organisation', name: `公司${i}`, idType: 'uscc', idNumber: `91440101MA${String(i).padStart(8, '0')}` },
          ],
        }),
      });
      if (res.status !== 201) throw new Error(`case create failed: ${res.status} ${await res.text()}`);
      ids.push(((await res.json()) as { id: string }).id);
    }
    const max = opts.seconds * 20_000;
    // Warm-up (JIT, connection pool, SQLite page cache) so the first measured row is not penalised.
    await load(s.url, ids.map((id) => `/api/cases/${id}`), { authorization: auth.authorization }, opts.concurrency, 2, max);
    await load(s.url, ['/healthz'], {}, opts.concurrency, 1, max);
    const base = await load(s.url, ['/healthz'], {}, opts.concurrency, opts.seconds, max);
    const reads = await load(s.url, ids.map((id) => `/api/cases/${id}`), { authorization: auth.authorization }, opts.concurrency, opts.seconds, max);
    const list = await load(s.url, ['/api/cases?limit=20', '/api/cases?q=%E7%94%B3%E8%AF%B7%E4%BA%BA1&limit=20'], { authorization: auth.authorization }, opts.concurrency, opts.seconds, max);
    const row = (name: string, r: typeof reads) => ({
      store: opts.label, request: name, concurrency: String(opts.concurrency), requests: String(r.n), 'req/s': fmt(r.rps, 0),
      'p50 ms': fmt(r.p50, 2), 'p99 ms': fmt(r.p99, 2), errors: String(r.errors),
    });
    return [row('GET /healthz (baseline)', base), row('GET /api/cases/:id', reads), row('GET /api/cases (list/search)', list)];
  } finally {
    s.proc.kill('SIGTERM');
    await new Promise((r) => s.proc.once('exit', r));
    s.cleanup();
  }
}
