import { describe, it, expect } from 'vitest';
import { scryptSync } from 'node:crypto';
import { STAFF_ROLES, type StaffRole } from '../../signaling/protocol/domain.js';
import { PermissionDeniedError } from '../../server/lib/errors.js';
import { DUMMY_HASH, hashPassword, needsRehash, verifyAgainstDummy, verifyPassword } from '../../server/auth/passwords.js';
import { InMemoryKeyStore, KeyRing, type SigningKey } from '../../server/auth/keyring.js';
import { assertCan, can, canCreateCase, type Action, type CaseAccess, type Principal } from '../../server/auth/policy.js';

/** The case actions the first permission table had (the whole policy is walked in test/integration/access-matrix.test.ts). */
const CASE_ACTIONS = ['case.read', 'case.create', 'case.transition', 'case.schedule', 'link.issue', 'link.revoke', 'link.unlock', 'audit.read', 'hearing.join'] as const satisfies readonly Action[];
type CaseAction = (typeof CASE_ACTIONS)[number];
import { TokenService } from '../../server/auth/tokens.js';

const DAY = 24 * 60 * 60 * 1000;

describe('passwords', () => {
  it('round-trips and uses the documented encoding', async () => {
    const h = await hashPassword('correct horse 调解');
    expect(h).toMatch(/^scrypt\$32768\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    expect(await verifyPassword('correct horse 调解', h)).toBe(true);
    expect(needsRehash(h)).toBe(false);
  });

  it('salts: the same password hashes differently each time', async () => {
    const [a, b] = await Promise.all([hashPassword('pw'), hashPassword('pw')]);
    expect(a).not.toBe(b);
    expect(await verifyPassword('pw', b)).toBe(true);
  });

  it('refuses a wrong password', async () => {
    const h = await hashPassword('secret-1');
    expect(await verifyPassword('secret-2', h)).toBe(false);
    expect(await verifyPassword('', h)).toBe(false);
    expect(await verifyPassword('Secret-1', h)).toBe(false);
  });

  it('treats composed and decomposed Unicode as the same password', async () => {
    const h = await hashPassword('caf\u00e9');
    expect(await verifyPassword('cafe\u0301', h)).toBe(true);
  });

  it('returns false, without throwing, for malformed encodings', async () => {
    const good = await hashPassword('pw');
    const [, n, r, p, salt, hash] = good.split('$') as [string, string, string, string, string, string];
    const bad = [
      '',
      'not a hash',
      `bcrypt$${n}$${r}$${p}$${salt}$${hash}`,
      `scrypt$${n}$${r}$${p}$${salt}`,
      `scrypt$${n}$${r}$${p}$${salt}$${hash}$extra`,
      `scrypt$1000$${r}$${p}$${salt}$${hash}`, // N not a power of two
      `scrypt$${2 ** 30}$${r}$${p}$${salt}$${hash}`, // would need 1 TiB
      `scrypt$${n}$${r}$-1$${salt}$${hash}`,
      `scrypt$${n}$${r}$${p}$${salt}$${hash}==`,
      `scrypt$${n}$${r}$${p}$${salt}$${hash.slice(0, 10)}`, // truncated hash
      `scrypt$${n}$${r}$${p}$$${hash}`,
    ];
    for (const enc of bad) expect(await verifyPassword('pw', enc)).toBe(false);
    expect(await verifyPassword('pw', undefined as unknown as string)).toBe(false);
  });

  it('verifies (and flags for rehash) hashes made with older parameters', async () => {
    const salt = Buffer.alloc(16, 7);
    const key = scryptSync('old-pw', salt, 32, { N: 1024, r: 8, p: 1 });
    const enc = `scrypt$1024$8$1$${salt.toString('base64url')}$${key.toString('base64url')}`;
    expect(await verifyPassword('old-pw', enc)).toBe(true);
    expect(needsRehash(enc)).toBe(true);
  });

  it('has a dummy hash with the current parameters that nothing matches', async () => {
    // Same parameters as a real hash is what makes an unknown-user login cost the same time.
    expect(needsRehash(DUMMY_HASH)).toBe(false);
    expect(await verifyAgainstDummy('anything')).toBe(false);
    expect(await verifyPassword('', DUMMY_HASH)).toBe(false);
  });
});

function clock(start = Date.UTC(2025, 0, 1)) {
  let t = start;
  return { now: () => new Date(t), advance: (ms: number) => (t += ms) };
}

describe('KeyRing', () => {
  it('creates a first key in an empty store, and reuses it on the next open', async () => {
    const store = new InMemoryKeyStore();
    const c = clock();
    const ring = await KeyRing.open(store, { rotateAfterDays: 30, graceDays: 7, now: c.now });
    const keys = await store.list();
    expect(keys).toHaveLength(1);
    expect(ring.current()).toEqual(keys[0]);
    expect(Buffer.from(ring.current().secret, 'base64url')).toHaveLength(32);
    expect(ring.current().retiredAt).toBeNull();
    const again = await KeyRing.open(store, { rotateAfterDays: 30, graceDays: 7, now: c.now });
    expect(again.current().kid).toBe(ring.current().kid);
    expect(await store.list()).toHaveLength(1);
  });

  it('rotates on open when the current key is older than rotateAfterDays', async () => {
    const c = clock();
    const store = new InMemoryKeyStore();
    const first = (await KeyRing.open(store, { rotateAfterDays: 30, graceDays: 7, now: c.now })).current();
    c.advance(29 * DAY);
    expect((await KeyRing.open(store, { rotateAfterDays: 30, graceDays: 7, now: c.now })).current().kid).toBe(first.kid);
    c.advance(2 * DAY);
    const ring = await KeyRing.open(store, { rotateAfterDays: 30, graceDays: 7, now: c.now });
    expect(ring.current().kid).not.toBe(first.kid);
    const old = (await store.list()).find((k) => k.kid === first.kid);
    expect(old?.retiredAt).toBe(c.now().toISOString());
  });

  it('keeps old tokens valid within the grace period and rejects them after', async () => {
    const c = clock();
    const ring = await KeyRing.open(new InMemoryKeyStore(), { rotateAfterDays: 30, graceDays: 7, now: c.now });
    const tokens = new TokenService(ring, { staffTtlSeconds: 30 * 86400, participantTtlSeconds: 3600, now: c.now });
    const oldKid = ring.current().kid;
    const t = tokens.signStaff({ staffId: 'staff_1', role: 'mediator', orgId: 'org_1', sid: 'sess_0123456789abcdef' });
    const next = await ring.rotate();
    expect(next.kid).not.toBe(oldKid);
    expect(ring.current().kid).toBe(next.kid);
    expect(ring.find(oldKid)?.retiredAt).toBe(c.now().toISOString());
    c.advance(7 * DAY - 1000);
    expect(tokens.verifyStaff(t).sub).toBe('staff_1');
    c.advance(2000);
    expect(ring.find(oldKid)).toBeUndefined();
    expect(() => tokens.verifyStaff(t)).toThrow(expect.objectContaining({ code: 'UNAUTHENTICATED' }));
    // New tokens use the new key and still verify.
    expect(tokens.verifyStaff(tokens.signStaff({ staffId: 'staff_1', role: 'mediator', orgId: 'org_1', sid: 'sess_0123456789abcdef' })).sub).toBe('staff_1');
  });

  it('reload picks up a rotation made by another instance', async () => {
    const c = clock();
    const store = new InMemoryKeyStore();
    const a = await KeyRing.open(store, { rotateAfterDays: 30, graceDays: 7, now: c.now });
    const b = await KeyRing.open(store, { rotateAfterDays: 30, graceDays: 7, now: c.now });
    const tb = new TokenService(b, { staffTtlSeconds: 600, participantTtlSeconds: 600, now: c.now });
    const ta = new TokenService(a, { staffTtlSeconds: 600, participantTtlSeconds: 600, now: c.now });
    c.advance(1000);
    const fresh = await a.rotate();
    const token = ta.signStaff({ staffId: 's', role: 'clerk', orgId: 'o', sid: 'sess_0123456789abcdef' });
    expect(b.find(fresh.kid)).toBeUndefined();
    expect(() => tb.verifyStaff(token)).toThrow(expect.objectContaining({ code: 'UNAUTHENTICATED' }));
    await b.reload();
    expect(b.current().kid).toBe(fresh.kid);
    expect(tb.verifyStaff(token).sub).toBe('s');
  });

  it('refuses to run with a too-short secret from the store', async () => {
    const weak: SigningKey = { kid: 'k1', secret: Buffer.alloc(16).toString('base64url'), createdAt: new Date().toISOString(), retiredAt: null };
    await expect(KeyRing.open(new InMemoryKeyStore([weak]), { rotateAfterDays: 30, graceDays: 7 })).rejects.toThrow(/shorter/);
  });
});

describe('permissions', () => {
  const ORG = 'org_a';
  const staff = (role: StaffRole, orgId = ORG, staffId = `staff_${role}`): Principal => ({ kind: 'staff', staffId, role, orgId });
  const caseOf = (orgId: string, assigned: string[] = []): CaseAccess => ({ caseId: 'case_1', orgId, assignedStaff: new Set(assigned) });

  // Written out independently of the implementation's table on purpose.
  const OWN_ORG: Record<StaffRole, readonly CaseAction[]> = {
    // A staff account joins a hearing only through its own link (as a participant), never as such.
    org_admin: CASE_ACTIONS.filter((a) => a !== 'hearing.join'),
    mediator: ['case.read', 'case.create', 'case.transition', 'case.schedule', 'link.issue', 'link.revoke', 'link.unlock', 'audit.read'],
    clerk: ['case.read', 'audit.read'],
    arbitrator: [],
    court: [],
  };
  const ASSIGNED_ANY_ORG: Record<StaffRole, readonly CaseAction[]> = {
    org_admin: [],
    mediator: [],
    clerk: [],
    arbitrator: ['case.read', 'audit.read'],
    // Issue 12: the court's confirmation transitions are a policy row now, not a special case in the route.
    court: ['case.read', 'audit.read', 'case.transition'],
  };

  for (const role of STAFF_ROLES) {
    for (const action of CASE_ACTIONS) {
      it(`${role} × ${action}`, () => {
        const p = staff(role);
        const id = `staff_${role}`;
        // own org, not assigned
        expect(can(p, action, caseOf(ORG))).toBe(OWN_ORG[role].includes(action));
        // other org, not assigned: nothing at all
        expect(can(p, action, caseOf('org_b'))).toBe(false);
        // other org, assigned
        expect(can(p, action, caseOf('org_b', [id]))).toBe(ASSIGNED_ANY_ORG[role].includes(action));
        // own org and assigned: union of both
        expect(can(p, action, caseOf(ORG, [id]))).toBe(OWN_ORG[role].includes(action) || ASSIGNED_ANY_ORG[role].includes(action));
      });
    }
  }

  it('assignment of someone else does not count', () => {
    expect(can(staff('arbitrator'), 'case.read', caseOf('org_b', ['staff_other']))).toBe(false);
  });

  it('participants may only join the hearing of their own case', () => {
    const p: Principal = { kind: 'participant', participantId: 'p1', linkId: 'l1', caseId: 'case_A', hearingId: 'h1', role: 'applicant' };
    const caseA: CaseAccess = { caseId: 'case_A', orgId: ORG, assignedStaff: new Set(['p1']), hearingId: 'h1' };
    const caseB: CaseAccess = { caseId: 'case_B', orgId: ORG, assignedStaff: new Set() };
    for (const action of CASE_ACTIONS) {
      expect(can(p, action, caseA)).toBe(action === 'hearing.join');
      expect(can(p, action, caseB)).toBe(false);
    }
    const mediatorByLink: Principal = { ...p, role: 'mediator' };
    expect(can(mediatorByLink, 'case.transition', caseA)).toBe(false);
  });

  it('assertCan throws PermissionDeniedError', () => {
    expect(() => assertCan(staff('clerk'), 'case.transition', caseOf(ORG))).toThrow(PermissionDeniedError);
    expect(() => assertCan(staff('clerk'), 'case.read', caseOf(ORG))).not.toThrow();
  });

  it('canCreateCase: mediators and org admins only', () => {
    for (const role of STAFF_ROLES) expect(canCreateCase(staff(role))).toBe(role === 'mediator' || role === 'org_admin');
    expect(canCreateCase({ kind: 'participant', participantId: 'p', linkId: 'l', caseId: 'c', hearingId: 'h', role: 'mediator' })).toBe(false);
  });

  it('denies an unknown role instead of crashing', () => {
    const p = { kind: 'staff', staffId: 's', role: 'superuser', orgId: ORG } as unknown as Principal;
    expect(can(p, 'case.read', caseOf(ORG))).toBe(false);
    expect(canCreateCase(p)).toBe(false);
  });
});
