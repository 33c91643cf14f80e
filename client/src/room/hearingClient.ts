import { io, type ManagerOptions, type Socket, type SocketOptions } from 'socket.io-client';
import { ERROR_CODES, PROTOCOL_VERSION, type ErrorCode } from '../../../signaling/protocol/errors.js';
// Type-only: a value import of hearing.ts would bundle its zod schemas into the browser client.
import type {
  Ack, ChatMessage, ClientToServerEvents, Delivery, HEARING_NAMESPACE, HearingSnapshot, IceServer, JoinResult, RecordingConsent, RequestName,
  RequestPayload, Responses, ServerToClientEvents, RecordingState,
} from '../../../signaling/protocol/hearing.js';
import type { CaptionText, CaptionsState } from '../../../signaling/protocol/captions.js';
import { ApiError, type ClientErrorCode } from '../api.js';
import { Emitter } from './emitter.js';
import { Inbox } from './inbox.js';

const NAMESPACE: typeof HEARING_NAMESPACE = '/hearing';
const CHAT_LIMIT = 500;

export type HearingSocket = Socket<ServerToClientEvents, ClientToServerEvents>;
export type ClosedReason = 'removed' | 'denied' | 'ended' | 'link_revoked' | 'left' | 'refused' | 'server_disconnect';

/** Where the connection stands. `closed` is final for this client object (a new one may be made to join again). */
export type ConnectionState =
  | { kind: 'idle' }
  | { kind: 'connecting' }
  | { kind: 'connected' }
  | { kind: 'reconnecting'; attempt: number; code?: ClientErrorCode }
  | { kind: 'closed'; reason: ClosedReason; message?: string; code?: ClientErrorCode };

export interface HearingClientState {
  connection: ConnectionState;
  /** True once `hearing.join` succeeded (and stays true across reconnects until leave / close). */
  joined: boolean;
  snapshot: HearingSnapshot | null;
  chat: ChatMessage[];
  /** Audio level per participant of the own room, 0 (silent) .. 127 (loud), from `media.levels`. */
  levels: Record<string, number>;
  /** STUN/TURN servers from the join answer (CONCORD_ICE_SERVERS); empty on a plain deployment. */
  iceServers: IceServer[];
}

export interface HearingClientEvents extends Record<string, unknown> {
  state: HearingClientState;
  /** `hearing.join` answered: first join (`resumed: false`) or again after a reconnect that lost the server's state. */
  joined: { snapshot: HearingSnapshot; resumed: boolean };
  /** socket.io recovered the connection: the server kept the session, nothing was missed. */
  recovered: null;
  'media.offer': { sdp: string };
  'media.restart': null;
  'control.muted': { kind: 'audio' | 'video' };
  'control.askUnmute': null;
  chat: ChatMessage;
  /** Recording state for this participant (issue 6: client/src/recordings/RoomRecording.tsx). */
  'recording.state': RecordingState;
  /** Live captions (issue 17.4: client/src/captions/). */
  'captions.state': CaptionsState;
  'captions.text': CaptionText;
}

/** A request that failed: the server's ErrorCode, or NETWORK when it never got an answer. */
export class HearingError extends ApiError {
  constructor(
    code: ClientErrorCode,
    message: string,
    readonly request?: RequestName,
    details?: unknown,
  ) {
    super(0, code, message, details);
    this.name = 'HearingError';
  }
}

type IoFactory = (url: string, opts: Partial<ManagerOptions & SocketOptions>) => HearingSocket;

export interface HearingClientOptions {
  /** The participant session token; a function is read again at every (re)connection. */
  token: string | (() => string | null | undefined);
  /** Default `${location.origin}/hearing`. */
  url?: string;
  /** Default socket.io-client's `io`; tests pass a fake. */
  connect?: IoFactory;
  requestTimeoutMs?: number;
  /** "Rules and recording notice read" from the pre-join page, sent with `hearing.join` (not consent to be recorded). */
  consent?: () => RecordingConsent | null;
}

