import type { HearingRole, StaffRole } from '../../signaling/protocol/domain.js';
import { PermissionDeniedError } from '../lib/errors.js';

/** Who is acting: a signed-in staff member, or a hearing participant who passed the identity check of a link. */
export type Principal =
  | { kind: 'staff'; staffId: string; role: StaffRole; orgId: string }
  | { kind: 'participant'; participantId: string; linkId: string; caseId: string; hearingId: string; role: HearingRole };

export const CASE_ACTIONS = [
  'case.read',
  'case.create',
  'case.transition',
  'case.schedule',
  'link.issue',
  'link.revoke',
  // Clearing a link's identity-check lockout (issue 11): whoever may revoke links.
  'link.unlock',
  'audit.read',
  'hearing.join',
  // i12-merge: personal data and retention (issue 12 part 4); the one policy table of i12-policy takes these over.
  // The organisation's retention schedule (checked with the organisation as the resource: own_org scope).
  'retention.manage',
  // A person's data export: the org_admin for any participant, a participant for themselves (own_case).
  'data.export',
] as const;
export type CaseAction = (typeof CASE_ACTIONS)[number];

export interface CaseAccess {
  caseId: string;
  orgId: string;
  /** staff ids assigned to the case (mediator/arbitrator/clerk/court of any of its hearings or registration) */
  assignedStaff: ReadonlySet<string>;
}

/**
 * Where a grant applies:
 * - own_org: cases of the staff member's organisation (assignment neither needed nor sufficient);
 * - assigned: cases the staff member is assigned to, in any organisation (GBA panel arbitrators, court staff
 *   reviewing for judicial confirmation work across organisations but must not browse them);
 * - own_case: the one case a participant's link was issued for.
 */
type Scope = 'own_org' | 'assigned' | 'own_case';

interface Grant {
  scope: Scope;
  actions: ReadonlySet<CaseAction>;
}

const grant = (scope: Scope, actions: readonly CaseAction[]): Grant => ({ scope, actions: new Set(actions) });

/** The whole policy. Anything not listed here is denied. */
const STAFF_GRANTS: Readonly<Record<StaffRole, Grant>> = {
  org_admin: grant('own_org', CASE_ACTIONS),
  // org_admin holds every action above, incl. retention.manage and data.export (i12-merge).
  mediator: grant('own_org', ['case.read', 'case.create', 'case.transition', 'case.schedule', 'link.issue', 'link.revoke', 'link.unlock', 'audit.read']),
  clerk: grant('own_org', ['case.read', 'audit.read']),
  arbitrator: grant('assigned', ['case.read', 'audit.read']),
  court: grant('assigned', ['case.read', 'audit.read']),
};

// Participants reach their hearing and nothing else: case data they may see is served through the hearing itself.
// i12-merge: and export their own data (the route exports only the session's own participant).
const PARTICIPANT_GRANT: Grant = grant('own_case', ['hearing.join', 'data.export']);

function grantFor(p: Principal): Grant {
  return p.kind === 'staff' ? STAFF_GRANTS[p.role] : PARTICIPANT_GRANT;
}

function inScope(p: Principal, scope: Scope, c: CaseAccess): boolean {
  switch (scope) {
    case 'own_org':
      return p.kind === 'staff' && p.orgId === c.orgId;
    case 'assigned':
      return p.kind === 'staff' && c.assignedStaff.has(p.staffId);
    case 'own_case':
      return p.kind === 'participant' && p.caseId === c.caseId;
  }
}

export function can(p: Principal, action: CaseAction, c: CaseAccess): boolean {
  // Runtime guard: a role string that slipped past validation must deny, not crash on an undefined grant.
  const g = grantFor(p) as Grant | undefined;
  return g !== undefined && g.actions.has(action) && inScope(p, g.scope, c);
}

export function assertCan(p: Principal, action: CaseAction, c: CaseAccess): void {
  if (!can(p, action, c)) throw new PermissionDeniedError(`not allowed: ${action}`, { action, caseId: c.caseId });
}

/** Opening a new case (there is no CaseAccess yet): mediators and org_admins, into their own organisation. */
export function canCreateCase(p: Principal): boolean {
  return p.kind === 'staff' && STAFF_GRANTS[p.role]?.scope === 'own_org' && STAFF_GRANTS[p.role].actions.has('case.create');
}
