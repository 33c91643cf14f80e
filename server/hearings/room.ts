import { InvalidStateError } from '../lib/errors.js';
import type { LiveParticipant } from './participant.js';

export type RoomKind = 'lobby' | 'joint' | 'caucus';
/** The joint session's room id, as the media router and the protocol name it. */
export const JOINT_ROOM = 'joint';
/** The lobby never reaches the media router or the protocol (lobby participants have `roomId: null`). */
export const LOBBY_ROOM = 'lobby';

/** A room of the live hearing. Closing a room closes whoever is still in it (children first). */
export class Room {
  readonly members = new Set<LiveParticipant>();
  private isClosed = false;

  constructor(
    readonly id: string,
    readonly kind: RoomKind,
    readonly startedAt: string,
  ) {}

  get closed(): boolean {
    return this.isClosed;
  }

  /** Moves a participant here from wherever they were: one room at a time is the isolation rule. */
  add(p: LiveParticipant): void {
    if (this.isClosed) throw new InvalidStateError(`the room ${this.id} is closed`);
    if (p.room === this) return;
    p.room?.members.delete(p);
    p.room = this;
    this.members.add(p);
  }

  memberIds(): string[] {
    return [...this.members].map((p) => p.id);
  }

  close(): void {
    if (this.isClosed) return;
    this.isClosed = true;
    for (const p of [...this.members]) p.close();
    this.members.clear();
  }
}
