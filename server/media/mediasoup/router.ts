import { EventEmitter } from 'node:events';
import { randomBytes } from 'node:crypto';
import type { types } from 'mediasoup';
import type { Logger } from 'pino';
import { InvalidStateError, ValidationError } from '../../lib/errors.js';
import { FailureGate } from './failure.js';
import { checkId, checkPurpose, cleanPreferences } from '../input.js';
import { DEFAULT_AUDIENCE, cleanAudience, inAudience } from '../audience.js';
import type {
  Audience, ForwardingEntry, MediaKind, MediaRouter, ProducerInfo, ReceivePreferences, RecordableProducer, RecordingTapStats, RecordingTarget, TapPurpose,
  RouterEvents, SubscribeResult, TrackSource,
} from '../engine.js';
import { AUDIO_LEVEL_INTERVAL_MS } from './codecs.js';
import { layerFor } from './prefs.js';
import { AudioLevels } from './levels.js';
import { MsPublisher, type PublishedProducer } from './publisher.js';
import { receiveCapabilities } from './caps.js';
import { parseSdp, readPublishOffer } from './sdp.js';
import { MsSubscriber } from './subscriber.js';
import { ForwardingRows } from './table.js';
import { TapSet, openTapModule, recordable, tapSource, type TapOpener } from './taps.js';
import { createTransport, type NetworkOptions } from './transport.js';

export const JOINT_ROOM = 'joint';

class Serial {
  private chain: Promise<unknown> = Promise.resolve();
  run<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.chain.then(fn, fn);
    this.chain = next.catch(() => undefined);
    return next;
  }
}

class Participant {
  room = JOINT_ROOM;
  /** Interpreter channels: the channel followed and who hears this participant's audio. */
  audience: Audience = DEFAULT_AUDIENCE;
  readonly forwarding: Record<MediaKind, boolean> = { audio: true, video: true };
  prefs: ReceivePreferences = {};
  pub: MsPublisher | null = null;
  sub: MsSubscriber | null = null;
  /** What its client can receive, from its last publishing offer (before one: the router's own). */
  recvCaps: types.RtpCapabilities | null = null;
  readonly pubSerial = new Serial();
  readonly subSerial = new Serial();
  constructor(readonly id: string) {}

  producers(): PublishedProducer[] {
    return this.pub ? [...this.pub.producers.values()] : [];
  }
}

export interface MediasoupRouterOptions extends NetworkOptions {
  log?: Logger;
  openTap?: TapOpener;
}

/**
 * A hearing's router on a mediasoup worker, with the semantics of the werift engine's WeriftRouter: a publishing and
 * a subscribing WebRTC transport per participant (SDP through the bridge in sdp.ts), and consumers only between
 * participants in the same room (the caucus isolation rule, in `refreshSubscriptions`).
 */
export class MediasoupRouter implements MediaRouter {
  readonly id = `rtr_${randomBytes(6).toString('hex')}`;
  private _closed = false;
  private readonly participants = new Map<string, Participant>();
  private readonly rows = new ForwardingRows();
  private readonly events = new EventEmitter();
  private readonly taps: TapSet;

  private constructor(
    readonly hearingId: string,
    readonly router: types.Router,
    private readonly levels: types.AudioLevelObserver,
    private readonly opts: MediasoupRouterOptions,
  ) {
    this.events.on('error', () => undefined);
    this.taps = new TapSet(opts.openTap ?? openTapModule);
    new AudioLevels(
      levels,
      () => [...this.participants.values()].filter((p) => p.producers().some((x) => x.info.kind === 'audio')).map((p) => p.id),
      (l) => {
        if (!this._closed) this.emit('audioLevels', l);
      },
    );
    // A dying worker closes its routers before it emits 'died': the engine's handler gives the real reason first.
    router.observer.once('close', () => setImmediate(() => this.fail('mediasoup router closed')));
  }

  static async create(hearingId: string, router: types.Router, opts: MediasoupRouterOptions): Promise<MediasoupRouter> {
    const levels = await router.createAudioLevelObserver({ maxEntries: 64, threshold: -127, interval: AUDIO_LEVEL_INTERVAL_MS });
    return new MediasoupRouter(hearingId, router, levels, opts);
  }

