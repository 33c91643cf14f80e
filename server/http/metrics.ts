import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { RequestHandler } from 'express';

/** The shape of the gateway's connection counts that the metrics read (signaling/gateway/connections.ts). */
export interface SocketCounts {
  engine: { connections: number };
  namespaces: Record<string, { sockets: number }>;
}

/** A registry per server instance (not prom-client's global), so tests can run several servers in one process. */
export class Metrics {
  readonly registry = new Registry();
  readonly httpDuration = new Histogram({
    name: 'concord_http_request_duration_seconds',
    help: 'HTTP request duration by route and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });
  readonly logins = new Counter({ name: 'concord_logins_total', help: 'Staff login attempts', labelNames: ['outcome'] as const, registers: [this.registry] });
  readonly identityChecks = new Counter({
    name: 'concord_identity_checks_total', help: 'Identity checks at the join page', labelNames: ['outcome'] as const, registers: [this.registry],
  });

  /** socket.io sockets per namespace and engine.io connections ('engine'), read from the gateway at each scrape. */
  readonly socketConnections: Gauge<'namespace'>;
  readonly socketRefusals = new Counter({
    name: 'concord_socket_refusals_total', help: 'Socket handshakes refused by the caps per session or per address',
    labelNames: ['namespace', 'reason'] as const, registers: [this.registry],
  });
  private readSockets: () => SocketCounts = () => ({ engine: { connections: 0 }, namespaces: {} });

  constructor() {
    const read = () => this.readSockets();
    this.socketConnections = new Gauge({
      name: 'concord_socket_connections', help: 'Open socket.io sockets per namespace, and engine.io connections (namespace "engine")',
      labelNames: ['namespace'] as const, registers: [this.registry],
      collect() {
        const c = read();
        this.set({ namespace: 'engine' }, c.engine.connections);
        for (const [namespace, n] of Object.entries(c.namespaces)) this.set({ namespace }, n.sockets);
      },
    });
    collectDefaultMetrics({ register: this.registry, prefix: 'concord_' });
  }

  /** Wiring hands in the gateway's counts once it exists. */
  observeSockets(read: () => SocketCounts): void {
    this.readSockets = read;
  }

  middleware(): RequestHandler {
    return (req, res, next) => {
      const end = this.httpDuration.startTimer({ method: req.method });
      res.on('finish', () => {
        // The matched route pattern, not the raw path: ids must not explode the label set. An error thrown in a handler
        // reaches 'finish' after the routers have reset req.baseUrl, so route() records the full pattern in res.locals.
        const recorded = res.locals.routePattern as string | undefined;
        const route = (req.route?.path as string | undefined) ?? (res.statusCode === 404 ? undefined : req.baseUrl || 'static');
        const label = recorded ?? (route === undefined ? 'unmatched' : `${req.baseUrl}${typeof route === 'string' && route !== req.baseUrl ? route : ''}` || 'static');
        end({ route: label, status: String(res.statusCode) });
      });
      next();
    };
  }
}
