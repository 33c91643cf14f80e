import { randomBytes } from 'node:crypto';
import type { Socket } from 'node:dgram';
import {
  RtcpSenderInfo,
  RtcpSourceDescriptionPacket,
  RtcpSrPacket,
  SourceDescriptionChunk,
  SourceDescriptionItem,
  type GenericNack,
  type RTCDtlsTransport,
  type RTCRtpSender,
} from 'werift';
import { createRtpProtector, newRocState, rocFor, type RtpProtector } from './srtp.js';
import { writeVp8PictureId } from './codecs.js';
import { tuneSocket } from './util.js';

const HISTORY = 512; // power of two; ~4 s of a 1 Mbit/s stream, enough for NACK round trips

/**
 * A VP8 picture id / TL0PICIDX rewrite applied to the copy of the payload sent to one subscriber. Read during
 * `send` only (the history keeps its fields, not the object), so a caller may reuse one object for every packet.
 */
export interface PayloadPatch {
  pictureIdOffset: number;
  pictureIdBits: number;
  pictureId: number;
  tl0Offset: number;
  tl0PicIdx: number;
}

/** What was sent, for NACKs: a ring indexed by sequence number, in flat arrays (no object per packet). */
export class History {
  readonly seq = new Int32Array(HISTORY).fill(-1);
  readonly ts = new Uint32Array(HISTORY);
  readonly marker = new Uint8Array(HISTORY);
  readonly payload: (Buffer | undefined)[] = new Array<Buffer | undefined>(HISTORY);
  /** The patch fields (hasPatch 0: none); copied, so the sender's patch object can be reused. */
  private readonly hasPatch = new Uint8Array(HISTORY);
  private readonly pictureIdOffset = new Int32Array(HISTORY);
  private readonly pictureIdBits = new Uint8Array(HISTORY);
  private readonly pictureId = new Int32Array(HISTORY);
  private readonly tl0Offset = new Int32Array(HISTORY);
  private readonly tl0PicIdx = new Int32Array(HISTORY);
  private readonly scratch: PayloadPatch = { pictureIdOffset: -1, pictureIdBits: 0, pictureId: 0, tl0Offset: -1, tl0PicIdx: 0 };

  put(seq: number, ts: number, marker: boolean, payload: Buffer, patch: PayloadPatch | null): void {
    const i = seq & (HISTORY - 1);
    this.seq[i] = seq;
    this.ts[i] = ts;
    this.marker[i] = marker ? 1 : 0;
    this.payload[i] = payload;
    if (patch) {
      this.hasPatch[i] = 1;
      this.pictureIdOffset[i] = patch.pictureIdOffset;
      this.pictureIdBits[i] = patch.pictureIdBits;
      this.pictureId[i] = patch.pictureId;
      this.tl0Offset[i] = patch.tl0Offset;
      this.tl0PicIdx[i] = patch.tl0PicIdx;
    } else {
      this.hasPatch[i] = 0;
    }
  }

  /** The patch stored at slot `i`, in an object valid until the next call. */
  patch(i: number): PayloadPatch | null {
    if (this.hasPatch[i] === 0) return null;
    const p = this.scratch;
    p.pictureIdOffset = this.pictureIdOffset[i]!;
    p.pictureIdBits = this.pictureIdBits[i]!;
    p.pictureId = this.pictureId[i]!;
    p.tl0Offset = this.tl0Offset[i]!;
    p.tl0PicIdx = this.tl0PicIdx[i]!;
    return p;
  }

  clear(): void {
    this.seq.fill(-1);
    this.payload.fill(undefined);
    this.hasPatch.fill(0);
  }
}

const NTP_EPOCH_OFFSET = 2208988800;

/** NTP timestamp of a wall-clock time in ms (werift's own `ntpTime` mangles the fraction). */
export function ntpFromMs(ms: number): bigint {
  const sec = Math.floor(ms / 1000);
  const frac = Math.floor(((ms - sec * 1000) / 1000) * 2 ** 32);
  return (BigInt(sec + NTP_EPOCH_OFFSET) << 32n) | BigInt(frac >>> 0);
}

/** The publisher's last sender report for the layer being forwarded, to translate into our own. */
export interface SenderReportRef {
  ntp: bigint;
  rtp: number;
}

/**
 * One outgoing RTP stream on a subscriber transport: werift negotiated the sender (SSRC, payload type, RTX) and
 * runs ICE/DTLS; packets bypass `RTCRtpSender.sendRtp` and are written as bytes, encrypted with long-lived SRTP
 * state and handed to the selected candidate pair's UDP socket in the same synchronous call. NACKs are answered
 * from our own history (werift's cache is empty since it never saw the packets) and sender reports are ours.
 */
