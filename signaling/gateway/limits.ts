import type { IncomingHttpHeaders } from 'node:http';
import type { SocketLimitsConfig } from '../../server/config/index.js';
import { AppError } from '../../server/lib/errors.js';

export type RefusalReason = 'session' | 'address';
/** Told of every refusal (the metrics count them): namespace, or 'engine' for raw engine.io connections. */
export type OnRefused = (namespace: string, reason: RefusalReason) => void;

export class TooManyConnectionsError extends AppError {
  constructor(message: string) {
    super('TOO_MANY_CONNECTIONS', message);
  }
}

/**
 * The client's address: the socket's peer, or behind a trusted proxy (CONCORD_TRUST_PROXY) the last `X-Forwarded-For`
 * entry, the address our proxy saw, as express takes `req.ip` with `trust proxy` 1. Earlier entries are whatever the
 * client wrote, so they never count.
 */
export function clientAddress(headers: IncomingHttpHeaders, peer: string | undefined, trustProxy: boolean): string {
  const xff = headers['x-forwarded-for'];
  const nearest = trustProxy && typeof xff === 'string' ? xff.split(',').at(-1)?.trim() : undefined;
  return (nearest || peer || 'unknown').slice(0, 64);
}

/** Counts per key. A key is in the map only while its count is above 0, so the map never outgrows what is open. */
export class Tally {
  private readonly counts = new Map<string, number>();

  get keys(): number {
    return this.counts.size;
  }

  get(key: string): number {
    return this.counts.get(key) ?? 0;
  }

  /** One more for `key` if that stays within `max` (unbounded without one); false when at the cap. */
  take(key: string, max = Infinity): boolean {
    const n = this.get(key);
    if (n >= max) return false;
    this.counts.set(key, n + 1);
    return true;
  }

  give(key: string): void {
    const n = this.get(key);
    if (n <= 1) this.counts.delete(key);
    else this.counts.set(key, n - 1);
  }
}

/** What the limiter needs of a socket.io socket (of either namespace). */
export interface LimitedSocket {
  readonly handshake: { readonly address: string; readonly headers: IncomingHttpHeaders };
  readonly conn: { once(event: 'close', fn: () => void): unknown; off(event: 'close', fn: () => void): unknown };
  once(event: 'disconnect', fn: () => void): unknown;
  disconnect(close?: boolean): unknown;
}

interface Holder {
  readonly since: number;
  readonly close: () => void;
}

export interface NamespaceCounts {
  sockets: number;
  sessions: number;
  addresses: number;
}

/**
 * Caps on one namespace's sockets: per client address (checked before any token work, so a flood of garbage costs
 * nothing past the cap) and per session (a participant's link or a staff account, after the handshake's checks).
 * A session at its cap replaces its oldest socket when that one has lived at least `replaceAfterMs` (a client whose
 * network dropped comes back before the server has noticed the old socket is dead; "a second socket replaces the
 * first"); when all its sockets are younger, the new one is a flood and is refused with TOO_MANY_CONNECTIONS.
 * What a socket takes is given back exactly once: at once for a refused or failed handshake, otherwise on its
 * disconnect or when its connection closes (socket.io drops a socket whose client left mid-handshake silently).
 */
export class NamespaceLimiter {
  private readonly addresses = new Tally();
  private readonly sessions = new Map<string, Holder[]>();
  private sockets = 0;

  constructor(
    readonly namespace: string,
    private readonly limits: SocketLimitsConfig,
    private readonly trustProxy: boolean,
    private readonly onRefused: OnRefused = () => undefined,
    private readonly now: () => number = () => performance.now(),
  ) {}

  counts(): NamespaceCounts {
    return { sockets: this.sockets, sessions: this.sessions.size, addresses: this.addresses.keys };
  }

  /** Runs `authenticate` (which answers the session's key) under the caps; throws TooManyConnectionsError past them. */
  async admit(socket: LimitedSocket, authenticate: () => Promise<string>): Promise<void> {
    const address = clientAddress(socket.handshake.headers, socket.handshake.address, this.trustProxy);
    if (!this.addresses.take(address, this.limits.perAddress)) {
      this.onRefused(this.namespace, 'address');
      throw new TooManyConnectionsError('too many connections from this address; close other windows or try again later');
    }
    this.sockets++;
    let holder: Holder | undefined;
    let session: string | undefined;
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      socket.conn.off('close', release);
      this.sockets--;
      this.addresses.give(address);
      if (session !== undefined && holder) this.drop(session, holder);
    };
    socket.conn.once('close', release);
    socket.once('disconnect', release);
    try {
      session = await authenticate();
      holder = { since: this.now(), close: () => socket.disconnect(true) };
      this.hold(session, holder);
    } catch (err) {
      release();
      throw err;
    }
  }

  private hold(session: string, holder: Holder): void {
    const held = this.sessions.get(session) ?? [];
    if (held.length >= this.limits.perSession) {
      const oldest = held[0];
      if (!oldest || this.now() - oldest.since < this.limits.replaceAfterMs) {
        this.onRefused(this.namespace, 'session');
        throw new TooManyConnectionsError(`this session already has ${held.length} connections open; close another window first`);
      }
      held.shift();
      oldest.close();
    }
    held.push(holder);
    this.sessions.set(session, held);
  }

  private drop(session: string, holder: Holder): void {
    const held = this.sessions.get(session);
    if (!held) return;
    const i = held.indexOf(holder);
    if (i >= 0) held.splice(i, 1);
    if (held.length === 0) this.sessions.delete(session);
  }
}
