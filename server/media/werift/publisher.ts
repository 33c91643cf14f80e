import { RTCPeerConnection, RTP_EXTENSION_URI, type RTCRtpReceiver, type RTCRtpTransceiver } from 'werift';
import { InvalidStateError, ValidationError } from '../../lib/errors.js';
import type { MediaKind, TrackSource } from '../engine.js';
import { SdpOrigin, checkSdp, filterCandidates, iceGatheringComplete, publisherConfig, type NetworkOptions } from './config.js';
import { ReceiveStats, takeOverSrtp, type ExtensionIds, type FastReader, type InboundResolver, type InboundRoute } from './inbound.js';
import type { Layer } from './layers.js';
import { Producer } from './producer.js';
import { shortId } from './util.js';

export interface PublisherHooks {
  /** Producers of this transport were added or removed. */
  changed(added: Producer[], removed: Producer[]): void;
  /** Whether a new producer of this kind starts enabled (the participant's setForwarding state). */
  enabled(kind: MediaKind): boolean;
}

const defaultSource = (kind: MediaKind): TrackSource => (kind === 'audio' ? 'microphone' : 'camera');

interface ReceiverInternals {
  codecs: Record<number, { name: string; clockRate: number }>;
  ssrcByRtx: Record<number, number>;
  remoteStreams: Record<number, unknown>;
  nack: { constructor: new (r: RTCRtpReceiver) => NonNullable<Layer['nack']> };
  nackEnabled: unknown;
  runRtcp(): Promise<void>;
}

/**
 * A participant's sending transport: the client offers, we answer (non-trickle), every received track is a producer.
 * Its SRTP is read on bytes (inbound.ts); werift's receive pipeline is only the fallback.
 */
export class PublisherTransport implements InboundResolver {
  readonly pc: RTCPeerConnection;
  readonly producers = new Map<RTCRtpTransceiver, Producer>();
  closed = false;
  private readonly origin = new SdpOrigin();
  private readonly readers = new Set<FastReader>();

  constructor(
    readonly participantId: string,
    private readonly net: NetworkOptions,
    private readonly hooks: PublisherHooks,
  ) {
    this.pc = new RTCPeerConnection(publisherConfig(net));
  }

  get failed(): boolean {
    return this.closed || this.pc.connectionState === 'failed' || this.pc.connectionState === 'closed';
  }

  async handleOffer(offerSdp: string, sources: Record<string, TrackSource>): Promise<string> {
    const sdp = checkSdp(offerSdp, 'offer');
    if (this.closed) throw new InvalidStateError('publisher transport closed');
    try {
      await this.pc.setRemoteDescription({ type: 'offer', sdp });
      this.takeOver();
      const answer = await this.pc.createAnswer();
      await this.pc.setLocalDescription(answer);
      this.takeOver();
    } catch (e) {
      throw new ValidationError(`invalid offer: ${e instanceof Error ? e.message : String(e)}`);
    }
    await iceGatheringComplete(this.pc);
    if (this.closed) throw new InvalidStateError('publisher transport closed');
    this.reconcile(sources);
    for (const r of this.readers) r.reset();
    const local = this.pc.localDescription;
    if (!local) throw new Error('no local description');
    return this.origin.apply(filterCandidates(local.sdp, this.net));
  }

  /** Producers follow the negotiated transceivers: one per receiving m-line, gone when the client stops sending. */
  private reconcile(sources: Record<string, TrackSource>): void {
    const added: Producer[] = [];
    const removed: Producer[] = [];
    for (const t of this.pc.getTransceivers()) {
      // The negotiated direction: a section the client turned inactive (screen share stopped) stops receiving,
      // although our own side of it stays recvonly.
      const dir = t.currentDirection ?? t.direction;
      const receiving = !t.stopped && !t.stopping && (dir === 'recvonly' || dir === 'sendrecv') && t.receiver.tracks.length > 0;
      const codec = t.codecs.find((c) => !['rtx', 'red', 'ulpfec'].includes(c.name.toLowerCase()));
      const existing = this.producers.get(t);
      if (!receiving || !codec) {
        if (existing) {
          this.producers.delete(t);
          removed.push(existing);
        }
        continue;
      }
      if (existing) {
        if (!this.fast(t)) existing.attachTracks();
        continue;
      }
      const kind = t.kind as MediaKind;
      const rids = t.receiver.tracks.map((tr) => tr.rid).filter((r): r is string => typeof r === 'string' && r.length > 0);
      const source = sources[t.mid ?? ''] ?? (t.receiver.remoteTrackId ? sources[t.receiver.remoteTrackId] : undefined) ?? defaultSource(kind);
      const p = new Producer(shortId('prod'), this.participantId, kind, source, codec, t, rids);
      p.enabled = this.hooks.enabled(kind);
      if (!this.fast(t)) p.attachTracks();
      this.producers.set(t, p);
      added.push(p);
    }
    if (added.length || removed.length) this.hooks.changed(added, removed);
  }