export class OutboundStream {
  readonly ssrc: number;
  readonly rtxSsrc: number;
  readonly clockRate: number;
  /** Continuity across whatever is forwarded through this sender, so a reused transceiver never jumps back. */
  lastSeq = randomBytes(2).readUInt16BE(0);
  lastTs = randomBytes(4).readUInt32BE(0);
  lastSentAt = 0;
  packets = 0;
  octets = 0;
  retransmitted = 0;
  /** Set by the consumer: the SR mapping of the publisher's layer, already shifted by the consumer's offset. */
  srSource: (() => SenderReportRef | null) | null = null;

  private protector: RtpProtector | null = null;
  private srtpRef: unknown = null;
  private readonly roc = newRocState();
  private readonly rtxRoc = newRocState();
  private readonly rawRoc = new Map<number, ReturnType<typeof newRocState>>();
  private rtxSeq = randomBytes(2).readUInt16BE(0);
  private readonly history: History | null;
  private pair: unknown = null;
  private socket: Socket | null = null;
  private remotePort = 0;
  private remoteHost = '';
  private closed = false;
  private readonly unsubscribe: () => void;

  constructor(
    readonly sender: RTCRtpSender,
    readonly kind: 'audio' | 'video',
    clockRate: number,
  ) {
    this.ssrc = sender.ssrc;
    this.rtxSsrc = sender.rtxSsrc;
    this.clockRate = clockRate;
    this.history = kind === 'video' ? new History() : null;
    this.unsubscribe = sender.onGenericNack.subscribe((nack) => this.onNack(nack)).unSubscribe;
  }

  get payloadType(): number | undefined {
    return this.sender.codec?.payloadType;
  }

  private get rtxPayloadType(): number | undefined {
    return (this.sender as unknown as { rtxPayloadType?: number }).rtxPayloadType;
  }

  private get transport(): RTCDtlsTransport | undefined {
    return this.sender.dtlsTransport;
  }

  /** Ready to put packets on the wire: negotiated, DTLS up, SRTP keys known. */
  private ensureCrypto(): RtpProtector | null {
    const t = this.transport as (RTCDtlsTransport & { srtp?: { localContext?: Record<string, unknown> } }) | undefined;
    const srtp = t?.srtp;
    if (!srtp || t.state !== 'connected') return null;
    if (srtp !== this.srtpRef) {
      const c = srtp.localContext as { srtpSessionKey: Buffer; srtpSessionSalt: Buffer; srtpSessionAuthTag: Buffer; profile: number };
      this.protector = createRtpProtector({ profile: c.profile, key: c.srtpSessionKey, salt: c.srtpSessionSalt, authKey: c.srtpSessionAuthTag });
      this.srtpRef = srtp;
    }
    return this.protector;
  }

  /** DTLS is up and ICE has a pair: a packet given to `send` now really goes out. */
  canSend(): boolean {
    return !this.closed && this.payloadType !== undefined && this.ensureCrypto() !== null && this.ensureSocket();
  }

  /** The selected pair's socket, looked up again only when ICE nominated another pair. */
  private ensureSocket(): boolean {
    const conn = this.transport?.iceTransport.connection as unknown as {
      nominated?: { protocol?: { transport?: { socket?: Socket; closed?: boolean } }; remoteAddr: [string, number] };
      canSendApplicationData(): boolean;
    };
    const pair = conn?.nominated;
    if (!pair || !conn.canSendApplicationData()) return false;
    if (pair !== this.pair) {
      this.pair = pair;
      const udp = pair.protocol?.transport;
      this.socket = udp?.socket && typeof udp.socket.send === 'function' ? udp.socket : null;
      tuneSocket(this.socket);
      this.remoteHost = pair.remoteAddr[0];
      this.remotePort = pair.remoteAddr[1];
    }
    return true;
  }

  private put(wire: Buffer): void {
    if (this.socket) {
      this.socket.send(wire, this.remotePort, this.remoteHost);
    } else {
      // TURN / TCP pairs: werift's own (async) path.
      const conn = this.transport?.iceTransport.connection as unknown as { send(b: Buffer): Promise<void> };
      conn.send(wire).catch(() => undefined);
    }
  }

  /** Builds, encrypts and sends one packet; returns the bytes put on the wire, 0 when it could not be sent. */
  send(seq: number, ts: number, marker: boolean, payload: Buffer, patch: PayloadPatch | null, nowMs: number): number {
    if (this.closed) return 0;
    const pt = this.payloadType;
    if (pt === undefined) return 0;
    const prot = this.ensureCrypto();
    if (!prot || !this.ensureSocket()) return 0;
    const wire = this.build(prot, pt, seq, ts, marker, this.ssrc, payload, patch, null, rocFor(this.roc, seq));
    this.put(wire);
    if (((seq - this.lastSeq) & 0xffff) < 0x8000) {
      this.lastSeq = seq;
      this.lastTs = ts;
      this.lastSentAt = nowMs;
    }
    this.packets++;
    this.octets += payload.length;
    this.history?.put(seq, ts, marker, payload, patch);
    return wire.length;
  }

