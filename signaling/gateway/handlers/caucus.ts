import type { HandlerGroup } from '../dispatch.js';

export const caucusHandlers: HandlerGroup<'caucus.start' | 'caucus.end'> = {
  'caucus.start': (s, p) => {
    const { hearing, participant } = s.joined();
    return hearing.caucus.start(participant.id, p.participantIds);
  },
  'caucus.end': async (s, p) => {
    const { hearing, participant } = s.joined();
    await hearing.caucus.end(participant.id, p.caucusId);
    return null;
  },
};
