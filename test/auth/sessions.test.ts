import { createHmac } from 'node:crypto';
import { io } from 'socket.io-client';
import { afterAll, describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION, type ErrorCode } from '../../signaling/protocol/errors.js';
import { createCase, expectError } from '../helpers/fixtures.js';
import { persistentStore } from '../helpers/persistent.js';
import { createAgreement } from '../pad/helpers.js';
import type { DbKind, TestServer } from '../helpers/server.js';

/**
 * Issue 11, item 6a: server-side logout and session revocation. A staff session is a row in the store (`sid` in the
 * token), so signing out, signing out everywhere and deactivating an account end it at once, on every instance and
 * across restarts, everywhere a staff token is accepted (the HTTP API and the /pad socket).
 */

const me = (s: TestServer, token: string) => s.api('GET', '/api/auth/me', { token });

/** The /pad handshake's answer for a staff token: 'connected' or the refusal's code. */
async function padHandshake(s: TestServer, token: string, agreementId: string): Promise<'connected' | ErrorCode> {
  const c = io(`${s.url}/pad`, {
    auth: { token, protocol: PROTOCOL_VERSION, agreementId }, transports: ['websocket'], extraHeaders: { origin: s.url },
    reconnection: false, forceNew: true,
  });
  try {
    return await new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error('neither connected nor refused')), 5000);
      c.once('connect', () => {
        clearTimeout(t);
        resolve('connected');
      });
      c.once('connect_error', (err: Error & { data?: { code: ErrorCode } }) => {
        clearTimeout(t);
        resolve(err.data?.code ?? 'INTERNAL');
      });
    });
  } finally {
    c.close();
  }
}

