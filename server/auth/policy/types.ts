import { STAFF_HEARING_ROLES, type HearingRole, type StaffRole } from '../../../signaling/protocol/domain.js';

/**
 * Who is acting, whatever credential they came with (server/auth/principal.ts resolves every kind):
 * - staff: a signed-in staff account (console);
 * - participant: a hearing participant who passed the identity check of their link (a party, their representative,
 *   an interpreter, an observer, or a staff member who joined a hearing through their own link);
 * - link: the holder of a mediation link before its identity check (may only inspect and verify that link);
 * - system: an operator tool run on the server (CLI), never reachable over the network.
 */
export type Principal =
  | { kind: 'staff'; staffId: string; role: StaffRole; orgId: string }
  | { kind: 'participant'; participantId: string; linkId: string; caseId: string; hearingId: string; role: HearingRole }
  | { kind: 'link'; linkId: string; participantId: string; caseId: string; hearingId: string; role: HearingRole }
  | { kind: 'system'; tool: string };

/** The columns of the policy table: one per kind of person (see docs/ACCESS.md). */
export const POLICY_ROLES = [
  'org_admin', 'mediator', 'clerk', 'arbitrator', 'court',
  'hearing_mediator', 'hearing_clerk', 'hearing_arbitrator', 'hearing_court',
  'applicant', 'respondent', 'interpreter', 'observer',
  'link_holder', 'system',
] as const;
export type PolicyRole = (typeof POLICY_ROLES)[number];

export const ROLE_LABELS: Readonly<Record<PolicyRole, string>> = {
  org_admin: 'organisation admin (staff account)',
  mediator: 'mediator (staff account)',
  clerk: 'clerk (staff account)',
  arbitrator: 'arbitrator, incl. HK/Macau panel (staff account)',
  court: 'judge / court clerk (staff account)',
  hearing_mediator: 'mediator joined to a hearing by link',
  hearing_clerk: 'clerk joined to a hearing by link',
  hearing_arbitrator: 'arbitrator joined to a hearing by link',
  hearing_court: 'judge joined to a hearing by link',
  applicant: 'applicant or their representative (hearing link)',
  respondent: 'respondent or their representative (hearing link)',
  interpreter: 'interpreter (hearing link)',
  observer: 'observer (hearing link)',
  link_holder: 'holder of a mediation link before its identity check',
  system: 'operator tool on the server (CLI)',
};

const STAFF_IN_HEARING: ReadonlySet<string> = new Set(STAFF_HEARING_ROLES);

export function roleOf(p: Principal): PolicyRole {
  switch (p.kind) {
    case 'staff':
      return p.role;
    case 'participant':
      return STAFF_IN_HEARING.has(p.role) ? (`hearing_${p.role}` as PolicyRole) : (p.role as PolicyRole);
    case 'link':
      return 'link_holder';
    case 'system':
      return 'system';
  }
}

/**
 * What a piece of hearing material is. Caucus material (背对背调解: recording tracks, transcript lines and chat of a
 * private caucus) names who held it and which party side was in it, so only they can read it (DOMAIN.md,
 * "Compromise facts are protected").
 */
export type Material =
  | { kind: 'joint' }
  | {
      kind: 'caucus';
      /** Ids of the mediator who held the caucus: their hearing participant id and their staff id. */
      heldBy: readonly string[];
      /** Participant ids of the party side in the caucus, incl. that side's representatives. */
      parties: readonly string[];
      /** An item is released only when both the mediator and that party released it (branch i12-caucus). */
      releasedBy?: { mediator: boolean; party: boolean };
    };

/** What an action is done to: always a case, plus the facts its conditions need (gathered by the caller). */
export interface Resource {
  caseId: string;
  orgId: string;
  /** Staff ids assigned to the case (mediator/arbitrator/clerk/court of any of its hearings or registration). */
  assignedStaff: ReadonlySet<string>;
  /** The hearing acted in, when the action is inside one. */
  hearingId?: string;
  material?: Material;
  hearingLive?: boolean;
  agreementLocked?: boolean;
  /** The mediator let the clerk edit this agreement's text. */
  clerkMayEdit?: boolean;
  /** The person the data is about (data.export): a participant id or staff id. */
  subjectId?: string;
}

/** Kept for callers that only ever pass the case part. */
export type CaseAccess = Resource;
