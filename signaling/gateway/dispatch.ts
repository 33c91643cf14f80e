import type { Ack, RequestName, RequestPayload, Responses } from '../protocol/hearing.js';
import { MAX_MESSAGE_BYTES, Requests } from '../protocol/hearing.js';
import type { ErrorCode } from '../protocol/errors.js';
import { AppError } from '../../server/lib/errors.js';
import { payloadBytes } from './guard.js';
import type { SocketSession } from './session.js';

/** A request handler: its payload is already validated; it returns the ack's data or throws an AppError. */
export type Handler<N extends RequestName> = (s: SocketSession, payload: RequestPayload<N>) => Promise<Responses[N]>;
export type HandlerGroup<N extends RequestName> = { [K in N]: Handler<K> };

type AckFn = (res: Ack<unknown>) => void;

export const failure = (code: ErrorCode, message: string, details?: unknown): Ack<never> => ({
  ok: false,
  error: { code, message, ...(details === undefined ? {} : { details }) },
});

/** Never lets a throwing ack (a client that vanished) escape into the socket. */
export function safeAck(ack: AckFn, res: Ack<unknown>): void {
  try {
    ack(res);
  } catch {
    /* the client is gone; nothing to tell */
  }
}

/**
 * validate -> call -> ack, for one request. Never throws: every failure becomes an error ack, unknown failures are
 * logged and answered INTERNAL without details, so a bug does not leak internals to the client.
 */
export async function dispatch<N extends RequestName>(s: SocketSession, name: N, args: unknown[], handler: Handler<N>): Promise<void> {
  const ack = args[args.length - 1] as AckFn;
  s.begin();
  try {
    if (args.length !== 2) {
      safeAck(ack, failure('VALIDATION_FAILED', 'send exactly one payload and an acknowledgement callback'));
      return;
    }
    const payload = args[0];
    if (payloadBytes(payload) > MAX_MESSAGE_BYTES) {
      safeAck(ack, failure('PAYLOAD_TOO_LARGE', `a message may carry at most ${MAX_MESSAGE_BYTES} bytes`));
      return;
    }
    const parsed = Requests[name].safeParse(payload);
    if (!parsed.success) {
      const issues = parsed.error.issues.slice(0, 10).map((i) => ({ path: i.path.map(String), message: i.message }));
      safeAck(ack, failure('VALIDATION_FAILED', `invalid ${name} payload`, { issues }));
      return;
    }
    const data = await handler(s, parsed.data as RequestPayload<N>);
    safeAck(ack, { ok: true, data });
  } catch (err) {
    if (err instanceof AppError) safeAck(ack, failure(err.code, err.message, err.details));
    else {
      s.log.error({ err, event: name, participantId: s.identity.participantId }, 'hearing request failed');
      safeAck(ack, failure('INTERNAL', 'internal error'));
    }
  } finally {
    s.end();
  }
}