  private build(
    prot: RtpProtector,
    pt: number,
    seq: number,
    ts: number,
    marker: boolean,
    ssrc: number,
    payload: Buffer,
    patch: PayloadPatch | null,
    osn: number | null,
    roc: number,
  ): Buffer {
    const extra = osn === null ? 0 : 2;
    const len = 12 + extra + payload.length;
    const h = prot.headroom;
    const buf = Buffer.allocUnsafe(h + len + prot.tailroom);
    buf[h] = 0x80;
    buf[h + 1] = (marker ? 0x80 : 0) | pt;
    buf[h + 2] = seq >>> 8;
    buf[h + 3] = seq & 0xff;
    buf.writeUInt32BE(ts >>> 0, h + 4);
    buf.writeUInt32BE(ssrc >>> 0, h + 8);
    if (osn !== null) {
      buf[h + 12] = osn >>> 8;
      buf[h + 13] = osn & 0xff;
    }
    const p = h + 12 + extra;
    payload.copy(buf, p);
    if (patch) {
      const body = buf.subarray(p, p + payload.length);
      if (patch.pictureIdOffset >= 0) writeVp8PictureId(body, patch.pictureIdOffset, patch.pictureIdBits, patch.pictureId);
      if (patch.tl0Offset >= 0) body[patch.tl0Offset] = patch.tl0PicIdx & 0xff;
    }
    return prot.protect(buf, 12, len, ssrc, seq, roc);
  }

  /**
   * Encrypts and sends a packet built elsewhere (header extensions included), under any SSRC: for tools and test
   * publishers that need what the forwarder never writes (simulcast RIDs). Not on the forwarding path.
   */
  sendRaw(packet: Buffer, headerLength: number): number {
    const prot = this.ensureCrypto();
    if (!prot || !this.ensureSocket()) return 0;
    const ssrc = packet.readUInt32BE(8);
    const seq = packet.readUInt16BE(2);
    let roc = this.rawRoc.get(ssrc);
    if (!roc) this.rawRoc.set(ssrc, (roc = newRocState()));
    const buf = Buffer.allocUnsafe(prot.headroom + packet.length + prot.tailroom);
    packet.copy(buf, prot.headroom);
    const wire = prot.protect(buf, headerLength, packet.length, ssrc, seq, rocFor(roc, seq));
    this.put(wire);
    return wire.length;
  }

  private onNack(nack: GenericNack): void {
    if (!this.history || this.closed) return;
    const prot = this.ensureCrypto();
    if (!prot || !this.ensureSocket()) return;
    const pt = this.payloadType;
    if (pt === undefined) return;
    const rtxPt = this.rtxPayloadType;
    const h = this.history;
    for (const seq of nack.lost.slice(0, 64)) {
      const i = seq & (HISTORY - 1);
      const payload = h.payload[i];
      if (h.seq[i] !== seq || !payload) continue;
      const ts = h.ts[i]!;
      const marker = h.marker[i] === 1;
      const patch = h.patch(i);
      let wire: Buffer;
      if (rtxPt !== undefined) {
        const rs = this.rtxSeq;
        this.rtxSeq = (rs + 1) & 0xffff;
        wire = this.build(prot, rtxPt, rs, ts, marker, this.rtxSsrc, payload, patch, seq, rocFor(this.rtxRoc, rs));
      } else {
        wire = this.build(prot, pt, seq, ts, marker, this.ssrc, payload, patch, null, rocFor(this.roc, seq));
      }
      this.put(wire);
      this.retransmitted++;
    }
  }

  /** Sender report (with SDES cname), mapped from the publisher's report when there is one. */
  sendReport(nowMs: number): void {
    const t = this.transport;
    if (this.closed || this.packets === 0 || !t || t.state !== 'connected') return;
    const ref = this.srSource?.() ?? null;
    let ntp: bigint;
    let rtp: number;
    if (ref) {
      ntp = ref.ntp;
      rtp = ref.rtp >>> 0;
    } else {
      ntp = ntpFromMs(nowMs);
      rtp = (this.lastTs + Math.round(((nowMs - this.lastSentAt) * this.clockRate) / 1000)) >>> 0;
    }
    const packets: (RtcpSrPacket | RtcpSourceDescriptionPacket)[] = [
      new RtcpSrPacket({
        ssrc: this.ssrc,
        senderInfo: new RtcpSenderInfo({ ntpTimestamp: ntp, rtpTimestamp: rtp, packetCount: this.packets >>> 0, octetCount: this.octets >>> 0 }),
      }),
    ];
    const cname = (this.sender as unknown as { cname?: string }).cname;
    if (cname) {
      packets.push(
        new RtcpSourceDescriptionPacket({
          chunks: [new SourceDescriptionChunk({ source: this.ssrc, items: [new SourceDescriptionItem({ type: 1, text: cname })] })],
        }),
      );
    }
    t.sendRtcp(packets).catch(() => undefined);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.unsubscribe();
    this.history?.clear();
  }
}
