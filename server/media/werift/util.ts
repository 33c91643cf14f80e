import { randomBytes } from 'node:crypto';
import type { Socket } from 'node:dgram';

/** Runs async operations one after another (SDP negotiation must not interleave on one peer connection). */
export class Serial {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.tail.then(fn, fn);
    this.tail = next.catch(() => undefined);
    return next;
  }
}

export function shortId(prefix: string): string {
  return `${prefix}_${randomBytes(9).toString('base64url')}`;
}

export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

const tuned = new WeakSet<Socket>();

/**
 * Larger kernel buffers for a media socket (once per socket): a keyframe burst or a short CPU stall must not
 * overflow the default ~200 KB. Capped by net.core.rmem_max / wmem_max; failures are harmless.
 */
export function tuneSocket(socket: Socket | undefined | null, bytes = 1 << 20): void {
  if (!socket || tuned.has(socket)) return;
  tuned.add(socket);
  try {
    if (socket.getRecvBufferSize() < bytes) socket.setRecvBufferSize(bytes);
    if (socket.getSendBufferSize() < bytes) socket.setSendBufferSize(bytes);
  } catch {
    // not bound yet, or the platform refuses: keep the defaults
  }
}
