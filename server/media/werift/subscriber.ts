import {
  RTCPeerConnection,
  RTCRtpCodecParameters,
  RtcpPayloadSpecificFeedback,
  type RTCDtlsTransport,
  type RTCRtpTransceiver,
} from 'werift';
import { InvalidStateError, ValidationError } from '../../lib/errors.js';
import { SdpOrigin, checkSdp, filterCandidates, iceGatheringComplete, subscriberConfig, type NetworkOptions } from './config.js';
import { Consumer, type PairCounters } from './consumer.js';
import type { LayerPreferences } from './layers.js';
import { OutboundStream } from './outbound.js';
import type { Producer } from './producer.js';
import { Serial, errorMessage } from './util.js';

export interface SubscriberHooks {
  offer(sdp: string): void;
  counters(producer: Producer): PairCounters;
  /** Layer limits for one publisher's video (the subscriber's limits, capped by the tile it is shown in). */
  preferences(publisherId: string): LayerPreferences;
  /** Whether the subscriber takes this kind now (audio-only mode turns video off). */
  wants(kind: 'audio' | 'video'): boolean;
  error(message: string): void;
}

/**
 * A participant's receiving transport: we offer, the client answers. One sendonly transceiver per forwarded
 * producer; a consumer that goes away stops forwarding at once and its transceiver turns inactive at the next
 * offer, to be reused by the next producer of the same kind.
 */
export class SubscriberTransport {
  readonly pc: RTCPeerConnection;
  readonly consumers = new Map<Producer, Consumer>();
  closed = false;
  private wanted: Producer[] = [];
  private readonly byTransceiver = new Map<RTCRtpTransceiver, Consumer>();
  private readonly free: RTCRtpTransceiver[] = [];
  /** Who each transceiver carried last (producer, publisher): a returning producer gets its own m-line back. */
  private readonly lastOwner = new Map<RTCRtpTransceiver, { producerId: string; participantId: string }>();
  private readonly streams = new Map<RTCRtpTransceiver, OutboundStream>();
  private readonly serial = new Serial();
  private scheduled = false;
  private dirty = false;
  private readonly watched = new WeakSet<RTCDtlsTransport>();
  private readonly origin = new SdpOrigin();

  /** The o= session id of every offer of this transport: how a client tells its offers from a replaced transport's. */
  get sessionId(): string {
    return this.origin.sessionId;
  }

  constructor(
    readonly participantId: string,
    private readonly net: NetworkOptions,
    private readonly hooks: SubscriberHooks,
  ) {
    this.pc = new RTCPeerConnection(subscriberConfig(net));
  }

  /** The producers this subscriber may receive now (same room). Removals take effect before this returns. */
  want(producers: Producer[]): void {
    if (this.closed) return;
    this.wanted = producers;
    const keep = new Set(producers);
    for (const [producer, c] of this.consumers) {
      if (keep.has(producer) && !producer.closed) continue;
      c.close();
      this.consumers.delete(producer);
      this.byTransceiver.delete(c.transceiver);
      this.free.push(c.transceiver);
      this.dirty = true;
    }
    if (producers.some((p) => !this.consumers.has(p))) this.dirty = true;
    if (this.dirty) this.schedule();
  }

  /** Re-applies preferences and kind filters to every consumer. */
  refresh(): void {
    const now = Date.now();
    for (const c of this.consumers.values()) {
      c.setPreferences(this.hooks.preferences(c.producer.participantId), now);
      c.setActive(c.ready && this.hooks.wants(c.kind), now);
    }
  }

  /** Starts an offer now (used by `subscribe`); resolves once the offer went out. */
  negotiateNow(): Promise<void> {
    this.dirty = true;
    return this.serial.run(() => this.negotiate());
  }