describe.each<DbKind>(['sqlite', 'postgres'])('staff sessions (%s)', (db) => {
  const store = persistentStore(db);
  afterAll(() => store.drop());

  it('logout ends this session on the API and on the /pad socket, and only this one', async () => {
    const s = await store.start();
    try {
      const token = await s.login('demo.mediator');
      const other = await s.login('demo.mediator');
      const c = await createCase(s, token, 1);
      const agreementId = await createAgreement(s, token, c.id);
      expect(await padHandshake(s, token, agreementId)).toBe('connected');
      const open = io(`${s.url}/pad`, {
        auth: { token, protocol: PROTOCOL_VERSION, agreementId }, transports: ['websocket'], extraHeaders: { origin: s.url }, reconnection: false, forceNew: true,
      });
      await new Promise<void>((resolve, reject) => {
        open.once('connect', () => resolve());
        open.once('connect_error', reject);
      });

      const out = await s.api('POST', '/api/auth/logout', { token, body: {} });
      expect(out.status).toBe(204);
      expectError(await me(s, token), 401, 'TOKEN_REVOKED');
      expectError(await s.api('GET', '/api/cases', { token }), 401, 'TOKEN_REVOKED');
      expectError(await s.api('GET', `/api/agreements/${agreementId}`, { token }), 401, 'TOKEN_REVOKED');
      expect(await padHandshake(s, token, agreementId)).toBe('TOKEN_REVOKED');
      // The socket opened before the sign-out is closed by the pad's session check (every 15 s; asked at once here).
      const closed = new Promise<void>((resolve) => open.once('disconnect', () => resolve()));
      await s.pad.checkLinks();
      await closed;
      open.close();
      // Logging out again with the ended session is refused like any other use of it.
      expectError(await s.api('POST', '/api/auth/logout', { token, body: {} }), 401, 'TOKEN_REVOKED');

      expect((await me(s, other)).status).toBe(200);
      expect(await padHandshake(s, other, agreementId)).toBe('connected');
      const chain = await s.services.audit.entries(`org:${s.staff.mediator.orgId}`);
      expect(chain.map((e) => e.action)).toContain('logout');
    } finally {
      await s.close();
    }
  });

  it('logout-all ends every session of the account and leaves other accounts alone', async () => {
    const s = await store.start();
    try {
      const a1 = await s.login('demo.mediator');
      const a2 = await s.login('demo.mediator');
      const clerk = await s.login('demo.clerk');
      const r = await s.api('POST', '/api/auth/logout-all', { token: a1, body: {} });
      expect(r.status).toBe(200);
      expect(r.body).toEqual({ revoked: expect.any(Number) });
      expect(r.body.revoked).toBeGreaterThanOrEqual(2);
      expectError(await me(s, a1), 401, 'TOKEN_REVOKED');
      expectError(await me(s, a2), 401, 'TOKEN_REVOKED');
      expect((await me(s, clerk)).status).toBe(200);
      // Signing in again works: it is the sessions that ended, not the account.
      expect((await me(s, await s.login('demo.mediator'))).status).toBe(200);
    } finally {
      await s.close();
    }
  });

  it('deactivating an account ends its sessions at once and refuses its sign-in, audited in the organisation chain', async () => {
    const s = await store.start();
    try {
      const admin = s.staff.admin;
      const created = await s.services.roster.createStaff({
        orgId: admin.orgId, username: `leaver.${db}`, displayName: 'Leaver', role: 'mediator', passwordHash: (await s.services.roster.findByUsername('demo.mediator'))!.passwordHash,
      });
      const t1 = await s.login(created.username);
      const t2 = await s.login(created.username);
      const c = await createCase(s, t1, 2);
      const agreementId = await createAgreement(s, t1, c.id);
      const bystander = await s.login('demo.mediator');

      const result = await s.services.roster.deactivate(created.id, { actor: `staff:${admin.id}` });
      expect(result.revokedSessions).toBe(2);
      for (const t of [t1, t2]) expect((await me(s, t)).status).toBe(401);
      expect(await padHandshake(s, t1, agreementId)).not.toBe('connected');
      expectError(await s.api('POST', '/api/auth/login', { body: { username: created.username, password: 'concord-demo-2026' } }), 401, 'UNAUTHENTICATED');
      expect((await me(s, bystander)).status).toBe(200);

      const chain = await s.services.audit.entries(`org:${admin.orgId}`);
      const entry = chain.find((e) => e.action === 'staff.deactivated');
      expect(entry).toMatchObject({ actor: `staff:${admin.id}`, data: { staffId: created.id, revokedSessions: 2 } });
      expect((await s.services.audit.verify(`org:${admin.orgId}`)).ok).toBe(true);
      // Twice is a clear refusal, not a second entry.
      await expect(s.services.roster.deactivate(created.id, { actor: `staff:${admin.id}` })).rejects.toMatchObject({ code: 'INVALID_STATE' });
      await expect(s.services.roster.deactivate('stf_nobody', { actor: `staff:${admin.id}` })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    } finally {
      await s.close();
    }
  });

  it('a revoked session stays revoked after a restart; a live one keeps working', async () => {
    const a = await store.start();
    let ended: string;
    let live: string;
    try {
      ended = await a.login('demo.clerk');
      live = await a.login('demo.clerk');
      expect((await a.api('POST', '/api/auth/logout', { token: ended, body: {} })).status).toBe(204);
    } finally {
      await a.close();
    }
    const b = await store.start();
    try {
      expectError(await me(b, ended), 401, 'TOKEN_REVOKED');
      expect((await me(b, live)).status).toBe(200);
    } finally {
      await b.close();
    }
  });

  it('a staff token signed with the real key but without a recorded session is refused', async () => {
    const s = await store.start();
    try {
      const token = await s.login('demo.mediator');
      const claims = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;
      const k = s.services.keyring.current();
      const sign = (payload: Record<string, unknown>) => {
        const head = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT', kid: k.kid })).toString('base64url');
        const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
        return `${head}.${body}.${createHmac('sha256', Buffer.from(k.secret, 'base64url')).update(`${head}.${body}`).digest('base64url')}`;
      };
      const { sid: _sid, ...withoutSid } = claims;
      expect((await me(s, sign(withoutSid))).status).toBe(401);
      expect((await me(s, sign({ ...claims, sid: 'AAAAAAAAAAAAAAAAAAAAAA' }))).status).toBe(401);
      // Another account's session id does not carry over to this account.
      const clerkClaims = JSON.parse(Buffer.from((await s.login('demo.clerk')).split('.')[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;
      expect((await me(s, sign({ ...claims, sid: clerkClaims.sid }))).status).toBe(401);
      expect((await me(s, sign(claims))).status).toBe(200);
    } finally {
      await s.close();
    }
  });
});
