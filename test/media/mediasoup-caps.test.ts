import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as sdpTransform from 'sdp-transform';
import { RTCPeerConnection, useAbsSendTime, useAudioLevelIndication, useOPUS, useSdesMid, useTransportWideCC, useVP8 } from 'werift';
import type { types } from 'mediasoup';
import { loadConfig } from '../../server/config/index.js';
import { receiveCapabilities } from '../../server/media/mediasoup/caps.js';
import { MEDIA_CODECS } from '../../server/media/mediasoup/codecs.js';
import { loadMediasoup } from '../../server/media/mediasoup/load.js';
import { locateMediasoupWorker } from '../../server/media/mediasoup/worker-bin.js';
import { LOOPBACK } from './helpers/bot.js';

/**
 * What a participant's consumers are created with (issue 13): what its own publishing offer has in common with the
 * router, and the router's own for a kind it did not offer. Created with the router's full capabilities instead, a
 * consumer made the worker write seven header extensions per packet and run a congestion controller for a client that
 * offered none of it (0.48 against 0.27 MB per consumer in bench:sfu). Checked on a real router and real consumers.
 */
const where = locateMediasoupWorker(loadConfig().mediasoup);

type Ext = ReturnType<typeof useSdesMid>;

async function offer(kinds: ('audio' | 'video')[], ext: { audio: Ext[]; video: Ext[] }): Promise<sdpTransform.SessionDescription> {
  const pc = new RTCPeerConnection({ ...LOOPBACK, codecs: { audio: [useOPUS()], video: [useVP8()] }, headerExtensions: ext });
  for (const k of kinds) pc.addTransceiver(k, { direction: 'sendonly' });
  const o = await pc.createOffer();
  await pc.close();
  return sdpTransform.parse(o.sdp);
}

const uris = (caps: types.RtpCapabilities, kind: string) => (caps.headerExtensions ?? []).filter((e) => e.kind === kind).map((e) => e.uri).sort();
const mimes = (caps: types.RtpCapabilities, kind: string) => (caps.codecs ?? []).filter((c) => c.kind === kind).map((c) => c.mimeType).sort();

describe.skipIf(!where.ok)('mediasoup consumers get what the participant offered', () => {
  let worker: types.Worker;
  let router: types.Router;

  beforeAll(async () => {
    if (!where.ok) return;
    worker = await (await loadMediasoup(where.bin)).createWorker({ logLevel: 'warn' });
    router = await worker.createRouter({ mediaCodecs: MEDIA_CODECS });
  });
  afterAll(() => worker?.close());

  it('a video-only peer with only the mid extension: VP8 without RTX, mid only; audio keeps the router codecs and its audio-only extensions', async () => {
    const caps = receiveCapabilities(await offer(['video'], { audio: [], video: [useSdesMid()] }), router.rtpCapabilities);
    expect(mimes(caps, 'video')).toEqual(['video/VP8']);
    expect(uris(caps, 'video')).toEqual(['urn:ietf:params:rtp-hdrext:sdes:mid']);
    expect(mimes(caps, 'audio')).toEqual(mimes(router.rtpCapabilities, 'audio'));
    // transport-cc and abs-send-time are shared URIs: the peer's video section said no, so no kind gets them.
    expect(uris(caps, 'audio')).toEqual(['urn:ietf:params:rtp-hdrext:ssrc-audio-level']);
  });

  it('a peer offering transport-cc keeps it (and with it the bandwidth estimator)', async () => {
    const caps = receiveCapabilities(
      await offer(['audio', 'video'], { audio: [useSdesMid(), useAudioLevelIndication(), useTransportWideCC()], video: [useSdesMid(), useAbsSendTime(), useTransportWideCC()] }),
      router.rtpCapabilities,
    );
    expect(uris(caps, 'video')).toContain('http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01');
    expect(uris(caps, 'audio')).toEqual(expect.arrayContaining(['urn:ietf:params:rtp-hdrext:sdes:mid', 'urn:ietf:params:rtp-hdrext:ssrc-audio-level']));
  });

  it('a real consumer created with them carries only what the peer offered', async () => {
    const caps = receiveCapabilities(await offer(['video'], { audio: [], video: [useSdesMid()] }), router.rtpCapabilities);
    const send = await router.createPlainTransport({ listenInfo: { protocol: 'udp', ip: '127.0.0.1' }, rtcpMux: true, comedia: true });
    const recv = await router.createWebRtcTransport({ listenInfos: [{ protocol: 'udp', ip: '127.0.0.1' }] });
    const producer = await send.produce({
      kind: 'video',
      rtpParameters: { codecs: [{ mimeType: 'video/VP8', payloadType: 96, clockRate: 90000 }], encodings: [{ ssrc: 1111 }] },
    });
    const lean = await recv.consume({ producerId: producer.id, rtpCapabilities: caps });
    const full = await recv.consume({ producerId: producer.id, rtpCapabilities: router.rtpCapabilities });
    expect(lean.rtpParameters.codecs.map((c) => c.mimeType)).toEqual(['video/VP8']);
    expect((lean.rtpParameters.headerExtensions ?? []).map((e) => e.uri)).toEqual(['urn:ietf:params:rtp-hdrext:sdes:mid']);
    expect(lean.rtpParameters.encodings?.[0]?.rtx).toBeUndefined();
    // What the engine did before: RTX and every header extension the router has.
    expect(full.rtpParameters.codecs.map((c) => c.mimeType)).toContain('video/rtx');
    expect((full.rtpParameters.headerExtensions ?? []).length).toBeGreaterThan(3);
    send.close();
    recv.close();
  });
});
