import type { HearingRole } from '../../signaling/protocol/domain.js';
import { PermissionDeniedError } from '../lib/errors.js';

/** What the chair of a hearing does to others. Anything a participant does to themselves needs no grant. */
export type HearingControl = 'admit' | 'deny' | 'sendBack' | 'lock' | 'end' | 'mute' | 'askUnmute' | 'remove' | 'caucus';

const MEDIATOR: ReadonlySet<HearingRole> = new Set(['mediator']);
const MEDIATOR_OR_CLERK: ReadonlySet<HearingRole> = new Set(['mediator', 'clerk']);

/** The whole policy. The clerk keeps the door (admit, send back) but does not run the hearing. */
const CONTROL_ROLES: Readonly<Record<HearingControl, ReadonlySet<HearingRole>>> = {
  admit: MEDIATOR_OR_CLERK,
  sendBack: MEDIATOR_OR_CLERK,
  deny: MEDIATOR,
  lock: MEDIATOR,
  end: MEDIATOR,
  mute: MEDIATOR,
  askUnmute: MEDIATOR,
  remove: MEDIATOR,
  caucus: MEDIATOR,
};

export function mayControl(role: HearingRole, control: HearingControl): boolean {
  return CONTROL_ROLES[control]?.has(role) ?? false;
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
