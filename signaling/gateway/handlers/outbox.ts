import type { HandlerGroup } from '../dispatch.js';

/** The client applied the participant's outbox up to a seq: the server forgets it (see server/hearings/outbox.ts). */
export const outboxHandlers: HandlerGroup<'outbox.ack'> = {
  'outbox.ack': async (s, p) => {
    s.joined().participant.outbox.ack(p);
    return null;
  },
};
