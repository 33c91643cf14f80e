import { createHmac } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { type DbKind, type TestServer } from '../helpers/server.js';
import { persistentStore } from '../helpers/persistent.js';

/**
 * Issue 11, item 4: the token signing keys are sealed with the service secret, which is not in the database. A dump of
 * the store (a backup, a replica) must not be enough to mint a staff session.
 */

const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
function hs256(kid: string, payload: unknown, key: Buffer): string {
  const head = b64({ alg: 'HS256', typ: 'JWT', kid });
  const body = b64(payload);
  return `${head}.${body}.${createHmac('sha256', key).update(`${head}.${body}`).digest('base64url')}`;
}
const claimsOf = (token: string): Record<string, unknown> => JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8'));

/** Every key an attacker could derive from one stored value: the text itself and its decodings, whole and per part. */
function candidateKeys(value: string): Buffer[] {
  const out: Buffer[] = [];
  for (const part of [value, ...value.split('.')]) {
    if (!part) continue;
    out.push(Buffer.from(part, 'utf8'), Buffer.from(part, 'base64url'), Buffer.from(part, 'base64'));
    if (/^[0-9a-f]+$/i.test(part) && part.length % 2 === 0) out.push(Buffer.from(part, 'hex'));
  }
  return out.filter((b) => b.length > 0);
}

const me = (s: TestServer, token: string) => s.api('GET', '/api/auth/me', { token });

describe.each<DbKind>(['sqlite', 'postgres'])('signing keys at rest (%s)', (db) => {
  const store = persistentStore(db);
  afterAll(() => store.drop());

  it('a dump of signing_keys cannot mint a staff session; the real key can (the forgery is otherwise right)', async () => {
    const s = await store.start();
    try {
      const token = await s.login('demo.mediator');
      expect((await me(s, token)).status).toBe(200);
      const claims = claimsOf(token);
      const dump = await s.services.store.db.selectFrom('signing_keys').selectAll().execute();
      expect(dump.length).toBeGreaterThan(0);
      const real = s.services.keyring.current();

      let tried = 0;
      for (const row of dump) {
        for (const v of Object.values(row)) {
          if (typeof v !== 'string') continue;
          for (const key of candidateKeys(v)) {
            const forged = hs256(row.kid, claims, key);
            tried++;
            expect((await me(s, forged)).status, `key from ${v.slice(0, 12)}...`).toBe(401);
          }
        }
      }
      expect(tried).toBeGreaterThan(3);

      // Nothing in the dump holds the key in any form.
      for (const row of dump) {
        for (const v of Object.values(row)) {
          if (typeof v !== 'string') continue;
          expect(v).not.toContain(real.secret);
          for (const k of candidateKeys(v)) expect(k.equals(Buffer.from(real.secret, 'base64url'))).toBe(false);
        }
      }

      // Control: the same claims signed with the real key (which only the running server holds) are accepted.
      expect((await me(s, hs256(real.kid, claims, Buffer.from(real.secret, 'base64url')))).status).toBe(200);
    } finally {
      await s.close();
    }
  });

  it('plaintext keys of an older database are sealed at start, and tokens signed before still verify', async () => {
    const a = await store.start();
    let token: string;
    let linkToken: string;
    let plain: { kid: string; secret: string };
    try {
      token = await a.login('demo.mediator');
      linkToken = a.services.tokens.signLink({
        linkId: 'lnk_old', caseId: 'cas_old', hearingId: 'hea_old', role: 'applicant', participantId: 'par_old', expiresAt: new Date(Date.now() + 86_400_000),
      });
      plain = a.services.keyring.current();
      // What the code before sealing wrote: the secret itself in the column.
      await a.services.store.db.updateTable('signing_keys').set({ secret: plain.secret }).where('kid', '=', plain.kid).execute();
    } finally {
      await a.close();
    }

    const b = await store.start();
    let sealedRows: unknown;
    try {
      const rows = await b.services.store.db.selectFrom('signing_keys').selectAll().execute();
      const row = rows.find((r) => r.kid === plain.kid)!;
      expect(row.secret).not.toBe(plain.secret);
      expect(row.secret).not.toContain(plain.secret);
      for (const r of rows) expect(r.secret.startsWith('v1.')).toBe(true);
      // Same key, only sealed: tokens signed before the upgrade keep working.
      expect(b.services.keyring.find(plain.kid)?.secret).toBe(plain.secret);
      expect((await me(b, token)).status).toBe(200);
      expect(b.services.tokens.verifyLink(linkToken).jti).toBe('lnk_old');
      sealedRows = await b.services.store.db.selectFrom('signing_keys').selectAll().orderBy('kid').execute();
    } finally {
      await b.close();
    }

    // Starting again (or a second instance) finds nothing left to seal and changes nothing.
    const c = await store.start();
    try {
      expect(await c.services.store.db.selectFrom('signing_keys').selectAll().orderBy('kid').execute()).toEqual(sealedRows);
      expect((await me(c, token)).status).toBe(200);
    } finally {
      await c.close();
    }
  });

  it('a wrong service secret stops the start with a clear message and writes no new key', async () => {
    const a = await store.start();
    const before = await a.services.store.db.selectFrom('signing_keys').selectAll().orderBy('kid').execute();
    await a.close();
    const outcome = await store.start({ CONCORD_SECRET: 'another-secret-another-secret-another-1' }).then(
      async (s) => {
        await s.close();
        return 'started';
      },
      (err: Error) => err.message,
    );
    expect(outcome).toMatch(/service secret/i);
    const b = await store.start();
    try {
      expect(await b.services.store.db.selectFrom('signing_keys').selectAll().orderBy('kid').execute()).toEqual(before);
    } finally {
      await b.close();
    }
  });
});
