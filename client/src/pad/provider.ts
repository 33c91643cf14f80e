import * as Y from 'yjs';
import { Awareness, applyAwarenessUpdate, encodeAwarenessUpdate, removeAwarenessStates } from 'y-protocols/awareness';
import { io, type ManagerOptions, type Socket, type SocketOptions } from 'socket.io-client';
import {
  PAD_MAX_UPDATE_BYTES, PAD_NAMESPACE, PAD_TEXT, type AgreementInfo, type PadAccess, type PadAck, type PadClientToServerEvents,
  type PadServerToClientEvents, type PadSyncResult, type PadUser,
} from '../../../signaling/protocol/pad.js';
import { PROTOCOL_VERSION, type ErrorCode } from '../../../signaling/protocol/errors.js';
import { Emitter } from '../room/emitter.js';
import { LocalChanges } from './local-changes.js';

export type PadStatus = 'connecting' | 'synced' | 'offline' | 'refused';

export interface PadEvents extends Record<string, unknown> {
  status: PadStatus;
  /** Lock, unlock, fields or permission changed (or the first sync). */
  state: { agreement: AgreementInfo; access: PadAccess };
  /** Local changes acknowledged as stored by the server; `unsaved` is what is still waiting. */
  saved: { unsaved: number };
  /** The server refused local changes (locked, read-only, invalid): the local copy must be reloaded. */
  rejected: { code: ErrorCode; message: string };
  /** The handshake was refused (bad token, another case, unknown agreement). */
  refused: { code: ErrorCode; message: string };
  authors: Map<number, { author: string; name: string; role: string }>;
}

export interface PadProviderOptions {
  /** Origin of the server, or '' for the page's own origin (browser). */
  url: string;
  token: string | (() => string);
  agreementId: string;
  doc?: Y.Doc;
  /** socket.io options (tests pass extraHeaders and websocket-only transports). */
  socket?: Partial<ManagerOptions & SocketOptions>;
  /** Trailing throttle for cursor updates (ms). */
  awarenessThrottleMs?: number;
  ackTimeoutMs?: number;
}

const u8 = (b: Uint8Array | ArrayBuffer): Uint8Array => (b instanceof Uint8Array ? b : new Uint8Array(b));

/**
 * A Yjs document synced with the server over the `/pad` namespace. Used by the browser editor and, unchanged, by the
 * Node tests and the benchmark. Local updates are queued and sent one batch at a time; a batch leaves the queue only
 * when the server acknowledges it as stored, so edits made offline (or refused for a moment) are sent again after a
 * reconnect, and the sync step sends whatever the server still lacks.
 */
export class PadProvider extends Emitter<PadEvents> {
  readonly doc: Y.Doc;
  readonly text: Y.Text;
  readonly awareness: Awareness;
  readonly socket: Socket<PadServerToClientEvents, PadClientToServerEvents>;
  status: PadStatus = 'connecting';
  agreement: AgreementInfo | null = null;
  access: PadAccess | null = null;
  self: PadUser | null = null;
  readonly authors = new Map<number, { author: string; name: string; role: string }>();
  /** Local edits not yet encoded (encoded when they can be sent, or when they reach half the size limit). */
  private readonly local: LocalChanges;
  /** Encoded local updates not yet acknowledged (in order). */
  private pending: Uint8Array[] = [];
  private inflight: Uint8Array[] | null = null;
  private generation = 0;
  private flushQueued = false;
  private awarenessTimer: ReturnType<typeof setTimeout> | null = null;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  /** Handshakes refused for too many connections in a row; reset once connected. */
  private refusals = 0;
  private destroyed = false;
  private manual = false;
  /** Counters for tests and the benchmark. */
  readonly stats = { sent: 0, acked: 0, received: 0, rejected: 0 };

