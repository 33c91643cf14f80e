import { createSocket, type Socket } from 'node:dgram';
import type { RecordingTapStats, RecordingTarget } from '../engine.js';
import { TapNumbering } from '../renumber.js';
import { h264Keyframe, parseVp8, type Vp8Descriptor } from '../werift/codecs.js';
import { tuneSocket } from '../werift/util.js';

/** The stream the relay takes packets from: the current mediasoup consumer's SSRC and its codec. */
export interface RelaySource {
  ssrc: number;
  /** Lower-case codec name ('vp8', 'h264', 'vp9', 'opus', ...). */
  codec: string;
  clockRate: number;
  kind: 'audio' | 'video';
}

const vp8: Vp8Descriptor = { startOfFrame: false, keyframe: false, pictureIdOffset: -1, pictureIdBits: 0, pictureId: 0, tl0Offset: -1, tl0PicIdx: 0, headerOffset: 0 };

/** VP9 (RFC 9628 4.2): the first packet of a frame that is not inter-predicted, on spatial layer 0. */
export function vp9Keyframe(p: Buffer): boolean {
  if (p.length < 1) return false;
  const b0 = p[0]!;
  const start = (b0 & 0x08) !== 0;
  const interPredicted = (b0 & 0x40) !== 0;
  if (!start || interPredicted) return false;
  if (!(b0 & 0x20)) return true; // no layer indices: a single spatial layer
  let i = 1;
  if (b0 & 0x80) i += p.length > 1 && p[1]! & 0x80 ? 2 : 1; // picture id, 7 or 15 bits
  return i < p.length && ((p[i]! >> 1) & 0x07) === 0;
}

/** Whether a payload can start the copy: a keyframe's first packet for video; any packet of audio or an unknown codec. */
export function startsCopy(src: RelaySource, payload: Buffer): boolean {
  if (src.kind === 'audio') return true;
  switch (src.codec) {
    case 'vp8':
      return parseVp8(payload, vp8) && vp8.keyframe;
    case 'h264':
      return h264Keyframe(payload).keyframe;
    case 'vp9':
      return vp9Keyframe(payload);
    default:
      return true;
  }
}

/**
 * The UDP end of a mediasoup recording tap, on 127.0.0.1: the tap's PlainTransport consumer sends here, and each RTP
 * packet goes on to the target as one datagram with the target's SSRC and payload type, numbering continuous across
 * consumers (a replaced producer means a new consumer, a new SSRC and new sequence numbers). Copying (re)starts on a
 * keyframe; nothing passes while the gate is shut, checked per packet. Header extensions, CSRCs and padding are
 * dropped: the 12-byte header is written over the end of the received header, in the received buffer, so a packet
 * costs one receive, one header write and one send, no copy. RTCP (mediasoup's sender reports) and packets of another
 * SSRC (a previous consumer's, still in flight) are ignored; padding-only packets too, without a gap in the numbering.
 */
export class TapRelay {
  private readonly numbering = new TapNumbering();
  private source: RelaySource | null = null;
  private gate = false;
  private closed = false;

  private constructor(
    private readonly socket: Socket,
    private readonly target: RecordingTarget,
    /** Video is waiting for a keyframe (called per dropped packet; the caller rate-limits its requests). */
    private readonly needKeyframe: () => void,
  ) {
    socket.on('message', (m) => this.onPacket(m));
    socket.on('error', () => undefined);
  }

  static bind(target: RecordingTarget, needKeyframe: () => void): Promise<TapRelay> {
    const socket = createSocket('udp4');
    return new Promise((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(0, '127.0.0.1', () => {
        socket.off('error', reject);
        tuneSocket(socket); // a keyframe burst or an event-loop stall must not overflow the default ~200 KB
        resolve(new TapRelay(socket, target, needKeyframe));
      });
    });
  }

  get stats(): RecordingTapStats {
    return this.numbering.stats;
  }

  get port(): number {
    return this.socket.address().port;
  }

  get open(): boolean {
    return this.gate;
  }

  /** The consumer packets are taken from (null: none); a new one re-syncs on its first keyframe. */
  setSource(src: RelaySource | null): void {
    this.source = src;
    this.numbering.needSync = true;
  }

  /** The gate: takes effect on the next packet received. Reopening re-syncs on a keyframe. */
  setOpen(open: boolean): void {
    if (open && !this.gate) this.numbering.needSync = true;
    this.gate = open;
  }

  private onPacket(m: Buffer): void {
    const src = this.source;
    if (!this.gate || this.closed || !src || m.length < 12) return;
    const b0 = m[0]!;
    const b1 = m[1]!;
    if (b0 >> 6 !== 2 || (b1 >= 192 && b1 <= 223)) return; // not RTP v2, or RTCP (muxed: PT 64-95 with the marker bit)
    if (m.readUInt32BE(8) !== src.ssrc) return;
    let off = 12 + 4 * (b0 & 0x0f);
    if (b0 & 0x10) {
      if (m.length < off + 4) return;
      off += 4 + 4 * m.readUInt16BE(off + 2);
    }
    const seq = m.readUInt16BE(2);
    const end = b0 & 0x20 ? m.length - m[m.length - 1]! : m.length;
    if (end <= off) {
      // Padding only (or malformed): not copied, and its number not left as a gap when it was the next one.
      this.numbering.skip(seq);
      return;
    }
    const ts = m.readUInt32BE(4);
    const payload = m.subarray(off, end);
    const now = Date.now();
    const n = this.numbering;
    if (n.needSync) {
      if (!startsCopy(src, payload)) {
        this.needKeyframe();
        return;
      }
      n.start(seq, ts, src.clockRate, now);
    }
    if (!n.next(seq, ts)) return; // older than the sync point: from before the copy (re)started
    const h = off - 12;
    m[h] = 0x80;
    m[h + 1] = (b1 & 0x80) | (this.target.payloadType & 0x7f);
    m.writeUInt16BE(n.seq, h + 2);
    m.writeUInt32BE(n.ts, h + 4);
    m.writeUInt32BE(this.target.ssrc >>> 0, h + 8);
    this.socket.send(m.subarray(h, end), this.target.port, this.target.host);
    n.sent(end - h, now);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.gate = false;
    this.socket.close();
  }
}
