import type { Principal, Resource } from './types.js';

/**
 * The conditions a cell of the policy table may name, each with its plain meaning (rendered into docs/ACCESS.md).
 * A cell lists alternatives; each alternative is a set of conditions that must all hold.
 */
export const CONDITIONS = {
  always: 'always',
  own_org: "the case belongs to the staff member's own organisation",
  assigned: 'the staff member is assigned to the case (any organisation: GBA panel arbitrators, court staff)',
  own_case: 'the case is the one the link or hearing session was issued for',
  own_hearing: 'the hearing is the one the hearing session was issued for',
  joint: 'the item is joint-session material (not from a private caucus)',
  held_this_caucus: 'the item is from a caucus this mediator held',
  own_party_caucus: "the item is from a caucus of this person's own party side (party or representative)",
  released: 'the item is from a caucus, and both the mediator who held it and that party released it',
  hearing_live: 'the hearing is running now',
  agreement_unlocked: 'the agreement text is not locked for signature',
  clerk_allowed: 'the mediator allowed the clerk to edit this agreement',
  own_data: 'the data is about this person',
} as const;
export type Condition = keyof typeof CONDITIONS;

const ids = (p: Principal): string[] => {
  if (p.kind === 'staff') return [p.staffId];
  if (p.kind === 'participant') return [p.participantId];
  return [];
};

const inCase = (p: Principal, r: Resource): boolean => (p.kind === 'participant' || p.kind === 'link') && p.caseId === r.caseId;

export function holds(c: Condition, p: Principal, r: Resource): boolean {
  const m = r.material;
  switch (c) {
    case 'always':
      return true;
    case 'own_org':
      return p.kind === 'staff' && p.orgId === r.orgId;
    case 'assigned':
      return p.kind === 'staff' && r.assignedStaff.has(p.staffId);
    case 'own_case':
      return inCase(p, r);
    case 'own_hearing':
      return p.kind === 'participant' && inCase(p, r) && r.hearingId !== undefined && p.hearingId === r.hearingId;
    case 'joint':
      return m === undefined || m.kind === 'joint';
    case 'held_this_caucus':
      return m?.kind === 'caucus' && inCaseOrAssigned(p, r) && ids(p).some((id) => m.heldBy.includes(id));
    case 'own_party_caucus':
      return m?.kind === 'caucus' && p.kind === 'participant' && inCase(p, r) && m.parties.includes(p.participantId);
    case 'released':
      return m?.kind === 'caucus' && m.releasedBy?.mediator === true && m.releasedBy.party === true;
    case 'hearing_live':
      return r.hearingLive === true;
    case 'agreement_unlocked':
      return r.agreementLocked !== true;
    case 'clerk_allowed':
      return r.clerkMayEdit === true;
    case 'own_data':
      return r.subjectId !== undefined && ids(p).includes(r.subjectId);
  }
}

/** An id in `heldBy` counts only inside that case: a session of the case, or a staff member assigned to it. */
function inCaseOrAssigned(p: Principal, r: Resource): boolean {
  return p.kind === 'staff' ? r.assignedStaff.has(p.staffId) : inCase(p, r);
}
