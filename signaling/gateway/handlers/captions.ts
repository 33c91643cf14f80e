import type { HandlerGroup } from '../dispatch.js';

/**
 * Live captions (issue 17.4): one's own toggle. The policy's `captions.view` is asked by the hearing (a participant
 * of this hearing while it runs); which captions arrive follows the room one is in, never a caucus one is not in.
 */
export const captionHandlers: HandlerGroup<'captions.set'> = {
  'captions.set': async (s, p) => {
    const { hearing, participant } = s.joined();
    return hearing.captions.set(participant.id, p.on);
  },
};
