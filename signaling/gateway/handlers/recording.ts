import type { HandlerGroup } from '../dispatch.js';

/** Recording with consent (issue 6): start/stop by the clerk or mediator, each participant's answer, caucus requests. */
export const recordingHandlers: HandlerGroup<'recording.start' | 'recording.stop' | 'recording.consent' | 'recording.caucus'> = {
  'recording.start': (s) => {
    const { hearing, participant } = s.joined();
    return hearing.recording.start(participant.id);
  },
  'recording.stop': async (s) => {
    const { hearing, participant } = s.joined();
    await hearing.recording.stop(participant.id);
    return null;
  },
  'recording.consent': async (s, p) => {
    const { hearing, participant } = s.joined();
    await hearing.recording.consent(participant.id, p.scope, p.accept);
    return null;
  },
  'recording.caucus': async (s, p) => {
    const { hearing, participant } = s.joined();
    await hearing.recording.askCaucus(participant.id, p.caucusId);
    return null;
  },
};
