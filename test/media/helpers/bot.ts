import {
  RTCPeerConnection,
  RtpHeader,
  RtpPacket,
  RTP_EXTENSION_URI,
  useAudioLevelIndication,
  useH264,
  useOPUS,
  useSdesMid,
  useVP8,
  RTCRtpCodecParameters,
  type MediaStreamTrack,
  type RTCPeerConnectionConfig,
  type RTCRtpTransceiver,
} from 'werift';
import type { MediaKind, MediaRouter } from '../../../server/media/engine.js';
import { h264Keyframe, parseVp8, vp8KeyframeSize, type Vp8Descriptor } from '../../../server/media/werift/codecs.js';
import { OutboundStream } from '../../../server/media/werift/outbound.js';
import { tuneSocket } from '../../../server/media/werift/util.js';
import { SyntheticH264, SyntheticOpus, SyntheticVp8, type RtpOut } from './synthetic.js';

/**
 * A participant made of two werift peer connections, talking to a MediaRouter the way a browser talks to the
 * signalling layer: offer to publish, answer the subscriber offers. Sends synthetic VP8 + Opus RTP, counts what it
 * receives per producer (from the msid "<participant> <producer>" of each m-line).
 */
export interface BotOptions {
  videoKbps?: number;
  fps?: number;
  /** Send through the SFU's own byte-level sender instead of werift's sendRtp (cheaper; no header extensions). */
  fastSend?: boolean;
  /** Audio level extension on the audio packets (RFC 6464). */
  audioLevel?: boolean;
  loud?: boolean;
  /** Look into received VP8 keyframes (frame sizes, for simulcast checks). */
  inspect?: boolean;
  /**
   * Load-test receiving: once connected, count SRTP packets by SSRC (the RTP header is not encrypted) instead of
   * decrypting them; werift's receive pipeline is switched off for this connection. Static rooms only.
   */
  leanReceive?: boolean;
  /** Publish H.264 instead of VP8 (and accept H.264 when subscribing). */
  h264?: boolean;
  /** Drop this share (0..1) of the packets arriving on the receiving connection, before decryption. */
  receiveLoss?: number;
  /**
   * SRTP protection profiles offered in DTLS, in order (werift's ids: 1 AES_CM_128_HMAC_SHA1_80, 7 AEAD_AES_128_GCM);
   * default werift's [7, 1]. Benchmarks pin the suite a browser negotiates with the engine under test.
   */
  srtpProfiles?: number[];
}

/** What a bot needs of a router: the signalling half of MediaRouter (benchmarks also drive bare mediasoup with it). */
export type BotRouter = Pick<MediaRouter, 'publish' | 'subscribe' | 'answerSubscriber' | 'on' | 'off'>;


export interface Received {
  packets: number;
  bytes: number;
  from: string;
  kind: MediaKind;
  keyframe: boolean;
  lastPli: number;
}

export const LOOPBACK: RTCPeerConnectionConfig = {
  iceServers: [],
  iceInterfaceAddresses: { udp4: '127.0.0.1' },
  iceAdditionalHostAddresses: ['127.0.0.1'],
  iceUseIpv6: false,
};

export async function gathered(pc: RTCPeerConnection): Promise<void> {
  if (pc.iceGatheringState === 'complete') return;
  await new Promise<void>((r) => {
    const s = pc.iceGatheringStateChange.subscribe((st) => {
      if (st === 'complete') {
        s.unSubscribe();
        r();
      }
    });
  });
}

export async function connected(pc: RTCPeerConnection, timeoutMs = 10000): Promise<void> {
  if (pc.connectionState === 'connected') return;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`not connected after ${timeoutMs} ms (${pc.connectionState})`)), timeoutMs);
    const s = pc.connectionStateChange.subscribe((st) => {
      if (st === 'connected') {
        clearTimeout(timer);
        s.unSubscribe();
        resolve();
      }
    });
  });
}

/** Media SSRC -> msid of each m-section of an offer (RTX SSRCs, second in their FID group, are left out). */
function ssrcMap(sdp: string): Map<number, { producerId: string; from: string; kind: MediaKind }> {
  const out = new Map<number, { producerId: string; from: string; kind: MediaKind }>();
  for (const section of sdp.split(/\r\nm=/).slice(1)) {
    const kind = section.startsWith('audio') ? 'audio' : 'video';
    if (/\r\na=(inactive|recvonly)/.test(section)) continue;
    const msid = /\r\na=msid:(\S+) (\S+)/.exec(section);
    const fid = /\r\na=ssrc-group:FID (\d+)/.exec(section);
    const ssrc = fid ? Number(fid[1]) : Number(/\r\na=ssrc:(\d+)/.exec(section)?.[1]);
    if (msid && ssrc) out.set(ssrc, { producerId: msid[2]!, from: msid[1]!, kind });
  }
  return out;
}

