import type { RecordingOnRefusal } from '../../signaling/protocol/hearing.js';

export type Decision = 'accepted' | 'refused';

/**
 * The named rules of recording consent.
 * - `consent.give` (a row of the access policy, server/auth/policy/table.ts): a participant records their own answer,
 *   for the hearing or the caucus they are in; never anyone else's (the gateway takes the participant from the
 *   session, the message names nobody).
 * - `onRefusal`: what a refusal in the joint session does to everyone else's recording. `continue` (the default): the
 *   refusing person is simply not recorded; `pause_recording`: nobody in the joint session is recorded while someone
 *   present there refuses (the hearing itself goes on).
 */
export const DEFAULT_ON_REFUSAL: RecordingOnRefusal = 'continue';

/**
 * The answers of one recording, per scope ('hearing' or a caucus id) and participant. A new recording starts with no
 * answers (everyone is asked again), and someone who leaves the hearing is asked again when they come back: nothing
 * given before, on the join page or for an earlier recording, counts.
 */
export class ConsentBook {
  private readonly byScope = new Map<string, Map<string, Decision>>();

  reset(): void {
    this.byScope.clear();
  }

  get(scope: string, participantId: string): Decision | undefined {
    return this.byScope.get(scope)?.get(participantId);
  }

  set(scope: string, participantId: string, d: Decision): void {
    let map = this.byScope.get(scope);
    if (!map) this.byScope.set(scope, (map = new Map()));
    map.set(participantId, d);
  }

  /** The participant left the live hearing: their answers go with them. */
  forget(participantId: string): void {
    for (const map of this.byScope.values()) map.delete(participantId);
  }
}
