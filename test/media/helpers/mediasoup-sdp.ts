import type { types } from 'mediasoup';

/**
 * Just enough SDP to put one werift peer connection (one VP8 m-line, no header extensions) on one mediasoup
 * WebRtcTransport, in both directions: the peer offers to publish and gets an answer made from the transport's ICE
 * and DTLS parameters; or mediasoup's consumer is written as an offer and the peer answers. mediasoup is ICE-lite.
 */
export interface PeerMedia {
  readonly ufrag: string;
  readonly pwd: string;
  readonly fingerprint: types.DtlsFingerprint;
  /** a=setup of the peer's description. */
  readonly setup: string;
  readonly mid: string;
  readonly payloadType: number | undefined;
  readonly ssrc: number | undefined;
  readonly cname: string | undefined;
}

function attr(sdp: string, name: string): string | undefined {
  return new RegExp(`^a=${name}:(.+)$`, 'm').exec(sdp)?.[1]?.trim();
}

export function parsePeer(sdp: string): PeerMedia {
  const fp = attr(sdp, 'fingerprint');
  const [algorithm, value] = fp?.split(' ') ?? [];
  const vp8 = /^a=rtpmap:(\d+) VP8\/90000/im.exec(sdp);
  const ssrc = /^a=ssrc:(\d+) cname:(\S+)/m.exec(sdp);
  const ufrag = attr(sdp, 'ice-ufrag');
  const pwd = attr(sdp, 'ice-pwd');
  if (!ufrag || !pwd || !algorithm || !value) throw new Error(`incomplete SDP:\n${sdp}`);
  return {
    ufrag,
    pwd,
    fingerprint: { algorithm: algorithm.toLowerCase() as types.FingerprintAlgorithm, value: value.toUpperCase() },
    setup: attr(sdp, 'setup') ?? 'actpass',
    mid: attr(sdp, 'mid') ?? '0',
    payloadType: vp8 ? Number(vp8[1]) : undefined,
    ssrc: ssrc ? Number(ssrc[1]) : undefined,
    cname: ssrc?.[2],
  };
}

/** Lines common to both directions: the transport's ICE and DTLS parameters on one bundled video m-line. */
function transportLines(t: types.WebRtcTransport, mid: string, payloadType: number, setup: string): string[] {
  const candidate = t.iceCandidates.find((c) => c.protocol === 'udp');
  if (!candidate) throw new Error('the transport has no UDP candidate');
  const fp = t.dtlsParameters.fingerprints.find((f) => f.algorithm === 'sha-256');
  if (!fp) throw new Error('the transport has no sha-256 fingerprint');
  return [
    'v=0',
    `o=- ${Date.now()} 1 IN IP4 ${candidate.address}`,
    's=-',
    't=0 0',
    'a=ice-lite',
    `a=group:BUNDLE ${mid}`,
    'a=msid-semantic: WMS *',
    `a=fingerprint:sha-256 ${fp.value}`,
    `m=video ${candidate.port} UDP/TLS/RTP/SAVPF ${payloadType}`,
    `c=IN IP4 ${candidate.address}`,
    'a=rtcp:9 IN IP4 0.0.0.0',
    `a=mid:${mid}`,
    'a=rtcp-mux',
    `a=ice-ufrag:${t.iceParameters.usernameFragment}`,
    `a=ice-pwd:${t.iceParameters.password}`,
    `a=setup:${setup}`,
    `a=rtpmap:${payloadType} VP8/90000`,
    `a=rtcp-fb:${payloadType} nack`,
    `a=rtcp-fb:${payloadType} nack pli`,
    `a=candidate:${candidate.foundation} 1 udp ${candidate.priority} ${candidate.address} ${candidate.port} typ host`,
    'a=end-of-candidates',
  ];
}

/** The answer to a peer's sendonly offer; mediasoup takes the DTLS server role (the peer connects as client). */
export function answerToPublisher(t: types.WebRtcTransport, offer: PeerMedia): string {
  if (offer.payloadType === undefined) throw new Error('the offer has no VP8');
  return [...transportLines(t, offer.mid, offer.payloadType, 'passive'), 'a=recvonly', ''].join('\r\n');
}

/** A sendonly offer carrying one mediasoup consumer (the peer answers and picks its DTLS role). */
export function offerForConsumer(t: types.WebRtcTransport, consumer: types.Consumer, mid: string): string {
  const codec = consumer.rtpParameters.codecs[0];
  const ssrc = consumer.rtpParameters.encodings?.[0]?.ssrc;
  if (!codec || ssrc === undefined) throw new Error('the consumer has no codec or SSRC');
  const cname = consumer.rtpParameters.rtcp?.cname ?? 'mediasoup';
  return [
    ...transportLines(t, mid, codec.payloadType, 'actpass'),
    'a=sendonly',
    `a=msid:${consumer.producerId} ${consumer.id}`,
    `a=ssrc:${ssrc} cname:${cname}`,
    `a=ssrc:${ssrc} msid:${consumer.producerId} ${consumer.id}`,
    '',
  ].join('\r\n');
}

/** mediasoup's `role` is the remote's DTLS role: the opposite of what a=setup leaves mediasoup with. */
export function remoteDtls(peer: PeerMedia): types.DtlsParameters {
  return { role: peer.setup === 'passive' ? 'server' : 'client', fingerprints: [peer.fingerprint] };
}
