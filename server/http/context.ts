import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { Config } from '../config/index.js';
import type { Logger } from '../lib/logger.js';
import { UnauthenticatedError, ValidationError } from '../lib/errors.js';
import type { AuditLog } from '../cases/audit.js';
import type { CaseAccessInfo, CaseService, StaffActor } from '../cases/cases.js';
import type { HearingService } from '../cases/hearings.js';
import type { LinkService } from '../cases/links.js';
import type { Roster } from '../cases/roster.js';
import type { LoginGuard } from '../cases/login-guard.js';
import { assertCan, type Action, type Principal, type Resource } from '../auth/policy.js';
import type { ParticipantClaims, TokenService } from '../auth/tokens.js';
import type { StaffSession, StaffSessions } from '../auth/sessions.js';
import type { ParticipantPrincipal, PrincipalResolver, Resolved } from '../auth/principal.js';
import type { Metrics } from './metrics.js';
import type { RecordingsApi } from './routes/recordings.js';
import type { AgreementService } from '../pad/agreements.js';
import type { DocumentService } from '../documents/index.js';
import type { SigningService } from '../signing/service.js';
import type { CourtService } from '../court/service.js';
import type { Privacy } from '../privacy/index.js';

/** Everything the HTTP layer calls, passed in explicitly by the wiring. */
export interface HttpDeps {
  config: Config;
  log: Logger;
  ping: () => Promise<boolean>;
  audit: AuditLog;
  roster: Roster;
  cases: CaseService;
  hearings: HearingService;
  links: LinkService;
  /** Per-account sign-in limit and lockout notices (issue 11). */
  loginGuard: LoginGuard;
  tokens: TokenService;
  /** Staff sessions: the only way from a staff token to its account (sign-in, every staff request, sign-out). */
  sessions: StaffSessions;
  /** THE resolver of every credential (server/auth/principal.ts): all routes ask it, none verifies tokens itself. */
  principals: PrincipalResolver;
  metrics: Metrics;
  /** Where links point: the configured public URL or the address the server actually listens on. */
  baseUrl: () => string;
  /** Recordings, transcripts and the hearing record (issue 6); absent in tools that do not serve them. */
  recordings?: RecordingsApi;
  /** The drafting pad's agreements (issue 4). */
  agreements: AgreementService;
  /** Organisation certificates and PDF verification (issue 5). */
  documents: DocumentService;
  /** Signing ceremony and seal, judicial confirmation (issue 5). */
  signing: SigningService;
  court: CourtService;
  /** Retention schedules and personal-data exports (issue 12). */
  privacy: Privacy;
}

export type Handler = (req: Request, res: Response) => Promise<void> | void;
/** Express 5 forwards rejected promises to the error handler; this only adds the type. */
export const route = (h: Handler): RequestHandler => (req, res, next: NextFunction) => {
  // For the metrics label: by the time an error response finishes, req.baseUrl no longer names the router.
  if (typeof req.route?.path === 'string') res.locals.routePattern = `${req.baseUrl}${req.route.path}`;
  Promise.resolve(h(req, res)).catch(next);
};

/** A path parameter that must be one of our ids (letters, digits, '_' and '-', at most 64): a 400 otherwise. */
export const idParam = (req: Request, name: string): string => {
  const v = req.params[name];
  if (typeof v !== 'string' || !/^[A-Za-z0-9_-]{1,64}$/.test(v)) throw new ValidationError(`${name} is not a valid id`);
  return v;
};

/** The `Authorization: Bearer <token>` of a request; UNAUTHENTICATED without one. */
export function bearer(req: Request): string {
  const h = req.headers.authorization;
  if (!h || !h.startsWith('Bearer ')) throw new UnauthenticatedError('sign in first (Authorization: Bearer <token>)');
  return h.slice(7).trim();
}

export interface StaffContext { principal: Principal & { kind: 'staff' }; actor: StaffActor; session: StaffSession }

/** A staff session (server/auth/principal.ts); role and organisation come from the account as it is now. */
export async function staffFrom(req: Request, deps: HttpDeps): Promise<StaffContext> {
  const { principal, session } = await deps.principals.staff(bearer(req));
  return { principal, actor: { id: principal.staffId, role: principal.role, orgId: principal.orgId }, session };
}

/** A participant session (server/auth/principal.ts): only as good as the link behind it. */
export async function participantFrom(req: Request, deps: HttpDeps): Promise<{ claims: ParticipantClaims; principal: ParticipantPrincipal; name: string }> {
  return deps.principals.participant(bearer(req));
}

/** A staff or a participant session, whichever the bearer token is. */
export async function anyFrom(req: Request, deps: HttpDeps): Promise<Resolved> {
  return deps.principals.any(bearer(req));
}

/**
 * Loads a case and asks the policy (server/auth/policy.ts). A case the principal cannot even see answers NOT_FOUND,
 * so ids of other cases reveal nothing; a visible case with a forbidden action answers PERMISSION_DENIED.
 */
export async function caseFor(deps: HttpDeps, p: Principal, caseId: string, action: Action, facts: Omit<Resource, 'caseId' | 'orgId' | 'assignedStaff'> = {}): Promise<CaseAccessInfo> {
  const access = await deps.cases.access(caseId);
  assertCan(p, action, { ...access, ...facts });
  return access;
}

export function clientIp(req: Request): string {
  return (req.ip ?? req.socket.remoteAddress ?? 'unknown').slice(0, 64);
}

/**
 * express-rate-limit's start-up checks, as every limiter here uses them: its X-Forwarded-For warning is off, since the
 * proxy setting is ours (CONCORD_TRUST_PROXY, one hop) and the sign-in route logs its own, clearer warning.
 */
export const LIMITER_CHECKS = { xForwardedForHeader: false } as const;
