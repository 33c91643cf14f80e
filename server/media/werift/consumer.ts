import type { RTCRtpTransceiver } from 'werift';
import type { MediaKind } from '../engine.js';
import { seqDiff } from './codecs.js';
import { rankLayers, selectLayer, type Layer, type LayerPreferences } from './layers.js';
import { OutboundStream, type PayloadPatch, type SenderReportRef } from './outbound.js';
import type { InPacket, Producer, ProducerSink } from './producer.js';

/** Packets and bytes that really went from one producer to one subscriber; outlives consumers (room moves). */
export interface PairCounters {
  packets: number;
  bytes: number;
}

/**
 * While a consumer waits for a keyframe (to start, resume or switch layer) it asks again this often; the producer
 * decides whether a PLI really goes out (see `Producer.requestKeyframe`), so asking often costs a comparison.
 */
const KEYFRAME_RETRY_MS = 100;

/**
 * One producer forwarded to one subscriber through one sendonly transceiver. Rewrites SSRC (the sender's),
 * payload type (the subscriber's), sequence numbers and timestamps (continuous across pauses and layer switches)
 * and, for simulcast VP8, the picture id. Video starts, resumes and switches layer only on a keyframe.
 */
export class Consumer implements ProducerSink {
  readonly kind: MediaKind;
  /** Negotiated with the subscriber (the answer is applied). */
  ready = false;
  /** Allowed to forward now: ready, producer enabled, subscriber wants this kind. */
  active = false;
  current: Layer | null = null;
  target: Layer | null = null;
  closed = false;
  private needSync = true;
  private seqOffset = 0;
  private tsOffset = 0;
  private syncSeq = 0;
  private pidOffset = 0;
  private tl0Offset = 0;
  private lastPid = -1;
  private lastTl0 = -1;
  private lastKeyframeRequest = 0;
  private readonly patch: PayloadPatch = { pictureIdOffset: -1, pictureIdBits: 0, pictureId: 0, tl0Offset: -1, tl0PicIdx: 0 };

  constructor(
    readonly producer: Producer,
    readonly subscriberId: string,
    readonly transceiver: RTCRtpTransceiver,
    readonly stream: OutboundStream,
    readonly counters: PairCounters,
    private prefs: LayerPreferences,
  ) {
    this.kind = producer.kind;
    stream.srSource = () => this.senderReport();
    if (!producer.simulcast) this.target = producer.layers[0]!;
    else this.target = selectLayer(producer.ranked, prefs);
  }

  /** Turns forwarding on or off; turning on waits for a keyframe (video) and re-syncs numbering. */
  setActive(active: boolean, now = Date.now()): void {
    if (this.closed) active = false;
    if (active === this.active) return;
    this.active = active;
    if (active) {
      this.producer.addSink(this);
      this.needSync = true;
      this.current = null;
      this.requestKeyframe(now);
    } else {
      this.producer.removeSink(this);
    }
  }

  setPreferences(prefs: LayerPreferences, now = Date.now()): void {
    this.prefs = prefs;
    this.reselect(this.producer.ranked, now);
  }

  reselect(ranked: readonly Layer[], now: number): void {
    if (!this.producer.simulcast) return;
    const next = selectLayer(ranked, this.prefs);
    if (next && next !== this.target) {
      this.target = next;
      if (this.active) this.requestKeyframe(now, true);
    }
  }

  /** The subscriber lost a picture (PLI / FIR). */
  onKeyframeRequest(now = Date.now()): void {
    if (this.active) this.producer.requestKeyframe(this.current ?? this.target, now);
  }

  /**
   * Not before the subscriber's DTLS is up: the keyframe would arrive into the void, and the browser ignores a second
   * request within 300 ms of the first. Packets keep coming while the consumer waits, so the first one after the
   * transport is up asks.
   */
  private requestKeyframe(now: number, force = false): void {
    if (this.kind !== 'video') return;
    if (!force && now - this.lastKeyframeRequest < KEYFRAME_RETRY_MS) return;
    if (!this.stream.canSend()) return;
    this.lastKeyframeRequest = now;
    this.producer.requestKeyframe(this.target ?? this.current, now);
  }

