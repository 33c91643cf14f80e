import { Router } from 'express';
import type { MetaView } from '../../../signaling/protocol/api.js';
import { CASE_STATUSES, CURRENCIES, DISPUTE_TYPES, HEARING_ROLES, SITES } from '../../../signaling/protocol/domain.js';
import { route, staffFrom, type HttpDeps } from '../context.js';

export function metaRouter(deps: HttpDeps): Router {
  const r = Router();
  r.get('/meta', (_req, res) => {
    const meta: MetaView = { sites: SITES, disputeTypes: DISPUTE_TYPES, currencies: CURRENCIES, caseStatuses: CASE_STATUSES, hearingRoles: HEARING_ROLES };
    res.json(meta);
  });
  r.get('/staff', route(async (req, res) => {
    const { actor } = await staffFrom(req, deps);
    res.json({ items: await deps.roster.schedulable(actor.orgId) });
  }));
  return r;
}
