import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LoginResult } from '../../signaling/protocol/api.js';
import { DEMO_PASSWORD, startTestServer, type DbKind, type TestServer } from '../helpers/server.js';
import { expectError } from '../helpers/fixtures.js';
import { loadConfig } from '../../server/config/index.js';
import { createLogger } from '../../server/lib/logger.js';
import { startServer } from '../../server/wiring.js';

/**
 * Issue 11, item 5: per-account login limit with backoff, kept in the store; the per-address limit no longer locks
 * everybody out behind a proxy; the account holder sees a lockout notice at the next sign-in. The clock is injected
 * (StartOptions.now), so windows are crossed by moving it, never by sleeping.
 */
describe.each<DbKind>(['sqlite', 'postgres'])('per-account login limit (%s)', (db) => {
  let s: TestServer;
  let t = Date.now();
  const MIN = 60_000;
  beforeAll(async () => {
    s = await startTestServer(db, { CONCORD_TRUST_PROXY: 'true' }, { now: () => new Date(t) });
  });
  afterAll(async () => {
    await s?.close();
  });
  const login = (username: string, password: string, ip: string) =>
    s.api<LoginResult>('POST', '/api/auth/login', { body: { username, password }, headers: { 'x-forwarded-for': ip } });
  const retryAfter = (r: { body: unknown }) => (r.body as { error: { details: { retryAfterSeconds: number } } }).error.details.retryAfterSeconds;

  it('180 wrong passwords for one account from 20 addresses: 5 are checked, the rest refused while the account is locked', { timeout: 120_000 }, async () => {
    const chain = `org:${s.staff.mediator.orgId}`;
    const before = (await s.services.audit.entries(chain)).length;
    const statuses: number[] = [];
    for (let i = 0; i < 180; i++) {
      const r = await login('demo.mediator', `wrong-${i}`, `203.0.113.${(i % 20) + 1}`);
      statuses.push(r.status);
      if (r.status === 429) expectError(r, 429, 'ACCOUNT_LOCKED');
    }
    expect(statuses.slice(0, 5)).toEqual(Array(5).fill(401));
    expect(statuses.slice(5)).toEqual(Array(175).fill(429));

    // The right password is refused too while the lock holds, with the time to wait.
    const refused = await login('demo.mediator', DEMO_PASSWORD, '198.51.100.7');
    expectError(refused, 429, 'ACCOUNT_LOCKED');
    expect(retryAfter(refused)).toBeGreaterThan(0);
    expect(retryAfter(refused)).toBeLessThanOrEqual(60);

    // Another account, even from an address that took part, is not affected.
    expect((await login('demo.clerk', DEMO_PASSWORD, '203.0.113.1')).status).toBe(200);

    const added = (await s.services.audit.entries(chain)).slice(before);
    expect(added.filter((e) => e.action === 'login.failed')).toHaveLength(5);
    expect(added.filter((e) => e.action === 'account.locked')).toEqual([
      expect.objectContaining({ actor: `staff:${s.staff.mediator.id}`, data: expect.objectContaining({ failures: 5, lockMinutes: 1 }) }),
    ]);
    expect(added.filter((e) => e.action === 'login.refused_locked')).toHaveLength(176);
    expect(JSON.stringify(added)).not.toContain(DEMO_PASSWORD);

    // After the lock: the right password passes, and the answer carries the lockout notice, once.
    t += MIN + 1000;
    const ok = await login('demo.mediator', DEMO_PASSWORD, '198.51.100.7');
    expect(ok.status).toBe(200);
    expect(ok.body.notices).toEqual([
      expect.objectContaining({ kind: 'login.lockout', attempts: 181, addresses: 21, lockedUntil: expect.any(String), firstAt: expect.any(String), lastAt: expect.any(String) }),
    ]);
    const again = await login('demo.mediator', DEMO_PASSWORD, '198.51.100.7');
    expect(again.body.notices).toEqual([]);
    expect((await s.services.audit.verify(chain)).ok).toBe(true);
  });

  it('locks again with a doubled wait while the failures go on; a successful sign-in resets the count', async () => {
    for (let i = 0; i < 5; i++) expect((await login('demo.admin', `bad-${i}`, '192.0.2.1')).status).toBe(401);
    const first = await login('demo.admin', DEMO_PASSWORD, '192.0.2.1');
    expectError(first, 429, 'ACCOUNT_LOCKED');
    t += MIN + 1000;
    expect((await login('demo.admin', 'bad-again', '192.0.2.2')).status).toBe(401);
    const second = await login('demo.admin', DEMO_PASSWORD, '192.0.2.2');
    expectError(second, 429, 'ACCOUNT_LOCKED');
    expect(retryAfter(second)).toBeGreaterThan(60);
    expect(retryAfter(second)).toBeLessThanOrEqual(120);
    t += 2 * MIN + 1000;
    const ok = await login('demo.admin', DEMO_PASSWORD, '192.0.2.2');
    expect(ok.status).toBe(200);
    expect(ok.body.notices).toHaveLength(1);
    // Counted from zero again: four mistakes and the right password pass.
    for (let i = 0; i < 4; i++) expect((await login('demo.admin', `typo-${i}`, '192.0.2.3')).status).toBe(401);
    expect((await login('demo.admin', DEMO_PASSWORD, '192.0.2.3')).status).toBe(200);
  });

  it('an unknown username is limited exactly like a known one (no account enumeration)', async () => {
    const known: number[] = [];
    const unknown: number[] = [];
    for (let i = 0; i < 7; i++) {
      known.push((await login('demo.arbitrator.hk', `x-${i}`, '192.0.2.9')).status);
      unknown.push((await login('nobody.at.all', `x-${i}`, '192.0.2.9')).status);
    }
    expect(unknown).toEqual(known);
    expect(known).toEqual([401, 401, 401, 401, 401, 429, 429]);
    const a = await login('demo.arbitrator.hk', 'x', '192.0.2.9');
    const b = await login('nobody.at.all', 'x', '192.0.2.9');
    expect((b.body as unknown as { error: unknown }).error).toEqual((a.body as unknown as { error: unknown }).error);
    const sys = await s.services.audit.entries('system');
    expect(sys.filter((e) => e.action === 'account.locked').map((e) => (e.data as { username: string }).username)).toEqual(['nobody.at.all']);
  });

  it('the lock holds across instances: a second server on the same store refuses the account', async () => {
    for (let i = 0; i < 5; i++) expect((await login('demo.judge', `no-${i}`, '192.0.2.20')).status).toBe(401);
    const other = await startServer(loadConfig(s.env), { log: createLogger('silent'), now: () => new Date(t) });
    try {
      const r = await fetch(`${other.url}/api/auth/login`, {
        method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'demo.judge', password: DEMO_PASSWORD }),
      });
      expectError({ status: r.status, body: await r.json() }, 429, 'ACCOUNT_LOCKED');
    } finally {
      await other.close();
    }
  });
});

describe.each<DbKind>(['sqlite', 'postgres'])('login behind a proxy without CONCORD_TRUST_PROXY (%s)', (db) => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer(db);
  });
  afterAll(async () => {
    await s?.close();
  });

  it('one account\'s 10 failures do not lock out a different user who comes through the same address', async () => {
    for (let i = 0; i < 10; i++) {
      const r = await s.api('POST', '/api/auth/login', { body: { username: 'demo.mediator', password: `wrong-${i}` }, headers: { 'x-forwarded-for': `203.0.113.${i}` } });
      expect([401, 429]).toContain(r.status);
    }
    const other = await s.api('POST', '/api/auth/login', { body: { username: 'demo.clerk', password: DEMO_PASSWORD }, headers: { 'x-forwarded-for': '198.51.100.1' } });
    expect(other.status).toBe(200);
    expectError(await s.api('POST', '/api/auth/login', { body: { username: 'demo.mediator', password: DEMO_PASSWORD } }), 429, 'ACCOUNT_LOCKED');
  });
});
