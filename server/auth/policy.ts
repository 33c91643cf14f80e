import { NotFoundError, PermissionDeniedError } from '../lib/errors.js';
import { holds } from './policy/conditions.js';
import type { Cell } from './policy/cells.js';
import { POLICY, type Action } from './policy/table.js';
import { roleOf, type Principal, type Resource } from './policy/types.js';

export { ACTIONS, POLICY, type Action, type PolicyRow } from './policy/table.js';
export { CONDITIONS, type Condition } from './policy/conditions.js';
export { POLICY_ROLES, ROLE_LABELS, roleOf, type CaseAccess, type Material, type PolicyRole, type Principal, type Resource } from './policy/types.js';
/** @deprecated name kept for callers written before the one policy: every action is a policy action. */
export type CaseAction = Action;

const CELLS: ReadonlyMap<string, Partial<Record<string, Cell>>> = new Map(POLICY.map((r) => [r.action, r.allow]));

/** The only access check: may this principal do this action to this resource? Unknown actions and roles deny. */
export function can(p: Principal, action: Action, r: Resource): boolean {
  const cell = CELLS.get(action)?.[roleOf(p)];
  return cell !== undefined && cell.some((alt) => alt.every((c) => holds(c, p, r)));
}

/**
 * Throws unless `can`. A case the principal cannot see at all answers NOT_FOUND, so ids of other cases reveal
 * nothing; a case they can see, with the action refused, answers PERMISSION_DENIED.
 */
export function assertCan(p: Principal, action: Action, r: Resource): void {
  if (can(p, action, r)) return;
  if (!seesCase(p, r)) throw new NotFoundError('case');
  throw new PermissionDeniedError(`not allowed: ${action}`, { action, caseId: r.caseId });
}

/** Whether the principal may know the case exists: staff who read it, or a session issued for it. */
export function seesCase(p: Principal, r: Resource): boolean {
  if (p.kind === 'participant' || p.kind === 'link') return p.caseId === r.caseId;
  return can(p, 'case.read', r);
}

/** The resource of an action that is about no case yet (a queue, a new case): the staff member's organisation. */
export const noCase = (p: Principal): Resource => ({ caseId: '', orgId: p.kind === 'staff' ? p.orgId : '', assignedStaff: new Set() });

/** Opening a new case: the resource is the case about to exist, in the staff member's own organisation. */
export function canCreateCase(p: Principal): boolean {
  return can(p, 'case.create', noCase(p));
}
