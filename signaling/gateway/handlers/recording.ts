import { PermissionDeniedError } from '../../../server/lib/errors.js';
import { mayDo } from '../../../server/hearings/index.js';
import type { HandlerGroup } from '../dispatch.js';

/** Recording with consent (issue 6): start/stop by the clerk or mediator, each participant's answer, caucus requests. */
export const recordingHandlers: HandlerGroup<'recording.start' | 'recording.stop' | 'recording.consent' | 'recording.caucus'> = {
  'recording.start': (s, p) => {
    const { hearing, participant } = s.joined();
    return hearing.recording.start(participant.id, { onRefusal: p.onRefusal });
  },
  'recording.stop': async (s) => {
    const { hearing, participant } = s.joined();
    await hearing.recording.stop(participant.id);
    return null;
  },
  // `consent.give`: only one's own answer: the participant is the session's, the message names nobody.
  'recording.consent': async (s, p) => {
    const { hearing, participant } = s.joined();
    // The access policy's consent.give: a participant of this hearing, while it runs (joined = it runs).
    if (!mayDo(participant.role, 'consent.give', { hearingLive: true })) throw new PermissionDeniedError('you may not answer the recording notice here');
    await hearing.recording.consent(participant.id, p.scope, p.accept);
    return null;
  },
  'recording.caucus': async (s, p) => {
    const { hearing, participant } = s.joined();
    await hearing.recording.askCaucus(participant.id, p.caucusId);
    return null;
  },
};
