import { PAD_ROLE_COLOURS, type PadAccess } from '../../signaling/protocol/pad.js';
import type { AgreementsTable } from './types.js';

/**
 * Who may do what on an agreement's pad, by role. The caller has already established that the principal may read the
 * case at all (staff: the case permission table; participants: their link's case): another case's token reads nothing.
 * - edit: mediator, arbitrator, the parties (applicant, respondent, who include their representatives); the clerk only
 *   when the mediator allows it; never while the text is locked for signature.
 * - read only: clerk (by default), observer, interpreter, court.
 * - manage (lock, unlock, name versions, let the clerk edit): the mediator (and the organisation's admin).
 */
export type PadSubject =
  | { kind: 'staff'; role: 'mediator' | 'arbitrator' | 'clerk' | 'court' | 'org_admin' }
  | { kind: 'participant'; role: 'applicant' | 'respondent' | 'mediator' | 'arbitrator' | 'clerk' | 'interpreter' | 'observer' | 'court' };

const EDITORS = new Set(['mediator', 'arbitrator', 'applicant', 'respondent', 'org_admin']);
const MANAGERS = new Set(['mediator', 'org_admin']);

export function padAccess(subject: PadSubject, agreement: Pick<AgreementsTable, 'status' | 'clerk_can_edit'>): PadAccess {
  const canManage = MANAGERS.has(subject.role);
  const roleEdits = EDITORS.has(subject.role) || (subject.role === 'clerk' && agreement.clerk_can_edit === 1);
  if (!roleEdits) return { canRead: true, canEdit: false, canManage, readOnlyReason: 'role' };
  if (agreement.status === 'locked') return { canRead: true, canEdit: false, canManage, readOnlyReason: 'locked' };
  return { canRead: true, canEdit: true, canManage, readOnlyReason: null };
}

/** Cursor colour by role (shared with the client through the protocol). */
export const roleColour = (role: string): string => PAD_ROLE_COLOURS[role] ?? '#6b7280';