  forward(p: InPacket, now: number): void {
    if (p.layer !== this.current) {
      if (this.target === null) this.target = selectLayer(rankLayers(this.producer.layers, now), this.prefs);
      // Another layer: only the target, and only from a keyframe.
      if (p.layer !== this.target || !p.keyframe) {
        if (this.current === null || this.target !== this.current) this.requestKeyframe(now);
        return;
      }
      this.current = p.layer;
      this.needSync = true;
    }
    if (this.needSync) {
      // Not before the subscriber's DTLS is up: a keyframe sent into the void would leave it with undecodable deltas.
      if (!this.stream.canSend()) return;
      if (!p.keyframe) {
        this.requestKeyframe(now);
        return;
      }
      this.sync(p, now);
    } else {
      const d = seqDiff(p.seq, this.syncSeq);
      if (d < 0) return; // a late packet from before the switch point (or hopelessly late)
      // Keep the reference point within half the sequence space, or the serial comparison flips after 32768 packets.
      if (d > 16384) this.syncSeq = (p.seq - 8192) & 0xffff;
    }
    const seq = (p.seq + this.seqOffset) & 0xffff;
    const ts = (p.ts + this.tsOffset) >>> 0;
    let patch: PayloadPatch | null = null;
    const d = p.vp8;
    if (d !== null && this.producer.simulcast && (d.pictureIdOffset >= 0 || d.tl0Offset >= 0)) {
      const mask = d.pictureIdBits === 15 ? 0x7fff : 0x7f;
      const pid = (d.pictureId + this.pidOffset) & mask;
      const tl0 = (d.tl0PicIdx + this.tl0Offset) & 0xff;
      // One object for every packet: the stream reads it during send and keeps only its fields.
      patch = this.patch;
      patch.pictureIdOffset = d.pictureIdOffset;
      patch.pictureIdBits = d.pictureIdBits;
      patch.pictureId = pid;
      patch.tl0Offset = d.tl0Offset;
      patch.tl0PicIdx = tl0;
      this.lastPid = pid;
      this.lastTl0 = tl0;
    }
    const bytes = this.stream.send(seq, ts, p.marker, p.payload, patch, now);
    if (bytes > 0) {
      this.counters.packets++;
      this.counters.bytes += bytes;
    }
  }

  private sync(p: InPacket, now: number): void {
    const s = this.stream;
    this.seqOffset = (s.lastSeq + 1 - p.seq) & 0xffff;
    const gap = s.lastSentAt > 0 ? Math.max(1, Math.round(((now - s.lastSentAt) * s.clockRate) / 1000)) : 1;
    this.tsOffset = (s.lastTs + gap - p.ts) >>> 0;
    this.syncSeq = p.seq;
    const d = p.vp8;
    if (d !== null && this.producer.simulcast) {
      this.pidOffset = d.pictureIdOffset >= 0 && this.lastPid >= 0 ? this.lastPid + 1 - d.pictureId : 0;
      this.tl0Offset = d.tl0Offset >= 0 && this.lastTl0 >= 0 ? this.lastTl0 + 1 - d.tl0PicIdx : 0;
    }
    this.needSync = false;
  }

  /** The publisher's report for the forwarded layer, in our timestamp space. */
  private senderReport(): SenderReportRef | null {
    const sr = this.current?.sr;
    if (!sr || this.needSync) return null;
    return { ntp: sr.ntp, rtp: (sr.rtp + this.tsOffset) >>> 0 };
  }

  close(): void {
    if (this.closed) return;
    this.setActive(false);
    this.closed = true;
    // The stream belongs to the transceiver, which the next consumer may reuse with continuous numbering.
    this.stream.srSource = null;
  }
}
