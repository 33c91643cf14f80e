import type { Condition } from './conditions.js';
import type { PolicyRole } from './types.js';

/** One cell of the table: alternatives, each a list of conditions that must all hold. Absent = denied. */
export type Cell = readonly (readonly Condition[])[];
export type Cells = Partial<Record<PolicyRole, Cell>>;

/** `when('own_org', 'joint')`: one alternative; `.or(...)` adds another. */
export interface CellBuilder extends ReadonlyArray<readonly Condition[]> {
  or(...all: Condition[]): CellBuilder;
}
export function when(...all: Condition[]): CellBuilder {
  const build = (alts: (readonly Condition[])[]): CellBuilder => Object.assign([...alts], { or: (...more: Condition[]) => build([...alts, more]) });
  return build([all]);
}

export const PARTICIPANT_ROLES = [
  'hearing_mediator', 'hearing_clerk', 'hearing_arbitrator', 'hearing_court', 'applicant', 'respondent', 'interpreter', 'observer',
] as const satisfies readonly PolicyRole[];
export const PARTY_ROLES = ['applicant', 'respondent'] as const satisfies readonly PolicyRole[];

/** The same cell for several roles. */
export function each(roles: readonly PolicyRole[], cell: Cell): Cells {
  return Object.fromEntries(roles.map((r) => [r, cell]));
}

/** Staff who read a case: their own organisation's cases; arbitrators and the court only cases they are assigned to. */
export const CASE_READERS: Cells = {
  org_admin: when('own_org'),
  mediator: when('own_org'),
  clerk: when('own_org'),
  arbitrator: when('assigned'),
  court: when('assigned'),
};

/** The same, with extra conditions on each alternative (e.g. only joint material). */
export function staffReaders(...extra: Condition[]): Cells {
  return Object.fromEntries(Object.entries(CASE_READERS).map(([role, cell]) => [role, cell!.map((alt) => [...alt, ...extra])]));
}

/**
 * Hearing material (recordings, transcripts, chat): joint-session items for whoever reads the case or took part in it;
 * caucus items only for the mediator who held the caucus and that party side, or for everyone above once both released
 * the item. The court and an assigned arbitrator review the joint-session record (the court confirms the agreement on
 * the file), which is why they keep the joint items and never get caucus items (DOMAIN.md: compromise facts).
 * The organisation admin is denied caucus items too: running the organisation is no reason to read concessions.
 */
export function materialReaders(): Cells {
  const staff = Object.fromEntries(
    Object.entries(CASE_READERS).map(([role, cell]) => [role, cell!.flatMap((alt) => [[...alt, 'joint'], [...alt, 'released']] as Condition[][])]),
  ) as Cells;
  const participants = each(PARTICIPANT_ROLES, when('own_case', 'joint').or('own_case', 'released'));
  return {
    ...staff,
    mediator: [...staff.mediator!, ['held_this_caucus']],
    ...participants,
    hearing_mediator: [...participants.hearing_mediator!, ['held_this_caucus']],
    applicant: [...participants.applicant!, ['own_party_caucus']],
    respondent: [...participants.respondent!, ['own_party_caucus']],
  };
}
