import { PermissionDeniedError } from '../../../server/lib/errors.js';
import { mayDo } from '../../../server/hearings/index.js';
import type { HandlerGroup } from '../dispatch.js';
import type { SocketSession } from '../session.js';

/**
 * The pre-join test call (issue 16.5), before or after `hearing.join`: the handshake established who this is; the
 * access policy's `hearing.testCall` decides. The call is the session's own: the messages name nobody.
 */
function who(s: SocketSession): string {
  const { participantId, role } = s.identity;
  if (!mayDo(role, 'hearing.testCall')) throw new PermissionDeniedError('you may not make a test call here');
  return participantId;
}

export const testCallHandlers: HandlerGroup<'testCall.start' | 'testCall.publish' | 'testCall.receive' | 'testCall.answer' | 'testCall.stop'> = {
  'testCall.start': async (s) => {
    const started = await s.registry.testCalls.start(who(s), s.connection.id);
    return { ...started, iceServers: s.iceServerList() };
  },
  'testCall.publish': (s, p) => s.registry.testCalls.publish(who(s), p.sdp, p.sources),
  'testCall.receive': (s) => s.registry.testCalls.receive(who(s)),
  'testCall.answer': async (s, p) => {
    await s.registry.testCalls.answer(who(s), p.sdp);
    return null;
  },
  'testCall.stop': async (s) => {
    await s.registry.testCalls.stop(who(s));
    return null;
  },
};
