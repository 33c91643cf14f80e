import type { HandlerGroup } from '../dispatch.js';

/** Interpreter channels (issue 17): a listener's own channel, an interpreter's mode. */
export const interpretationHandlers: HandlerGroup<'interpretation.listen' | 'interpretation.mode'> = {
  'interpretation.listen': async (s, p) => {
    const { hearing, participant } = s.joined();
    await hearing.interpretation.listen(participant.id, p.channel);
    return null;
  },
  'interpretation.mode': async (s, p) => {
    const { hearing, participant } = s.joined();
    await hearing.interpretation.setMode(participant.id, p.participantId, p.mode);
    return null;
  },
};
