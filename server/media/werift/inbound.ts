import type { Socket } from 'node:dgram';
import { RtcpPacketConverter, type RTCDtlsTransport } from 'werift';
import { tuneSocket } from './util.js';
import { createRtpUnprotector, commitRoc, estimateRoc, newRocState, type RocState, type RtpUnprotector } from './srtp.js';

/**
 * The receiving half of the hot path, on bytes: werift keeps ICE, DTLS and RTCP, but the SRTP packets of a
 * publishing transport are authenticated, decrypted and parsed here (one allocation, the plain payload) and handed
 * straight to the producer. werift's own path builds header objects, parses every extension into a fresh object,
 * clones each packet and walks its codec table several times per packet.
 */

/** Receive statistics in the shape werift's receiver reads for its receiver reports and stats. */
export class ReceiveStats {
  base_seq: number | undefined;
  max_seq: number | undefined;
  cycles = 0;
  packets_received = 0;
  bytesReceived = 0;
  headerBytesReceived = 0;
  lastPacketReceivedTimestamp = 0;
  jitter_q4 = 0;
  last_arrival: number | undefined;
  last_timestamp: number | undefined;
  expected_prior = 0;
  received_prior = 0;

  constructor(readonly clockRate: number) {}

  add(seq: number, ts: number, headerBytes: number, payloadBytes: number, nowMs: number): void {
    const inOrder = this.max_seq === undefined || ((seq - this.max_seq) & 0xffff) < 0x8000;
    this.packets_received++;
    this.bytesReceived += payloadBytes;
    this.headerBytesReceived += headerBytes;
    this.lastPacketReceivedTimestamp = nowMs;
    if (this.base_seq === undefined) this.base_seq = seq;
    if (!inOrder) return;
    const arrival = Math.floor((nowMs / 1000) * this.clockRate);
    if (this.max_seq !== undefined && seq < this.max_seq) this.cycles += 1 << 16;
    this.max_seq = seq;
    if (ts !== this.last_timestamp && this.packets_received > 1) {
      const diff = Math.abs(arrival - (this.last_arrival ?? 0) - (ts - (this.last_timestamp ?? 0)));
      this.jitter_q4 += diff - ((this.jitter_q4 + 8) >> 4);
    }
    this.last_arrival = arrival;
    this.last_timestamp = ts;
  }

  get fraction_lost(): number {
    const expectedInterval = this.packets_expected - this.expected_prior;
    this.expected_prior = this.packets_expected;
    const receivedInterval = this.packets_received - this.received_prior;
    this.received_prior = this.packets_received;
    const lost = expectedInterval - receivedInterval;
    return expectedInterval === 0 || lost <= 0 ? 0 : Math.floor((lost << 8) / expectedInterval);
  }

  get jitter(): number {
    return this.jitter_q4 >> 4;
  }

  get packets_expected(): number {
    return this.cycles + (this.max_seq ?? 0) - (this.base_seq ?? 0) + 1;
  }

  get packets_lost(): number {
    return Math.max(0, this.packets_expected - this.packets_received);
  }
}

/** What to do with packets of one SSRC, decided once at its first packet. */
export interface InboundRoute {
  stats: ReceiveStats;
  /** RTX stream (RFC 4588): the payload starts with the original sequence number. */
  rtx: boolean;
  /** The media SSRC the packets (or the retransmitted ones) belong to. */
  mediaSsrc: number;
  /** werift's NACK generator for the media stream (`addPacket` reads header.sequenceNumber and header.ssrc). */
  nack: { addPacket(p: { header: { sequenceNumber: number; ssrc: number } }): void } | null;
  /** `nowMs`: the arrival time the reader already read for its statistics (one clock read per packet). */
  deliver(seq: number, ts: number, marker: boolean, payload: Buffer, audioLevel: number, nowMs: number): void;
  /** Whether the producer behind this route still exists (a renegotiation keeps the live routes). */
  alive?(): boolean;
}

export interface ExtensionIds {
  mid: number;
  rid: number;
  rrid: number;
  level: number;
}

