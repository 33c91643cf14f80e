import type { HandlerGroup } from '../dispatch.js';

export const chatHandlers: HandlerGroup<'chat.send'> = {
  'chat.send': (s, p) => {
    const { hearing, participant } = s.joined();
    return hearing.chat.send(participant.id, p.to, p.text);
  },
};
