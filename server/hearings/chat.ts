import type { ChatMessage } from '../../signaling/protocol/hearing.js';
import { newId } from '../lib/ids.js';
import { InvalidStateError } from '../lib/errors.js';
import type { LiveHearing } from './hearing.js';

/**
 * Chat: to everyone in the sender's room (a caucus's chat stays in the caucus), or privately to the mediator(s).
 * Stored in the case file before anyone receives it, so what was delivered is what the file holds.
 */
export class HearingChat {
  constructor(private readonly h: LiveHearing) {}

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
      for (const r of recipients) r.connection?.send('chat.message', msg);
      return msg;
    });
  }
}