export interface InboundResolver {
  extensionIds(): ExtensionIds;
  resolve(ssrc: number, payloadType: number, ids: { mid?: string; rid?: string; rrid?: string }): InboundRoute | null;
}

interface DtlsInternals {
  srtpStarted: boolean;
  srtp?: { remoteContext: { srtpSessionKey: Buffer; srtpSessionSalt: Buffer; srtpSessionAuthTag: Buffer; profile: number } };
  srtcp?: { decrypt(b: Buffer): Buffer };
  updateSrtpSession(): void;
  startSrtp(): void;
  bytesReceived: number;
  packetsReceived: number;
  iceTransport: RTCDtlsTransport['iceTransport'];
  onRtcp: RTCDtlsTransport['onRtcp'];
  concordFastPath?: FastReader;
}

/**
 * Replaces werift's SRTP receive handler of one DTLS transport with ours. Must run before the DTLS handshake ends;
 * returns false when it is too late (werift's path then keeps working, only slower).
 */
export function takeOverSrtp(dtls: RTCDtlsTransport, resolver: InboundResolver): FastReader | null {
  const d = dtls as unknown as DtlsInternals;
  if (d.concordFastPath) return d.concordFastPath;
  if (d.srtpStarted) return null;
  const reader = new FastReader(d, resolver);
  d.concordFastPath = reader;
  d.startSrtp = function startSrtp(this: DtlsInternals) {
    if (this.srtpStarted) return;
    this.srtpStarted = true;
    this.updateSrtpSession();
    const pair = (this.iceTransport.connection as unknown as { nominated?: { protocol?: { transport?: { socket?: Socket } } } }).nominated;
    tuneSocket(pair?.protocol?.transport?.socket);
    this.iceTransport.connection.onData.subscribe((data: Buffer) => reader.onData(data));
  };
  return reader;
}

export class FastReader {
  /** Per SSRC, one lookup per packet: its ROC state, and its route (undefined until decided, null: not ours). */
  private readonly ssrcs = new Map<number, { roc: RocState; route: InboundRoute | null | undefined }>();
  private unprotector: RtpUnprotector | null = null;
  private srtpRef: unknown = null;
  private ids: ExtensionIds | null = null;
  packets = 0;
  dropped = 0;
  /** Reused for werift's NACK tracker, which reads two fields and keeps neither object. */
  private readonly nackPacket = { header: { sequenceNumber: 0, ssrc: 0 } };

  constructor(
    private readonly dtls: DtlsInternals,
    private readonly resolver: InboundResolver,
  ) {}

  /**
   * After a renegotiation: forget the routes of producers that went away and the SSRCs we could not place, and the
   * extension ids. Live routes stay: browsers stop sending MID/RID once an SSRC is acknowledged, so a running camera
   * could not be placed again and would freeze (that is what broke adding a screen share to a running publisher).
   */
  reset(): void {
    for (const e of this.ssrcs.values()) if (!e.route || (e.route.alive && !e.route.alive())) e.route = undefined;
    this.ids = null;
  }

  onData(data: Buffer): void {
    const n = data.length;
    if (n < 12) return;
    const b0 = data[0]!;
    if (b0 < 128 || b0 > 191) return;
    const d = this.dtls;
    d.bytesReceived += n;
    d.packetsReceived++;
    const b1 = data[1]!;
    if (b1 >= 192 && b1 <= 208) {
      this.onRtcp(data);
      return;
    }
    try {
      this.onRtp(data, b0, b1);
    } catch {
      this.dropped++;
    }
  }

  private onRtcp(data: Buffer): void {
    const d = this.dtls;
    let packets;
    try {
      packets = RtcpPacketConverter.deSerialize(d.srtcp!.decrypt(data));
    } catch {
      this.dropped++;
      return;
    }
    for (const p of packets) {
      try {
        d.onRtcp.execute(p);
      } catch {
        // one bad handler must not stop the others
      }
    }
  }

