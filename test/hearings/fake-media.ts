import { EventEmitter } from 'node:events';
import type {
  ForwardingEntry, MediaEngine, MediaEngineStats, MediaKind, MediaRouter, RecordableProducer, RecordingTapStats, RecordingTarget, RouterEvents,
  TrackSource,
} from '../../server/media/engine.js';
import type { Audience, ReceivePreferences } from '../../server/media/engine.js';

/**
 * An in-process stand-in for the SFU (a fake between our own modules): it forwards nothing, but keeps the rooms and
 * forwarding switches it was told, and every call in order, so signalling tests can assert that the SFU was told.
 */
export interface RouterCall {
  method: string;
  args: unknown[];
}

export class FakeRouter implements MediaRouter {
  readonly calls: RouterCall[] = [];
  readonly rooms = new Map<string, string>();
  /** participant -> kind -> enabled; absent means enabled (a router forwards what it gets unless told otherwise). */
  readonly forwarding = new Map<string, Record<MediaKind, boolean>>();
  /** Interpreter channels as last set, by participant. */
  readonly audiences = new Map<string, Audience>();
  private readonly events = new EventEmitter();
  private isClosed = false;

  constructor(
    readonly id: string,
    readonly hearingId: string,
  ) {}

  get closed(): boolean {
    return this.isClosed;
  }

  private log(method: string, ...args: unknown[]): void {
    if (this.isClosed) throw new Error(`router ${this.id} is closed (${method})`);
    this.calls.push({ method, args });
  }

  async publish(participantId: string, offerSdp: string, sources: Record<string, TrackSource>) {
    this.log('publish', participantId, offerSdp, sources);
    return { answerSdp: `v=0 answer for ${participantId}` };
  }

  async subscribe(participantId: string) {
    this.log('subscribe', participantId);
    setImmediate(() => this.emit('subscriberOffer', participantId, `v=0 offer for ${participantId}`));
  }

  async answerSubscriber(participantId: string, answerSdp: string) {
    this.log('answerSubscriber', participantId, answerSdp);
  }

  async setRoom(participantId: string, roomId: string) {
    this.log('setRoom', participantId, roomId);
    this.rooms.set(participantId, roomId);
  }

  async setForwarding(participantId: string, kind: MediaKind, enabled: boolean) {
    this.log('setForwarding', participantId, kind, enabled);
    const f = this.forwarding.get(participantId) ?? { audio: true, video: true };
    f[kind] = enabled;
    this.forwarding.set(participantId, f);
  }

  async setAudience(participantId: string, audience: Audience) {
    this.log('setAudience', participantId, audience);
    this.audiences.set(participantId, audience);
  }

  async setReceivePreferences(participantId: string, prefs: ReceivePreferences) {
    this.log('setReceivePreferences', participantId, prefs);
  }

  async removeParticipant(participantId: string) {
    this.log('removeParticipant', participantId);
    this.rooms.delete(participantId);
    this.forwarding.delete(participantId);
  }

  async forwardingTable(): Promise<ForwardingEntry[]> {
    return [];
  }

  async recordableProducers(): Promise<RecordableProducer[]> {
    return [];
  }

  async startRecordingTap(participantId: string, kind: MediaKind, target: RecordingTarget): Promise<RecordableProducer | null> {
    this.log('startRecordingTap', participantId, kind, target);
    return null;
  }

  async stopRecordingTap(participantId: string, kind: MediaKind, room?: string): Promise<RecordingTapStats | null> {
    this.log('stopRecordingTap', participantId, kind, room);
    return null;
  }

  on<E extends keyof RouterEvents>(event: E, listener: RouterEvents[E]): void {
    this.events.on(event, listener as (...a: unknown[]) => void);
  }

  off<E extends keyof RouterEvents>(event: E, listener: RouterEvents[E]): void {
    this.events.off(event, listener as (...a: unknown[]) => void);
  }

  emit<E extends keyof RouterEvents>(event: E, ...args: Parameters<RouterEvents[E]>): void {
    this.events.emit(event, ...args);
  }

  callsOf(method: string): unknown[][] {
    return this.calls.filter((c) => c.method === method).map((c) => c.args);
  }

  async close() {
    this.isClosed = true;
  }
}

export class FakeMediaEngine implements MediaEngine {
  readonly routers: FakeRouter[] = [];
  private isClosed = false;

  get closed(): boolean {
    return this.isClosed;
  }

  async createRouter(hearingId: string): Promise<MediaRouter> {
    const r = new FakeRouter(`rtr${this.routers.length + 1}`, hearingId);
    this.routers.push(r);
    return r;
  }

  /** The hearing's current router (the newest one not closed). */
  router(hearingId: string): FakeRouter {
    const r = this.routers.filter((x) => x.hearingId === hearingId && !x.closed).at(-1);
    if (!r) throw new Error(`no live router for ${hearingId}`);
    return r;
  }

  stats(): MediaEngineStats {
    return { workers: [{ pid: process.pid, routers: this.routers.filter((r) => !r.closed).length, alive: !this.isClosed }] };
  }

  async close() {
    this.isClosed = true;
    for (const r of this.routers) await r.close();
  }
}
