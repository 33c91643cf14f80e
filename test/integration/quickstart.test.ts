import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * The quick start as a user meets it: `tsx server/main.ts` (what `npm start` runs after building the client) on the
 * embedded defaults, with a demo case. Port 0 so it never collides; the printed URL carries the real port.
 */
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const ROLES = ['mediator', 'applicant', 'respondent', 'arbitrator', 'clerk', 'court'] as const;
const STAFF_ROLES = new Set(['mediator', 'arbitrator', 'clerk', 'court']);

describe('quick start: server/main.ts on the embedded defaults', () => {
  let dir: string;
  let child: ChildProcess;
  let stdout = '';
  let stderr = '';
  let exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  let url: string;
  let links: Record<string, string>;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'concord-quickstart-'));
    child = spawn(path.join(root, 'node_modules/.bin/tsx'), ['server/main.ts'], {
      cwd: root,
      // No CONCORD_SECRET: the embedded mode must create its own in the data folder.
      env: { PATH: process.env.PATH, HOME: process.env.HOME, CONCORD_PORT: '0', CONCORD_DATA_DIR: path.join(dir, 'data'), CONCORD_LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true, // its own process group, so cleanup can reach npx's children too
    });
    child.stdout!.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr!.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));

    const deadline = Date.now() + 45_000;
    while (!/Stop with Ctrl\+C/.test(stdout)) {
      if (child.exitCode !== null) throw new Error(`server exited ${child.exitCode}: ${stderr}`);
      if (Date.now() > deadline) throw new Error(`no start-up banner after 45 s; stdout: ${stdout} stderr: ${stderr}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    const m = /Concord is running: open (http:\/\/127\.0\.0\.1:(\d+))\s*$/m.exec(stdout);
    if (!m) throw new Error(`no URL line in: ${stdout}`);
    url = m[1]!;
    links = {};
    for (const role of ROLES) {
      const lm = new RegExp(`^\\s+${role}\\s+(\\S+)$`, 'm').exec(stdout);
      if (lm) links[role] = lm[1]!;
    }
  }, 180_000);

  afterAll(async () => {
    // The whole process group: tsx runs the server in a child node process, which must not outlive a failed test.
    if (child?.pid) {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('prints the URL with the real port, the store, the demo links, identities and logins', () => {
    expect(Number(new URL(url).port)).toBeGreaterThan(0);
    expect(stdout).toContain(`Store: SQLite ${path.join(dir, 'data', 'concord.sqlite')}`);
    expect(Object.keys(links).sort()).toEqual([...ROLES].sort());
    for (const role of ROLES) expect(links[role], role).toMatch(new RegExp(`^${url.replace(/[.]/g, '\\.')}/join#[\\w-]+\\.[\\w-]+\\.[\\w-]+$`));
    expect(stdout).toMatch(/applicant\s+name: 陈小明\s+ID number: 44010619900101123X/);
    expect(stdout).toMatch(/demo\.arbitrator\.hk/);
    expect(stdout).toContain('password concord-demo-2026');
  });

  it('made its own secret and database in the data folder, readable by the owner only', () => {
    expect(fs.existsSync(path.join(dir, 'data', 'concord.sqlite'))).toBe(true);
    const secret = fs.statSync(path.join(dir, 'data', 'secret.key'));
    expect(secret.mode & 0o077).toBe(0);
  });

  it('answers /healthz and /readyz', async () => {
    const health = await fetch(`${url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready' });
  });

  it('each printed link inspects to its own role on the demo case', async () => {
    const numbers = new Set<string>();
    for (const role of ROLES) {
      const token = links[role]!.split('#')[1];
      const res = await fetch(`${url}/api/join/inspect`, {
        method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token }),
      });
      const body = (await res.json()) as { role: string; caseNumber: string; identityCheck: string; displayName: string };
      expect(res.status, JSON.stringify(body)).toBe(200);
      expect(body.role).toBe(role);
      expect(body.identityCheck).toBe(STAFF_ROLES.has(role) ? 'staff' : 'party');
      expect(body.displayName.length).toBeGreaterThan(0);
      numbers.add(body.caseNumber);
    }
    expect([...numbers]).toHaveLength(1);
    expect(stdout).toContain(`Demo case ${[...numbers][0]}`);
  });

  it('a tampered link is refused', async () => {
    const token = links.mediator!.split('#')[1]!;
    const res = await fetch(`${url}/api/join/inspect`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token: `${token.slice(0, -2)}xx` }),
    });
    expect(res.status).toBe(401);
  });

  it('stops on SIGTERM with exit code 0 within a few seconds, and the port closes', async () => {
    const started = Date.now();
    child.kill('SIGTERM');
    const timeout = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 8_000));
    const result = await Promise.race([exited, timeout]);
    expect(result, `stderr: ${stderr}`).toEqual({ code: 0, signal: null });
    expect(Date.now() - started).toBeLessThan(8_000);
    await expect(fetch(`${url}/healthz`)).rejects.toThrow();
  });
});
