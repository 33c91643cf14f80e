import { createSecretKey, type KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { z } from 'zod';
import { HEARING_ROLES, STAFF_ROLES, type HearingRole, type StaffRole } from '../../signaling/protocol/domain.js';
import { UnauthenticatedError } from '../lib/errors.js';
import type { CaseId, HearingId, LinkId, OrgId, StaffId } from '../lib/ids.js';
import type { KeyRing } from './keyring.js';

/**
 * The three kinds of bearer token. Each has its own `typ` claim and its own audience, checked on both sides, so a
 * mediation link can never be replayed as a session (which would skip the identity check) and vice versa.
 */

export const ISSUER = 'concord';
export const AUDIENCES = { staff: 'concord:staff', link: 'concord:link', participant: 'concord:participant' } as const;
const ALGORITHM = 'HS256';
// Far above any token we issue; refuses oversized input before any parsing work.
const MAX_TOKEN_LENGTH = 4096;

export interface StaffClaims {
  typ: 'staff';
  sub: StaffId;
  role: StaffRole;
  org: OrgId;
  /** Session id: the token is honoured only while this session is live in the store (auth/sessions.ts). */
  sid: string;
  iat: number;
  exp: number;
}
export interface LinkClaims {
  typ: 'link';
  jti: LinkId;
  case: CaseId;
  hearing: HearingId;
  role: HearingRole;
  pid: string;
  exp: number;
}
export interface ParticipantClaims {
  typ: 'participant';
  sub: string;
  jti: LinkId;
  case: CaseId;
  hearing: HearingId;
  role: HearingRole;
  iat: number;
  exp: number;
}

export interface TokenServiceOptions {
  staffTtlSeconds: number;
  participantTtlSeconds: number;
  /** Allowed clock skew between instances, seconds. Default 5. */
  clockToleranceSeconds?: number;
  now?: () => Date;
}

const id = z.string().min(1).max(64);
const time = z.number().int().nonnegative();
const common = { iss: z.literal(ISSUER), exp: time };

const staffSchema = z.object({
  ...common,
  typ: z.literal('staff'),
  aud: z.literal(AUDIENCES.staff),
  sub: id,
  role: z.enum(STAFF_ROLES),
  org: id,
  sid: z.string().regex(/^[A-Za-z0-9_-]{16,64}$/),
  iat: time,
});
const linkSchema = z.object({
  ...common,
  typ: z.literal('link'),
  aud: z.literal(AUDIENCES.link),
  jti: id,
  case: id,
  hearing: id,
  role: z.enum(HEARING_ROLES),
  pid: id,
});
const participantSchema = z.object({
  ...common,
  typ: z.literal('participant'),
  aud: z.literal(AUDIENCES.participant),
  sub: id,
  jti: id,
  case: id,
  hearing: id,
  role: z.enum(HEARING_ROLES),
  iat: time,
});

const invalid = () => new UnauthenticatedError('invalid token', 'UNAUTHENTICATED');

export class TokenService {
  private readonly now: () => Date;
  private readonly tolerance: number;
  private readonly keyObjects = new Map<string, KeyObject>();

  constructor(
    private readonly keys: KeyRing,
    private readonly opts: TokenServiceOptions,
  ) {
    if (!(opts.staffTtlSeconds > 0) || !(opts.participantTtlSeconds > 0)) throw new Error('token TTLs must be positive');
    this.now = opts.now ?? (() => new Date());
    this.tolerance = opts.clockToleranceSeconds ?? 5;
  }

  /** Only `StaffSessions.issue` should call this: a staff token is honoured only with its session recorded. */
  signStaff(s: { staffId: string; role: StaffRole; orgId: string; sid: string }): string {
    const iat = this.nowSeconds();
    return this.sign(staffSchema, {
      iss: ISSUER,
      aud: AUDIENCES.staff,
      typ: 'staff',
      sub: s.staffId,
      role: s.role,
      org: s.orgId,
      sid: s.sid,
      iat,
      exp: iat + this.opts.staffTtlSeconds,
    });
  }

  /**
   * Deterministic in the link's data: no `iat`, and `exp` is the link's own expiry, so copying the same link again
   * yields the same claims (and, until the key rotates, the same token).
   */
  signLink(l: { linkId: string; caseId: string; hearingId: string; role: HearingRole; participantId: string; expiresAt: Date }): string {
    const exp = Math.floor(l.expiresAt.getTime() / 1000);
    if (!Number.isFinite(exp) || exp <= this.nowSeconds()) throw new Error('cannot sign a link that has already expired');
    const payload = { iss: ISSUER, aud: AUDIENCES.link, typ: 'link', jti: l.linkId, case: l.caseId, hearing: l.hearingId, role: l.role, pid: l.participantId, exp };
    return this.sign(linkSchema, payload);
  }

  /** `notAfter` (normally the link's expiry) caps the session so it cannot outlive the link it came from. */
  signParticipant(s: { participantId: string; linkId: string; caseId: string; hearingId: string; role: HearingRole; notAfter?: Date }): string {
    const iat = this.nowSeconds();
    let exp = iat + this.opts.participantTtlSeconds;
    if (s.notAfter) exp = Math.min(exp, Math.floor(s.notAfter.getTime() / 1000));
    if (!Number.isFinite(exp) || exp <= iat) throw new Error('participant session would already be expired');
    const payload = { iss: ISSUER, aud: AUDIENCES.participant, typ: 'participant', sub: s.participantId, jti: s.linkId, case: s.caseId, hearing: s.hearingId, role: s.role, iat, exp };
    return this.sign(participantSchema, payload);
  }

  verifyStaff(token: string): StaffClaims {
    const c = this.verify(token, AUDIENCES.staff, staffSchema);
    return { typ: c.typ, sub: c.sub as StaffId, role: c.role, org: c.org as OrgId, sid: c.sid, iat: c.iat, exp: c.exp };
  }

  verifyLink(token: string): LinkClaims {
    const c = this.verify(token, AUDIENCES.link, linkSchema);
    return { typ: c.typ, jti: c.jti as LinkId, case: c.case as CaseId, hearing: c.hearing as HearingId, role: c.role, pid: c.pid, exp: c.exp };
  }

  verifyParticipant(token: string): ParticipantClaims {
    const c = this.verify(token, AUDIENCES.participant, participantSchema);
    return {
      typ: c.typ,
      sub: c.sub,
      jti: c.jti as LinkId,
      case: c.case as CaseId,
      hearing: c.hearing as HearingId,
      role: c.role,
      iat: c.iat,
      exp: c.exp,
    };
  }

  private nowSeconds(): number {
    return Math.floor(this.now().getTime() / 1000);
  }

  private keyObject(kid: string, secret: string): KeyObject {
    let k = this.keyObjects.get(kid);
    if (!k) {
      k = createSecretKey(Buffer.from(secret, 'base64url'));
      this.keyObjects.set(kid, k);
    }
    return k;
  }

  private sign(schema: z.ZodType, payload: Record<string, unknown>): string {
    // Never issue a token we would refuse: bad input here is a bug upstream, so fail loudly, not as a 401 later.
    const checked = schema.safeParse(payload);
    if (!checked.success) throw new Error(`refusing to sign invalid claims: ${checked.error.issues.map((i) => i.path.join('.')).join(', ')}`);
    const key = this.keys.current();
    // A payload without iat (links) must stay without one; otherwise we supply iat ourselves from the injected clock.
    return jwt.sign(payload, this.keyObject(key.kid, key.secret), { algorithm: ALGORITHM, keyid: key.kid, noTimestamp: !('iat' in payload) });
  }

  private verify<S extends z.ZodType<{ exp: number }>>(token: string, audience: string, schema: S): z.infer<S> {
    if (typeof token !== 'string' || token.length === 0 || token.length > MAX_TOKEN_LENGTH) throw invalid();
    const decoded = jwt.decode(token, { complete: true });
    if (!decoded || typeof decoded.payload === 'string') throw invalid();
    const { alg, kid } = decoded.header;
    if (alg !== ALGORITHM || typeof kid !== 'string') throw invalid();
    const key = this.keys.find(kid);
    if (!key) throw invalid();
    let payload: unknown;
    try {
      payload = jwt.verify(token, this.keyObject(key.kid, key.secret), {
        algorithms: [ALGORITHM],
        issuer: ISSUER,
        audience,
        // Expiry is checked below, after the kind and claims: an expired token of the wrong kind is simply
        // invalid, and TOKEN_EXPIRED (which invites the client to refresh or re-open its link) is kept for
        // genuine tokens of the expected kind.
        ignoreExpiration: true,
        clockTimestamp: this.nowSeconds(),
        clockTolerance: this.tolerance,
      });
    } catch {
      throw invalid();
    }
    const parsed = schema.safeParse(payload);
    if (!parsed.success) throw invalid();
    const claims = parsed.data as z.infer<S>;
    if (this.nowSeconds() >= claims.exp + this.tolerance) throw new UnauthenticatedError('token expired', 'TOKEN_EXPIRED');
    return claims;
  }
}
