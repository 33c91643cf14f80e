import type { types } from 'mediasoup';
import { RemoteSdp } from 'mediasoup-client/handlers/sdp/RemoteSdp';
import { OfferMediaSection } from 'mediasoup-client/handlers/sdp/MediaSection';
import { extractDtlsParameters } from 'mediasoup-client/handlers/sdp/commonUtils';
import type { RtpParameters as ClientRtpParameters } from 'mediasoup-client/types';
import { InvalidStateError, ValidationError } from '../../lib/errors.js';
import type { MediaKind } from '../engine.js';
import type { PublishedProducer } from './publisher.js';
import { SdpOrigin, parseSdp } from './sdp.js';
import { transportSdpParams } from './transport.js';

/** One m-line of the receiving transport's offers; freed sections go inactive and are reused by the same kind. */
interface Slot {
  mid: string;
  kind: MediaKind;
  consumer: MsConsumer | null;
  inSdp: boolean;
  lastProducerId?: string;
  lastParticipantId?: string;
}

export interface MsConsumer {
  consumer: types.Consumer;
  published: PublishedProducer;
  slot: Slot;
  /** The client answered an offer carrying it: it may be resumed. */
  ready: boolean;
  spatialLayer?: number;
}

export interface SubscriberHooks {
  offer(sdp: string): void;
  /** Whether the subscriber takes this kind now (audio-only mode turns video off). */
  wants(kind: MediaKind): boolean;
  /** The spatial layer this subscriber should get of a simulcast producer. */
  layer(published: PublishedProducer): Promise<number>;
  /** A consumer goes away: its final counters (for the forwarding table). */
  retired(c: MsConsumer, packets: number, bytes: number): void;
  error(message: string): void;
}

interface RemoteSdpInternals {
  replaceMediaSection(section: OfferMediaSection, reuseMid?: string): void;
}

export async function sentCounters(consumer: types.Consumer): Promise<{ packets: number; bytes: number }> {
  const stats = await consumer.getStats();
  let packets = 0;
  let bytes = 0;
  for (const s of stats) {
    if (s.type !== 'outbound-rtp') continue;
    packets += s.packetCount;
    bytes += s.byteCount;
  }
  return { packets, bytes };
}

/**
 * A participant's receiving transport: we offer (RemoteSdp, like mediasoup-client's receive()), the client answers.
 * One consumer per forwarded producer, created paused and resumed once the client's answer is in, with a keyframe
 * request. A consumer that goes away is paused (acknowledged by the worker: nothing more is sent), counted and
 * closed before `want` resolves; its m-line turns inactive at the next offer and is reused by the next producer of
 * the same kind (its own producer first, then one of the same publisher).
 */
export class MsSubscriber {
  readonly consumers = new Map<string, MsConsumer>();
  closed = false;
  private readonly slots: Slot[] = [];
  private wanted: PublishedProducer[] = [];
  private state: 'stable' | 'offered' = 'stable';
  private dirty = false;
  private scheduled = false;
  private connected = false;
  private nextMid = 0;
  private chain: Promise<unknown> = Promise.resolve();
  private readonly retiring = new Set<Promise<void>>();
  private readonly remoteSdp: RemoteSdp;
  private readonly sdpParams: ReturnType<typeof transportSdpParams>;
  private readonly origin = new SdpOrigin();

  constructor(
    readonly participantId: string,
    readonly transport: types.WebRtcTransport,
    /** What the client can receive, read when each consumer is created. */
    private readonly caps: () => types.RtpCapabilities,
    private readonly hooks: SubscriberHooks,
  ) {
    this.sdpParams = transportSdpParams(transport);
    this.remoteSdp = new RemoteSdp(transportSdpParams(transport));
  }

  /** The o= session id of every offer of this transport. */
  get sessionId(): string {
    return this.origin.sessionId;
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.chain.then(fn, fn);
    this.chain = next.catch(() => undefined);
    return next;
  }

