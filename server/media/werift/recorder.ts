import { createSocket, type Socket } from 'node:dgram';
import type { MediaKind, RecordableProducer, RecordingTapStats, RecordingTarget, TapPurpose } from '../engine.js';
import { TapNumbering } from '../renumber.js';
import { selectLayer, type Layer } from './layers.js';
import type { InPacket, Producer, ProducerSink } from './producer.js';

const DEFAULT_KEYFRAME_INTERVAL_MS = 4000;

/** The codec a producer carries, as the recorder's SDP names it. */
export function recordable(p: Producer): RecordableProducer {
  const mime = p.codec.mimeType.toLowerCase();
  const codec = mime.slice(mime.indexOf('/') + 1);
  return { ...p.info(), codec, clockRate: p.codec.clockRate, ...(p.codec.channels ? { channels: p.codec.channels } : {}) };
}

/**
 * One recording tap: a producer sink that copies the decrypted RTP of a participant's track to a local UDP port as
 * plain RTP (fixed SSRC and payload type, continuous numbering across producer and layer changes). Video starts and
 * switches layer on a keyframe and asks for one every few seconds, so the recorder can cut segments often.
 * The per-packet work is one small header write and one send: it runs beside the forwarding, on the same bytes.
 */
export class RecorderTap implements ProducerSink {
  producer: Producer | null = null;
  private readonly numbering = new TapNumbering();
  private current: Layer | null = null;
  private lastKeyframeAsk = 0;
  private closed = false;

  constructor(
    readonly participantId: string,
    readonly kind: MediaKind,
    private readonly target: RecordingTarget,
    private readonly socket: Socket,
    /** The participant's current room in the router (the tap copies only inside `target.room`). */
    private readonly roomOf: () => string = () => '',
  ) {}

  get stats(): RecordingTapStats {
    return this.numbering.stats;
  }

  /** Follows the participant's current producer of this kind (or none). */
  attach(p: Producer | null): void {
    if (p === this.producer || this.closed) return;
    this.producer?.removeSink(this);
    this.producer = p;
    this.current = null;
    this.numbering.needSync = true;
    if (p) {
      p.addSink(this);
      this.askKeyframe(Date.now(), true);
    }
  }

  private askKeyframe(now: number, force = false): void {
    const p = this.producer;
    if (!p || p.kind !== 'video') return;
    if (!force && now - this.lastKeyframeAsk < 500) return;
    // Counted only when a PLI went out: one the producer folded into another is asked again on the next packet.
    if (p.requestKeyframe(this.best(), now)) this.lastKeyframeAsk = now;
  }

  private best(): Layer | null {
    const p = this.producer;
    if (!p) return null;
    return p.simulcast ? selectLayer(p.ranked.length ? p.ranked : p.layers, {}) : p.layers[0]!;
  }

  reselect(_ranked: readonly Layer[], now: number): void {
    // Once a second (producer tick): ask for a keyframe when the segment interval has passed or a better layer exists.
    if (this.kind !== 'video' || !this.producer) return;
    const every = this.target.keyframeIntervalMs ?? DEFAULT_KEYFRAME_INTERVAL_MS;
    const better = this.producer.simulcast && this.best() !== this.current;
    if (better || now - this.lastKeyframeAsk >= every) this.askKeyframe(now, true);
  }

  forward(p: InPacket, now: number): void {
    if (this.closed) return;
    if (this.target.room !== undefined && this.roomOf() !== this.target.room) {
      // Outside the recorded room (a caucus): nothing is copied; coming back re-syncs on a keyframe.
      this.numbering.needSync = true;
      this.current = null;
      return;
    }
    if (p.layer !== this.current) {
      const want = this.current === null || (this.producer?.simulcast && p.layer === this.best());
      if (!want || !p.keyframe) {
        if (this.current === null) this.askKeyframe(now);
        return;
      }
      this.current = p.layer;
      this.numbering.needSync = true;
    }
    const n = this.numbering;
    if (n.needSync) {
      if (!p.keyframe) return;
      n.start(p.seq, p.ts, this.producer?.codec.clockRate ?? 90000, now);
    }
    if (!n.next(p.seq, p.ts)) return;
    // A 12-byte header of its own (the send is asynchronous) and the payload as it is (nobody writes to a received
    // payload): one datagram from two pieces, no copy of the payload per packet.
    const hdr = Buffer.allocUnsafe(12);
    hdr[0] = 0x80;
    hdr[1] = (p.marker ? 0x80 : 0) | (this.target.payloadType & 0x7f);
    hdr.writeUInt16BE(n.seq, 2);
    hdr.writeUInt32BE(n.ts, 4);
    hdr.writeUInt32BE(this.target.ssrc >>> 0, 8);
    this.socket.send([hdr, p.payload], this.target.port, this.target.host);
    n.sent(12 + p.payload.length, now);
  }

  close(): RecordingTapStats {
    this.attach(null);
    this.closed = true;
    return { ...this.stats };
  }
}

/** The taps of one router, and the one UDP socket they send from. */
export class RecorderTaps {
  private socket: Socket | null = null;
  private readonly taps = new Map<string, RecorderTap>();
  /** Stats of taps closed because their participant left, until the recorder asks for them. */
  private readonly finished = new Map<string, RecordingTapStats>();

  private key(participantId: string, kind: MediaKind, room: string | undefined, purpose: TapPurpose | undefined): string {
    return `${participantId}\u0000${kind}\u0000${room ?? ''}\u0000${purpose ?? 'recording'}`;
  }

  private sock(): Socket {
    if (!this.socket) {
      this.socket = createSocket('udp4');
      this.socket.on('error', () => undefined);
      this.socket.unref();
    }
    return this.socket;
  }

  start(participantId: string, kind: MediaKind, target: RecordingTarget, producer: Producer | null, roomOf: () => string): RecorderTap {
    this.stop(participantId, kind, target.room, target.purpose);
    this.finished.delete(this.key(participantId, kind, target.room, target.purpose));
    const tap = new RecorderTap(participantId, kind, target, this.sock(), roomOf);
    this.taps.set(this.key(participantId, kind, target.room, target.purpose), tap);
    tap.attach(producer);
    return tap;
  }

  /** The participant's producers changed: each tap follows the current one of its kind. */
  follow(participantId: string, pick: (kind: MediaKind) => Producer | null): void {
    for (const tap of this.taps.values()) if (tap.participantId === participantId) tap.attach(pick(tap.kind));
  }

  stop(participantId: string, kind: MediaKind, room?: string, purpose?: TapPurpose): RecordingTapStats | null {
    const k = this.key(participantId, kind, room, purpose);
    const tap = this.taps.get(k);
    if (!tap) {
      const f = this.finished.get(k) ?? null;
      this.finished.delete(k);
      return f;
    }
    this.taps.delete(k);
    return tap.close();
  }

  /** The participant left the router: their taps end, their stats wait for `stop`. */
  participantGone(participantId: string): void {
    for (const [k, tap] of this.taps) {
      if (tap.participantId !== participantId) continue;
      this.taps.delete(k);
      this.finished.set(k, tap.close());
    }
  }

  get size(): number {
    return this.taps.size;
  }

  close(): void {
    for (const tap of this.taps.values()) tap.close();
    this.taps.clear();
    this.socket?.close();
    this.socket = null;
  }
}