export class Bot {
  pub: RTCPeerConnection | null = null;
  sub: RTCPeerConnection | null = null;
  readonly received = new Map<string, Received>();
  /** Packets put on the wire. */
  sent = { audio: 0, video: 0 };
  /** Packets the fast path could not send (counted apart, so that loss means loss on the way). */
  unsent = 0;
  private video: { t: RTCRtpTransceiver; src: SyntheticVp8 | SyntheticH264; seq: number; fast?: OutboundStream } | null = null;
  private audio: { t: RTCRtpTransceiver; src: SyntheticOpus; seq: number; levelId?: number; fast?: OutboundStream } | null = null;
  private timers: NodeJS.Timeout[] = [];
  protected router: BotRouter | null = null;
  private offers: Promise<void> = Promise.resolve();
  private readonly onOffer = (participantId: string, sdp: string) => {
    if (participantId !== this.id) return;
    this.offers = this.offers.then(() => this.answer(sdp)).catch((e) => {
      this.lastError = e;
    });
  };
  lastError: unknown = null;
  /** Picture loss indications that reached this publisher. */
  plis = 0;
  /** Sizes of the VP8 keyframes received, in order (with `inspect`). */
  readonly keyframes: { width: number; height: number; at: number }[] = [];
  /** More per-frame senders (subclasses: simulcast layers). */
  protected readonly extraSources: (() => void)[] = [];

  constructor(
    readonly id: string,
    protected readonly opts: BotOptions = {},
  ) {}

  async publish(router: BotRouter, kinds: { audio?: boolean; video?: boolean } = { audio: true, video: true }): Promise<void> {
    const pc = new RTCPeerConnection({
      ...LOOPBACK,
      ...(this.opts.h264 ? { codecs: { audio: [useOPUS()], video: [useH264()] } } : {}),
      headerExtensions: { audio: this.opts.audioLevel ? [useSdesMid(), useAudioLevelIndication()] : [useSdesMid()], video: [useSdesMid()] },
    });
    this.pub = pc;
    const sources: Record<string, 'camera' | 'microphone'> = {};
    if (kinds.video) {
      const t = pc.addTransceiver('video', { direction: 'sendonly' });
      const kbps = this.opts.videoKbps ?? 600;
      this.video = { t, src: this.opts.h264 ? new SyntheticH264(kbps, this.opts.fps ?? 30) : new SyntheticVp8(kbps, this.opts.fps ?? 30), seq: 1 };
      t.sender.onPictureLossIndication.subscribe(() => {
        this.plis++;
        this.video?.src.requestKeyframe();
      });
    }
    if (kinds.audio) {
      const t = pc.addTransceiver('audio', { direction: 'sendonly' });
      this.audio = { t, src: new SyntheticOpus(this.opts.loud ?? true), seq: 1 };
    }
    await pc.setLocalDescription(await pc.createOffer());
    this.restrictSrtp(pc);
    await gathered(pc);
    for (const t of pc.getTransceivers()) sources[t.mid!] = t.kind === 'audio' ? 'microphone' : 'camera';
    const { answerSdp } = await router.publish(this.id, pc.localDescription!.sdp, sources);
    await pc.setRemoteDescription({ type: 'answer', sdp: answerSdp });
    await connected(pc);
    if (this.audio) {
      const ext = (this.audio.t.sender as unknown as { headerExtensions: { id: number; uri: string }[] }).headerExtensions;
      this.audio.levelId = ext.find((e) => e.uri === RTP_EXTENSION_URI.audioLevelIndication)?.id;
    }
    if (this.opts.fastSend) {
      if (this.video) this.video.fast = new OutboundStream(this.video.t.sender, 'video', 90000);
      if (this.audio) this.audio.fast = new OutboundStream(this.audio.t.sender, 'audio', 48000);
    }
  }

  /** Starts the synthetic sources: a video frame every 1/fps s, an audio packet every 20 ms. */
  start(): void {
    const fps = this.opts.fps ?? 30;
    if (this.video) this.timers.push(setInterval(() => this.sendVideo(), 1000 / fps));
    for (const extra of this.extraSources) this.timers.push(setInterval(extra, 1000 / fps));
    if (this.audio) this.timers.push(setInterval(() => this.sendAudio(), 20));
  }

  sendVideo(): void {
    const v = this.video;
    if (!v) return;
    for (const out of v.src.nextFrame()) {
      if (this.write(v, out, undefined)) this.sent.video++;
      else this.unsent++;
    }
  }

