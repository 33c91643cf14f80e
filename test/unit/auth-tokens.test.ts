import { describe, it, expect, beforeEach } from 'vitest';
import { createHmac } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { InMemoryKeyStore, KeyRing } from '../../server/auth/keyring.js';
import { AUDIENCES, TokenService } from '../../server/auth/tokens.js';

let t = 0;
const now = () => new Date(t);
let ring: KeyRing;
let tokens: TokenService;

beforeEach(async () => {
  t = Date.UTC(2025, 5, 1, 9, 0, 0);
  ring = await KeyRing.open(new InMemoryKeyStore(), { rotateAfterDays: 30, graceDays: 90, now });
  tokens = new TokenService(ring, { staffTtlSeconds: 3600, participantTtlSeconds: 1800, now });
});

const staffIn = { staffId: 'staff_1', role: 'mediator', orgId: 'org_1', sid: 'sess_0123456789abcdef' } as const;
const linkIn = () => ({ linkId: 'link_1', caseId: 'case_1', hearingId: 'hear_1', role: 'respondent', participantId: 'party_2', expiresAt: new Date(t + 72 * 3600_000) }) as const;
const partIn = { participantId: 'party_2', linkId: 'link_1', caseId: 'case_1', hearingId: 'hear_1', role: 'respondent' } as const;

const code = (fn: () => unknown): unknown => {
  try {
    fn();
  } catch (e) {
    return (e as { code?: unknown }).code ?? String(e);
  }
  return 'no error';
};
const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
/** Sign arbitrary claims with the ring's real current key, to test claim checks independently of the signature. */
const forge = (payload: object, header: object = {}) => {
  const k = ring.current();
  const h = b64({ alg: 'HS256', typ: 'JWT', kid: k.kid, ...header });
  const body = b64(payload);
  const sig = createHmac('sha256', Buffer.from(k.secret, 'base64url')).update(`${h}.${body}`).digest('base64url');
  return `${h}.${body}.${sig}`;
};
const sec = () => Math.floor(t / 1000);

