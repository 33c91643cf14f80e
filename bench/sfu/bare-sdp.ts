import type { types } from 'mediasoup';

/**
 * The subscriber offer of the bare mediasoup baseline: one bundled sendonly VP8 m-line per consumer on one
 * WebRtcTransport (mediasoup is ICE-lite), with `a=msid:<publisher> <producer>` as Concord's engines write it, so the
 * bots map SSRCs to producers the same way for every engine.
 */
export interface ConsumerSection {
  consumer: types.Consumer;
  fromParticipantId: string;
}

let session = Date.now();

export function offerForConsumers(t: types.WebRtcTransport, sections: ConsumerSection[]): string {
  const candidate = t.iceCandidates.find((c) => c.protocol === 'udp');
  if (!candidate) throw new Error('the transport has no UDP candidate');
  const fp = t.dtlsParameters.fingerprints.find((f) => f.algorithm === 'sha-256');
  if (!fp) throw new Error('the transport has no sha-256 fingerprint');
  const mids = sections.map((_, i) => String(i));
  const lines = [
    'v=0',
    `o=- ${session++} 1 IN IP4 ${candidate.address}`,
    's=-',
    't=0 0',
    'a=ice-lite',
    `a=group:BUNDLE ${mids.join(' ')}`,
    'a=msid-semantic: WMS *',
    `a=fingerprint:sha-256 ${fp.value}`,
  ];
  sections.forEach(({ consumer, fromParticipantId }, i) => {
    const codec = consumer.rtpParameters.codecs[0];
    const ssrc = consumer.rtpParameters.encodings?.[0]?.ssrc;
    if (!codec || ssrc === undefined) throw new Error('the consumer has no codec or SSRC');
    const pt = codec.payloadType;
    const cname = consumer.rtpParameters.rtcp?.cname ?? 'mediasoup';
    lines.push(
      `m=video ${candidate.port} UDP/TLS/RTP/SAVPF ${pt}`,
      `c=IN IP4 ${candidate.address}`,
      'a=rtcp:9 IN IP4 0.0.0.0',
      `a=mid:${mids[i]}`,
      'a=rtcp-mux',
      'a=rtcp-rsize',
      `a=ice-ufrag:${t.iceParameters.usernameFragment}`,
      `a=ice-pwd:${t.iceParameters.password}`,
      'a=setup:actpass',
      `a=rtpmap:${pt} VP8/90000`,
      ...(codec.rtcpFeedback ?? []).map((f) => `a=rtcp-fb:${pt} ${f.type}${f.parameter ? ` ${f.parameter}` : ''}`),
      `a=candidate:${candidate.foundation} 1 udp ${candidate.priority} ${candidate.address} ${candidate.port} typ host`,
      'a=end-of-candidates',
      'a=sendonly',
      `a=msid:${fromParticipantId} ${consumer.producerId}`,
      `a=ssrc:${ssrc} cname:${cname}`,
      `a=ssrc:${ssrc} msid:${fromParticipantId} ${consumer.producerId}`,
    );
  });
  return [...lines, ''].join('\r\n');
}
