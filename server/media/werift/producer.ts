import { RTP_EXTENSION_URI, RtcpSrPacket, type MediaStreamTrack, type RTCRtpCodecParameters, type RTCRtpTransceiver, type RtpPacket } from 'werift';
import type { MediaKind, ProducerInfo, TrackSource } from '../engine.js';
import { h264Keyframe, parseVp8, videoCodecName, vp8KeyframeSize, type VideoCodecName, type Vp8Descriptor } from './codecs.js';
import { newLayer, rankLayers, type Layer } from './layers.js';

/** One received packet as the consumers see it; a single scratch object per producer, valid during fan-out only. */
export interface InPacket {
  layer: Layer;
  seq: number;
  ts: number;
  marker: boolean;
  payload: Buffer;
  /** Audio: always true. Video: first packet of a keyframe, where a subscriber may start or switch. */
  keyframe: boolean;
  vp8: Vp8Descriptor | null;
}

/** What the producer needs from a consumer (kept minimal so the two files do not import each other's classes). */
export interface ProducerSink {
  forward(p: InPacket, now: number): void;
  /** The producer's layers changed rank or activity: pick again. */
  reselect(ranked: readonly Layer[], now: number): void;
}

/**
 * libwebrtc's encoder acts on at most one keyframe request per 300 ms per sender, and without x-google-per-layer-pli
 * one request makes a keyframe on every simulcast layer (kMinKeyframeSendIntervalMs, video/encoder_rtcp_feedback.cc).
 * A PLI sooner than that is dropped by the browser, so none is sent: whoever asked asks again. 350 ms leaves room
 * for jitter between our sending and the browser's receiving.
 */
const PLI_MIN_GAP_MS = 350;
/** A request not answered by a keyframe of its layer is not repeated sooner than this (the keyframe may be on its way). */
const UNANSWERED_WAIT_MS = 1000;

/**
 * A track received from a publisher. Owns its layers and the fan-out list; the per-packet work here runs once per
 * received packet, whatever the number of subscribers.
 */
export class Producer {
  readonly layers: Layer[] = [];
  ranked: Layer[] = [];
  readonly codecName: VideoCodecName;
  /** `setForwarding(kind, false)`: received (and measured) but sent to nobody. */
  enabled = true;
  closed = false;
  private sinks: ProducerSink[] = [];
  private readonly tracks = new Set<MediaStreamTrack>();
  private readonly unsubscribers: (() => void)[] = [];
  private readonly pkt: InPacket;
  private readonly vp8: Vp8Descriptor = {
    startOfFrame: false,
    keyframe: false,
    pictureIdOffset: -1,
    pictureIdBits: 0,
    pictureId: 0,
    tl0Offset: -1,
    tl0PicIdx: 0,
    headerOffset: 0,
  };
  // audio level over the current window: loudest RFC 6464 sample (0..127, 127 loud), or packet activity
  private levelMax = -1;
  private levelPackets = 0;
  private levelBytes = 0;
  packetsReceived = 0;
  /** When the last PLI went to the publisher (any layer). */
  private lastPliAt = Number.NEGATIVE_INFINITY;

  constructor(
    readonly id: string,
    readonly participantId: string,
    readonly kind: MediaKind,
    readonly source: TrackSource,
    readonly codec: RTCRtpCodecParameters,
    readonly transceiver: RTCRtpTransceiver,
    rids: string[],
  ) {
    this.codecName = kind === 'video' ? videoCodecName(codec.mimeType) : 'other';
    if (rids.length === 0) this.layers.push(newLayer('', 0));
    else rids.forEach((rid, i) => this.layers.push(newLayer(rid, i)));
    this.pkt = { layer: this.layers[0]!, seq: 0, ts: 0, marker: false, payload: Buffer.alloc(0), keyframe: false, vp8: null };
    // The publisher's sender reports, kept per layer to translate into the subscribers' reports (lip sync).
    this.unsubscribers.push(
      transceiver.receiver.onRtcp.subscribe((packet) => {
        if (packet.type !== RtcpSrPacket.type) return;
        const sr = packet as RtcpSrPacket;
        const layer = this.layers.find((l) => l.ssrc === sr.ssrc);
        if (layer) layer.sr = { ntp: sr.senderInfo.ntpTimestamp, rtp: sr.senderInfo.rtpTimestamp };
      }).unSubscribe,
    );
  }

  get simulcast(): boolean {
    return this.layers.length > 1;
  }

  get rids(): string[] {
    return this.simulcast ? this.layers.map((l) => l.rid) : [];
  }

  info(): ProducerInfo {
    return { id: this.id, participantId: this.participantId, kind: this.kind, source: this.source, layers: this.rids };
  }

  /** Subscribes to the werift tracks of this transceiver (one per RID, or the single one); safe to call again. */
  attachTracks(): void {
    for (const track of this.transceiver.receiver.tracks) {
      if (this.tracks.has(track)) continue;
      // Simulcast: one track per RID; werift may add an SSRC-signalled track beside them, which never carries media.
      const layer = this.layers.find((l) => l.rid === (track.rid ?? ''));
      if (!layer) continue;
      this.tracks.add(track);
      this.unsubscribers.push(
        track.onReceiveRtp.subscribe((rtp, ext) => {
          layer.ssrc = rtp.header.ssrc;
          this.onRtp(layer, rtp, ext);
        }).unSubscribe,
      );
    }
  }