  private schedule(): void {
    if (this.scheduled || this.closed) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.serial.run(() => this.negotiate()).catch((e) => this.hooks.error(`subscriber negotiation failed: ${errorMessage(e)}`));
    });
  }

  private async negotiate(): Promise<void> {
    if (this.closed || !this.dirty) return;
    if (this.pc.signalingState !== 'stable') return; // the answer handler negotiates again
    this.dirty = false;
    for (const producer of this.wanted) {
      if (this.consumers.has(producer) || producer.closed) continue;
      this.addConsumer(producer);
    }
    for (const t of this.free) t.setDirection('inactive');
    // Nobody to forward yet: no offer at all. An offer without media sections has no BUNDLE group, and a browser
    // with bundlePolicy max-bundle rejects it; the first offer goes out when there is something to receive.
    if (this.pc.getTransceivers().length === 0) return;
    const offer = await this.pc.createOffer();
    await this.pc.setLocalDescription(offer);
    await iceGatheringComplete(this.pc);
    this.watchTransport();
    if (this.closed) return;
    const sdp = this.pc.localDescription?.sdp;
    if (sdp) this.hooks.offer(this.origin.apply(filterCandidates(sdp, this.net)));
  }

  private addConsumer(producer: Producer): void {
    // Prefer the m-line that carried this producer before (back from a caucus, a restored subscription), then one of
    // the same publisher: the browser then sees the same msid on the same mid come back, instead of another person's
    // stream arriving on a receiver that was just showing someone else (which left a tile without frames).
    const owner = (t: RTCRtpTransceiver) => this.lastOwner.get(t);
    let idx = this.free.findIndex((t) => t.kind === producer.kind && owner(t)?.producerId === producer.id);
    if (idx < 0) idx = this.free.findIndex((t) => t.kind === producer.kind && owner(t)?.participantId === producer.participantId);
    if (idx < 0) idx = this.free.findIndex((t) => t.kind === producer.kind && !this.wanted.some((w) => w.id === owner(t)?.producerId));
    if (idx < 0) idx = this.free.findIndex((t) => t.kind === producer.kind);
    let t: RTCRtpTransceiver;
    if (idx >= 0) {
      t = this.free.splice(idx, 1)[0]!;
      t.setDirection('sendonly');
    } else {
      t = this.pc.addTransceiver(producer.kind, { direction: 'sendonly' });
      t.sender.onPictureLossIndication.subscribe(() => this.byTransceiver.get(t)?.onKeyframeRequest());
    }
    t.setCodecPreferences(codecPreferences(producer.codec, this.pc));
    // msid "<publisher participant id> <producer id>": how the client tells whose track this is.
    t.sender.setStreams([{ id: producer.participantId } as never]);
    (t.sender as unknown as { trackId: string }).trackId = producer.id;
    let stream = this.streams.get(t);
    if (!stream || stream.clockRate !== producer.codec.clockRate) {
      stream?.close();
      stream = new OutboundStream(t.sender, producer.kind, producer.codec.clockRate);
      this.streams.set(t, stream);
    }
    this.lastOwner.set(t, { producerId: producer.id, participantId: producer.participantId });
    const c = new Consumer(producer, this.participantId, t, stream, this.hooks.counters(producer), this.hooks.preferences(producer.participantId));
    this.consumers.set(producer, c);
    this.byTransceiver.set(t, c);
  }

  /** FIR reaches werift's router with no recipient; catch it on the transport and treat it like a PLI. */
  private watchTransport(): void {
    for (const dtls of this.pc.dtlsTransports) {
      if (this.watched.has(dtls)) continue;
      this.watched.add(dtls);
      dtls.onRtcp.subscribe((packet) => {
        if (packet.type !== RtcpPayloadSpecificFeedback.type) return;
        const fb = (packet as RtcpPayloadSpecificFeedback).feedback as { count: number; fir?: { ssrc: number }[] };
        if (fb.count !== 4 || !fb.fir) return; // FIR, RFC 5104 4.3.1
        for (const entry of fb.fir) {
          for (const c of this.consumers.values()) if (c.stream.ssrc === entry.ssrc) c.onKeyframeRequest();
        }
      });
    }
  }

  async handleAnswer(answerSdp: string): Promise<void> {
    const sdp = checkSdp(answerSdp, 'answer');
    await this.serial.run(async () => {
      if (this.closed) throw new InvalidStateError('subscriber transport closed');
      if (this.pc.signalingState !== 'have-local-offer') throw new InvalidStateError('no subscriber offer is pending');
      try {
        await this.pc.setRemoteDescription({ type: 'answer', sdp });
      } catch (e) {
        throw new ValidationError(`invalid answer: ${errorMessage(e)}`);
      }
      const now = Date.now();
      for (const c of this.consumers.values()) {
        if (!c.ready && c.stream.payloadType !== undefined) c.ready = true;
        c.setActive(c.ready && this.hooks.wants(c.kind), now);
      }
    });
    if (this.dirty) this.schedule();
  }

  /** Sender reports for every stream that sent something (called about once a second). */
  sendReports(now: number): void {
    for (const s of this.streams.values()) s.sendReport(now);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const c of this.consumers.values()) c.close();
    this.consumers.clear();
    for (const s of this.streams.values()) s.close();
    this.streams.clear();
    this.byTransceiver.clear();
    this.pc.close().catch(() => undefined);
  }
}

/**
 * The producer's codec in the subscriber connection's own payload numbering. Only the primary codec: werift matches
 * preferences by MIME type, so naming "video/rtx" would pull in the first RTX entry and the codec it points at; the
 * RTX belonging to the kept codec is added by werift on its own.
 */
function codecPreferences(codec: RTCRtpCodecParameters, pc: RTCPeerConnection): RTCRtpCodecParameters[] {
  const kind = codec.mimeType.toLowerCase().startsWith('audio/') ? 'audio' : 'video';
  const local = pc.config.codecs[kind] ?? [];
  const primary = local.find((c) => c.mimeType.toLowerCase() === codec.mimeType.toLowerCase());
  return primary ? [primary] : [];
}
