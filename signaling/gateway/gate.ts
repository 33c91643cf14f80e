import { failure, safeAck } from './dispatch.js';
import type { SocketGuard } from './guard.js';

/**
 * A socket's packet middleware (`socket.use`), shared by `/hearing` and `/pad`. Runs before any listener and never
 * throws: within the rate limit, a known request with an acknowledgement passes; above it the request is answered
 * RATE_LIMITED, and a client that keeps sending into a full limit is handed to `onAbusive` (which disconnects it). An
 * unknown request is answered VALIDATION_FAILED; one without an acknowledgement has nobody to answer and is ignored.
 */
export function packetGate(
  guard: SocketGuard,
  requests: object,
  onAbusive: () => void,
): (packet: unknown[], next: (err?: Error) => void) => void {
  return (packet, next) => {
    const last = packet[packet.length - 1];
    const ack = typeof last === 'function' ? (last as (r: unknown) => void) : undefined;
    const verdict = guard.admit();
    if (verdict === 'abusive') return onAbusive();
    if (verdict === 'limited') {
      if (ack) safeAck(ack, failure('RATE_LIMITED', 'too many messages; slow down'));
      return;
    }
    const name = packet[0];
    if (typeof name !== 'string' || !Object.hasOwn(requests, name)) {
      if (ack) safeAck(ack, failure('VALIDATION_FAILED', 'unknown request'));
      return;
    }
    if (!ack) return;
    next();
  };
}
