import type { Namespace, Server, Socket } from 'socket.io';
import * as Y from 'yjs';
import { applyAwarenessUpdate, encodeAwarenessUpdate, removeAwarenessStates } from 'y-protocols/awareness';
import { z } from 'zod';
import {
  PAD_NAMESPACE, PAD_TOO_LARGE, PadRequests, type PadAck, type PadClientToServerEvents, type PadRequestName, type PadRequestPayload, type PadResponses,
  type PadServerToClientEvents, type PadUser,
} from '../protocol/pad.js';
import { PROTOCOL_VERSION } from '../protocol/errors.js';
import { AppError, PermissionDeniedError, UnauthenticatedError, ValidationError } from '../../server/lib/errors.js';
import type { Logger } from '../../server/lib/logger.js';
import { padAccess, roleColour } from '../../server/pad/access.js';
import type { AgreementService } from '../../server/pad/agreements.js';
import { rewriteAwareness } from '../../server/pad/awareness.js';
import type { PadDoc } from '../../server/pad/doc.js';
import { padPrincipalFor, type ResolvedPrincipal } from '../../server/pad/principal.js';
import type { PrincipalResolver } from '../../server/auth/principal.js';
import type { StaffSessions } from '../../server/auth/sessions.js';
import type { CaseService } from '../../server/cases/cases.js';
import type { LinkService } from '../../server/cases/links.js';
import { failure, safeAck } from '../gateway/dispatch.js';
import { packetGate } from '../gateway/gate.js';
import { SocketGuard, payloadBytes, type RateLimitOptions } from '../gateway/guard.js';
import { handshakeError, originAllowed } from '../gateway/handshake.js';
import type { NamespaceLimiter } from '../gateway/limits.js';

interface PadSocketData {
  principal: ResolvedPrincipal;
  agreementId: string;
  /** The handshake's token: a staff session is checked again with it (signed out, deactivated: disconnected). */
  token: string;
}
type PadSocket = Socket<PadClientToServerEvents, PadServerToClientEvents, Record<string, never>, PadSocketData>;

export interface PadNamespaceOptions {
  io: Server;
  agreements: AgreementService;
  /** The one resolver of credentials, and what the namespace checks again while sockets stay open. */
  deps: { principals: PrincipalResolver; sessions: StaffSessions; links: LinkService; cases: CaseService };
  allowedOrigins: () => readonly string[];
  log: Logger;
  rateLimit?: RateLimitOptions;
  /** Caps per session and per address (the gateway's `limits.namespace(PAD_NAMESPACE)`). */
  caps: NamespaceLimiter;
  /** How often open pad sockets are checked for revoked links (like the live hearing's check); 0 turns the timer off. */
  linkCheckMs?: number;
}

export interface PadNamespace {
  /**
   * Disconnects the pad sockets of participants whose link was revoked and of staff whose session ended; runs on a
   * timer, a test may ask at once.
   */
  checkLinks(): Promise<void>;
  close(): Promise<void>;
}

/** Typing sends at most one update in flight per client (batched), plus cursor moves: a little above the hearing's. */
export const PAD_RATE_LIMIT: RateLimitOptions = { perSecond: 40, burst: 80, abuseBurst: 120, abusePerSecond: 4 };

const Auth = z.object({ token: z.string(), protocol: z.number(), agreementId: z.string().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/) });
const MAX_FRAME = 64 * 1024;
const u8 = (b: Uint8Array | ArrayBuffer): Uint8Array => (b instanceof Uint8Array ? b : new Uint8Array(b));

/**
 * The drafting pad's socket.io namespace `/pad`, on the hearing gateway's server. The handshake reuses the hearing
 * gateway's origin check and error shape and the HTTP API's token checks: a staff session or a participant session,
 * and an agreement of a case the token may read (another case's agreement: NOT_FOUND, nothing is sent). Each message
 * passes a per-socket rate limit, must be a known request with an acknowledgement, and is validated before use.
 */
