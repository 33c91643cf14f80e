import { assertCan } from '../../../server/auth/permissions.js';
import type { ParticipantIdentity } from '../../../server/hearings/index.js';
import type { HandlerGroup } from '../dispatch.js';

/**
 * The one access policy decides who may answer for themselves (i12-merge: folds into `can(principal, action,
 * resource)`). A hearing session reaches only its own case, so the case is the session's own.
 */
function assertConsentGive(id: ParticipantIdentity): void {
  const principal = { kind: 'participant' as const, participantId: id.participantId, linkId: id.linkId, caseId: id.caseId, hearingId: id.hearingId, role: id.role };
  assertCan(principal, 'consent.give', { caseId: id.caseId, orgId: '', assignedStaff: new Set() });
}

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
    assertConsentGive(s.identity);
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
