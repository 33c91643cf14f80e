import type { HandlerGroup } from '../dispatch.js';

/** The mediator's controls over others, and a participant's own state (mute, hand, screen, connection quality). */
export const controlHandlers: HandlerGroup<'participant.mute' | 'participant.askUnmute' | 'participant.remove' | 'self.update' | 'consent.set'> = {
  'consent.set': async (s, p) => {
    const { hearing, participant } = s.joined();
    await hearing.controls.setConsent(participant.id, p);
    return null;
  },
  'participant.mute': async (s, p) => {
    const { hearing, participant } = s.joined();
    await hearing.controls.mute(participant.id, p.participantId, p.kind);
    return null;
  },
  'participant.askUnmute': async (s, p) => {
    const { hearing, participant } = s.joined();
    await hearing.controls.askUnmute(participant.id, p.participantId);
    return null;
  },
  'participant.remove': async (s, p) => {
    const { hearing, participant } = s.joined();
    await hearing.controls.remove(participant.id, p.participantId, p.reason || undefined);
    return null;
  },
  'self.update': async (s, p) => {
    const { hearing, participant } = s.joined();
    await hearing.controls.updateSelf(participant.id, p);
    return null;
  },
};
