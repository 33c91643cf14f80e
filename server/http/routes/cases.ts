import { Router } from 'express';
import {
  CaseListQuery, ClearLinkLockoutBody, CreateCaseBody, IssueLinkBody, ParticipantLanguageBody, RevokeLinkBody, ScheduleHearingBody, TransitionBody, type AuditTrail,
} from '../../../signaling/protocol/api.js';
import { PermissionDeniedError } from '../../lib/errors.js';
import { canCreateCase } from '../../auth/policy.js';
import { caseFor, idParam, route, staffFrom, type HttpDeps } from '../context.js';
import { caseView, hearingViews, linkView } from '../views.js';
import { participantView } from '../../cases/hearings.js';
import { parse } from '../validate.js';

export function casesRouter(deps: HttpDeps): Router {
  const r = Router();

  r.get('/', route(async (req, res) => {
    const { actor } = await staffFrom(req, deps);
    const query = parse(CaseListQuery, req.query, 'query');
    res.json(await deps.cases.list(actor, query));
  }));

  r.post('/', route(async (req, res) => {
    const { principal, actor } = await staffFrom(req, deps);
    if (!canCreateCase(principal)) throw new PermissionDeniedError(`a ${actor.role} cannot register cases`);
    const body = parse(CreateCaseBody, req.body);
    const org = await deps.roster.getOrganisation(actor.orgId);
    const created = await deps.cases.create(actor, body, org.site);
    res.status(201).json(await caseView(deps, principal, await deps.cases.access(created.id)));
  }));

  r.get('/:caseId', route(async (req, res) => {
    const { principal } = await staffFrom(req, deps);
    res.json(await caseView(deps, principal, await caseFor(deps, principal, idParam(req, 'caseId'), 'case.read')));
  }));

  r.post('/:caseId/transitions', route(async (req, res) => {
    const { principal, actor } = await staffFrom(req, deps);
    const caseId = idParam(req, 'caseId');
    await caseFor(deps, principal, caseId, 'case.transition');
    const body = parse(TransitionBody, req.body);
    await deps.cases.transition(actor, caseId, body.to, body.reason);
    res.json(await caseView(deps, principal, await deps.cases.access(caseId)));
  }));

  r.post('/:caseId/hearings', route(async (req, res) => {
    const { principal, actor } = await staffFrom(req, deps);
    const caseId = idParam(req, 'caseId');
    const access = await caseFor(deps, principal, caseId, 'case.schedule');
    const body = parse(ScheduleHearingBody, req.body);
    const hearing = await deps.hearings.schedule(actor, caseId, body);
    const [view] = await hearingViews(deps, principal, await deps.cases.access(access.caseId), [hearing]);
    res.status(201).json(view);
  }));

  r.put('/:caseId/hearings/:hearingId/participants/:participantId/language', route(async (req, res) => {
    const { principal, actor } = await staffFrom(req, deps);
    const caseId = idParam(req, 'caseId');
    await caseFor(deps, principal, caseId, 'hearing.languages');
    const body = parse(ParticipantLanguageBody, req.body);
    const row = await deps.hearings.setLanguage(actor, caseId, idParam(req, 'hearingId'), idParam(req, 'participantId'), body);
    res.json(participantView(row));
  }));

  r.post('/:caseId/hearings/:hearingId/links', route(async (req, res) => {
    const { principal, actor } = await staffFrom(req, deps);
    const caseId = idParam(req, 'caseId');
    await caseFor(deps, principal, caseId, 'link.issue');
    const body = parse(IssueLinkBody, req.body);
    const link = await deps.links.issue(actor, caseId, idParam(req, 'hearingId'), body.participantId, body.expiresInHours ?? deps.config.linkTtlHours);
    const p = await deps.hearings.participant(caseId, link.hearingId, link.participantId);
    res.status(201).json(linkView(deps, link, p.display_name, true, null));
  }));

  r.post('/:caseId/links/:linkId/revoke', route(async (req, res) => {
    const { principal, actor } = await staffFrom(req, deps);
    const caseId = idParam(req, 'caseId');
    await caseFor(deps, principal, caseId, 'link.revoke');
    const body = parse(RevokeLinkBody, req.body);
    const link = await deps.links.revoke(actor, caseId, idParam(req, 'linkId'), body.reason);
    const p = await deps.hearings.participant(caseId, link.hearingId, link.participantId);
    res.json(linkView(deps, link, p.display_name, false, (await deps.links.lockouts([link.id])).get(link.id) ?? null));
  }));

  r.post('/:caseId/links/:linkId/lockout/clear', route(async (req, res) => {
    const { principal, actor } = await staffFrom(req, deps);
    const caseId = idParam(req, 'caseId');
    await caseFor(deps, principal, caseId, 'link.unlock');
    const body = parse(ClearLinkLockoutBody, req.body);
    const link = await deps.links.clearLockout(actor, caseId, idParam(req, 'linkId'), body.reason);
    const p = await deps.hearings.participant(caseId, link.hearingId, link.participantId);
    res.json(linkView(deps, link, p.display_name, false, null));
  }));

  r.get('/:caseId/audit', route(async (req, res) => {
    const { principal } = await staffFrom(req, deps);
    const caseId = idParam(req, 'caseId');
    await caseFor(deps, principal, caseId, 'audit.read');
    const [entries, verification] = await Promise.all([deps.audit.entries(caseId), deps.audit.verify(caseId)]);
    const trail: AuditTrail = { entries, verification };
    res.json(trail);
  }));

  r.get('/:caseId/audit/verify', route(async (req, res) => {
    const { principal } = await staffFrom(req, deps);
    const caseId = idParam(req, 'caseId');
    await caseFor(deps, principal, caseId, 'audit.read');
    res.json(await deps.audit.verify(caseId));
  }));
  return r;
}