  constructor(private readonly opts: PadProviderOptions) {
    super();
    this.doc = opts.doc ?? new Y.Doc();
    this.text = this.doc.getText(PAD_TEXT);
    this.awareness = new Awareness(this.doc);
    this.local = new LocalChanges(this.doc, (PAD_MAX_UPDATE_BYTES * 3) / 4);
    const token = opts.token;
    this.socket = io(`${opts.url}${PAD_NAMESPACE}`, {
      reconnectionDelay: 200,
      reconnectionDelayMax: 2000,
      ...opts.socket,
      auth: (cb) => cb({ token: typeof token === 'function' ? token() : token, protocol: PROTOCOL_VERSION, agreementId: opts.agreementId }),
    });
    this.doc.on('afterTransaction', this.onTransaction);
    this.awareness.on('update', this.onAwareness);
    this.socket.on('connect', () => {
      this.refusals = 0;
      void this.sync();
    });
    this.socket.on('disconnect', (reason) => {
      this.generation++;
      // The server closed us (restart, or a document reload): come back on our own; socket.io retries only lost transports.
      if (reason === 'io server disconnect' && !this.manual && !this.destroyed) {
        setTimeout(() => {
          if (!this.manual && !this.destroyed && !this.socket.connected) this.socket.connect();
        }, 200 + Math.random() * 300);
      }
      if (this.inflight) this.pending.unshift(...this.inflight);
      this.inflight = null;
      // Everybody else's cursor is stale until the next sync.
      removeAwarenessStates(this.awareness, [...this.awareness.getStates().keys()].filter((c) => c !== this.doc.clientID), this);
      this.setStatus('offline');
    });
    this.socket.on('connect_error', (err) => {
      const data = (err as Error & { data?: { code?: ErrorCode; message?: string } }).data;
      if (data?.code === 'TOO_MANY_CONNECTIONS') {
        // Too many sockets for this session or address just now (a reload beside a closing tab): not final, so
        // try again with a growing wait, as the hearing client does.
        this.setStatus('offline');
        this.refusals++;
        setTimeout(() => {
          if (!this.manual && !this.destroyed && !this.socket.connected) this.socket.connect();
        }, Math.min(30_000, 1000 * 2 ** Math.min(this.refusals, 5)));
      } else if (data?.code) {
        // Refused by the server's handshake: socket.io does not retry these.
        this.setStatus('refused');
        this.emit('refused', { code: data.code, message: data.message ?? err.message });
      } else this.setStatus('offline');
    });
    this.socket.on('pad.update', (m) => {
      this.stats.received++;
      Y.applyUpdate(this.doc, u8(m.update), this);
    });
    this.socket.on('pad.awareness', (m) => applyAwarenessUpdate(this.awareness, u8(m.update), this));
    this.socket.on('pad.state', (m) => {
      this.agreement = m.agreement;
      this.access = m.access;
      this.emit('state', m);
      this.flush();
    });
    this.socket.on('pad.authors', (m) => this.addAuthors(m));
  }

  /** Local changes not yet stored by the server. */
  get unsaved(): number {
    return this.pending.length + (this.inflight?.length ?? 0) + (this.local.empty ? 0 : 1);
  }

  get connected(): boolean {
    return this.socket.connected;
  }

  /** Goes offline on purpose (tests, "work offline"); edits keep queueing until connect(). */
  disconnect(): void {
    this.manual = true;
    this.socket.disconnect();
  }