  get closed(): boolean {
    return this._closed;
  }

  on<E extends keyof RouterEvents>(event: E, listener: RouterEvents[E]): void {
    this.events.on(event, listener);
  }

  off<E extends keyof RouterEvents>(event: E, listener: RouterEvents[E]): void {
    this.events.off(event, listener);
  }

  private emit<E extends keyof RouterEvents>(event: E, ...args: Parameters<RouterEvents[E]>): void {
    this.events.emit(event, ...args);
  }

  private open(): void {
    if (this._closed) throw new InvalidStateError('router closed');
  }


  private readonly failure = new FailureGate();

  publish(participantId: string, offerSdp: string, sources: Record<string, TrackSource>): Promise<{ answerSdp: string }> {
    return this.failure.guard(() => this._publish(participantId, offerSdp, sources));
  }

  subscribe(participantId: string): Promise<SubscribeResult> {
    return this.failure.guard(() => this._subscribe(participantId));
  }

  answerSubscriber(participantId: string, answerSdp: string): Promise<void> {
    return this.failure.guard(() => this._answerSubscriber(participantId, answerSdp));
  }

  setRoom(participantId: string, roomId: string): Promise<void> {
    return this.failure.guard(() => this._setRoom(participantId, roomId));
  }

  setForwarding(participantId: string, kind: MediaKind, enabled: boolean): Promise<void> {
    return this.failure.guard(() => this._setForwarding(participantId, kind, enabled));
  }

  setAudience(participantId: string, audience: Audience): Promise<void> {
    return this.failure.guard(() => this._setAudience(participantId, audience));
  }

  setReceivePreferences(participantId: string, prefs: ReceivePreferences): Promise<void> {
    return this.failure.guard(() => this._setReceivePreferences(participantId, prefs));
  }

  forwardingTable(): Promise<ForwardingEntry[]> {
    return this.failure.guard(() => this._forwardingTable());
  }

  startRecordingTap(participantId: string, kind: MediaKind, target: RecordingTarget): Promise<RecordableProducer | null> {
    return this.failure.guard(() => this._startRecordingTap(participantId, kind, target));
  }

  private participant(id: string): Participant {
    checkId('participant id', id);
    let p = this.participants.get(id);
    if (!p) {
      p = new Participant(id);
      this.participants.set(id, p);
    }
    return p;
  }

  private async _publish(participantId: string, offerSdp: string, sources: Record<string, TrackSource>): Promise<{ answerSdp: string }> {
    this.open();
    const existed = this.participants.has(participantId);
    const p = this.participant(participantId);
    return p.pubSerial.run(async () => {
      this.open();
      // A new client connection (restart) gets a new transport; a renegotiation keeps the running one.
      if (p.pub && (p.pub.failed || !p.pub.accepts(offerSdp))) this.dropPublisher(p);
      const fresh = !p.pub;
      try {
        if (!p.pub) {
          readPublishOffer(parseSdp(offerSdp, 'offer'), this.router.rtpCapabilities); // nothing is created for a bad offer
          const transport = await createTransport(this.router, this.opts, { participantId: p.id, direction: 'send' });
          if (this._closed) {
            transport.close();
            throw new InvalidStateError('router closed');
          }
          p.pub = new MsPublisher(p.id, transport, this.router.rtpCapabilities, {
            enabled: (kind) => p.forwarding[kind],
            changed: (added, removed) => this.onProducersChanged(added, removed),
          });
        }
        const answer = await p.pub.handleOffer(offerSdp, sources ?? {});
        p.recvCaps = receiveCapabilities(parseSdp(offerSdp, 'offer'), this.router.rtpCapabilities);
        return { answerSdp: answer };
      } catch (e) {
        this.opts.log?.warn({ hearingId: this.hearingId, participantId: p.id, err: e instanceof Error ? e.message : String(e) }, 'publish failed');
        if (fresh) {
          this.dropPublisher(p);
          if (!existed && !p.sub && p.room === JOINT_ROOM && this.participants.get(p.id) === p) this.participants.delete(p.id);
        }
        throw e;
      }
    });
  }

