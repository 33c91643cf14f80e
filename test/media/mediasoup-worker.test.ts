import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RtpHeader, RtpPacket, RTCPeerConnection, useVP8, type MediaStreamTrack, type RTCRtpTransceiver } from 'werift';
import type { types } from 'mediasoup';
import { loadConfig } from '../../server/config/index.js';
import { loadMediasoup } from '../../server/media/mediasoup/load.js';
import { locateMediasoupWorker } from '../../server/media/mediasoup/worker-bin.js';
import { connected, gathered, LOOPBACK } from './helpers/bot.js';
import { answerToPublisher, offerForConsumer, parsePeer, remoteDtls } from './helpers/mediasoup-sdp.js';
import { SyntheticVp8 } from './helpers/synthetic.js';
import { until } from './helpers/wait.js';

/**
 * The mediasoup worker built here (npm run build:mediasoup) against Debian's libraries, driven through mediasoup's
 * own API with real WebRTC peers (werift): ICE, a real DTLS handshake (the one that crashed the unpatched build in
 * libssl, see the DtlsTransport.cpp part of the patch), SRTP both ways. mediasoup's own test suite never runs a
 * handshake, so this one must. Skipped only where the worker is not built; .ci/run builds it.
 */
const where = locateMediasoupWorker(loadConfig().mediasoup);
if (!where.ok) console.warn(`mediasoup worker tests skipped: ${where.reason}`);

const PEER = { ...LOOPBACK, codecs: { video: [useVP8()], audio: [] }, headerExtensions: { video: [], audio: [] } };

describe.skipIf(!where.ok)('the mediasoup worker built from Debian packages', () => {
  let worker: types.Worker;
  let router: types.Router;
  let died: Error | undefined;
  const peers: RTCPeerConnection[] = [];
  const timers: NodeJS.Timeout[] = [];
  let producer: types.Producer;

  beforeAll(async () => {
    if (!where.ok) return;
    const mediasoup = await loadMediasoup(where.bin);
    worker = await mediasoup.createWorker({ logLevel: 'warn' });
    worker.on('died', (err) => (died = err));
    router = await worker.createRouter({
      mediaCodecs: [
        { kind: 'video', mimeType: 'video/VP8', clockRate: 90000 },
        { kind: 'audio', mimeType: 'audio/opus', clockRate: 48000, channels: 2 },
      ],
    });
  });

  afterAll(async () => {
    for (const t of timers) clearInterval(t);
    await Promise.all(peers.map((p) => p.close()));
    worker?.close();
  });

  const transport = () => router.createWebRtcTransport({ listenInfos: [{ protocol: 'udp', ip: '127.0.0.1' }], enableUdp: true, enableTcp: false });

  it('completes ICE and DTLS with a WebRTC peer and receives its RTP in a producer', async () => {
    const t = await transport();
    const pc = new RTCPeerConnection(PEER);
    peers.push(pc);
    const tr: RTCRtpTransceiver = pc.addTransceiver('video', { direction: 'sendonly' });
    await pc.setLocalDescription(await pc.createOffer());
    await gathered(pc);
    const offer = parsePeer(pc.localDescription!.sdp);
    if (offer.payloadType === undefined || offer.ssrc === undefined) throw new Error('offer without VP8 or SSRC');
    await t.connect({ dtlsParameters: remoteDtls({ ...offer, setup: 'active' }) });
    producer = await t.produce({
      kind: 'video',
      rtpParameters: {
        mid: offer.mid,
        codecs: [{ mimeType: 'video/VP8', payloadType: offer.payloadType, clockRate: 90000, rtcpFeedback: [{ type: 'nack' }, { type: 'nack', parameter: 'pli' }] }],
        headerExtensions: [],
        encodings: [{ ssrc: offer.ssrc }],
        rtcp: { cname: offer.cname ?? 'peer', reducedSize: true },
      },
    });
    await pc.setRemoteDescription({ type: 'answer', sdp: answerToPublisher(t, offer) });
    await connected(pc, 30_000);
    await until('DTLS connected on the mediasoup side', () => t.dtlsState === 'connected', 30_000);
    expect(['connected', 'completed']).toContain(t.iceState);

    const src = new SyntheticVp8(500, 30);
    tr.sender.onPictureLossIndication.subscribe(() => src.requestKeyframe());
    let seq = 1;
    timers.push(
      setInterval(() => {
        for (const out of src.nextFrame()) {
          const header = new RtpHeader({ payloadType: offer.payloadType!, sequenceNumber: seq, timestamp: out.timestamp, marker: out.marker, ssrc: offer.ssrc! });
          seq = (seq + 1) & 0xffff;
          tr.sender.sendRtp(new RtpPacket(header, out.payload)).catch(() => undefined);
        }
      }, 1000 / 30),
    );
    let packets = 0;
    await until(
      'RTP counted by the producer',
      async () => {
        const stats = await producer.getStats();
        packets = stats.reduce((n, s) => n + (s.packetCount ?? 0), 0);
        return packets >= 100;
      },
      30_000,
      200,
    );
    expect(packets).toBeGreaterThanOrEqual(100);
    expect(died).toBeUndefined();
  });

  it('sends that producer to a second peer through a consumer (SRTP out, DTLS as the other role)', async () => {
    const t = await transport();
    const consumer = await t.consume({
      producerId: producer.id,
      rtpCapabilities: {
        codecs: [{ kind: 'video', mimeType: 'video/VP8', clockRate: 90000, preferredPayloadType: 96, rtcpFeedback: [{ type: 'nack' }, { type: 'nack', parameter: 'pli' }] }],
        headerExtensions: [],
      },
    });
    const pc = new RTCPeerConnection(PEER);
    peers.push(pc);
    let received = 0;
    pc.onTrack.subscribe((track: MediaStreamTrack) => {
      track.onReceiveRtp.subscribe(() => received++);
    });
    await pc.setRemoteDescription({ type: 'offer', sdp: offerForConsumer(t, consumer, '0') });
    await pc.setLocalDescription(await pc.createAnswer());
    await gathered(pc);
    const answer = parsePeer(pc.localDescription!.sdp);
    await t.connect({ dtlsParameters: remoteDtls(answer) });
    await connected(pc, 30_000);
    await until('DTLS connected on the consuming transport', () => t.dtlsState === 'connected', 30_000);
    await until('RTP from the consumer decrypted by the peer', () => received >= 50, 30_000);
    const stats = await consumer.getStats();
    const sent = stats.find((s) => s.type === 'outbound-rtp');
    expect(sent?.packetCount ?? 0).toBeGreaterThanOrEqual(50);
    expect(died).toBeUndefined();
  });
});
