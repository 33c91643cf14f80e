import type { ChatMessage } from '../../signaling/protocol/hearing.js';
import { newId } from '../lib/ids.js';
import { InvalidStateError } from '../lib/errors.js';
import type { LiveHearing } from './hearing.js';
import type { LiveParticipant } from './participant.js';
import { seesEverything } from './permissions.js';

/**
 * Chat: to everyone in the sender's room (a caucus's chat stays in the caucus), or privately to the mediator(s).
 * Stored in the case file before anyone receives it, so what was delivered is what the file holds.
 */
export class HearingChat {
  constructor(private readonly h: LiveHearing) {}

  /**
   * The messages this participant may read, oldest first: the mediator reads everything; others read what was sent
   * to everyone in the room they are in now, and their own messages (private ones to the mediator included). Nobody
   * else ever reads a private message, and a caucus's chat stays with the people in that caucus.
   */
  async visibleTo(p: LiveParticipant): Promise<ChatMessage[]> {
    const all = await this.h.services.records.chat(this.h.id);
    const everything = seesEverything(p.role);
    const roomId = p.inMedia ? p.room!.id : null;
    return all
      .filter((m) => everything || m.fromId === p.id || (m.to === 'all' && roomId !== null && m.roomId === roomId))
      .map((m) => ({ id: m.id, fromId: m.fromId, fromName: m.fromName, to: m.to, text: m.text, at: m.at }));
  }

  /** Sends `chat.history` to the participant (after a move into another room); a failed read is logged, not fatal. */
  sendHistory(p: LiveParticipant): void {
    this.visibleTo(p).then(
      (messages) => p.send('chat.history', { messages }),
      (err) => this.h.log.warn({ err, hearingId: this.h.id }, 'reading the chat history failed'),
    );
  }

  send(participantId: string, to: 'all' | 'mediator', text: string): Promise<ChatMessage> {
    return this.h.run(async () => {
      const p = this.h.live(participantId);
      const room = p.room;
      if (!room) throw new InvalidStateError('not in the hearing');
      if (to === 'all' && room.kind === 'lobby') throw new InvalidStateError('from the lobby you can write to the mediator only');
      const msg: ChatMessage = { id: newId('msg'), fromId: p.id, fromName: p.displayName, to, text, at: this.h.now().toISOString() };
      await this.h.services.records.saveChat({
        ...msg, caseId: this.h.caseId, hearingId: this.h.id, roomId: room.id, inCaucus: room.kind === 'caucus',
      });
      const recipients = to === 'all' ? [...room.members] : [...this.h.participants.values()].filter((x) => x.role === 'mediator' || x === p);
      for (const r of recipients) r.send('chat.message', msg);
      return msg;
    });
  }
}