  connect(): void {
    this.manual = false;
    this.socket.connect();
  }

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    if (this.awarenessTimer) clearTimeout(this.awarenessTimer);
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.doc.off('afterTransaction', this.onTransaction);
    this.awareness.off('update', this.onAwareness);
    this.awareness.destroy();
    this.socket.removeAllListeners();
    this.socket.disconnect();
    this.clear();
  }

  private setStatus(s: PadStatus): void {
    if (this.status === s) return;
    this.status = s;
    this.emit('status', s);
  }

  private addAuthors(m: PadSyncResult['authors']): void {
    for (const [id, a] of Object.entries(m)) this.authors.set(Number(id), a);
    this.emit('authors', this.authors);
  }

  private readonly onTransaction = (tr: Y.Transaction): void => {
    if (tr.origin === this) return;
    const full = this.local.add(tr);
    if (full) this.pending.push(full);
    // Sent once the current task's edits are done (and Yjs has merged their structs): one update for a burst of them.
    if (!this.local.empty && !this.flushQueued) {
      this.flushQueued = true;
      queueMicrotask(() => {
        this.flushQueued = false;
        this.flush();
      });
    }
  };

  private readonly onAwareness = ({ added, updated, removed }: { added: number[]; updated: number[]; removed: number[] }, origin: unknown): void => {
    if (origin === this) return;
    if (![...added, ...updated, ...removed].includes(this.doc.clientID)) return;
    if (this.awarenessTimer) return;
    this.awarenessTimer = setTimeout(() => {
      this.awarenessTimer = null;
      this.sendAwareness();
    }, this.opts.awarenessThrottleMs ?? 80);
  };

  private sendAwareness(): void {
    if (this.status !== 'synced') return;
    const update = encodeAwarenessUpdate(this.awareness, [this.doc.clientID]);
    this.socket.emit('pad.awareness', { update }, () => undefined);
  }

  private async sync(): Promise<void> {
    this.setStatus('connecting');
    const gen = this.generation;
    let res: PadAck<PadSyncResult>;
    try {
      res = await this.socket.timeout(this.opts.ackTimeoutMs ?? 15_000).emitWithAck('pad.sync', { stateVector: Y.encodeStateVector(this.doc) });
    } catch {
      if (gen === this.generation && this.socket.connected) this.socket.disconnect().connect();
      return;
    }
    if (gen !== this.generation) return;
    if (!res.ok) {
      this.setStatus('refused');
      this.emit('refused', res.error);
      return;
    }
    const d = res.data;
    Y.applyUpdate(this.doc, u8(d.update), this);
    this.agreement = d.agreement;
    this.access = d.access;
    this.self = d.self;
    this.addAuthors(d.authors);
    applyAwarenessUpdate(this.awareness, u8(d.awareness), this);
    // What the server lacks: edits made offline, or before an acknowledgement was lost. One update when it fits.
    // Only our own content (and our deletions): others' content the server lacks is theirs to send.
    const serverSv = Y.decodeStateVector(u8(d.stateVector));
    const target = Y.decodeStateVector(Y.encodeStateVector(this.doc));
    target.set(this.doc.clientID, serverSv.get(this.doc.clientID) ?? 0);
    const missing = Y.encodeStateAsUpdate(this.doc, Y.encodeStateVector(target));
    const ahead = (Y.decodeStateVector(Y.encodeStateVector(this.doc)).get(this.doc.clientID) ?? 0) > (serverSv.get(this.doc.clientID) ?? 0);
    if ((ahead || this.pending.length > 0 || !this.local.empty) && missing.byteLength <= PAD_MAX_UPDATE_BYTES) {
      this.pending = [missing];
      this.local.clear();
    }
    this.awareness.setLocalStateField('user', { name: d.self.name, color: d.self.color, colorLight: `${d.self.color}33`, role: d.self.role });
    this.setStatus('synced');
    this.emit('state', { agreement: d.agreement, access: d.access });
    this.sendAwareness();
    this.flush();
  }

  /** Sends the queued local updates, merged up to the size limit, one batch in flight at a time. */
  private flush(): void {
    if (!this.inflight && this.status === 'synced') {
      const update = this.local.take();
      if (update) this.pending.push(update);
    }
    if (this.destroyed || this.status !== 'synced' || this.inflight || this.pending.length === 0 || !this.access?.canEdit) {
      if (this.unsaved === 0) this.emit('saved', { unsaved: 0 });
      return;
    }
    const batch: Uint8Array[] = [];
    let size = 0;
    while (this.pending.length > 0 && (batch.length === 0 || size + this.pending[0]!.byteLength <= PAD_MAX_UPDATE_BYTES)) {
      const u = this.pending.shift()!;
      batch.push(u);
      size += u.byteLength;
    }
    const update = batch.length === 1 ? batch[0]! : Y.mergeUpdates(batch);
    this.inflight = batch;
    const gen = this.generation;
    this.stats.sent++;
    this.socket.timeout(this.opts.ackTimeoutMs ?? 15_000).emit('pad.update', { update }, (err: Error | null, res: PadAck<{ saved: true; seq: number | null }>) => {
      if (gen !== this.generation || this.inflight !== batch) return;
      this.inflight = null;
      if (err) {
        // No answer: the server may or may not have it; sending it again is harmless (Yjs skips what it knows).
        this.pending.unshift(...batch);
        this.retryLater(500);
        return;
      }
      if (res.ok) {
        this.stats.acked++;
        this.emit('saved', { unsaved: this.unsaved });
        this.flush();
        return;
      }
      if (res.error.code === 'RATE_LIMITED' || res.error.code === 'UNAVAILABLE') {
        this.pending.unshift(...batch);
        this.retryLater(res.error.code === 'RATE_LIMITED' ? 100 : 500);
        return;
      }
      this.stats.rejected++;
      this.emit('rejected', res.error);
      this.flush();
    });
  }

  private retryLater(ms: number): void {
    if (this.retryTimer) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.flush();
    }, ms);
  }
}
