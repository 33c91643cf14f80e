import type { IncomingMessage } from 'node:http';
import type { SocketLimitsConfig } from '../../server/config/index.js';
import { NamespaceLimiter, Tally, clientAddress, type NamespaceCounts, type OnRefused } from './limits.js';

/** What is open now: engine.io connections, and per namespace sockets and the keys the caps hold. */
export interface ConnectionCounts {
  engine: { connections: number; addresses: number };
  namespaces: Record<string, NamespaceCounts>;
}

/** The engine.io connection this needs: its handshake request and its close. */
interface EngineConnection {
  readonly request: IncomingMessage;
  once(event: 'close', fn: () => void): unknown;
}

/**
 * The caps of one socket.io server. Below the namespaces, engine.io connections are capped per address too: a
 * connection is reserved in `allowRequest` (before engine.io accepts it, so concurrent handshakes cannot overshoot),
 * held from engine.io's 'connection' to its 'close', and a reservation whose connection never opens lapses after the
 * connect timeout. A connection that opens but joins no namespace is closed by socket.io's own `connectTimeout`.
 */
export class SocketLimiter {
  private readonly engine = new Tally();
  private readonly reserved = new WeakMap<IncomingMessage, NodeJS.Timeout>();
  private open = 0;
  private readonly namespaces = new Map<string, NamespaceLimiter>();

  constructor(
    readonly limits: SocketLimitsConfig,
    private readonly trustProxy: boolean,
    private readonly onRefused: OnRefused = () => undefined,
  ) {}

  /** The caps of one namespace (made on first use). */
  namespace(name: string): NamespaceLimiter {
    let l = this.namespaces.get(name);
    if (!l) {
      l = new NamespaceLimiter(name, this.limits, this.trustProxy, this.onRefused);
      this.namespaces.set(name, l);
    }
    return l;
  }

  /** engine.io's `allowRequest`: called only for a new connection's handshake request. */
  readonly allowRequest = (req: IncomingMessage, cb: (err: string | null | undefined, success: boolean) => void): void => {
    const address = this.addressOf(req);
    if (!this.engine.take(address, this.limits.connectionsPerAddress)) {
      this.onRefused('engine', 'address');
      cb('too many connections from this address', false);
      return;
    }
    const lapse = setTimeout(() => {
      this.reserved.delete(req);
      this.engine.give(address);
    }, this.limits.connectTimeoutMs);
    lapse.unref();
    this.reserved.set(req, lapse);
    cb(null, true);
  };

  /** engine.io's 'connection': the reservation becomes the connection's, given back when it closes. */
  readonly onConnection = (conn: EngineConnection): void => {
    const address = this.addressOf(conn.request);
    const lapse = this.reserved.get(conn.request);
    if (lapse) {
      clearTimeout(lapse);
      this.reserved.delete(conn.request);
    } else this.engine.take(address);
    this.open++;
    conn.once('close', () => {
      this.open--;
      this.engine.give(address);
    });
  };

  counts(): ConnectionCounts {
    return {
      engine: { connections: this.open, addresses: this.engine.keys },
      namespaces: Object.fromEntries([...this.namespaces].map(([name, l]) => [name, l.counts()])),
    };
  }

  private addressOf(req: IncomingMessage): string {
    return clientAddress(req.headers, req.socket?.remoteAddress, this.trustProxy);
  }
}