  private onRtp(data: Buffer, b0: number, b1: number): void {
    const srtp = this.dtls.srtp;
    if (!srtp) return;
    if (srtp !== this.srtpRef) {
      const c = srtp.remoteContext;
      this.unprotector = createRtpUnprotector({ profile: c.profile, key: c.srtpSessionKey, salt: c.srtpSessionSalt, authKey: c.srtpSessionAuthTag });
      this.srtpRef = srtp;
      for (const e of this.ssrcs.values()) e.roc = newRocState();
    }
    const un = this.unprotector!;
    const n = data.length;
    const seq = (data[2]! << 8) | data[3]!;
    const ts = data.readUInt32BE(4);
    const ssrc = data.readUInt32BE(8);
    let off = 12 + 4 * (b0 & 0x0f);
    // Header extensions: the audio level always; MID / RID only until the SSRC is routed.
    let level = -1;
    let entry = this.ssrcs.get(ssrc);
    let route = entry?.route;
    let mid: string | undefined;
    let rid: string | undefined;
    let rrid: string | undefined;
    if (b0 & 0x10) {
      if (off + 4 > n) return;
      const profile = data.readUInt16BE(off);
      const end = off + 4 + data.readUInt16BE(off + 2) * 4;
      if (end > n - un.tagLength) return;
      const ids = this.ids ?? (this.ids = this.resolver.extensionIds());
      const wantIds = route === undefined;
      let i = off + 4;
      const oneByte = profile === 0xbede;
      const twoByte = (profile & 0xfff0) === 0x1000;
      while ((oneByte || twoByte) && i < end) {
        const b = data[i]!;
        if (b === 0) {
          i++;
          continue;
        }
        let id: number;
        let len: number;
        if (oneByte) {
          id = b >> 4;
          len = (b & 0x0f) + 1;
          if (id === 15) break;
          i += 1;
        } else {
          if (i + 1 >= end) break;
          id = b;
          len = data[i + 1]!;
          i += 2;
        }
        if (i + len > end) break;
        if (id === ids.level && len >= 1) level = data[i]! & 0x7f;
        else if (wantIds) {
          if (id === ids.mid) mid = data.toString('latin1', i, i + len);
          else if (id === ids.rid) rid = data.toString('latin1', i, i + len);
          else if (id === ids.rrid) rrid = data.toString('latin1', i, i + len);
        }
        i += len;
      }
      off = end;
    }
    if (off > n - un.tagLength) return;
    if (!entry) this.ssrcs.set(ssrc, (entry = { roc: newRocState(), route: undefined }));
    const rs = entry.roc;
    const roc = estimateRoc(rs, seq);
    let payload = un.unprotect(data, off, ssrc, seq, roc >>> 0);
    if (!payload) {
      this.dropped++;
      return;
    }
    commitRoc(rs, seq, roc);
    if (route === undefined) {
      route = this.resolver.resolve(ssrc, b1 & 0x7f, { mid, rid, rrid });
      // Unknown SSRCs are remembered as such only once an extension-less packet proves no RID will come.
      if (route || (mid === undefined && rid === undefined && rrid === undefined)) entry.route = route;
    }
    if (!route) return;
    if (b0 & 0x20 && payload.length > 0) {
      const pad = payload[payload.length - 1]!;
      payload = pad <= payload.length ? payload.subarray(0, payload.length - pad) : payload.subarray(0, 0);
    }
    const now = Date.now();
    this.packets++;
    route.stats.add(seq, ts, off, payload.length, now);
    let mediaSeq = seq;
    if (route.rtx) {
      if (payload.length < 2) return; // padding-only probe on the RTX stream
      mediaSeq = payload.readUInt16BE(0);
      payload = payload.subarray(2);
    }
    if (route.nack) {
      this.nackPacket.header.sequenceNumber = mediaSeq;
      this.nackPacket.header.ssrc = route.mediaSsrc;
      route.nack.addPacket(this.nackPacket);
    }
    route.deliver(mediaSeq, ts, (b1 & 0x80) !== 0, payload, level, now);
  }
}
