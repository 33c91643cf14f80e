import { NotFoundError } from '../lib/errors.js';
import { assertCan, seesCase, type Resource } from '../auth/policy.js';
import type { Resolved } from '../auth/principal.js';
import type { PadPrincipal } from './agreements.js';

export type ResolvedPrincipal = PadPrincipal;

/**
 * The pad's view of someone the one resolver (server/auth/principal.ts) already identified, once the policy lets them
 * read the agreement's case (pad.read). Another case's agreement answers NOT_FOUND: it is not even said to exist.
 */
export function padPrincipalFor(who: Resolved, access: Resource): PadPrincipal {
  if (!seesCase(who.principal, access)) throw new NotFoundError('agreement');
  assertCan(who.principal, 'pad.read', access);
  const p = who.principal;
  const author = p.kind === 'staff' ? `staff:${p.staffId}` : `participant:${p.participantId}`;
  return { author, name: who.name, role: p.role, subject: { principal: p, access } };
}