  private dropPublisher(p: Participant): void {
    const removed = p.pub?.close() ?? [];
    p.pub = null;
    if (removed.length) this.onProducersChanged([], removed);
  }

  private onProducersChanged(added: PublishedProducer[], removed: PublishedProducer[]): void {
    if (this._closed) return;
    this.rows.dropProducers(new Set(removed.map((r) => r.producer.id)));
    for (const a of added) {
      const who = { hearingId: this.hearingId, participantId: a.info.participantId, kind: a.info.kind };
      a.producer.on('score', (score) => this.opts.log?.debug({ ...who, score: score.map((x) => `${x.rid ?? x.ssrc}:${x.score}`).join(' ') }, 'producer score'));
      if (a.info.kind === 'audio') this.levels.addProducer({ producerId: a.producer.id }).catch(() => undefined);
    }
    this.opts.log?.debug({ hearingId: this.hearingId, added: added.length, removed: removed.length }, 'producers changed');
    void this.refreshSubscriptions();
    void this.updateTaps();
    this.emit('producersChanged', this.producerInfos());
  }

  private producerInfos(): ProducerInfo[] {
    const out: ProducerInfo[] = [];
    for (const p of this.participants.values()) for (const pr of p.producers()) out.push({ ...pr.info, layers: [...pr.info.layers] });
    return out;
  }

  /**
   * The isolation rule in one place: a subscriber wants exactly the others' producers in its own room whose audience
   * includes it (interpreter channels, `inAudience`).
   */
  private refreshSubscriptions(): Promise<void> {
    const waits: Promise<void>[] = [];
    for (const s of this.participants.values()) {
      if (!s.sub) continue;
      const wanted: PublishedProducer[] = [];
      for (const q of this.participants.values()) {
        if (q !== s && q.room === s.room) wanted.push(...q.producers().filter((x) => inAudience(q.audience, x.info.kind, s.id, s.audience.channel)));
      }
      waits.push(s.sub.want(wanted));
    }
    return Promise.all(waits).then(() => undefined);
  }

  private async _subscribe(participantId: string): Promise<SubscribeResult> {
    this.open();
    const p = this.participant(participantId);
    return p.subSerial.run(async () => {
      this.open();
      const old = p.sub;
      p.sub = null;
      await old?.close();
      const transport = await createTransport(this.router, this.opts, { participantId: p.id, direction: 'recv' });
      if (this._closed) {
        transport.close();
        throw new InvalidStateError('router closed');
      }
      const sub: MsSubscriber = new MsSubscriber(p.id, transport, () => p.recvCaps ?? this.router.rtpCapabilities, {
        offer: (sdp) => {
          if (p.sub === sub && !this._closed) this.emit('subscriberOffer', p.id, sdp);
        },
        wants: (kind) => kind === 'audio' || !p.prefs.audioOnly,
        layer: (published) => layerFor(p.prefs, published),
        retired: (c, packets, bytes) => {
          if (this.participants.get(p.id) === p && !c.published.producer.closed) this.rows.retired(c.published, p.id, packets, bytes);
        },
        error: (message) => this.opts.log?.warn({ hearingId: this.hearingId, participantId: p.id }, message),
      });
      p.sub = sub;
      void this.refreshSubscriptions();
      await sub.negotiateNow();
      return { session: sub.sessionId };
    });
  }

  private async _answerSubscriber(participantId: string, answerSdp: string): Promise<void> {
    this.open();
    const p = this.participants.get(checkId('participant id', participantId));
    if (!p?.sub) throw new InvalidStateError(`participant ${participantId} has no subscriber transport`);
    await p.sub.handleAnswer(answerSdp);
  }

  private async _setRoom(participantId: string, roomId: string): Promise<void> {
    this.open();
    checkId('room id', roomId);
    const p = this.participant(participantId);
    if (p.room === roomId) return;
    p.room = roomId;
    // Consumers across rooms are paused (acknowledged by the worker) and closed before this returns.
    await Promise.all([this.refreshSubscriptions(), this.updateTaps()]);
  }

