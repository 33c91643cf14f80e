import { UnauthenticatedError } from '../lib/errors.js';
import type { HearingRole } from '../../signaling/protocol/domain.js';
import type { Principal } from './policy/types.js';
import type { SessionAccount, StaffSession, StaffSessions } from './sessions.js';
import type { LinkClaims, ParticipantClaims, TokenService } from './tokens.js';

/**
 * THE one resolver: every credential Concord accepts (a staff session, a participant session, a mediation link, an
 * operator tool) becomes a `Principal` here, for the HTTP API, the hearing socket handshake, the pad namespace and the
 * join route alike. What the resolver needs from the cases layer comes in as ports (server/auth must not import it).
 */
export interface PrincipalPorts {
  tokens: TokenService;
  sessions: StaffSessions;
  /** The link is live and still names this case, hearing, participant and role (revoking it ends its sessions). */
  requireActiveLink(linkId: string, claimed: { caseId: string; hearingId: string; participantId: string; role: HearingRole }): Promise<unknown>;
  /** The hearing participant as stored now (undefined when gone). */
  participant(caseId: string, hearingId: string, participantId: string): Promise<{ id: string; role: string; display_name: string } | undefined>;
}

export type StaffPrincipal = Principal & { kind: 'staff' };
export type ParticipantPrincipal = Principal & { kind: 'participant' };
export type LinkPrincipal = Principal & { kind: 'link' };

export interface StaffResolved { principal: StaffPrincipal; name: string; session: StaffSession; account: SessionAccount }
export interface ParticipantResolved { principal: ParticipantPrincipal; name: string; claims: ParticipantClaims }
export type Resolved = StaffResolved | ParticipantResolved;

export class PrincipalResolver {
  constructor(private readonly ports: PrincipalPorts) {}

  /** A staff session: a signed-out session or a deactivated account loses access at once. */
  async staff(token: string): Promise<StaffResolved> {
    const session = await this.ports.sessions.resolve(token);
    const a = session.account;
    return { principal: { kind: 'staff', staffId: a.staffId, role: a.role, orgId: a.orgId }, name: a.displayName, session, account: a };
  }

  /** A participant session: only as good as its link, and only while the participant still holds the role. */
  async participant(token: string): Promise<ParticipantResolved> {
    const claims = this.ports.tokens.verifyParticipant(token);
    await this.ports.requireActiveLink(claims.jti, { caseId: claims.case, hearingId: claims.hearing, participantId: claims.sub, role: claims.role });
    const row = await this.ports.participant(claims.case, claims.hearing, claims.sub).catch(() => undefined);
    if (!row || row.role !== claims.role) throw new UnauthenticatedError('this session no longer matches its link');
    const principal: ParticipantPrincipal = {
      kind: 'participant', participantId: claims.sub, linkId: claims.jti, caseId: claims.case, hearingId: claims.hearing, role: claims.role,
    };
    return { principal, name: row.display_name, claims };
  }

  /** A mediation link before its identity check: it may be inspected and verified, nothing else. */
  async link(token: string): Promise<{ principal: LinkPrincipal; claims: LinkClaims }> {
    const claims = this.ports.tokens.verifyLink(token);
    await this.ports.requireActiveLink(claims.jti, { caseId: claims.case, hearingId: claims.hearing, participantId: claims.pid, role: claims.role });
    return { principal: { kind: 'link', linkId: claims.jti, participantId: claims.pid, caseId: claims.case, hearingId: claims.hearing, role: claims.role }, claims };
  }

  /** Either a staff or a participant session (the pad, signing, recordings serve both). */
  async any(token: string): Promise<Resolved> {
    let staffErr: unknown;
    try {
      return await this.staff(token);
    } catch (err) {
      // Only "not a (live) staff session" moves on to the participant check; a store failure is not a refusal.
      if (!(err instanceof UnauthenticatedError)) throw err;
      staffErr = err;
    }
    try {
      this.ports.tokens.verifyParticipant(token);
    } catch (err) {
      // A genuine staff token that expired or was signed out says so; anything else is just not a valid token.
      const code = (staffErr as { code?: string }).code;
      throw code === 'TOKEN_EXPIRED' || code === 'TOKEN_REVOKED' ? staffErr : err;
    }
    return this.participant(token);
  }
}

/** The principal of an operator tool run on the server (CLI): it has its own rows in the policy table. */
export const systemPrincipal = (tool: string): Principal => ({ kind: 'system', tool });
