import { EventEmitter } from 'node:events';
import type { types } from 'mediasoup';
import type { RouterEvents } from '../../server/media/engine.js';
import { answerToPublisher, parsePeer, remoteDtls } from '../../test/media/helpers/mediasoup-sdp.js';
import { offerForConsumers } from './bare-sdp.js';

/**
 * The baseline under Concord's mediasoup engine: a raw mediasoup router with just enough signalling for the bench's
 * static video-only rooms (everyone publishes one VP8 track, then everyone subscribes once to the others), written
 * directly against mediasoup's API: no engine, no SDP bridge, no room bookkeeping. What it costs is the worker's floor.
 */
const VP8_FEEDBACK: types.RtcpFeedback[] = [{ type: 'nack' }, { type: 'nack', parameter: 'pli' }];

/** What the bots can receive: VP8 only, no header extensions (the bots' receive side only counts packets). */
const BOT_CAPABILITIES: types.RtpCapabilities = {
  codecs: [{ kind: 'video', mimeType: 'video/VP8', clockRate: 90000, preferredPayloadType: 96, rtcpFeedback: VP8_FEEDBACK }],
  headerExtensions: [],
};

export const BARE_MEDIA_CODECS: types.RouterRtpCodecCapability[] = [{ kind: 'video', mimeType: 'video/VP8', clockRate: 90000 }];

interface Published {
  participantId: string;
  producer: types.Producer;
}

export class BareMediasoupRouter {
  private readonly events = new EventEmitter();
  private readonly transports: types.WebRtcTransport[] = [];
  private readonly published: Published[] = [];
  private readonly consumers: types.Consumer[] = [];
  private readonly receiving = new Map<string, types.WebRtcTransport>();

  constructor(
    private readonly router: types.Router,
    private readonly listenIp: string,
  ) {}

  private async transport(): Promise<types.WebRtcTransport> {
    const t = await this.router.createWebRtcTransport({ listenInfos: [{ protocol: 'udp', ip: this.listenIp }], enableUdp: true, enableTcp: false });
    this.transports.push(t);
    return t;
  }

  async publish(participantId: string, offerSdp: string): Promise<{ answerSdp: string }> {
    const offer = parsePeer(offerSdp);
    if (offer.payloadType === undefined || offer.ssrc === undefined) throw new Error('the bare router takes one VP8 track with an SSRC');
    const t = await this.transport();
    // The peer offers actpass and gets a passive answer: it is the DTLS client.
    await t.connect({ dtlsParameters: remoteDtls({ ...offer, setup: 'active' }) });
    const producer = await t.produce({
      kind: 'video',
      rtpParameters: {
        mid: offer.mid,
        codecs: [{ mimeType: 'video/VP8', payloadType: offer.payloadType, clockRate: 90000, rtcpFeedback: VP8_FEEDBACK }],
        headerExtensions: [],
        encodings: [{ ssrc: offer.ssrc }],
        rtcp: { cname: offer.cname ?? participantId, reducedSize: true },
      },
    });
    this.published.push({ participantId, producer });
    return { answerSdp: answerToPublisher(t, offer) };
  }

  async subscribe(participantId: string): Promise<void> {
    const t = await this.transport();
    this.receiving.set(participantId, t);
    const sections = [];
    for (const p of this.published) {
      if (p.participantId === participantId) continue;
      const consumer = await t.consume({ producerId: p.producer.id, rtpCapabilities: BOT_CAPABILITIES });
      this.consumers.push(consumer);
      sections.push({ consumer, fromParticipantId: p.participantId });
    }
    this.events.emit('subscriberOffer', participantId, offerForConsumers(t, sections));
  }

  async answerSubscriber(participantId: string, answerSdp: string): Promise<void> {
    const t = this.receiving.get(participantId);
    if (!t) throw new Error(`${participantId} has no receiving transport`);
    await t.connect({ dtlsParameters: remoteDtls(parsePeer(answerSdp)) });
  }

  /** RTP packets the consumers sent (mediasoup's outbound-rtp packetCount). */
  async forwarded(): Promise<number> {
    const stats = await Promise.all(this.consumers.map((c) => c.getStats()));
    return stats.flat().reduce((n, s) => n + (s.type === 'outbound-rtp' ? s.packetCount : 0), 0);
  }

  on<E extends keyof RouterEvents>(event: E, listener: RouterEvents[E]): void {
    this.events.on(event, listener);
  }
  off<E extends keyof RouterEvents>(event: E, listener: RouterEvents[E]): void {
    this.events.off(event, listener);
  }

  async close(): Promise<void> {
    for (const t of this.transports) t.close();
    this.router.close();
  }
}