export function createPadNamespace(opts: PadNamespaceOptions): PadNamespace {
  const { agreements, log } = opts;
  const nsp = opts.io.of(PAD_NAMESPACE) as unknown as Namespace<PadClientToServerEvents, PadServerToClientEvents, Record<string, never>, PadSocketData>;

  nsp.use((socket, next) => {
    // Counted per author (a participant, or a staff account): its tabs and reconnects share the cap.
    opts.caps.admit(socket, async () => {
      if (!originAllowed(socket.handshake.headers, opts.allowedOrigins())) throw new PermissionDeniedError('connections from this origin are not allowed');
      const auth = Auth.safeParse(socket.handshake.auth);
      if (!auth.success) throw new ValidationError('auth must be { token, protocol, agreementId }');
      if (auth.data.protocol !== PROTOCOL_VERSION) throw new ValidationError(`this server speaks protocol ${PROTOCOL_VERSION}; reload the page`);
      const resolved = await opts.deps.principals.any(auth.data.token);
      const row = await agreements.row(auth.data.agreementId);
      const access = await opts.deps.cases.access(row.case_id);
      const principal = padPrincipalFor(resolved, access);
      socket.data.principal = principal;
      socket.data.agreementId = row.id;
      socket.data.token = auth.data.token;
      return principal.author;
    }).then(() => next(), (err) => next(handshakeError(err)));
  });

  nsp.on('connection', (socket: PadSocket) => {
    // Listeners go on at once (a client sends pad.sync right after connecting); they wait for the document to load.
    const ready = agreements.live.attach(socket.data.agreementId);
    connect(socket, ready);
    ready.catch((err) => {
      log.warn({ err }, 'pad document could not be opened');
      socket.disconnect(true);
    });
  });

  function connect(socket: PadSocket, ready: Promise<PadDoc>): void {
    const { principal: p, agreementId } = socket.data;
    const user: PadUser = { author: p.author, name: p.name, role: p.role as PadUser['role'], color: roleColour(p.role) };
    const clientIds = new Set<number>();
    const guard = new SocketGuard(opts.rateLimit ?? PAD_RATE_LIMIT);
    void socket.join(agreementId);

    socket.use(packetGate(guard, PadRequests, () => {
      log.warn({ socketId: socket.id, author: p.author }, 'disconnecting a flooding pad socket');
      socket.disconnect(true);
    }));

    const handlers: { [N in PadRequestName]: (payload: PadRequestPayload<N>) => Promise<PadResponses[N]> } = {
      'pad.sync': async ({ stateVector }) => {
        const pad = await ready;
        let sv: Uint8Array;
        try {
          sv = u8(stateVector);
          Y.decodeStateVector(sv);
        } catch {
          throw new ValidationError('malformed state vector');
        }
        // The state last, so nothing can be broadcast between taking it and answering.
        const agreement = await agreements.info(pad.row);
        const s = await agreements.syncState(pad, sv);
        return { ...s, agreement, access: padAccess(p.subject, pad.row), self: user };
      },
      'pad.update': async ({ update }) => {
        const pad = await ready;
        const applied = await agreements.live.submit(pad, p, u8(update), (row) => padAccess(p.subject, row));
        if (applied.update) socket.to(agreementId).emit('pad.update', { update: applied.update, author: p.author, clientIds: applied.newClients });
        if (applied.newClients.length > 0) {
          nsp.to(agreementId).emit('pad.authors', Object.fromEntries(applied.newClients.map((c) => [String(c), { author: p.author, name: p.name, role: p.role }])));
        }
        return { saved: true, seq: applied.seq };
      },
      'pad.awareness': async ({ update }) => {
        const pad = await ready;
        const r = rewriteAwareness(u8(update), user, (c) => {
          const owner = pad.ownerOf(c) ?? pad.cursorOwners.get(c);
          return owner === undefined || owner === p.author;
        });
        for (const c of r.clientIds) {
          clientIds.add(c);
          if (!pad.clients.has(c)) pad.cursorOwners.set(c, p.author);
        }
        applyAwarenessUpdate(pad.awareness, r.update, socket.id);
        socket.to(agreementId).emit('pad.awareness', { update: r.update });
        return null;
      },
    };

    for (const name of Object.keys(PadRequests) as PadRequestName[]) {
      (socket.on as unknown as (e: string, fn: (...args: unknown[]) => void) => void)(name, (...args) => {
        void handle(name, args);
      });
    }

    async function handle<N extends PadRequestName>(name: N, args: unknown[]): Promise<void> {
      const ack = args[args.length - 1] as (r: PadAck<unknown>) => void;
      try {
        if (args.length !== 2) return safeAck(ack, failure('VALIDATION_FAILED', 'send exactly one payload and an acknowledgement callback'));
        if (payloadBytes(args[0], MAX_FRAME) > MAX_FRAME) return safeAck(ack, failure('PAYLOAD_TOO_LARGE', 'message too large'));
        const parsed = PadRequests[name].safeParse(args[0]);
        if (!parsed.success) {
          const tooBig = parsed.error.issues.some((i) => i.message === PAD_TOO_LARGE);
          const issues = parsed.error.issues.slice(0, 10).map((i) => ({ path: i.path.map(String), message: i.message }));
          return safeAck(ack, failure(tooBig ? 'PAYLOAD_TOO_LARGE' : 'VALIDATION_FAILED', `invalid ${name} payload`, { issues }));
        }
        const data = await handlers[name](parsed.data as PadRequestPayload<N>);
        safeAck(ack, { ok: true, data });
      } catch (err) {
        if (err instanceof AppError) safeAck(ack, failure(err.code, err.message, err.details));
        else {
          log.error({ err, event: name, author: p.author }, 'pad request failed');
          safeAck(ack, failure('INTERNAL', 'internal error'));
        }
      }
    }

    socket.on('disconnect', () => {
      void ready.then((pad) => left(pad), () => undefined);
    });
    function left(pad: PadDoc): void {
      if (clientIds.size > 0) {
        const ids = [...clientIds].filter((c) => pad.awareness.states.has(c));
        removeAwarenessStates(pad.awareness, ids, 'disconnect');
        if (ids.length > 0) nsp.to(agreementId).emit('pad.awareness', { update: encodeAwarenessUpdate(pad.awareness, ids) });
      }
      agreements.live.detach(pad);
    }
  }

  // Lock, unlock, fields, clerk permission: everyone on that agreement hears the new state with their own access.
  const offState = agreements.onState((agreementId) => {
    void (async () => {
      const row = await agreements.row(agreementId);
      const info = await agreements.info(row);
      for (const s of nsp.sockets.values()) {
        const sock = s as PadSocket;
        if (sock.data.agreementId === agreementId) sock.emit('pad.state', { agreement: info, access: padAccess(sock.data.principal.subject, row) });
      }
    })().catch((err) => log.warn({ err, agreementId }, 'could not send pad state'));
  });
  // A document that had to be reloaded: its clients reconnect and sync again (their unsaved updates are still pending).
  agreements.live.onReset((agreementId) => nsp.in(agreementId).disconnectSockets(true));

  // A revoked link ends the pad session too (the handshake refuses it, so the client's reconnect shows TOKEN_REVOKED):
  // at once for a revocation by this process, on the timer for one by another process.
  const participantOf = (sock: PadSocket) => {
    const pr = sock.data.principal?.subject.principal;
    return pr?.kind === 'participant' ? pr : undefined;
  };
  const closeSession = (sock: PadSocket, linkId: string) => {
    log.info({ socketId: sock.id, author: sock.data.principal.author, linkId }, 'closing the pad session of a revoked link');
    sock.disconnect(true);
  };
  const offRevoked = opts.deps.links.onRevoked((link) => {
    for (const sock of nsp.sockets.values()) if (participantOf(sock as PadSocket)?.linkId === link.id) closeSession(sock as PadSocket, link.id);
  });
  async function checkLinks(): Promise<void> {
    await checkStaffSessions();
    const open: PadSocket[] = [];
    for (const sock of nsp.sockets.values()) if (participantOf(sock as PadSocket)) open.push(sock as PadSocket);
    if (open.length === 0) return;
    const links = await opts.deps.links.forHearings([...new Set(open.map((sock) => participantOf(sock)!.hearingId))]);
    const revoked = new Set(links.filter((l) => l.revokedAt).map((l) => l.id));
    for (const sock of open) {
      const linkId = participantOf(sock)!.linkId;
      if (revoked.has(linkId)) closeSession(sock, linkId);
    }
  }
  /** Staff sockets whose session ended (sign-out anywhere, sign out everywhere, deactivation) are disconnected. */
  async function checkStaffSessions(): Promise<void> {
    for (const sock of [...nsp.sockets.values()] as PadSocket[]) {
      if (sock.data.principal?.subject.principal.kind !== 'staff') continue;
      try {
        await opts.deps.sessions.resolve(sock.data.token);
      } catch (err) {
        if (!(err instanceof UnauthenticatedError)) throw err;
        log.info({ socketId: sock.id, author: sock.data.principal.author, code: err.code }, 'closing the pad session of an ended staff session');
        sock.disconnect(true);
      }
    }
  }
  const every = opts.linkCheckMs ?? 15_000;
  const linkTimer = every > 0 ? setInterval(() => void checkLinks().catch((err) => log.warn({ err }, 'pad link revocation check failed')), every) : undefined;
  linkTimer?.unref();

  return {
    checkLinks,
    async close() {
      clearInterval(linkTimer);
      offRevoked();
      offState();
      nsp.disconnectSockets(true);
    },
  };
}