const isErrorCode = (v: unknown): v is ErrorCode => typeof v === 'string' && (ERROR_CODES as readonly string[]).includes(v);
/** Handshake refusals that another attempt will not change. */
const FATAL_HANDSHAKE: ReadonlySet<ErrorCode> = new Set([
  'UNAUTHENTICATED', 'TOKEN_EXPIRED', 'TOKEN_REVOKED', 'PERMISSION_DENIED', 'INVALID_STATE', 'VALIDATION_FAILED', 'NOT_FOUND',
]);

/**
 * The live-hearing connection: a typed wrapper over socket.io-client on `/hearing`. Requests resolve with the ack's
 * data or reject with a HearingError carrying the code. It reconnects by itself (socket.io reconnection plus the
 * server's connection-state recovery; without recovery it sends `hearing.join` again) and keeps the state the views
 * show: connection, latest snapshot, chat and audio levels. No framework code here.
 */
export class HearingClient {
  private readonly events = new Emitter<HearingClientEvents>();
  private socket: HearingSocket | null = null;
  private current: HearingClientState = { connection: { kind: 'idle' }, joined: false, snapshot: null, chat: [], levels: {}, iceServers: [] };
  private closedNotice: { reason: ClosedReason; message?: string } | null = null;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private refusals = 0;
  private readonly timeoutMs: number;
  private lastRecording: RecordingState | null = null;
  /** Which of the server's numbered events we applied: replays after a reconnect apply once; acknowledged in batches. */
  private readonly inbox = new Inbox((d) => this.acknowledge(d));

  constructor(private readonly opts: HearingClientOptions) {
    this.timeoutMs = opts.requestTimeoutMs ?? 20_000;
  }

  get state(): HearingClientState {
    return this.current;
  }

  /** The newest recording state (a view mounted after the event still shows it). */
  get recording(): RecordingState | null {
    return this.lastRecording;
  }

  get selfId(): string | null {
    return this.current.snapshot?.selfId ?? null;
  }

  on<K extends keyof HearingClientEvents>(event: K, fn: (v: HearingClientEvents[K]) => void): () => void {
    return this.events.on(event, fn);
  }

  /** Opens the socket (idempotent). */
  connect(): void {
    if (this.socket || this.current.connection.kind === 'closed') return;
    const url = this.opts.url ?? `${location.origin}${NAMESPACE}`;
    const factory: IoFactory = this.opts.connect ?? ((u, o) => io(u, o) as HearingSocket);
    const token = this.opts.token;
    const socket = factory(url, {
      auth: (cb: (data: object) => void) => cb({ token: typeof token === 'function' ? token() ?? '' : token, protocol: PROTOCOL_VERSION }),
      transports: ['websocket', 'polling'],
      reconnection: true,
      reconnectionAttempts: Infinity,
      // A short first retry: phones drop for a second or two (tunnels, lifts, Wi-Fi to 4G) and should be back at once;
      // the cap keeps a long outage from hammering the server.
      reconnectionDelay: 300,
      reconnectionDelayMax: 3_000,
      timeout: 15_000,
      // One manager per client object: a later join after leaving must not reuse a closed one.
      forceNew: true,
    });
    this.socket = socket;
    this.set({ connection: { kind: 'connecting' } });
    this.wire(socket);
  }

  /** Connects if needed and joins: the snapshot tells whether we are in the lobby or inside. */
  async join(): Promise<HearingSnapshot> {
    this.connect();
    await this.untilConnected();
    const res = await this.request('hearing.join', this.joinPayload());
    const snapshot = this.applyJoin(res);
    this.set({ joined: true });
    this.events.emit('joined', { snapshot, resumed: false });
    return snapshot;
  }

  /** Connects if needed; resolves once connected (before any `hearing.join`: the test call needs no more). */
  async whenConnected(): Promise<void> {
    this.connect();
    await this.untilConnected();
  }