describe('TokenService', () => {
  it('round-trips a staff session', () => {
    const tok = tokens.signStaff(staffIn);
    expect(tokens.verifyStaff(tok)).toEqual({ typ: 'staff', sub: 'staff_1', role: 'mediator', org: 'org_1', sid: staffIn.sid, iat: sec(), exp: sec() + 3600 });
    const header = jwt.decode(tok, { complete: true })?.header;
    expect(header).toMatchObject({ alg: 'HS256', kid: ring.current().kid });
    expect(jwt.decode(tok)).toMatchObject({ iss: 'concord', aud: AUDIENCES.staff });
    // Without a session id a staff token is not one (a session is what logout ends).
    const { sid: _sid, ...noSid } = jwt.decode(tok) as Record<string, unknown>;
    expect(code(() => tokens.verifyStaff(forge(noSid)))).toBe('UNAUTHENTICATED');
  });

  it('round-trips a mediation link with its own expiry', () => {
    const l = linkIn();
    const claims = tokens.verifyLink(tokens.signLink(l));
    expect(claims).toEqual({ typ: 'link', jti: 'link_1', case: 'case_1', hearing: 'hear_1', role: 'respondent', pid: 'party_2', exp: Math.floor(l.expiresAt.getTime() / 1000) });
  });

  it('round-trips a participant session, capped by notAfter', () => {
    const claims = tokens.verifyParticipant(tokens.signParticipant(partIn));
    expect(claims).toEqual({ typ: 'participant', sub: 'party_2', jti: 'link_1', case: 'case_1', hearing: 'hear_1', role: 'respondent', iat: sec(), exp: sec() + 1800 });
    const capped = tokens.verifyParticipant(tokens.signParticipant({ ...partIn, notAfter: new Date(t + 600_000) }));
    expect(capped.exp).toBe(sec() + 600);
  });

  it('re-signing the same link later gives the same claims', async () => {
    const l = linkIn();
    const first = tokens.signLink(l);
    t += 5 * 3600_000;
    const again = tokens.signLink(l);
    expect(again).toBe(first);
    await ring.rotate();
    const afterRotation = tokens.signLink(l);
    expect(afterRotation).not.toBe(first);
    expect(jwt.decode(afterRotation)).toEqual(jwt.decode(first));
    expect(tokens.verifyLink(afterRotation)).toEqual(tokens.verifyLink(first));
  });

  it('refuses every token used as another kind', () => {
    const byKind = { staff: tokens.signStaff(staffIn), link: tokens.signLink(linkIn()), participant: tokens.signParticipant(partIn) };
    const verifiers = {
      staff: (x: string) => tokens.verifyStaff(x),
      link: (x: string) => tokens.verifyLink(x),
      participant: (x: string) => tokens.verifyParticipant(x),
    };
    for (const [kind, tok] of Object.entries(byKind)) {
      for (const [vkind, verify] of Object.entries(verifiers)) {
        expect(code(() => verify(tok))).toBe(kind === vkind ? 'no error' : 'UNAUTHENTICATED');
      }
    }
  });

  it('checks typ and aud separately', () => {
    const base = { iss: 'concord', sub: 'staff_1', role: 'mediator', org: 'org_1', sid: staffIn.sid, iat: sec(), exp: sec() + 60 };
    expect(code(() => tokens.verifyStaff(forge({ ...base, typ: 'staff', aud: AUDIENCES.staff })))).toBe('no error');
    expect(code(() => tokens.verifyStaff(forge({ ...base, typ: 'staff', aud: AUDIENCES.link })))).toBe('UNAUTHENTICATED');
    expect(code(() => tokens.verifyStaff(forge({ ...base, typ: 'link', aud: AUDIENCES.staff })))).toBe('UNAUTHENTICATED');
    expect(code(() => tokens.verifyStaff(forge({ ...base, typ: 'staff', aud: AUDIENCES.staff, iss: 'other' })))).toBe('UNAUTHENTICATED');
  });

  it('validates claims after the signature: roles and id lengths', () => {
    const base = { iss: 'concord', typ: 'staff', aud: AUDIENCES.staff, sub: 'staff_1', role: 'mediator', org: 'org_1', sid: staffIn.sid, iat: sec(), exp: sec() + 60 };
    expect(code(() => tokens.verifyStaff(forge({ ...base, role: 'judge' })))).toBe('UNAUTHENTICATED');
    expect(code(() => tokens.verifyStaff(forge({ ...base, sub: 'x'.repeat(65) })))).toBe('UNAUTHENTICATED');
    expect(code(() => tokens.verifyStaff(forge({ ...base, org: '' })))).toBe('UNAUTHENTICATED');
    expect(code(() => tokens.verifyStaff(forge({ ...base, exp: undefined })))).toBe('UNAUTHENTICATED');
    expect(() => tokens.signStaff({ ...staffIn, staffId: 'x'.repeat(65) })).toThrow(/invalid claims/);
  });

  it('rejects a tampered payload', () => {
    const [h, , s] = tokens.signStaff(staffIn).split('.');
    const payload = { ...(jwt.decode(tokens.signStaff(staffIn)) as object), role: 'org_admin' };
    expect(code(() => tokens.verifyStaff(`${h}.${b64(payload)}.${s}`))).toBe('UNAUTHENTICATED');
  });

  it('rejects alg none and other algorithms', () => {
    const good = tokens.signStaff(staffIn);
    const [, body, sig] = good.split('.');
    const kid = ring.current().kid;
    expect(code(() => tokens.verifyStaff(`${b64({ alg: 'none', typ: 'JWT', kid })}.${body}.`))).toBe('UNAUTHENTICATED');
    expect(code(() => tokens.verifyStaff(`${b64({ alg: 'none', typ: 'JWT', kid })}.${body}.${sig}`))).toBe('UNAUTHENTICATED');
    const hs512 = jwt.sign(jwt.decode(good) as object, Buffer.from(ring.current().secret, 'base64url'), { algorithm: 'HS512', keyid: kid, noTimestamp: true });
    expect(code(() => tokens.verifyStaff(hs512))).toBe('UNAUTHENTICATED');
  });

  it('rejects a token signed with an unknown kid or a wrong secret', async () => {
    const otherRing = await KeyRing.open(new InMemoryKeyStore(), { rotateAfterDays: 30, graceDays: 7, now });
    const other = new TokenService(otherRing, { staffTtlSeconds: 3600, participantTtlSeconds: 1800, now });
    expect(code(() => tokens.verifyStaff(other.signStaff(staffIn)))).toBe('UNAUTHENTICATED');
    // Right kid, wrong secret.
    const payload = jwt.decode(tokens.signStaff(staffIn)) as object;
    const wrongSecret = jwt.sign(payload, Buffer.from(otherRing.current().secret, 'base64url'), { algorithm: 'HS256', keyid: ring.current().kid, noTimestamp: true });
    expect(code(() => tokens.verifyStaff(wrongSecret))).toBe('UNAUTHENTICATED');
    // No kid at all.
    const noKid = jwt.sign(payload, Buffer.from(ring.current().secret, 'base64url'), { algorithm: 'HS256', noTimestamp: true });
    expect(code(() => tokens.verifyStaff(noKid))).toBe('UNAUTHENTICATED');
  });

  it('rejects malformed input', () => {
    for (const junk of ['', 'abc', 'a.b.c', '..', `${b64({ alg: 'HS256' })}.notjson.x`, 'x'.repeat(5000), null, 42]) {
      expect(code(() => tokens.verifyStaff(junk as string))).toBe('UNAUTHENTICATED');
    }
  });

  it('reports expiry as TOKEN_EXPIRED, with 5 s tolerance', () => {
    const staff = tokens.signStaff(staffIn);
    const part = tokens.signParticipant(partIn);
    const l = linkIn();
    const link = tokens.signLink(l);
    t += 3600_000 + 4000;
    expect(code(() => tokens.verifyStaff(staff))).toBe('no error');
    t += 2000;
    expect(code(() => tokens.verifyStaff(staff))).toBe('TOKEN_EXPIRED');
    expect(code(() => tokens.verifyParticipant(part))).toBe('TOKEN_EXPIRED');
    // An expired token of the wrong kind is just invalid, not "expired" (which would invite a refresh).
    expect(code(() => tokens.verifyLink(staff))).toBe('UNAUTHENTICATED');
    expect(code(() => tokens.verifyLink(link))).toBe('no error');
    t = l.expiresAt.getTime() + 6000;
    expect(code(() => tokens.verifyLink(link))).toBe('TOKEN_EXPIRED');
  });

  it('will not sign a link that has already expired', () => {
    expect(() => tokens.signLink({ ...linkIn(), expiresAt: new Date(t - 1000) })).toThrow(/expired/);
  });
});
