import { Router, type Response } from 'express';
import { RetentionScheduleBody } from '../../../signaling/protocol/privacy.js';
import { NotFoundError, PermissionDeniedError, UnauthenticatedError } from '../../lib/errors.js';
import { can, type Principal } from '../../auth/policy.js';
import type { ExportPlan } from '../../privacy/export.js';
import { caseFor, idParam, participantFrom, route, staffFrom, type HttpDeps } from '../context.js';
import { parse } from '../validate.js';

/**
 * Personal data and retention (issue 12): the organisation's retention schedule (its org_admin), and a person's data
 * export: a participant their own (participant session), the org_admin anyone's of a case of the organisation.
 */
export function privacyRouter(deps: HttpDeps): Router {
  const r = Router();

  /** The organisation as the resource: another organisation's is NOT_FOUND, a role without the grant 403. */
  const orgFor = (p: Principal, orgId: string): void => {
    const resource = { caseId: '', orgId, assignedStaff: new Set<string>() };
    if (p.kind !== 'staff' || p.orgId !== orgId) throw new NotFoundError('organisation');
    if (!can(p, 'retention.manage', resource)) throw new PermissionDeniedError('only the organisation\'s administrator manages its retention schedule');
  };

  r.get('/orgs/:orgId/retention', route(async (req, res) => {
    const { principal } = await staffFrom(req, deps);
    const orgId = idParam(req, 'orgId');
    orgFor(principal, orgId);
    res.json(await deps.privacy.schedules.get(orgId));
  }));

  r.put('/orgs/:orgId/retention', route(async (req, res) => {
    const { principal, actor } = await staffFrom(req, deps);
    const orgId = idParam(req, 'orgId');
    orgFor(principal, orgId);
    const body = parse(RetentionScheduleBody, req.body);
    res.json(await deps.privacy.schedules.set(orgId, body, `staff:${actor.id}`));
  }));

  const send = async (res: Response, plan: ExportPlan, actor: string) => {
    await deps.privacy.exports.audited(plan, actor);
    res.status(200);
    res.setHeader('Content-Type', 'application/zip');
    res.setHeader('Content-Disposition', `attachment; filename="${plan.fileName}"`);
    res.setHeader('Cache-Control', 'no-store');
    try {
      await deps.privacy.exports.write(plan, res);
    } catch (err) {
      // Headers are out: all that is left is to cut the response, so the client sees a failed download, not a short zip.
      deps.log.error({ err, caseId: plan.caseId }, 'personal-data export failed while streaming');
      res.destroy(err as Error);
    }
  };

  r.get('/cases/:caseId/my-data.zip', route(async (req, res) => {
    const caseId = idParam(req, 'caseId');
    const { claims, principal } = await participantFrom(req, deps).catch(() => {
      throw new UnauthenticatedError('a participant session is needed to export your data');
    });
    await caseFor(deps, principal, caseId, 'data.export', { subjectId: claims.sub });
    await send(res, await deps.privacy.exports.prepare(caseId, claims.sub), `participant:${claims.sub}`);
  }));

  r.get('/cases/:caseId/participants/:participantId/export.zip', route(async (req, res) => {
    const { principal, actor } = await staffFrom(req, deps);
    const caseId = idParam(req, 'caseId');
    const participantId = idParam(req, 'participantId');
    await caseFor(deps, principal, caseId, 'data.export', { subjectId: participantId });
    await send(res, await deps.privacy.exports.prepare(caseId, participantId), `staff:${actor.id}`);
  }));

  return r;
}
