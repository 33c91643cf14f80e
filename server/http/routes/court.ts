import { Router } from 'express';
import { ConfirmBody, RejectBody } from '../../../signaling/protocol/signing.js';
import { PermissionDeniedError } from '../../lib/errors.js';
import { can, noCase } from '../../auth/policy.js';
import { caseFor, idParam, route, staffFrom, type HttpDeps } from '../context.js';
import { parse } from '../validate.js';

/**
 * The court's side of judicial confirmation: its queue, the review package, confirm or reject. Only staff sessions;
 * the policy rows court.queue, court.review and court.decide say who: a court user reaches only cases it is assigned
 * to; anyone else who can read the case (the mediator) is refused the decisions with PERMISSION_DENIED.
 */
export function courtRouter(deps: HttpDeps): Router {
  const r = Router();

  r.get('/queue', route(async (req, res) => {
    const { principal, actor } = await staffFrom(req, deps);
    if (!can(principal, 'court.queue', noCase(principal))) throw new PermissionDeniedError('only court staff have a confirmation queue', { reason: 'not_court' });
    res.json({ items: await deps.court.queue(actor) });
  }));

  r.get('/requests/:id', route(async (req, res) => {
    const { principal, actor } = await staffFrom(req, deps);
    const id = idParam(req, 'id');
    await caseFor(deps, principal, await deps.court.caseOf(id), 'court.review');
    res.json(await deps.court.package(id, actor));
  }));

  r.post('/requests/:id/confirm', route(async (req, res) => {
    const { principal, actor } = await staffFrom(req, deps);
    const id = idParam(req, 'id');
    const access = await caseFor(deps, principal, await deps.court.caseOf(id), 'case.read');
    if (!can(principal, 'court.decide', access)) throw new PermissionDeniedError('only the court decides on judicial confirmation', { reason: 'not_court' });
    const body = parse(ConfirmBody, req.body);
    res.json(await deps.court.confirm(id, actor, body.note));
  }));

  r.post('/requests/:id/ruling-preview', route(async (req, res) => {
    const { principal, actor } = await staffFrom(req, deps);
    const id = idParam(req, 'id');
    // Previewing the ruling is part of deciding: the same row as confirm and reject.
    const access = await caseFor(deps, principal, await deps.court.caseOf(id), 'case.read');
    if (!can(principal, 'court.decide', access)) throw new PermissionDeniedError('only the court decides on judicial confirmation', { reason: 'not_court' });
    const body = parse(ConfirmBody, req.body);
    res.setHeader('Cache-Control', 'private, no-store');
    res.type('application/pdf').send(Buffer.from(await deps.court.previewRuling(id, actor, body.note)));
  }));

  r.post('/requests/:id/reject', route(async (req, res) => {
    const { principal, actor } = await staffFrom(req, deps);
    const id = idParam(req, 'id');
    const access = await caseFor(deps, principal, await deps.court.caseOf(id), 'case.read');
    if (!can(principal, 'court.decide', access)) throw new PermissionDeniedError('only the court decides on judicial confirmation', { reason: 'not_court' });
    const body = parse(RejectBody, req.body);
    res.json(await deps.court.reject(id, actor, body.reasons));
  }));
  return r;
}