  /** Sends one request; resolves with the ack's data, rejects with a HearingError. */
  request<N extends RequestName>(name: N, payload: RequestPayload<N>, timeoutMs = this.timeoutMs): Promise<Responses[N]> {
    const socket = this.socket;
    if (!socket || !socket.connected) return Promise.reject(new HearingError('NETWORK', 'not connected to the hearing', name));
    return new Promise((resolve, reject) => {
      const timed = socket.timeout(timeoutMs) as unknown as { emit(ev: string, ...args: unknown[]): unknown };
      timed.emit(name, payload, (err: Error | null, res: Ack<Responses[N]> | undefined) => {
        if (err) return reject(new HearingError('NETWORK', `no answer to ${name}`, name));
        if (!res || typeof res !== 'object' || typeof res.ok !== 'boolean') return reject(new HearingError('BAD_RESPONSE', `bad answer to ${name}`, name));
        if (res.ok) return resolve(res.data);
        const code = isErrorCode(res.error?.code) ? res.error.code : 'INTERNAL';
        reject(new HearingError(code, res.error?.message ?? code, name, res.error?.details));
      });
    });
  }

  /** Leaves the hearing (the others see us go) and closes the connection. */
  async leave(): Promise<void> {
    if (this.current.joined && this.socket?.connected) await this.request('hearing.leave', {}, 5000).catch(() => undefined);
    this.close('left');
  }

  /** Closes the connection for good; `reason` is what the views show. */
  close(reason: ClosedReason = 'left', message?: string, code?: ClientErrorCode): void {
    clearTimeout(this.retryTimer);
    this.inbox.close();
    if (this.current.connection.kind !== 'closed') {
      this.set({ joined: false, connection: { kind: 'closed', reason, ...(message ? { message } : {}), ...(code ? { code } : {}) } });
    }
    const s = this.socket;
    this.socket = null;
    if (s) {
      s.removeAllListeners();
      s.io.removeAllListeners();
      s.disconnect();
    }
  }

