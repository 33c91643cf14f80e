import { EventEmitter } from 'node:events';
import { InvalidStateError } from '../../lib/errors.js';
import type { Audience, ForwardingEntry, MediaKind, MediaRouter, RecordableProducer, RecordingTapStats, RecordingTarget, RouterEvents, TapPurpose, TrackSource } from '../engine.js';
import type { ReceivePreferences, SubscribeResult } from '../engine.js';
import type { WorkerHandle } from './handle.js';
import type { RouterArgs, RouterMethod, RouterResult } from './protocol.js';

/** The hearing layer's handle on a router living in a worker process: every call is an IPC request. */
export class RouterProxy implements MediaRouter {
  private _closed = false;
  private readonly events = new EventEmitter();

  constructor(
    readonly id: string,
    readonly hearingId: string,
    readonly worker: WorkerHandle,
    private readonly onClosed: (r: RouterProxy) => void,
  ) {}

  get closed(): boolean {
    return this._closed;
  }

  private call<M extends RouterMethod>(method: M, ...args: RouterArgs<M>): Promise<RouterResult<M>> {
    if (this._closed) return Promise.reject(new InvalidStateError(`router ${this.id} is closed`));
    return this.worker.request<RouterResult<M>>({ method: 'router', routerId: this.id, call: method, args });
  }

  publish(participantId: string, offerSdp: string, sources: Record<string, TrackSource>): Promise<{ answerSdp: string }> {
    return this.call('publish', participantId, offerSdp, sources);
  }
  subscribe(participantId: string): Promise<SubscribeResult | void> {
    return this.call('subscribe', participantId) as Promise<SubscribeResult | void>;
  }
  answerSubscriber(participantId: string, answerSdp: string): Promise<void> {
    return this.call('answerSubscriber', participantId, answerSdp);
  }
  setRoom(participantId: string, roomId: string): Promise<void> {
    return this.call('setRoom', participantId, roomId);
  }
  setForwarding(participantId: string, kind: MediaKind, enabled: boolean): Promise<void> {
    return this.call('setForwarding', participantId, kind, enabled);
  }
  setAudience(participantId: string, audience: Audience): Promise<void> {
    return this.call('setAudience', participantId, audience);
  }
  setReceivePreferences(participantId: string, prefs: ReceivePreferences): Promise<void> {
    return this.call('setReceivePreferences', participantId, prefs);
  }
  removeParticipant(participantId: string): Promise<void> {
    return this.call('removeParticipant', participantId);
  }
  forwardingTable(): Promise<ForwardingEntry[]> {
    return this.call('forwardingTable');
  }
  recordableProducers(): Promise<RecordableProducer[]> {
    return this.call('recordableProducers');
  }
  startRecordingTap(participantId: string, kind: MediaKind, target: RecordingTarget): Promise<RecordableProducer | null> {
    return this.call('startRecordingTap', participantId, kind, target);
  }
  stopRecordingTap(participantId: string, kind: MediaKind, room?: string, purpose?: TapPurpose): Promise<RecordingTapStats | null> {
    return this.call('stopRecordingTap', participantId, kind, room, purpose);
  }

  on<E extends keyof RouterEvents>(event: E, listener: RouterEvents[E]): void {
    this.events.on(event, listener);
  }
  off<E extends keyof RouterEvents>(event: E, listener: RouterEvents[E]): void {
    this.events.off(event, listener);
  }

  /** An event the worker's router emitted. */
  dispatch(event: keyof RouterEvents, args: unknown[]): void {
    if (this._closed) return;
    this.events.emit(event, ...args);
  }

  /** The worker died: the router is gone with it. */
  fail(reason: string): void {
    if (this._closed) return;
    this._closed = true;
    this.onClosed(this);
    this.events.emit('failed', reason);
  }

  /** The engine shut down: closed without a `failed` event (nobody should re-place the hearing). */
  markClosed(): void {
    if (this._closed) return;
    this._closed = true;
    this.onClosed(this);
  }

  async close(): Promise<void> {
    if (this._closed) return;
    try {
      await this.call('close');
    } catch {
      // A dead or wedged worker took the router with it; closing must still succeed.
    } finally {
      this._closed = true;
      this.onClosed(this);
    }
  }
}