  /** Puts our byte-level reader on every DTLS transport before its handshake completes. */
  private takeOver(): void {
    for (const dtls of this.pc.dtlsTransports) {
      const reader = takeOverSrtp(dtls, this);
      if (reader) this.readers.add(reader);
    }
  }

  private fast(t: RTCRtpTransceiver): boolean {
    return !!(t.dtlsTransport as unknown as { concordFastPath?: FastReader } | undefined)?.concordFastPath;
  }

  extensionIds(): ExtensionIds {
    const ids: ExtensionIds = { mid: -1, rid: -1, rrid: -1, level: -1 };
    for (const t of this.pc.getTransceivers()) {
      for (const e of t.headerExtensions) {
        if (e.uri === RTP_EXTENSION_URI.sdesMid) ids.mid = e.id;
        else if (e.uri === RTP_EXTENSION_URI.sdesRTPStreamID) ids.rid = e.id;
        else if (e.uri === RTP_EXTENSION_URI.repairedRtpStreamId) ids.rrid = e.id;
        else if (e.uri === RTP_EXTENSION_URI.audioLevelIndication) ids.level = e.id;
      }
    }
    return ids;
  }

  /** First packet of an SSRC: which producer and layer, media or RTX. Signalled SSRCs, then MID, then RID. */
  resolve(ssrc: number, payloadType: number, ids: { mid?: string; rid?: string; rrid?: string }): InboundRoute | null {
    const owner = (this.pc as unknown as { router?: { ssrcTable?: Record<number, unknown> } }).router?.ssrcTable?.[ssrc];
    let producer: Producer | undefined;
    for (const [t, p] of this.producers) if (owner !== undefined && t.receiver === owner) producer = p;
    if (!producer && ids.mid !== undefined) for (const [t, p] of this.producers) if (t.mid === ids.mid) producer = p;
    const anyRid = ids.rid ?? ids.rrid;
    if (!producer && anyRid !== undefined) producer = [...this.producers.values()].find((p) => p.layers.some((l) => l.rid === anyRid));
    if (!producer || producer.closed) return null;
    const receiver = producer.transceiver.receiver as unknown as ReceiverInternals;
    const codec = receiver.codecs[payloadType];
    if (!codec) return null;
    const rtx = codec.name.toLowerCase() === 'rtx';
    let layer: Layer | undefined;
    let mediaSsrc = ssrc;
    if (rtx) {
      const mapped = receiver.ssrcByRtx[ssrc];
      if (mapped !== undefined) layer = producer.simulcast ? producer.layers.find((l) => l.ssrc === mapped) : producer.layers[0];
      else if (ids.rrid !== undefined) layer = producer.layers.find((l) => l.rid === ids.rrid);
      else if (!producer.simulcast) layer = producer.layers[0];
      mediaSsrc = mapped ?? layer?.ssrc ?? 0;
      if (!layer || !mediaSsrc) return null;
    } else {
      layer = producer.simulcast ? producer.layers.find((l) => l.rid === ids.rid || (l.ssrc === ssrc && ssrc !== 0)) : producer.layers[0];
      if (!layer) return null;
      layer.ssrc = ssrc;
    }
    let stats = receiver.remoteStreams[ssrc] as ReceiveStats | undefined;
    if (!(stats instanceof ReceiveStats)) receiver.remoteStreams[ssrc] = stats = new ReceiveStats(codec.clockRate);
    let nack: InboundRoute['nack'] = null;
    if (producer.kind === 'video' && receiver.nackEnabled) {
      // werift keeps one NACK tracker per receiver; simulcast layers have separate sequence spaces.
      if (producer.simulcast) nack = layer.nack ?? (layer.nack = new receiver.nack.constructor(producer.transceiver.receiver));
      else nack = receiver.nack as unknown as InboundRoute['nack'];
    }
    receiver.runRtcp().catch(() => undefined);
    const target = layer;
    const p = producer;
    return {
      stats, rtx, mediaSsrc, nack,
      deliver: (seq, ts, marker, payload, level, now) => p.onPacket(target, seq, ts, marker, payload, level, now),
      alive: () => !p.closed && this.producers.get(p.transceiver) === p,
    };
  }

  close(): Producer[] {
    if (this.closed) return [];
    this.closed = true;
    const all = [...this.producers.values()];
    this.producers.clear();
    for (const p of all) p.close();
    this.pc.close().catch(() => undefined);
    return all;
  }
}
