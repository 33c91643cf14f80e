import { Router } from 'express';
import { rateLimit } from 'express-rate-limit';
import { InspectLinkBody, VerifyIdentityBody, type LinkInspection, type ParticipantSession } from '../../../signaling/protocol/api.js';
import type { HearingRole } from '../../../signaling/protocol/domain.js';
import { UnauthenticatedError } from '../../lib/errors.js';
import { verifyAgainstDummy, verifyPassword } from '../../auth/passwords.js';
import type { IdentityAnswers } from '../../cases/links.js';
import { LIMITER_CHECKS, clientIp, participantFrom, route, staffFrom, type HttpDeps } from '../context.js';
import { errorBody } from '../errors.js';
import { parse } from '../validate.js';

const STAFF_ROLES: ReadonlySet<HearingRole> = new Set(['mediator', 'arbitrator', 'clerk', 'court']);

/** What a link holder can do: look at the link, pass the identity check, then see their waiting page. */
export function joinRouter(deps: HttpDeps): Router {
  const r = Router();
  // Per-IP ceiling on top of the per-link limit kept in the store: one address cannot walk many links.
  const verifyLimiter = rateLimit({
    validate: LIMITER_CHECKS,
    windowMs: deps.config.identityWindowMinutes * 60_000,
    limit: deps.config.identityMaxAttempts * 6,
    skipSuccessfulRequests: true,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    handler: (_req, res) => {
      res.status(429).json(errorBody('RATE_LIMITED', 'too many identity checks from this address; try again later'));
    },
  });

  r.post('/join/inspect', route(async (req, res) => {
    const { token } = parse(InspectLinkBody, req.body);
    const claims = deps.tokens.verifyLink(token);
    const link = await deps.links.requireActive(claims.jti, { caseId: claims.case, hearingId: claims.hearing, participantId: claims.pid, role: claims.role });
    const [hearing, participant, record] = await Promise.all([
      deps.hearings.get(link.caseId, link.hearingId),
      deps.hearings.participant(link.caseId, link.hearingId, link.participantId),
      deps.cases.get(link.caseId),
    ]);
    const out: LinkInspection = {
      caseNumber: record.number, role: link.role, displayName: participant.display_name, expiresAt: link.expiresAt,
      hearing: { id: hearing.id, startsAt: hearing.startsAt, site: hearing.site, status: hearing.status },
      identityCheck: STAFF_ROLES.has(link.role) ? 'staff' : 'party',
    };
    res.json(out);
  }));

  r.post('/join/verify', verifyLimiter, route(async (req, res) => {
    const body = parse(VerifyIdentityBody, req.body);
    const claims = deps.tokens.verifyLink(body.token);
    const link = await deps.links.requireActive(claims.jti, { caseId: claims.case, hearingId: claims.hearing, participantId: claims.pid, role: claims.role });
    let answers: IdentityAnswers;
    if ('signedIn' in body) {
      // A signed-in staff member (401 without a valid session of an active account) opens their own link only.
      answers = { kind: 'staff-session', staffId: (await staffFrom(req, deps)).actor.id };
    } else if ('username' in body) {
      const participant = await deps.hearings.participant(link.caseId, link.hearingId, link.participantId);
      const staff = participant.staff_id ? await deps.roster.getStaff(participant.staff_id) : undefined;
      const account = staff && { id: staff.id, orgId: staff.orgId };
      // A staff link asks for the account's password, so it is one more way to guess it: the account's sign-in lock
      // covers it too (a locked account is refused here as at /api/auth/login, and a wrong password here counts there).
      if (staff) await deps.loginGuard.assertUnlocked(staff.username, clientIp(req), account);
      const usernameOk = !!staff && staff.username === body.username && staff.active;
      const passwordOk = staff ? await verifyPassword(body.password, staff.passwordHash) : await verifyAgainstDummy(body.password);
      if (staff && !passwordOk) await deps.loginGuard.failed(staff.username, clientIp(req), account);
      answers = { kind: 'staff', usernameOk, passwordOk };
    } else {
      answers = { kind: 'party', name: body.name, idNumber: body.idNumber };
    }
    try {
      const { participant } = await deps.links.checkIdentity(link.id, clientIp(req), answers);
      deps.metrics.identityChecks.inc({ outcome: 'ok' });
      const [hearing, record] = await Promise.all([deps.hearings.get(link.caseId, link.hearingId), deps.cases.get(link.caseId)]);
      const token = deps.tokens.signParticipant({
        participantId: participant.id, linkId: link.id, caseId: link.caseId, hearingId: link.hearingId, role: link.role,
        notAfter: new Date(link.expiresAt),
      });
      const { exp } = deps.tokens.verifyParticipant(token);
      const out: ParticipantSession = {
        token, expiresAt: new Date(exp * 1000).toISOString(),
        participant: { id: participant.id, role: link.role, displayName: participant.display_name },
        caseNumber: record.number,
        hearing: { id: hearing.id, startsAt: hearing.startsAt, durationMinutes: hearing.durationMinutes, site: hearing.site, status: hearing.status },
      };
      res.json(out);
    } catch (err) {
      deps.metrics.identityChecks.inc({ outcome: 'failed' });
      throw err;
    }
  }));

  r.get('/participant/me', route(async (req, res) => {
    const { claims } = await participantFrom(req, deps);
    const [hearing, participant, record] = await Promise.all([
      deps.hearings.get(claims.case, claims.hearing),
      deps.hearings.participant(claims.case, claims.hearing, claims.sub),
      deps.cases.get(claims.case),
    ]);
    if (participant.role !== claims.role) throw new UnauthenticatedError('this session no longer matches its link');
    res.json({
      participant: { id: participant.id, role: claims.role, displayName: participant.display_name },
      caseNumber: record.number,
      hearing: { id: hearing.id, startsAt: hearing.startsAt, durationMinutes: hearing.durationMinutes, site: hearing.site, status: hearing.status },
    });
  }));
  return r;
}
