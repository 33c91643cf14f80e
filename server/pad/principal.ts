import { NotFoundError, UnauthenticatedError } from '../lib/errors.js';
import { can, type Principal } from '../auth/permissions.js';
import { participantPrincipal, type TokenService } from '../auth/tokens.js';
import type { StaffSessions } from '../auth/sessions.js';
import type { CaseService } from '../cases/cases.js';
import type { HearingService } from '../cases/hearings.js';
import type { LinkService } from '../cases/links.js';
import type { Roster } from '../cases/roster.js';
import type { PadSubject } from './access.js';
import type { PadPrincipal } from './agreements.js';

export interface PrincipalDeps {
  tokens: TokenService;
  sessions: StaffSessions;
  roster: Roster;
  links: LinkService;
  hearings: HearingService;
  cases: CaseService;
}

export type ResolvedPrincipal = PadPrincipal & { principal: Principal };

/**
 * The tokens people really hold in the browser: a staff session (console) or a participant session (a mediation link
 * after its identity check). Same checks as the HTTP API (staff through `StaffSessions`): a signed-out session, a
 * deactivated account or a revoked link loses access at once.
 */
export async function padPrincipal(deps: PrincipalDeps, token: string): Promise<ResolvedPrincipal> {
  let staffErr: unknown;
  try {
    const { account: a } = await deps.sessions.resolve(token);
    const principal: Principal = { kind: 'staff', staffId: a.staffId, role: a.role, orgId: a.orgId };
    return { author: `staff:${a.staffId}`, name: a.displayName, role: a.role, subject: { kind: 'staff', role: a.role }, principal };
  } catch (err) {
    // Only "not a (live) staff session" moves on to the participant check; a store failure is not a refusal.
    if (!(err instanceof UnauthenticatedError)) throw err;
    staffErr = err;
  }
  let claims;
  try {
    claims = deps.tokens.verifyParticipant(token);
  } catch (err) {
    // A genuine staff token that expired or was signed out says so; anything else is just not a valid token.
    const code = (staffErr as { code?: string })?.code;
    throw code === 'TOKEN_EXPIRED' || code === 'TOKEN_REVOKED' ? staffErr : err;
  }
  await deps.links.requireActive(claims.jti, { caseId: claims.case, hearingId: claims.hearing, participantId: claims.sub, role: claims.role });
  const p = await deps.hearings.participant(claims.case, claims.hearing, claims.sub).catch(() => undefined);
  if (!p || p.role !== claims.role) throw new UnauthenticatedError('this session no longer matches its link');
  return {
    author: `participant:${p.id}`, name: p.display_name, role: claims.role, subject: { kind: 'participant', role: claims.role } as PadSubject,
    principal: participantPrincipal(claims),
  };
}

/**
 * May this principal see anything of the case? Staff by the case permission table (case.read); participants only for
 * their link's case. Otherwise NOT_FOUND: another case's agreements are not even said to exist.
 */
export async function requireCaseReader(deps: Pick<PrincipalDeps, 'cases'>, p: Principal, caseId: string): Promise<void> {
  if (p.kind === 'participant') {
    if (p.caseId !== caseId) throw new NotFoundError('agreement');
    return;
  }
  const access = await deps.cases.access(caseId).catch(() => undefined);
  if (!access || !can(p, 'case.read', access)) throw new NotFoundError('agreement');
}
