import { newId } from '../lib/ids.js';
import { InvalidStateError, NotFoundError } from '../lib/errors.js';
import type { LiveHearing } from './hearing.js';
import type { LiveParticipant } from './participant.js';
import { JOINT_ROOM, Room } from './room.js';

/**
 * Private caucuses (背对背调解): the mediator takes some participants out of the joint session. The router is told
 * first for every member, so the other side neither hears nor sees them from the moment the caucus exists.
 */
export class Caucuses {
  constructor(private readonly h: LiveHearing) {}

  start(actorId: string, participantIds: string[]): Promise<{ caucusId: string }> {
    return this.h.run(async () => {
      const actor = this.h.actor(actorId, 'caucus');
      if (actor.room !== this.h.joint) throw new InvalidStateError('you are in a caucus: end it first');
      const named = [...new Set(participantIds)].filter((id) => id !== actor.id).map((id) => this.h.live(id));
      if (named.length === 0) throw new InvalidStateError('a caucus needs at least one participant besides the mediator');
      for (const p of named) if (p.room !== this.h.joint) throw new InvalidStateError(`${p.displayName} is not in the joint session`);
      // The interpreter follows their party in (and is kept in like anyone there).
      const members = [...named, ...this.h.interpretation.followers([actor, ...named])];
      const room = new Room(newId('cau'), 'caucus', this.h.now().toISOString());
      const moving = [actor, ...members];
      await this.route(moving, room.id, JOINT_ROOM);
      try {
        await this.h.services.records.caucusStarted({
          caucusId: room.id, caseId: this.h.caseId, hearingId: this.h.id, heldBy: actor.id, heldByStaff: actor.staffId,
          memberIds: moving.map((p) => p.id), at: room.startedAt,
        }, `participant:${actor.id}`);
      } catch (err) {
        await this.route(moving, JOINT_ROOM, room.id).catch(() => {});
        throw err;
      }
      this.h.caucusRooms.set(room.id, room);
      for (const p of moving) room.add(p);
      this.h.changed();
      return { caucusId: room.id };
    });
  }

  end(actorId: string, caucusId: string): Promise<void> {
    return this.h.run(async () => {
      const actor = this.h.actor(actorId, 'caucus');
      const room = this.h.caucusRooms.get(caucusId);
      if (!room) throw new NotFoundError('caucus');
      const members = [...room.members];
      await this.route(members, JOINT_ROOM, room.id);
      try {
        await this.h.services.records.caucusEnded({
          caseId: this.h.caseId, hearingId: this.h.id, caucusId, memberIds: members.map((p) => p.id), at: this.h.now().toISOString(),
        }, `participant:${actor.id}`);
      } catch (err) {
        await this.route(members, room.id, JOINT_ROOM).catch(() => {});
        throw err;
      }
      for (const p of members) this.h.joint.add(p);
      this.closeRoom(room);
    });
  }

  /** Everyone left a caucus (timed out, sent back): it ends by itself. Called from inside the hearing's queue. */
  async endIfEmpty(room: Room): Promise<void> {
    if (room.kind !== 'caucus' || room.closed || room.members.size > 0) return;
    this.closeRoom(room);
    await this.h.services.records
      .caucusEnded({ caseId: this.h.caseId, hearingId: this.h.id, caucusId: room.id, memberIds: [], at: this.h.now().toISOString(), reason: 'empty' }, 'system')
      .catch((err) => this.h.log.warn({ err, hearingId: this.h.id }, 'audit append failed'));
  }

  private closeRoom(room: Room): void {
    room.close();
    this.h.caucusRooms.delete(room.id);
    this.h.changed();
  }

  /** Tells the router about every move, or none: a partial failure is rolled back before the error goes up. */
  private async route(people: LiveParticipant[], to: string, back: string): Promise<void> {
    const moved: LiveParticipant[] = [];
    try {
      for (const p of people) {
        await this.h.media.setRoom(p.id, to);
        moved.push(p);
      }
    } catch (err) {
      for (const p of moved) await this.h.media.setRoom(p.id, back).catch(() => {});
      throw err;
    }
  }
}
