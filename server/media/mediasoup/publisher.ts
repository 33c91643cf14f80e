import type { types } from 'mediasoup';
import { RemoteSdp } from 'mediasoup-client/handlers/sdp/RemoteSdp';
import { extractDtlsParameters } from 'mediasoup-client/handlers/sdp/commonUtils';
import { InvalidStateError, ValidationError } from '../../lib/errors.js';
import type { MediaKind, ProducerInfo, TrackSource } from '../engine.js';
import { SdpOrigin, parseSdp, peerIdentity, readPublishOffer, setupOf, type OfferSection } from './sdp.js';
import { transportSdpParams } from './transport.js';

export interface PublishedProducer {
  producer: types.Producer;
  info: ProducerInfo;
  mid: string;
}

export interface PublisherHooks {
  /** Whether a new producer of this kind starts forwarding (the participant's setForwarding state). */
  enabled(kind: MediaKind): boolean;
  /** Producers were added or removed (also when an offer failed halfway: what changed before). */
  changed(added: PublishedProducer[], removed: PublishedProducer[]): void;
}

const defaultSource = (kind: MediaKind): TrackSource => (kind === 'audio' ? 'microphone' : 'camera');

/**
 * A participant's sending transport: the client offers, we answer (non-trickle; mediasoup is ICE-lite and its
 * candidates are known up front). One producer per sending m-line; a section the client turned inactive closes its
 * producer; renegotiation (a screen share added or removed) keeps the others. As mediasoup-client's send() does,
 * the client is the DTLS client and mediasoup the server (a=setup:passive in our answers).
 */
export class MsPublisher {
  readonly producers = new Map<string, PublishedProducer>();
  closed = false;
  private readonly remoteSdp: RemoteSdp;
  private readonly origin = new SdpOrigin();
  private connected = false;
  /** ICE ufrag + fingerprint of the client's connection: another one needs another transport. */
  identity: string | null = null;

  constructor(
    readonly participantId: string,
    readonly transport: types.WebRtcTransport,
    private readonly routerCaps: types.RtpCapabilities,
    private readonly hooks: PublisherHooks,
  ) {
    this.remoteSdp = new RemoteSdp(transportSdpParams(transport));
  }

  get failed(): boolean {
    return this.closed || this.transport.closed || this.transport.iceState === 'closed' || this.transport.dtlsState === 'failed' || this.transport.dtlsState === 'closed';
  }

  /** Whether an offer comes from the client connection this transport serves (or none yet). */
  accepts(offerSdp: string): boolean {
    if (this.identity === null) return true;
    try {
      return peerIdentity(parseSdp(offerSdp, 'offer')) === this.identity;
    } catch {
      return true; // handleOffer reports the error
    }
  }

  /** Applies a client offer: producers follow its m-lines. Returns the answer. */
  async handleOffer(offerSdp: string, sources: Record<string, TrackSource>): Promise<string> {
    if (this.closed) throw new InvalidStateError('publisher transport closed');
    const sdp = parseSdp(offerSdp, 'offer');
    const sections = readPublishOffer(sdp, this.routerCaps);
    if (!this.connected) {
      let dtls: types.DtlsParameters;
      try {
        dtls = extractDtlsParameters({ sdpObject: sdp }) as types.DtlsParameters;
      } catch (e) {
        throw new ValidationError(`invalid offer: ${e instanceof Error ? e.message : String(e)}`);
      }
      // The client offers actpass: it takes the client role, mediasoup the server one (as mediasoup-client does).
      const clientIsServer = setupOf(sdp) === 'passive';
      await this.transport.connect({ dtlsParameters: { ...dtls, role: clientIsServer ? 'server' : 'client' } });
      this.remoteSdp.updateDtlsRole(clientIsServer ? 'client' : 'server');
      this.connected = true;
      this.identity = peerIdentity(sdp);
    }
    if (sdp.extmapAllowMixed) this.remoteSdp.setSessionExtmapAllowMixed();
    const added: PublishedProducer[] = [];
    const removed: PublishedProducer[] = [];
    try {
      await this.reconcile(sections, sources, added, removed);
    } finally {
      if (added.length || removed.length) this.hooks.changed(added, removed);
    }
    return this.origin.apply(this.remoteSdp.getSdp());
  }

  private async reconcile(sections: OfferSection[], sources: Record<string, TrackSource>, added: PublishedProducer[], removed: PublishedProducer[]): Promise<void> {
    for (const s of sections) {
      const existing = this.producers.get(s.mid);
      if (existing && (!s.sending || existing.producer.closed || existing.producer.kind !== s.kind)) {
        this.producers.delete(s.mid);
        existing.producer.close();
        removed.push(existing);
      }
      if (s.sending && !this.producers.get(s.mid)) {
        const p = await this.produce(s, sources);
        this.producers.set(s.mid, p);
        added.push(p);
      }
      this.answerSection(s);
    }
    // m-lines never disappear from an offer; a producer whose mid is gone anyway is gone too.
    const mids = new Set(sections.map((s) => s.mid));
    for (const [mid, p] of this.producers) {
      if (mids.has(mid)) continue;
      this.producers.delete(mid);
      p.producer.close();
      removed.push(p);
    }
  }

  private async produce(s: OfferSection, sources: Record<string, TrackSource>): Promise<PublishedProducer> {
    const trackId = s.media.msid?.[0]?.appdata;
    const source = sources[s.mid] ?? (trackId ? sources[trackId] : undefined) ?? defaultSource(s.kind);
    let producer: types.Producer;
    try {
      producer = await this.transport.produce({
        kind: s.kind,
        rtpParameters: s.sendParams as unknown as types.RtpParameters,
        paused: !this.hooks.enabled(s.kind),
        appData: { participantId: this.participantId, source },
      });
    } catch (e) {
      throw new ValidationError(`cannot receive the ${s.kind} section ${s.mid}: ${e instanceof Error ? e.message : String(e)}`);
    }
    const info: ProducerInfo = { id: producer.id, participantId: this.participantId, kind: s.kind, source, layers: [...s.rids] };
    return { producer, info, mid: s.mid };
  }

  /** The answer's section for one offered m-line: recvonly when the client sends, inactive otherwise. */
  private answerSection(s: OfferSection): void {
    this.remoteSdp.send({ offerMediaObject: s.media, offerRtpParameters: s.sendParams, answerRtpParameters: s.answerParams });
    if (!s.sending) this.remoteSdp.disableMediaSection(s.mid);
  }

  close(): PublishedProducer[] {
    if (this.closed) return [];
    this.closed = true;
    const all = [...this.producers.values()];
    this.producers.clear();
    this.transport.close();
    return all;
  }
}
