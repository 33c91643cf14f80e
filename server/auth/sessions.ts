import { randomBytes } from 'node:crypto';
import type { StaffRole } from '../../signaling/protocol/domain.js';
import { UnauthenticatedError } from '../lib/errors.js';
import type { StaffClaims, TokenService } from './tokens.js';

/**
 * Staff sessions: the one place that turns a staff token into the account behind it (the HTTP API's `staffFrom`, the
 * pad's handshake and its REST routes all come here). A staff token is only as good as its session row: signing out,
 * signing out everywhere or deactivating the account ends it at once, on every instance, across restarts.
 */

export interface SessionAccount { staffId: string; role: StaffRole; orgId: string; displayName: string }

/** The store's record of sessions; implemented in the cases layer (`StaffSessionStore`), injected by the wiring. */
export interface SessionLedger {
  open(s: { sid: string; staffId: string; expiresAt: Date }): Promise<void>;
  lookup(sid: string, staffId: string): Promise<{ state: 'live'; account: SessionAccount } | { state: 'revoked' | 'inactive' | 'expired' | 'unknown' }>;
  end(s: { sid: string; staffId: string; orgId: string; ip: string }): Promise<void>;
  endAll(s: { staffId: string; orgId: string; ip: string }): Promise<number>;
}

export interface StaffSession { claims: StaffClaims; account: SessionAccount }

export class StaffSessions {
  constructor(
    private readonly tokens: TokenService,
    private readonly ledger: SessionLedger,
  ) {}

  /** A new session for an account that has just proved who it is. The row is written before the token leaves. */
  async issue(staff: { id: string; role: StaffRole; orgId: string }): Promise<{ token: string; claims: StaffClaims }> {
    const sid = randomBytes(16).toString('base64url');
    const token = this.tokens.signStaff({ staffId: staff.id, role: staff.role, orgId: staff.orgId, sid });
    const claims = this.tokens.verifyStaff(token);
    await this.ledger.open({ sid, staffId: staff.id, expiresAt: new Date(claims.exp * 1000) });
    return { token, claims };
  }

  /** The account behind a staff token whose session is live; UNAUTHENTICATED / TOKEN_EXPIRED / TOKEN_REVOKED otherwise. */
  async resolve(token: string): Promise<StaffSession> {
    const claims = this.tokens.verifyStaff(token);
    const found = await this.ledger.lookup(claims.sid, claims.sub);
    switch (found.state) {
      case 'live':
        return { claims, account: found.account };
      case 'revoked':
        throw new UnauthenticatedError('this session was signed out; sign in again', 'TOKEN_REVOKED');
      case 'inactive':
        throw new UnauthenticatedError('this account is no longer active');
      case 'expired':
        throw new UnauthenticatedError('token expired', 'TOKEN_EXPIRED');
      case 'unknown':
        throw new UnauthenticatedError('invalid token');
    }
  }

  /** Sign out: the session of this token ends. */
  async end(s: StaffSession, ip: string): Promise<void> {
    await this.ledger.end({ sid: s.claims.sid, staffId: s.account.staffId, orgId: s.account.orgId, ip });
  }

  /** Sign out everywhere: every session of the token's account ends (this one too); how many. */
  async endAll(s: StaffSession, ip: string): Promise<number> {
    return this.ledger.endAll({ staffId: s.account.staffId, orgId: s.account.orgId, ip });
  }
}