  sendAudio(): void {
    const a = this.audio;
    if (!a) return;
    const out = a.src.next();
    if (this.write(a, out, a.levelId !== undefined ? { id: a.levelId, payload: Buffer.from([0x80 | a.src.level]) } : undefined)) this.sent.audio++;
    else this.unsent++;
  }

  /** False when the fast path could not put the packet on the wire (no DTLS or ICE pair yet, or lost). */
  private write(s: { t: RTCRtpTransceiver; seq: number; fast?: OutboundStream }, out: RtpOut, ext: { id: number; payload: Buffer } | undefined): boolean {
    const seq = s.seq;
    s.seq = (s.seq + 1) & 0xffff;
    if (s.fast) return s.fast.send(seq, out.timestamp, out.marker, out.payload, null, Date.now()) > 0;
    const header = new RtpHeader({
      payloadType: s.t.sender.codec?.payloadType ?? 96,
      sequenceNumber: seq,
      timestamp: out.timestamp,
      marker: out.marker,
      ssrc: s.t.sender.ssrc,
      extensions: ext ? [ext] : [],
    });
    s.t.sender.sendRtp(new RtpPacket(header, out.payload)).catch(() => undefined);
    return true;
  }

  stop(): void {
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
  }

  /** Answers one offer that the test chose to let through (a client's offer filter), in order with the others. */
  handleOffer(router: BotRouter, sdp: string): void {
    this.router = router;
    this.onOffer(this.id, sdp);
  }

  /** Opens the receiving side: answers every subscriber offer the router emits for this bot. */
  async subscribe(router: BotRouter): Promise<void> {
    if (this.router !== router) {
      this.router?.off('subscriberOffer', this.onOffer);
      router.on('subscriberOffer', this.onOffer);
      this.router = router;
    }
    await router.subscribe(this.id);
    await this.offers;
  }

  private async answer(sdp: string): Promise<void> {
    if (!this.sub || this.isNewSession(sdp)) {
      await this.sub?.close();
      this.sub = new RTCPeerConnection({
        ...LOOPBACK,
        // Like a browser, the receiving side takes retransmissions on their own RTX stream when the SFU offers one.
        codecs: { audio: [useOPUS()], video: [...(this.opts.h264 ? [useVP8(), useH264()] : [useVP8()]), new RTCRtpCodecParameters({ mimeType: 'video/rtx', clockRate: 90000 })] },
        // werift drops an incoming packet when inboundPacketLoss / 100 < Math.random(): 85 drops 15%.
        ...(this.opts.receiveLoss ? { debug: { inboundPacketLoss: 100 - this.opts.receiveLoss * 100 } } : {}),
      });
      const pc = this.sub;
      pc.onTrack.subscribe((track) => this.watch(pc, track));
    }
    const pc = this.sub;
    await pc.setRemoteDescription({ type: 'offer', sdp });
    this.restrictSrtp(pc);
    // Like a browser, a transceiver goes on playing when a later offer gives its m-line another SSRC (an SFU that
    // replaced the consumer behind it, e.g. after a caucus or for the next publisher): werift adds a track for the new
    // SSRC without a track event, so every track of every receiver is watched after each offer.
    for (const t of pc.getTransceivers()) for (const track of t.receiver.tracks) this.watch(pc, track);
    await pc.setLocalDescription(await pc.createAnswer());
    if (pc.getTransceivers().length > 0) await gathered(pc);
    await this.router!.answerSubscriber(this.id, pc.localDescription!.sdp);
    if (this.opts.leanReceive) {
      const map = ssrcMap(sdp);
      connected(pc).then(
        () => this.countBySsrc(pc, map),
        () => undefined,
      );
    }
  }

  private readonly watched = new WeakSet<MediaStreamTrack>();

  /** Counts what one received track carries, per producer (the msid of its m-line), and asks for a first keyframe. */
  private watch(pc: RTCPeerConnection, track: MediaStreamTrack): void {
    if (this.watched.has(track)) return;
    this.watched.add(track);
    const t = pc.getTransceivers().find((x) => x.receiver.tracks.includes(track) || x.receiver.track === track);
    track.onReceiveRtp.subscribe((rtp) => {
      const producerId = t?.receiver.remoteTrackId ?? track.id ?? '?';
      let r = this.received.get(producerId);
      if (!r) {
        r = { packets: 0, bytes: 0, from: t?.receiver.remoteStreamId ?? '?', kind: track.kind as MediaKind, keyframe: false, lastPli: 0 };
        this.received.set(producerId, r);
      }
      r.packets++;
      r.bytes += rtp.payload.length;
      if (track.kind !== 'video') return;
      if (this.opts.inspect) this.inspect(rtp.payload);
      if (!r.keyframe && this.opts.h264 && h264Keyframe(rtp.payload).keyframe) this.keyframes.push({ width: 0, height: 0, at: Date.now() });
      // Like a browser: no picture yet (the first keyframe can land before our SRTP is up) -> ask for one.
      if (!r.keyframe) {
        if (this.opts.h264 ? h264Keyframe(rtp.payload).keyframe : parseVp8(rtp.payload, this.vp8) && this.vp8.keyframe) r.keyframe = true;
        else if (Date.now() - r.lastPli > 500 && t) {
          r.lastPli = Date.now();
          t.receiver.sendRtcpPLI(rtp.header.ssrc).catch(() => undefined);
        }
      }
    });
  }

