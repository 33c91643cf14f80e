import type { HearingRole } from '../../signaling/protocol/domain.js';
import { PermissionDeniedError } from '../lib/errors.js';
import { can, type Action } from '../auth/policy.js';

/** What the chair of a hearing does to others. Anything a participant does to themselves needs no grant. */
export type HearingControl = 'admit' | 'deny' | 'sendBack' | 'lock' | 'end' | 'mute' | 'askUnmute' | 'remove' | 'caucus';

const MEDIATOR: ReadonlySet<HearingRole> = new Set(['mediator']);
const MEDIATOR_OR_CLERK: ReadonlySet<HearingRole> = new Set(['mediator', 'clerk']);

/** Each chair control is a row of the access policy (server/auth/policy/table.ts); nothing here decides by role. */
const CONTROL_ACTION: Readonly<Record<HearingControl, Action>> = {
  admit: 'hearing.admit',
  sendBack: 'hearing.admit',
  deny: 'hearing.deny',
  lock: 'hearing.lock',
  end: 'hearing.end',
  mute: 'hearing.mute',
  askUnmute: 'hearing.mute',
  remove: 'hearing.remove',
  caucus: 'caucus.manage',
};

/**
 * The policy's answer for someone in this live hearing. Who is in it was established at the handshake (the one
 * resolver), so the principal is that participant inside their own hearing.
 */
export function mayDo(role: HearingRole, action: Action, facts: { hearingLive?: boolean; subjectId?: 'self' } = {}): boolean {
  const here = { caseId: 'this', hearingId: 'this' };
  return can({ kind: 'participant', participantId: 'self', linkId: 'self', role, ...here }, action, { ...here, orgId: '', assignedStaff: new Set(), ...facts });
}

export function mayControl(role: HearingRole, control: HearingControl): boolean {
  const action = CONTROL_ACTION[control] as Action | undefined;
  return action !== undefined && mayDo(role, action);
}

export function assertControl(role: HearingRole, control: HearingControl): void {
  if (!mayControl(role, control)) throw new PermissionDeniedError(`the ${role} may not ${control}`, { control });
}

/** Roles that see the lobby: the ones who can let people in. */
export const seesLobby = (role: HearingRole): boolean => MEDIATOR_OR_CLERK.has(role);
/** The mediator runs every caucus, so sees every room and who is in it; nobody else sees beyond their own room. */
export const seesEverything = (role: HearingRole): boolean => MEDIATOR.has(role);
/** Mediators can be neither sent to the lobby nor removed: a hearing must not lose its chair to a co-chair's click. */
export const isChair = (role: HearingRole): boolean => MEDIATOR.has(role);

/**
 * Who enters the joint session without waiting. The mediator always does (the hearing is theirs to run, and a locked
 * hearing must not lock its own chair out); the clerk does unless the hearing is locked; everyone else waits.
 */
export function entersDirectly(role: HearingRole, locked: boolean): boolean {
  if (role === 'mediator') return true;
  return role === 'clerk' && !locked;
}
