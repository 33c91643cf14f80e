import { PAD_ROLE_COLOURS, type PadAccess } from '../../signaling/protocol/pad.js';
import { can, type Principal, type Resource } from '../auth/policy.js';
import type { AgreementsTable } from './types.js';

/**
 * Who acts on a pad, as the policy table sees them: the principal and the case the agreement belongs to. What they may
 * do is the table's rows pad.edit and pad.manage (server/auth/policy/table.ts); nothing here decides by role.
 */
export interface PadSubject {
  principal: Principal;
  /** The agreement's case (caseId, orgId, assigned staff), gathered by the caller. */
  access: Resource;
}

/** The caller already passed pad.read (server/pad/principal.ts). */
export function padAccess(subject: PadSubject, agreement: Pick<AgreementsTable, 'status' | 'clerk_can_edit'>): PadAccess {
  const { principal: p, access } = subject;
  const facts = { ...access, clerkMayEdit: agreement.clerk_can_edit === 1 };
  const canManage = can(p, 'pad.manage', access);
  if (!can(p, 'pad.edit', { ...facts, agreementLocked: false })) return { canRead: true, canEdit: false, canManage, readOnlyReason: 'role' };
  if (agreement.status === 'locked') return { canRead: true, canEdit: false, canManage, readOnlyReason: 'locked' };
  return { canRead: true, canEdit: true, canManage, readOnlyReason: null };
}

/** Cursor colour by role (shared with the client through the protocol). */
export const roleColour = (role: string): string => PAD_ROLE_COLOURS[role] ?? '#6b7280';
