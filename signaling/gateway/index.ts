import type http from 'node:http';
import { Server } from 'socket.io';
import {
  HEARING_NAMESPACE, MAX_MESSAGE_BYTES, Requests, type ClientToServerEvents, type IceServer, type RequestName, type ServerToClientEvents,
} from '../protocol/hearing.js';
import type { SocketLimitsConfig } from '../../server/config/index.js';
import { NotFoundError } from '../../server/lib/errors.js';
import type { Logger } from '../../server/lib/logger.js';
import type { HearingRegistry } from '../../server/hearings/index.js';
import { dispatch, type Handler } from './dispatch.js';
import { packetGate } from './gate.js';
import { DEFAULT_RATE_LIMIT, SocketGuard, type RateLimitOptions } from './guard.js';
import { SocketLimiter } from './connections.js';
import { authenticate, handshakeError, type HandshakeDeps } from './handshake.js';
import type { OnRefused } from './limits.js';
import { captionHandlers } from './handlers/captions.js';
import { caucusHandlers } from './handlers/caucus.js';
import { chatHandlers } from './handlers/chat.js';
import { controlHandlers } from './handlers/controls.js';
import { interpretationHandlers } from './handlers/interpretation.js';
import { lobbyHandlers } from './handlers/lobby.js';
import { mediaHandlers } from './handlers/media.js';
import { outboxHandlers } from './handlers/outbox.js';
import { recordingHandlers } from './handlers/recording.js';
import { testCallHandlers } from './handlers/test-call.js';
import { SocketSession, type HearingSocket, type SocketData } from './session.js';

export type HearingServer = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

export interface HearingGatewayOptions extends HandshakeDeps {
  httpServer: http.Server;
  registry: HearingRegistry;
  log: Logger;
  rateLimit?: RateLimitOptions;
  /** STUN/TURN servers handed to clients with `hearing.join` (CONCORD_ICE_SERVERS). */
  iceServers?: () => readonly IceServer[];
  /** socket.io's connection-state recovery window; default 30 s, like the hearing's reconnection grace. */
  recoveryMs?: number;
  /** Caps per session and per address on both namespaces and on engine.io connections (CONCORD_SOCKETS_*). */
  socketLimits: SocketLimitsConfig;
  /** Take the client address from X-Forwarded-For (CONCORD_TRUST_PROXY), as the HTTP API does. */
  trustProxy: boolean;
  onRefused?: OnRefused;
}

export interface HearingGateway {
  readonly io: HearingServer;
  /** The connection caps of this server; `/pad` takes its namespace's from here too. */
  readonly limits: SocketLimiter;
  /** Disconnects every socket and stops the engine.io server (and with it the HTTP server it is attached to). */
  close(): Promise<void>;
}

/** Every request has a handler; the compiler checks the list is complete. */
const HANDLERS: { [N in RequestName]: Handler<N> } = {
  ...lobbyHandlers,
  ...controlHandlers,
  ...chatHandlers,
  ...caucusHandlers,
  ...interpretationHandlers,
  ...mediaHandlers,
  ...recordingHandlers,
  ...captionHandlers,
  ...outboxHandlers,
  ...testCallHandlers,
};
const REQUEST_NAMES = Object.keys(Requests) as RequestName[];

/**
 * The live-hearing signalling server: socket.io on the service's own HTTP server, namespace `/hearing`. The handshake
 * checks origin, protocol version and the participant session; each message then passes the socket's rate limit,
 * must be a known request with an acknowledgement, and is validated, handled and answered by `dispatch`.
 */
export function createHearingGateway(opts: HearingGatewayOptions): HearingGateway {
  const { registry, log } = opts;
  const limits = opts.rateLimit ?? DEFAULT_RATE_LIMIT;
  const connections = new SocketLimiter(opts.socketLimits, opts.trustProxy, opts.onRefused);
  const io: HearingServer = new Server(opts.httpServer, {
    serveClient: false,
    // Per-address cap on engine.io connections; one that joins no namespace in time is closed.
    allowRequest: connections.allowRequest,
    connectTimeout: opts.socketLimits.connectTimeoutMs,
    maxHttpBufferSize: MAX_MESSAGE_BYTES,
    connectionStateRecovery: { maxDisconnectionDuration: opts.recoveryMs ?? 30_000 },
    // Cross-origin polling needs CORS headers; the origin check that refuses connections is in the handshake below.
    cors: { origin: (origin, cb) => cb(null, origin !== undefined && opts.allowedOrigins().includes(origin)) },
  });

  io.engine.on('connection', connections.onConnection);

  // Nothing lives on the main namespace: refuse it rather than keep idle sockets around.
  io.of('/').use((_socket, next) => next(handshakeError(new NotFoundError(`namespace (use ${HEARING_NAMESPACE})`))));

  const nsp = io.of(HEARING_NAMESPACE);
  const caps = connections.namespace(HEARING_NAMESPACE);
  nsp.use((socket, next) => {
    // Counted per participant: the reload, the second tab and the reconnect of one person share the cap.
    caps.admit(socket, async () => {
      const identity = await authenticate(socket.handshake, opts);
      socket.data.identity = identity;
      socket.data.joined ??= false;
      return `participant:${identity.participantId}`;
    }).then(() => next(), (err) => next(handshakeError(err)));
  });

  nsp.on('connection', (socket: HearingSocket) => {
    const session = new SocketSession(socket, registry, log, opts.iceServers);
    const guard = new SocketGuard(limits);
    socket.on('error', (err) => log.warn({ err, socketId: socket.id }, 'hearing socket error'));

    // Runs before any listener: rate limit, known event, acknowledgement present. Nothing here throws.
    socket.use(packetGate(guard, Requests, () => {
      log.warn({ socketId: socket.id, participantId: socket.data.identity.participantId }, 'disconnecting a flooding socket');
      socket.disconnect(true);
    }));

    const on = socket.on.bind(socket) as unknown as (event: string, fn: (...args: unknown[]) => void) => void;
    for (const name of REQUEST_NAMES) {
      on(name, (...args) => {
        void dispatch(session, name, args, HANDLERS[name] as Handler<typeof name>);
      });
    }
    socket.on('disconnect', () => session.onDisconnect());

    // A recovered connection (socket.io kept its state) resumes the participant without a second hearing.join; socket.io
    // replays nothing the hearing sent (only room broadcasts), so the outbox sends again all the client did not acknowledge.
    if (socket.recovered && socket.data.joined) {
      session.join(undefined, 'acked').catch((err) => {
        log.info({ err, participantId: socket.data.identity.participantId }, 'could not resume a recovered connection');
        socket.data.joined = false;
      });
    }
  });

  let closing: Promise<void> | undefined;
  return {
    io,
    limits: connections,
    close() {
      closing ??= io.close();
      return closing;
    },
  };
}