  /** Before DTLS starts (it starts on the answer): werift shares one profile list for all transports, so replace it. */
  private restrictSrtp(pc: RTCPeerConnection): void {
    const profiles = this.opts.srtpProfiles;
    if (!profiles) return;
    for (const d of pc.dtlsTransports) (d as unknown as { srtpProfiles: number[] }).srtpProfiles = [...profiles];
  }

  /** The SRTP suite each DTLS transport negotiated, from werift's transport stats (e.g. AEAD_AES_128_GCM). */
  async srtpCiphers(): Promise<{ publish: string | undefined; subscribe: string | undefined }> {
    const cipher = async (pc: RTCPeerConnection | null) => {
      const stats = pc ? [...(await pc.getStats()).values()] : [];
      return (stats.find((s) => s.type === 'transport') as { srtpCipher?: string } | undefined)?.srtpCipher;
    };
    return { publish: await cipher(this.pub), subscribe: await cipher(this.sub) };
  }

  private countBySsrc(pc: RTCPeerConnection, map: Map<number, { producerId: string; from: string; kind: MediaKind }>): void {
    const conn = pc.dtlsTransports[0]?.iceTransport.connection;
    if (!conn) return;
    const rows = new Map<number, Received>();
    for (const [ssrc, m] of map) {
      let r = this.received.get(m.producerId);
      if (!r) this.received.set(m.producerId, (r = { packets: 0, bytes: 0, from: m.from, kind: m.kind, keyframe: true, lastPli: 0 }));
      rows.set(ssrc, r);
    }
    const pair = (conn as unknown as { nominated?: { protocol?: { transport?: { socket?: import('node:dgram').Socket } } } }).nominated;
    tuneSocket(pair?.protocol?.transport?.socket, 4 << 20);
    conn.onData.allUnsubscribe();
    conn.onData.subscribe((buf: Buffer) => {
      if (buf.length < 12 || (buf[0]! & 0xc0) !== 0x80) return;
      const pt = buf[1]! & 0x7f;
      if (pt >= 64 && pt <= 95) return; // RTCP
      const r = rows.get(buf.readUInt32BE(8));
      if (r) {
        r.packets++;
        r.bytes += buf.length;
      }
    });
  }

  private readonly vp8: Vp8Descriptor = { startOfFrame: false, keyframe: false, pictureIdOffset: -1, pictureIdBits: 0, pictureId: 0, tl0Offset: -1, tl0PicIdx: 0, headerOffset: 0 };

  private inspect(payload: Buffer): void {
    if (!parseVp8(payload, this.vp8) || !this.vp8.keyframe) return;
    const size = vp8KeyframeSize(payload, this.vp8.headerOffset);
    if (size) this.keyframes.push({ ...size, at: Date.now() });
  }

  private isNewSession(sdp: string): boolean {
    const origin = (s: string | undefined) => s?.split('\r\n').find((l) => l.startsWith('o='))?.split(' ')[1];
    return origin(this.sub?.remoteDescription?.sdp) !== origin(sdp);
  }

  /** Sends a PLI for every video track received from `participantId`. */
  requestKeyframe(participantId: string): void {
    for (const t of this.sub?.getTransceivers() ?? []) {
      const ssrc = t.receiver.tracks.at(-1)?.ssrc; // the newest: an SFU may have changed the m-line's SSRC
      if (t.kind === 'video' && t.receiver.remoteStreamId === participantId && ssrc) t.receiver.sendRtcpPLI(ssrc).catch(() => undefined);
    }
  }

  /** Packets received from one participant, by kind. */
  from(participantId: string, kind?: MediaKind): number {
    let n = 0;
    for (const r of this.received.values()) if (r.from === participantId && (!kind || r.kind === kind)) n += r.packets;
    return n;
  }

  async close(): Promise<void> {
    this.stop();
    this.router?.off('subscriberOffer', this.onOffer);
    await Promise.allSettled([this.pub?.close(), this.sub?.close()]);
  }
}