  private untilConnected(): Promise<void> {
    if (this.socket?.connected) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const off = this.events.on('state', (s) => {
        if (s.connection.kind === 'connected') {
          off();
          resolve();
        } else if (s.connection.kind === 'closed') {
          off();
          reject(new HearingError(s.connection.code ?? 'NETWORK', s.connection.message ?? 'the connection was closed'));
        }
      });
    });
  }

  private wire(socket: HearingSocket): void {
    socket.on('recording.state', (s, d) => {
      if (!this.inbox.accept([d])) return;
      this.lastRecording = s;
      this.events.emit('recording.state', s);
    });
    socket.on('captions.state', (s, d) => {
      if (this.inbox.accept([d])) this.events.emit('captions.state', s);
    });
    socket.on('captions.text', (c, d) => {
      if (this.inbox.accept([d])) this.events.emit('captions.text', c);
    });
    socket.on('connect', () => {
      this.refusals = 0;
      this.set({ connection: { kind: 'connected' } });
      if (!this.current.joined) return;
      // The server resumes a recovered socket by itself and replays what we did not acknowledge (we drop what we
      // already applied); otherwise join again with the last event we applied, and it replays what followed.
      if (socket.recovered) {
        this.events.emit('recovered', null);
        this.inbox.flush();
      } else this.rejoin();
    });
    socket.on('disconnect', (reason) => {
      if (this.current.connection.kind === 'closed') return;
      if (this.closedNotice) return this.close(this.closedNotice.reason, this.closedNotice.message);
      if (reason === 'io client disconnect') return this.close('left');
      if (reason === 'io server disconnect') return this.close('server_disconnect');
      this.set({ connection: { kind: 'reconnecting', attempt: 0 } });
    });
    socket.on('connect_error', (err: Error & { data?: { code?: unknown; message?: unknown } }) => {
      const code = isErrorCode(err.data?.code) ? err.data.code : undefined;
      const message = typeof err.data?.message === 'string' ? err.data.message : err.message;
      if (socket.active) {
        // A network failure: socket.io tries again by itself.
        this.set({ connection: { kind: 'reconnecting', attempt: this.attempt() } });
        return;
      }
      // The server refused the handshake.
      if (code && FATAL_HANDSHAKE.has(code)) return this.close('refused', message, code);
      this.refusals++;
      const delay = Math.min(30_000, 1000 * 2 ** Math.min(this.refusals, 5));
      this.set({ connection: { kind: 'reconnecting', attempt: this.refusals, ...(code ? { code } : {}) } });
      clearTimeout(this.retryTimer);
      this.retryTimer = setTimeout(() => this.socket?.connect(), delay);
    });
    socket.io.on('reconnect_attempt', (n) => {
      if (this.current.connection.kind !== 'closed') this.set({ connection: { kind: 'reconnecting', attempt: n } });
    });

    // Numbered events (their envelope is the last argument): each applied once, whatever a replay sends again.
    socket.on('hearing.state', (snapshot, d) => {
      if (this.inbox.accept([d], true)) this.set({ snapshot });
    });
    socket.on('chat.history', (h, d) => {
      if (this.inbox.accept([d])) this.mergeChat(h.messages);
    });
    socket.on('chat.message', (m, d) => {
      if (!this.inbox.accept([d]) || this.current.chat.some((c) => c.id === m.id)) return;
      this.set({ chat: [...this.current.chat, m].slice(-CHAT_LIMIT) });
      this.events.emit('chat', m);
    });
    socket.on('media.offer', (o, d) => {
      if (this.inbox.accept([d])) this.events.emit('media.offer', o);
    });
    socket.on('media.restart', (d) => {
      if (this.inbox.accept([d])) this.events.emit('media.restart', null);
    });
    socket.on('control.muted', (m, d) => {
      if (this.inbox.accept([d])) this.events.emit('control.muted', m);
    });
    socket.on('control.askUnmute', (d) => {
      if (this.inbox.accept([d])) this.events.emit('control.askUnmute', null);
    });
    // Not numbered: levels are superseded ten times a second, and the closing notice ends the connection.
    socket.on('media.levels', (levels) => this.set({ levels }));
    socket.on('hearing.closed', (r) => {
      // The server closes the socket right after; `disconnect` then turns this into the closed state.
      this.closedNotice = { reason: r.reason, ...(r.message ? { message: r.message } : {}) };
      this.close(r.reason, r.message);
    });
  }

  private joinPayload(since?: Delivery): RequestPayload<'hearing.join'> {
    const consent = this.opts.consent?.() ?? null;
    return { ...(consent ? { consent } : {}), ...(since ? { since } : {}) };
  }

  /**
   * The join answer: the snapshot (without the extras), the chat we may read, the ICE servers. A snapshot older than
   * one that overtook the answer (a `hearing.state` numbered after it) is not applied.
   */
  private applyJoin(res: JoinResult): HearingSnapshot {
    const { chat, iceServers, outbox, ...snapshot } = res;
    const current = this.inbox.joined(outbox);
    this.set({ ...(current || !this.current.snapshot ? { snapshot } : {}), iceServers: Array.isArray(iceServers) ? iceServers : [] });
    if (Array.isArray(chat)) this.mergeChat(chat);
    return this.current.snapshot ?? snapshot;
  }

  /** Tells the server what we applied, so it can forget it; a lost acknowledgement goes again with the next one. */
  private acknowledge(d: Delivery): void {
    if (!this.socket?.connected) return this.inbox.unacked(d);
    this.request('outbox.ack', d).catch(() => this.inbox.unacked(d));
  }

  /** History and live messages in one list: by id once, in time order. */
  private mergeChat(messages: ChatMessage[]): void {
    const byId = new Map(this.current.chat.map((m) => [m.id, m]));
    for (const m of messages) byId.set(m.id, m);
    const chat = [...byId.values()].sort((a, b) => a.at.localeCompare(b.at) || a.id.localeCompare(b.id)).slice(-CHAT_LIMIT);
    this.set({ chat });
  }

  private attempt(): number {
    const c = this.current.connection;
    return c.kind === 'reconnecting' ? c.attempt + 1 : 1;
  }

  private rejoin(): void {
    this.request('hearing.join', this.joinPayload(this.inbox.since())).then(
      (res) => {
        const snapshot = this.applyJoin(res);
        this.events.emit('joined', { snapshot, resumed: true });
      },
      (err: HearingError) => {
        if (err.code === 'NETWORK') return; // dropped again: the next connect tries again
        this.close('refused', err.message, err.code);
      },
    );
  }

  private set(patch: Partial<HearingClientState>): void {
    this.current = { ...this.current, ...patch };
    this.events.emit('state', this.current);
  }
}