  /** The producers this subscriber may receive now (its room). Resolves once the others' consumers are stopped. */
  want(list: PublishedProducer[]): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.wanted = list;
    const keep = new Set(list.map((p) => p.producer.id));
    const stopping: Promise<void>[] = [];
    for (const [id, c] of this.consumers) {
      if (keep.has(id) && !c.consumer.closed) continue;
      this.consumers.delete(id);
      c.slot.consumer = null;
      stopping.push(this.retire(c));
      this.dirty = true;
    }
    if (list.some((p) => !this.consumers.has(p.producer.id) && !p.producer.closed)) this.dirty = true;
    if (this.dirty) this.schedule();
    return Promise.all(stopping).then(() => undefined);
  }

  private retire(c: MsConsumer): Promise<void> {
    const done = (async () => {
      if (c.consumer.closed) return;
      try {
        await c.consumer.pause();
        const { packets, bytes } = await sentCounters(c.consumer);
        this.hooks.retired(c, packets, bytes);
      } catch {
        // closed meanwhile (producer or transport gone): nothing more is sent either way
      } finally {
        c.consumer.close();
      }
    })();
    this.retiring.add(done);
    void done.finally(() => this.retiring.delete(done));
    return done;
  }

  /** Starts an offer now (subscribe); resolves once it went out (or there was nothing to offer). */
  negotiateNow(): Promise<void> {
    this.dirty = true;
    return this.serial(() => this.negotiate());
  }

  private schedule(): void {
    if (this.scheduled || this.closed) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.serial(() => this.negotiate()).catch((e) => this.hooks.error(`subscriber negotiation failed: ${e instanceof Error ? e.message : String(e)}`));
    });
  }

  private async negotiate(): Promise<void> {
    if (this.closed || !this.dirty || this.state === 'offered') return;
    this.dirty = false;
    await Promise.all([...this.retiring]);
    for (const p of [...this.wanted]) {
      if (this.consumers.has(p.producer.id) || p.producer.closed) continue;
      await this.addConsumer(p);
      if (this.closed) return;
    }
    for (const slot of this.slots) {
      if (slot.consumer || !slot.inSdp) continue;
      this.remoteSdp.disableMediaSection(slot.mid);
    }
    // Nothing to receive: no offer (a browser refuses one without m-lines).
    if (!this.slots.some((s) => s.inSdp)) return;
    const sdp = this.origin.apply(this.remoteSdp.getSdp());
    this.state = 'offered';
    this.hooks.offer(sdp);
  }

  private pickSlot(p: PublishedProducer): Slot {
    const kind = p.info.kind;
    const free = this.slots.filter((s) => !s.consumer && s.kind === kind);
    const wantedIds = new Set(this.wanted.map((w) => w.producer.id));
    const slot =
      free.find((s) => s.lastProducerId === p.producer.id) ??
      free.find((s) => s.lastParticipantId === p.info.participantId) ??
      free.find((s) => !s.lastProducerId || !wantedIds.has(s.lastProducerId)) ??
      free[0];
    if (slot) return slot;
    const fresh: Slot = { mid: String(this.nextMid++), kind, consumer: null, inSdp: false };
    this.slots.push(fresh);
    return fresh;
  }

  private async addConsumer(p: PublishedProducer): Promise<void> {
    const slot = this.pickSlot(p);
    let consumer: types.Consumer;
    try {
      consumer = await this.transport.consume({ producerId: p.producer.id, rtpCapabilities: this.caps(), paused: true, mid: slot.mid });
    } catch (e) {
      if (!p.producer.closed) this.hooks.error(`cannot consume ${p.producer.id}: ${e instanceof Error ? e.message : String(e)}`);
      return;
    }
    if (this.closed || !this.wanted.includes(p) || slot.consumer) {
      consumer.close();
      return;
    }
    const c: MsConsumer = { consumer, published: p, slot, ready: false };
    slot.consumer = c;
    slot.lastProducerId = p.producer.id;
    slot.lastParticipantId = p.info.participantId;
    this.consumers.set(p.producer.id, c);
    const section = {
      ...this.sdpParams,
      mid: slot.mid,
      kind: p.info.kind,
      offerRtpParameters: consumer.rtpParameters as unknown as ClientRtpParameters,
      // msid "<publisher participant id> <producer id>": how the client tells whose track this is.
      streamId: p.info.participantId,
      trackId: p.producer.id,
    };
    if (slot.inSdp) {
      (this.remoteSdp as unknown as RemoteSdpInternals).replaceMediaSection(new OfferMediaSection(section));
    } else {
      this.remoteSdp.receive(section);
      slot.inSdp = true;
    }
  }

  /** The client's answer to our last offer. A bad one is rejected and the offer stays pending. */
  async handleAnswer(answerSdp: string): Promise<void> {
    const sdp = parseSdp(answerSdp, 'answer');
    await this.serial(async () => {
      if (this.closed) throw new InvalidStateError('subscriber transport closed');
      if (this.state !== 'offered') throw new InvalidStateError('no subscriber offer is pending');
      const offered = this.slots.filter((s) => s.inSdp).map((s) => s.mid);
      const answered = sdp.media.map((m) => String(m.mid));
      if (offered.length !== answered.length || offered.some((mid, i) => mid !== answered[i])) {
        throw new ValidationError('the answer does not match the offer (m-lines)');
      }
      if (!this.connected) {
        let dtls: types.DtlsParameters;
        try {
          dtls = extractDtlsParameters({ sdpObject: sdp }) as types.DtlsParameters;
        } catch (e) {
          throw new ValidationError(`invalid answer: ${e instanceof Error ? e.message : String(e)}`);
        }
        if (dtls.role === 'auto') throw new ValidationError('invalid answer: a=setup:actpass');
        try {
          await this.transport.connect({ dtlsParameters: dtls });
        } catch (e) {
          throw new ValidationError(`invalid answer: ${e instanceof Error ? e.message : String(e)}`);
        }
        this.connected = true;
      }
      this.state = 'stable';
      for (const c of this.consumers.values()) c.ready = true;
      await this.apply();
    });
    if (this.dirty) this.schedule();
  }

  /** Re-applies kind filters (audio-only) and layer choices to every consumer. */
  refresh(): Promise<void> {
    return this.serial(() => this.apply());
  }

  private async apply(): Promise<void> {
    for (const c of [...this.consumers.values()]) {
      if (c.consumer.closed) continue;
      try {
        if (c.consumer.type === 'simulcast') {
          const layer = await this.hooks.layer(c.published);
          if (layer !== c.spatialLayer) {
            c.spatialLayer = layer;
            await c.consumer.setPreferredLayers({ spatialLayer: layer });
          }
        }
        const run = c.ready && this.hooks.wants(c.consumer.kind);
        if (run && c.consumer.paused) {
          await c.consumer.resume();
          if (c.consumer.kind === 'video') await c.consumer.requestKeyFrame();
        } else if (!run && !c.consumer.paused) {
          await c.consumer.pause();
        }
      } catch (e) {
        if (!c.consumer.closed) this.hooks.error(`consumer update failed: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
  }

  /** Stops every consumer (counted), then the transport. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const all = [...this.consumers.values()];
    this.consumers.clear();
    await Promise.all(all.map((c) => this.retire(c)));
    this.transport.close();
  }

  /** Closes at once, uncounted (router close, worker gone). */
  closeNow(): void {
    this.closed = true;
    this.consumers.clear();
    this.transport.close();
  }
}