  addSink(s: ProducerSink): void {
    if (!this.sinks.includes(s)) this.sinks = [...this.sinks, s];
  }

  removeSink(s: ProducerSink): void {
    this.sinks = this.sinks.filter((x) => x !== s);
  }

  get sinkCount(): number {
    return this.sinks.length;
  }

  /** werift's own receive path (used only when the byte-level reader could not take over the transport). */
  private onRtp(layer: Layer, rtp: RtpPacket, ext: Record<string, unknown> | undefined): void {
    const lvl = ext?.[RTP_EXTENSION_URI.audioLevelIndication] as { level: number } | undefined;
    const h = rtp.header;
    this.onPacket(layer, h.sequenceNumber, h.timestamp, h.marker, rtp.payload, lvl ? lvl.level : -1);
  }

  /**
   * One received packet of one layer: inspect once, then hand to every subscriber. `audioLevel` is the RFC 6464
   * value (0 loud .. 127 silent), -1 when absent; `now` the arrival time when the caller has read the clock already.
   */
  onPacket(layer: Layer, seq: number, ts: number, marker: boolean, payload: Buffer, audioLevel: number, now = Date.now()): void {
    if (this.closed) return;
    this.packetsReceived++;
    layer.lastPacketAt = now;
    layer.windowBytes += payload.length;
    const p = this.pkt;
    p.layer = layer;
    p.seq = seq;
    p.ts = ts;
    p.marker = marker;
    p.payload = payload;
    p.vp8 = null;
    p.keyframe = false;
    if (this.kind === 'audio') {
      if (payload.length === 0) return;
      p.keyframe = true;
      this.levelPackets++;
      this.levelBytes += payload.length;
      if (audioLevel >= 0 && 127 - audioLevel > this.levelMax) this.levelMax = 127 - audioLevel;
    } else if (payload.length === 0) {
      // Padding-only (bandwidth probe): forwarded as an empty packet so the subscriber sees no sequence gap.
    } else if (this.codecName === 'vp8') {
      const d = this.vp8;
      if (!parseVp8(payload, d)) return;
      p.vp8 = d;
      p.keyframe = d.keyframe;
      if (d.keyframe) {
        layer.lastKeyframeAt = now;
        const size = vp8KeyframeSize(payload, d.headerOffset);
        if (size) {
          layer.width = size.width;
          layer.height = size.height;
        }
      }
    } else if (this.codecName === 'h264') {
      const k = h264Keyframe(payload);
      p.keyframe = k.keyframe && k.startOfFrame;
      if (p.keyframe) layer.lastKeyframeAt = now;
    }
    if (!this.enabled) return;
    const sinks = this.sinks;
    for (let i = 0; i < sinks.length; i++) sinks[i]!.forward(p, now);
  }

  /**
   * Asks the publisher for a keyframe on one layer (PLI). Returns whether a PLI went out. Requests are folded into an
   * unanswered one for up to a second, and none goes out within 350 ms of the last, whatever the number of subscribers
   * asking: callers that still wait ask again.
   */
  requestKeyframe(layer: Layer | null, now = Date.now()): boolean {
    if (this.kind !== 'video' || this.closed) return false;
    const l = layer ?? this.layers[0]!;
    if (!l.ssrc) return false;
    const answered = l.lastKeyframeAt >= l.lastKeyframeRequestAt;
    if (!answered && now - l.lastKeyframeRequestAt < UNANSWERED_WAIT_MS) return false;
    if (now - this.lastPliAt < PLI_MIN_GAP_MS) return false;
    this.lastPliAt = now;
    l.lastKeyframeRequestAt = now;
    this.transceiver.receiver.sendRtcpPLI(l.ssrc).catch(() => undefined);
    return true;
  }

  /** Once a second: bit rates, layer ranking, and a new choice for each subscriber. */
  tick(now: number, elapsedMs: number): void {
    for (const l of this.layers) {
      l.bitrate = elapsedMs > 0 ? Math.round((l.windowBytes * 8 * 1000) / elapsedMs) : 0;
      l.windowBytes = 0;
    }
    this.ranked = rankLayers(this.layers, now);
    for (const s of this.sinks) s.reselect(this.ranked, now);
  }

  /** The loudest level since the last call, 0..127; without RFC 6464, an estimate from packet activity. */
  takeAudioLevel(): number {
    let level: number;
    if (this.levelMax >= 0) level = this.levelMax;
    else if (this.levelPackets === 0) level = 0;
    else {
      // Opus with DTX sends ~tiny comfort-noise packets in silence; speech packets are tens to hundreds of bytes.
      const avg = this.levelBytes / this.levelPackets;
      level = Math.max(0, Math.min(127, Math.round((avg - 12) * 1.5)));
    }
    this.levelMax = -1;
    this.levelPackets = 0;
    this.levelBytes = 0;
    return this.enabled ? level : 0;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const l of this.layers) l.nack?.close();
    for (const u of this.unsubscribers) u();
    this.unsubscribers.length = 0;
    this.sinks = [];
  }
}
