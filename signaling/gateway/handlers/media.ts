import { InvalidStateError } from '../../../server/lib/errors.js';
import type { LiveHearing, LiveParticipant } from '../../../server/hearings/index.js';
import type { HandlerGroup } from '../dispatch.js';
import type { SocketSession } from '../session.js';

/** Media goes only to and from people inside (joint session or caucus); the lobby neither sends nor receives. */
function inside(s: SocketSession): { hearing: LiveHearing; participant: LiveParticipant } {
  const j = s.joined();
  if (!j.participant.inMedia) throw new InvalidStateError('in the lobby: wait to be admitted');
  return j;
}

/**
 * Publishing, subscribing and receive preferences, through the hearing's media (never the engine directly). Offers
 * for the receiving side arrive from the router and reach the socket as `media.offer`; audio levels as `media.levels`.
 */
export const mediaHandlers: HandlerGroup<'media.publish' | 'media.subscribe' | 'media.answer' | 'media.preferences'> = {
  'media.publish': (s, p) => {
    const { hearing, participant } = inside(s);
    return hearing.media.publish(participant.id, p.sdp, p.sources);
  },
  'media.subscribe': async (s) => {
    const { hearing, participant } = inside(s);
    return hearing.media.subscribe(participant.id);
  },
  'media.answer': async (s, p) => {
    const { hearing, participant } = inside(s);
    await hearing.media.answer(participant.id, p.sdp);
    return null;
  },
  'media.preferences': async (s, p) => {
    const { hearing, participant } = inside(s);
    await hearing.media.preferences(participant.id, p);
    return null;
  },
};
