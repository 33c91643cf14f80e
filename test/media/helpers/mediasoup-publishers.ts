import { createSocket } from 'node:dgram';
import { RtpHeader, RtpPacket, RTCPeerConnection, useVP8 } from 'werift';
import type { types } from 'mediasoup';
import { connected, gathered, LOOPBACK } from './bot.js';
import { answerToPublisher, parsePeer, remoteDtls } from './mediasoup-sdp.js';
import { SyntheticOpus, SyntheticVp8, type RtpOut } from './synthetic.js';
import { until } from './wait.js';

/** A real producer in a mediasoup router, sending until `stop`. */
export interface TestPublisher {
  producer: types.Producer;
  /** PLIs (keyframe requests) that reached the sender. */
  plis(): number;
  /** Payloads sent so far, in order (audio only: to compare with what a tap copied). */
  sent: Buffer[];
  stop(): Promise<void>;
}

const PEER = { ...LOOPBACK, codecs: { video: [useVP8()], audio: [] }, headerExtensions: { video: [], audio: [] } };

/**
 * A werift peer connection publishing synthetic VP8 (keyframe on each PLI, else every `keyframeEvery` frames) into a
 * WebRtcTransport of `router`: ICE, DTLS and SRTP as a browser would. `width`/`height` go into its keyframe headers,
 * so two publishers can be told apart in what a tap copied.
 */
export interface Vp8Options {
  width?: number;
  height?: number;
  keyframeEvery?: number;
  kbps?: number;
  /** Another source of VP8 frames (e.g. the real encoded test pattern of test/recordings/helpers/speech.ts). */
  source?: { nextFrame(): RtpOut[]; requestKeyframe(): void };
  fps?: number;
}

export async function publishVp8(router: types.Router, opts: Vp8Options = {}): Promise<TestPublisher> {
  const t = await router.createWebRtcTransport({ listenInfos: [{ protocol: 'udp', ip: '127.0.0.1' }], enableUdp: true, enableTcp: false });
  const pc = new RTCPeerConnection(PEER);
  const tr = pc.addTransceiver('video', { direction: 'sendonly' });
  await pc.setLocalDescription(await pc.createOffer());
  await gathered(pc);
  const offer = parsePeer(pc.localDescription!.sdp);
  const pt = offer.payloadType;
  const ssrc = offer.ssrc;
  if (pt === undefined || ssrc === undefined) throw new Error('offer without VP8 or SSRC');
  await t.connect({ dtlsParameters: remoteDtls({ ...offer, setup: 'active' }) });
  const producer = await t.produce({
    kind: 'video',
    rtpParameters: {
      mid: offer.mid,
      codecs: [{ mimeType: 'video/VP8', payloadType: pt, clockRate: 90000, rtcpFeedback: [{ type: 'nack' }, { type: 'nack', parameter: 'pli' }] }],
      headerExtensions: [],
      encodings: [{ ssrc }],
      rtcp: { cname: offer.cname ?? 'peer', reducedSize: true },
    },
  });
  await pc.setRemoteDescription({ type: 'answer', sdp: answerToPublisher(t, offer) });
  await connected(pc, 30_000);
  await until('DTLS connected on the publishing transport', () => t.dtlsState === 'connected', 30_000);
  const fps = opts.fps ?? 30;
  const src = opts.source ?? new SyntheticVp8(opts.kbps ?? 300, fps, 1100, opts.width ?? 640, opts.height ?? 360, opts.keyframeEvery ?? 150);
  let plis = 0;
  tr.sender.onPictureLossIndication.subscribe(() => {
    plis++;
    src.requestKeyframe();
  });
  let seq = 1;
  const timer = setInterval(() => {
    for (const out of src.nextFrame()) {
      const header = new RtpHeader({ payloadType: pt, sequenceNumber: seq, timestamp: out.timestamp, marker: out.marker, ssrc });
      seq = (seq + 1) & 0xffff;
      tr.sender.sendRtp(new RtpPacket(header, out.payload)).catch(() => undefined);
    }
  }, 1000 / fps);
  return {
    producer,
    plis: () => plis,
    sent: [],
    stop: async () => {
      clearInterval(timer);
      producer.close();
      await pc.close();
      t.close();
    },
  };
}

/**
 * Opus-shaped RTP (50 packets/s) sent as plain RTP from a Node UDP socket into a PlainTransport producer: a real
 * mediasoup producer without a second WebRTC negotiation (the tap sees a producer either way).
 */
export async function publishOpus(router: types.Router): Promise<TestPublisher> {
  const t = await router.createPlainTransport({ listenInfo: { protocol: 'udp', ip: '127.0.0.1' }, rtcpMux: true, comedia: true });
  const ssrc = 0x0a0b0c0d;
  const producer = await t.produce({
    kind: 'audio',
    rtpParameters: {
      codecs: [{ mimeType: 'audio/opus', payloadType: 100, clockRate: 48000, channels: 2 }],
      headerExtensions: [],
      encodings: [{ ssrc }],
      rtcp: { cname: 'opus-sender', reducedSize: true },
    },
  });
  const sock = createSocket('udp4');
  sock.on('error', () => undefined);
  const src = new SyntheticOpus(true);
  const sent: Buffer[] = [];
  let seq = 40000;
  const timer = setInterval(() => {
    const out = src.next();
    const hdr = Buffer.alloc(12);
    hdr[0] = 0x80;
    hdr[1] = 100;
    hdr.writeUInt16BE(seq, 2);
    hdr.writeUInt32BE(out.timestamp, 4);
    hdr.writeUInt32BE(ssrc, 8);
    seq = (seq + 1) & 0xffff;
    const payload = Buffer.from(out.payload);
    sent.push(payload);
    sock.send([hdr, payload], t.tuple.localPort, '127.0.0.1');
  }, 20);
  return {
    producer,
    plis: () => 0,
    sent,
    stop: async () => {
      clearInterval(timer);
      producer.close();
      sock.close();
      t.close();
    },
  };
}
