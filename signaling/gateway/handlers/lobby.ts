import type { HandlerGroup } from '../dispatch.js';

/** Arriving, leaving and the door: join, leave, lock, end, admit, deny, send back. */
export const lobbyHandlers: HandlerGroup<'hearing.join' | 'hearing.leave' | 'hearing.lock' | 'hearing.end' | 'lobby.admit' | 'lobby.deny' | 'lobby.sendBack'> = {
  'hearing.join': (s, p) => s.join(p.consent, p.since),
  'hearing.leave': async (s) => {
    await s.leave();
    return null;
  },
  'hearing.lock': async (s, p) => {
    const { hearing, participant } = s.joined();
    await hearing.controls.lock(participant.id, p.locked);
    return null;
  },
  'hearing.end': async (s) => {
    const { hearing, participant } = s.joined();
    await hearing.controls.end(participant.id);
    return null;
  },
  'lobby.admit': async (s, p) => {
    const { hearing, participant } = s.joined();
    await hearing.controls.admit(participant.id, p.participantId);
    return null;
  },
  'lobby.deny': async (s, p) => {
    const { hearing, participant } = s.joined();
    await hearing.controls.deny(participant.id, p.participantId, p.reason || undefined);
    return null;
  },
  'lobby.sendBack': async (s, p) => {
    const { hearing, participant } = s.joined();
    await hearing.controls.sendBack(participant.id, p.participantId);
    return null;
  },
};
