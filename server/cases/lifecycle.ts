import type { CaseStatus, StaffRole } from '../../signaling/protocol/domain.js';
import { InvalidStateError, PermissionDeniedError } from '../lib/errors.js';

/**
 * The case lifecycle of DOMAIN.md as a table: for each status, where it may go and which staff roles may take it there.
 * `agreed` is reached only by the signing service's seal (server/signing/seal.ts: all signatures collected, the organisation
 * seal applied), never by hand: its rule names no staff role, so every manual attempt is refused.
 */
type Rule = { to: CaseStatus; by: readonly StaffRole[] };
const MEDIATION: readonly StaffRole[] = ['mediator', 'org_admin'];
const COURT: readonly StaffRole[] = ['court'];
const SEAL_ONLY: readonly StaffRole[] = [];

export const TRANSITIONS: Readonly<Record<CaseStatus, readonly Rule[]>> = {
  registered: [
    { to: 'scheduled', by: MEDIATION },
    { to: 'withdrawn', by: MEDIATION },
    { to: 'referred_to_arbitration', by: MEDIATION },
  ],
  scheduled: [
    { to: 'mediating', by: MEDIATION },
    { to: 'registered', by: MEDIATION },
    { to: 'withdrawn', by: MEDIATION },
    { to: 'referred_to_arbitration', by: MEDIATION },
  ],
  mediating: [
    { to: 'scheduled', by: MEDIATION },
    { to: 'agreed', by: SEAL_ONLY },
    { to: 'withdrawn', by: MEDIATION },
    { to: 'referred_to_arbitration', by: MEDIATION },
  ],
  agreed: [
    { to: 'confirmation_requested', by: MEDIATION },
    { to: 'follow_up', by: MEDIATION },
    { to: 'archived', by: MEDIATION },
  ],
  confirmation_requested: [
    { to: 'confirmed', by: COURT },
    { to: 'confirmation_rejected', by: COURT },
  ],
  confirmed: [
    { to: 'follow_up', by: MEDIATION },
    { to: 'archived', by: MEDIATION },
  ],
  confirmation_rejected: [
    { to: 'mediating', by: MEDIATION },
    { to: 'referred_to_arbitration', by: MEDIATION },
    { to: 'archived', by: MEDIATION },
  ],
  follow_up: [{ to: 'archived', by: MEDIATION }],
  referred_to_arbitration: [{ to: 'archived', by: MEDIATION }],
  withdrawn: [{ to: 'archived', by: MEDIATION }],
  archived: [],
};

/** Targets that need a written reason in the file. */
const NEEDS_REASON: ReadonlySet<CaseStatus> = new Set(['withdrawn', 'referred_to_arbitration', 'confirmation_rejected']);

export function allowedTransitions(from: CaseStatus, role: StaffRole): CaseStatus[] {
  return TRANSITIONS[from].filter((r) => r.by.includes(role)).map((r) => r.to);
}

/** Throws INVALID_STATE for a transition the lifecycle does not have, PERMISSION_DENIED for one this role may not take. */
export function checkTransition(from: CaseStatus, to: CaseStatus, role: StaffRole, reason: string | undefined): void {
  const rule = TRANSITIONS[from].find((r) => r.to === to);
  if (!rule) {
    throw new InvalidStateError(`a case that is ${from} cannot become ${to}`, {
      from, to, allowed: TRANSITIONS[from].map((r) => r.to),
    });
  }
  if (rule.by.length === 0) throw new PermissionDeniedError(`a case becomes ${to} only when the agreement is signed and sealed`, { from, to });
  if (!rule.by.includes(role)) throw new PermissionDeniedError(`a ${role} cannot move a case from ${from} to ${to}`);
  if (NEEDS_REASON.has(to) && !reason?.trim()) throw new InvalidStateError(`moving a case to ${to} needs a reason`, { from, to });
}