  private async _setAudience(participantId: string, audience: Audience): Promise<void> {
    this.open();
    const a = cleanAudience(audience);
    const p = this.participant(participantId);
    p.audience = a;
    // As with a room move: consumers outside the new audience are closed before this returns.
    await this.refreshSubscriptions();
  }

  private async _setForwarding(participantId: string, kind: MediaKind, enabled: boolean): Promise<void> {
    this.open();
    if (kind !== 'audio' && kind !== 'video') throw new ValidationError('invalid kind');
    const p = this.participant(participantId);
    p.forwarding[kind] = !!enabled;
    await Promise.all(
      p.producers().filter((x) => x.info.kind === kind).map((x) => (enabled ? x.producer.resume() : x.producer.pause()).catch(() => undefined)),
    );
    await this.updateTaps();
  }

  private async _setReceivePreferences(participantId: string, prefs: ReceivePreferences): Promise<void> {
    this.open();
    const p = this.participant(participantId);
    p.prefs = cleanPreferences(prefs);
    await p.sub?.refresh();
  }

  async removeParticipant(participantId: string): Promise<void> {
    this.open();
    const p = this.participants.get(checkId('participant id', participantId));
    if (!p) return;
    this.participants.delete(p.id);
    p.sub?.closeNow();
    p.sub = null;
    this.rows.dropSubscriber(p.id);
    this.taps.participantGone(p.id);
    const removed = p.pub?.close() ?? [];
    p.pub = null;
    if (removed.length) this.onProducersChanged([], removed);
  }

  private async _forwardingTable(): Promise<ForwardingEntry[]> {
    this.open();
    return this.rows.build([...this.participants.values()].map((p) => ({ to: p.id, consumers: p.sub?.consumers.values() ?? [] })));
  }

  // ---- recording taps ----

  /** Every tap follows its participant's current producer and is open only in its room with forwarding on. */
  private async updateTaps(): Promise<void> {
    await Promise.allSettled(
      this.taps.all().map(async (e) => {
        const tap = await e.tap;
        const p = this.participants.get(e.participantId);
        const src = tapSource(p?.producers() ?? [], e.kind);
        await tap.follow(src?.producer ?? null, src ? recordable(src) : null);
        await tap.setOpen(!!p && p.forwarding[e.kind] && (e.room === undefined || p.room === e.room));
      }),
    );
  }

  async recordableProducers(): Promise<RecordableProducer[]> {
    const out: RecordableProducer[] = [];
    for (const p of this.participants.values()) for (const x of p.producers()) out.push(recordable(x));
    return out;
  }

  private async _startRecordingTap(participantId: string, kind: MediaKind, target: RecordingTarget): Promise<RecordableProducer | null> {
    this.open();
    if (kind !== 'audio' && kind !== 'video') throw new ValidationError('invalid kind');
    const port = Number(target?.port);
    if (!Number.isInteger(port) || port < 1 || port > 65535 || typeof target.host !== 'string') throw new ValidationError('invalid recording target');
    if (target.room !== undefined) checkId('room id', target.room);
    checkPurpose(target.purpose);
    const p = this.participant(participantId);
    await this.taps.start({ router: this.router, ...(this.opts.log ? { log: this.opts.log } : {}) }, p.id, kind, { ...target, port });
    await this.updateTaps();
    const src = tapSource(p.producers(), kind);
    return src ? recordable(src) : null;
  }

  async stopRecordingTap(participantId: string, kind: MediaKind, room?: string, purpose?: TapPurpose): Promise<RecordingTapStats | null> {
    checkId('participant id', participantId);
    return this.taps.stop(participantId, kind, room, checkPurpose(purpose));
  }

  async close(): Promise<void> {
    if (this._closed) return;
    this._closed = true;
    await this.taps.close().catch(() => undefined);
    for (const p of this.participants.values()) {
      p.sub?.closeNow();
      p.pub?.close();
      p.sub = null;
      p.pub = null;
    }
    this.participants.clear();
    this.rows.clear();
    this.router.close();
  }

  /** The worker carrying this router is gone: closed at once, listeners told why. */
  fail(reason: string): void {
    if (this._closed) return;
    this.failure.fail(reason);
    void this.close();
    this.emit('failed', reason);
  }
}
