import { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import { InvalidStateError, ValidationError } from '../../lib/errors.js';
import type { Audience, ForwardingEntry, MediaKind, MediaRouter, ProducerInfo, RecordableProducer, RecordingTapStats, RecordingTarget, TapPurpose, RouterEvents, TrackSource } from '../engine.js';
import type { ReceivePreferences as EnginePreferences, SubscribeResult } from '../engine.js';
import type { NetworkOptions } from './config.js';
import type { PairCounters } from './consumer.js';
import type { LayerPreferences } from './layers.js';
import type { Producer } from './producer.js';
import { PublisherTransport } from './publisher.js';
import { RecorderTaps, recordable } from './recorder.js';
import { SubscriberTransport } from './subscriber.js';
import { Serial, errorMessage, shortId } from './util.js';
import { checkId, checkPurpose, cleanPreferences } from '../input.js';
import { DEFAULT_AUDIENCE, cleanAudience, inAudience } from '../audience.js';

export const JOINT_ROOM = 'joint';

interface ReceivePreferences extends LayerPreferences {
  audioOnly?: boolean;
  /** Rendered tile height per publisher: caps `maxHeight` for that publisher's video. */
  tiles?: Record<string, number>;
}

/** The layer limits for one publisher's video: the subscriber's overall limits, capped by that publisher's tile. */
function layerPreferences(prefs: ReceivePreferences, publisherId: string): LayerPreferences {
  const tile = prefs.tiles?.[publisherId];
  if (!tile || tile <= 0) return prefs;
  return { ...prefs, maxHeight: prefs.maxHeight ? Math.min(prefs.maxHeight, tile) : tile };
}

class Participant {
  room = JOINT_ROOM;
  /** Interpreter channels: the channel followed and who hears this participant's audio. */
  audience: Audience = DEFAULT_AUDIENCE;
  readonly forwarding: Record<MediaKind, boolean> = { audio: true, video: true };
  prefs: ReceivePreferences = {};
  pub: PublisherTransport | null = null;
  sub: SubscriberTransport | null = null;
  readonly pubSerial = new Serial();
  constructor(readonly id: string) {}

  producers(): Producer[] {
    return this.pub ? [...this.pub.producers.values()] : [];
  }
}

interface PairRow extends PairCounters {
  producer: Producer;
  toParticipantId: string;
}

export interface WeriftRouterOptions extends NetworkOptions {
  log?: Logger;
  /** Audio level report interval (default 300 ms). */
  audioLevelIntervalMs?: number;
}


/**
 * A hearing's router inside one process: participants with a publishing and a subscribing werift transport each,
 * and a forwarding table that only ever connects participants in the same room (the caucus isolation rule).
 */
export class WeriftRouter implements MediaRouter {
  readonly id = shortId('rtr');
  private _closed = false;
  private readonly participants = new Map<string, Participant>();
  private readonly pairs = new Map<string, PairRow>();
  private readonly events = new EventEmitter();
  private readonly tick: NodeJS.Timeout;
  private readonly levelTick: NodeJS.Timeout;
  private lastTick = Date.now();
  private lastLevels = '';
  /** Recording taps (recorder.ts): copies of decrypted RTP to local recorders. */
  private readonly taps = new RecorderTaps();

  constructor(
    readonly hearingId: string,
    private readonly opts: WeriftRouterOptions,
  ) {
    this.events.on('error', () => undefined);
    this.tick = setInterval(() => this.onTick(), 1000);
    this.levelTick = setInterval(() => this.emitAudioLevels(), opts.audioLevelIntervalMs ?? 300);
    this.tick.unref();
    this.levelTick.unref();
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

  private participant(id: string): Participant {
    checkId('participant id', id);
    let p = this.participants.get(id);
    if (!p) {
      p = new Participant(id);
      this.participants.set(id, p);
    }
    return p;
  }

  async publish(participantId: string, offerSdp: string, sources: Record<string, TrackSource>): Promise<{ answerSdp: string }> {
    this.open();
    const existed = this.participants.has(participantId);
    const p = this.participant(participantId);
    return p.pubSerial.run(async () => {
      this.open();
      if (p.pub?.failed) this.dropPublisher(p);
      const fresh = !p.pub;
      if (!p.pub) {
        p.pub = new PublisherTransport(p.id, this.opts, {
          changed: (added, removed) => this.onProducersChanged(added, removed),
          enabled: (kind) => p.forwarding[kind],
        });
      }
      try {
        const answerSdp = await p.pub.handleOffer(offerSdp, sources ?? {});
        return { answerSdp };
      } catch (e) {
        // A rejected first offer leaves nothing behind: no sockets, and no participant entry unless someone else
        // made it (its room must survive: dropping it would put the participant back in the joint session).
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

  private onProducersChanged(added: Producer[], removed: Producer[]): void {
    for (const r of removed) r.close();
    if (removed.length) {
      const gone = new Set(removed);
      for (const [key, row] of this.pairs) if (gone.has(row.producer)) this.pairs.delete(key);
    }
    this.opts.log?.debug({ hearingId: this.hearingId, added: added.length, removed: removed.length }, 'producers changed');
    this.refreshSubscriptions();
    for (const p of this.participants.values()) this.taps.follow(p.id, (kind) => this.tapSource(p, kind));
    this.emit('producersChanged', this.producerInfos());
  }

  private producerInfos(): ProducerInfo[] {
    const out: ProducerInfo[] = [];
    for (const p of this.participants.values()) for (const pr of p.producers()) out.push(pr.info());
    return out;
  }

  /**
   * The isolation rule in one place: a subscriber wants exactly the others' producers in its own room whose audience
   * includes it (interpreter channels, `inAudience`).
   */
  private refreshSubscriptions(): void {
    for (const s of this.participants.values()) {
      if (!s.sub) continue;
      const wanted: Producer[] = [];
      for (const q of this.participants.values()) {
        if (q === s || q.room !== s.room) continue;
        wanted.push(...q.producers().filter((pr) => inAudience(q.audience, pr.kind, s.id, s.audience.channel)));
      }
      s.sub.want(wanted);
    }
  }

  private countersFor(producer: Producer, toParticipantId: string): PairCounters {
    const key = `${producer.id}>${toParticipantId}`;
    let row = this.pairs.get(key);
    if (!row) {
      row = { producer, toParticipantId, packets: 0, bytes: 0 };
      this.pairs.set(key, row);
    }
    return row;
  }

  async subscribe(participantId: string): Promise<SubscribeResult> {
    this.open();
    const p = this.participant(participantId);
    p.sub?.close();
    const sub = new SubscriberTransport(p.id, this.opts, {
      offer: (sdp) => {
        if (p.sub === sub && !this._closed) this.emit('subscriberOffer', p.id, sdp);
      },
      counters: (producer) => this.countersFor(producer, p.id),
      preferences: (publisherId) => layerPreferences(p.prefs, publisherId),
      wants: (kind) => kind === 'audio' || !p.prefs.audioOnly,
      error: (message) => this.opts.log?.warn({ hearingId: this.hearingId, participantId: p.id }, message),
    });
    p.sub = sub;
    this.refreshSubscriptions();
    await sub.negotiateNow();
    return { session: sub.sessionId };
  }

  async answerSubscriber(participantId: string, answerSdp: string): Promise<void> {
    this.open();
    const p = this.participants.get(checkId('participant id', participantId));
    if (!p?.sub) throw new InvalidStateError(`participant ${participantId} has no subscriber transport`);
    await p.sub.handleAnswer(answerSdp);
  }

  async setRoom(participantId: string, roomId: string): Promise<void> {
    this.open();
    checkId('room id', roomId);
    const p = this.participant(participantId);
    if (p.room === roomId) return;
    p.room = roomId;
    this.refreshSubscriptions();
  }

  async setAudience(participantId: string, audience: Audience): Promise<void> {
    this.open();
    const a = cleanAudience(audience);
    const p = this.participant(participantId);
    p.audience = a;
    this.refreshSubscriptions();
  }

  async setForwarding(participantId: string, kind: MediaKind, enabled: boolean): Promise<void> {
    this.open();
    if (kind !== 'audio' && kind !== 'video') throw new ValidationError('invalid kind');
    const p = this.participant(participantId);
    p.forwarding[kind] = !!enabled;
    for (const pr of p.producers()) if (pr.kind === kind) pr.enabled = !!enabled;
    // Resuming: subscribers re-sync on the next keyframe; ask for it now.
    if (enabled) for (const pr of p.producers()) if (pr.kind === kind) pr.requestKeyframe(null);
  }

  async setReceivePreferences(participantId: string, prefs: EnginePreferences): Promise<void> {
    this.open();
    const p = this.participant(participantId);
    p.prefs = cleanPreferences(prefs);
    p.sub?.refresh();
  }

  async removeParticipant(participantId: string): Promise<void> {
    this.open();
    const p = this.participants.get(checkId('participant id', participantId));
    if (!p) return;
    this.participants.delete(p.id);
    p.sub?.close();
    p.sub = null;
    for (const [key, row] of this.pairs) if (row.toParticipantId === p.id) this.pairs.delete(key);
    this.taps.participantGone(p.id);
    const removed = p.pub?.close() ?? [];
    p.pub = null;
    if (removed.length) this.onProducersChanged([], removed);
  }

  // ---- recording taps ----

  /** The track a recording follows: the microphone, or the camera (a screen share is not the person). */
  private tapSource(p: Participant, kind: MediaKind): Producer | null {
    const all = p.producers().filter((x) => x.kind === kind && !x.closed);
    return all.find((x) => x.source === (kind === 'audio' ? 'microphone' : 'camera')) ?? all[0] ?? null;
  }

  async recordableProducers(): Promise<RecordableProducer[]> {
    const out: RecordableProducer[] = [];
    for (const p of this.participants.values()) for (const pr of p.producers()) out.push(recordable(pr));
    return out;
  }

  async startRecordingTap(participantId: string, kind: MediaKind, target: RecordingTarget): Promise<RecordableProducer | null> {
    this.open();
    if (kind !== 'audio' && kind !== 'video') throw new ValidationError('invalid kind');
    const port = Number(target?.port);
    if (!Number.isInteger(port) || port < 1 || port > 65535 || typeof target.host !== 'string') throw new ValidationError('invalid recording target');
    if (target.room !== undefined) checkId('room id', target.room);
    checkPurpose(target.purpose);
    const p = this.participant(participantId);
    const src = this.tapSource(p, kind);
    this.taps.start(p.id, kind, { ...target, port }, src, () => p.room);
    return src ? recordable(src) : null;
  }

  async stopRecordingTap(participantId: string, kind: MediaKind, room?: string, purpose?: TapPurpose): Promise<RecordingTapStats | null> {
    checkId('participant id', participantId);
    return this.taps.stop(participantId, kind, room, checkPurpose(purpose));
  }

  async forwardingTable(): Promise<ForwardingEntry[]> {
    const out: ForwardingEntry[] = [];
    for (const row of this.pairs.values()) {
      const to = this.participants.get(row.toParticipantId);
      const consumer = to?.sub?.consumers.get(row.producer);
      const entry: ForwardingEntry = {
        producerId: row.producer.id,
        fromParticipantId: row.producer.participantId,
        toParticipantId: row.toParticipantId,
        kind: row.producer.kind,
        packets: row.packets,
        bytes: row.bytes,
      };
      if (row.producer.simulcast && consumer?.current) entry.layer = consumer.current.rid;
      out.push(entry);
    }
    return out;
  }

  /** Counts for load placement and benchmarks. */
  load(): { participants: number; producers: number; consumers: number } {
    let producers = 0;
    let consumers = 0;
    for (const p of this.participants.values()) {
      producers += p.pub?.producers.size ?? 0;
      consumers += p.sub?.consumers.size ?? 0;
    }
    return { participants: this.participants.size, producers, consumers };
  }

  private onTick(): void {
    const now = Date.now();
    const elapsed = now - this.lastTick;
    this.lastTick = now;
    try {
      for (const p of this.participants.values()) {
        for (const pr of p.producers()) pr.tick(now, elapsed);
        p.sub?.sendReports(now);
      }
    } catch (e) {
      this.opts.log?.warn({ err: errorMessage(e) }, 'router tick failed');
    }
  }

  private emitAudioLevels(): void {
    const levels: Record<string, number> = {};
    let any = false;
    for (const p of this.participants.values()) {
      for (const pr of p.producers()) {
        if (pr.kind !== 'audio') continue;
        levels[p.id] = Math.max(levels[p.id] ?? 0, pr.takeAudioLevel());
        any = true;
      }
    }
    if (!any) return;
    // Silence is reported once, not three times a second.
    const key = JSON.stringify(levels);
    const silent = Object.values(levels).every((v) => v === 0);
    if (silent && key === this.lastLevels) return;
    this.lastLevels = key;
    this.emit('audioLevels', levels);
  }

  async close(): Promise<void> {
    if (this._closed) return;
    this._closed = true;
    clearInterval(this.tick);
    clearInterval(this.levelTick);
    this.taps.close();
    for (const p of this.participants.values()) {
      p.sub?.close();
      p.pub?.close();
      p.sub = null;
      p.pub = null;
    }
    this.participants.clear();
    this.pairs.clear();
  }

  /** Marks the router closed without touching transports (its worker is gone) and tells listeners why. */
  fail(reason: string): void {
    if (this._closed) return;
    void this.close();
    this.emit('failed', reason);
  }
}
