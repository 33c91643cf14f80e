import { RTCPeerConnection, type RTCRtpTransceiver } from 'werift';
import { InvalidStateError, ValidationError } from '../../lib/errors.js';
import type { MediaKind, TrackSource } from '../engine.js';
import { SdpOrigin, checkSdp, filterCandidates, iceGatheringComplete, publisherConfig, type NetworkOptions } from './config.js';
import { Producer } from './producer.js';
import { shortId } from './util.js';

export interface PublisherHooks {
  /** Producers of this transport were added or removed. */
  changed(added: Producer[], removed: Producer[]): void;
  /** Whether a new producer of this kind starts enabled (the participant's setForwarding state). */
  enabled(kind: MediaKind): boolean;
}

const defaultSource = (kind: MediaKind): TrackSource => (kind === 'audio' ? 'microphone' : 'camera');

/** A participant's sending transport: the client offers, we answer (non-trickle), every received track is a producer. */
export class PublisherTransport {
  readonly pc: RTCPeerConnection;
  readonly producers = new Map<RTCRtpTransceiver, Producer>();
  closed = false;
  private readonly origin = new SdpOrigin();

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
      const answer = await this.pc.createAnswer();
      await this.pc.setLocalDescription(answer);
    } catch (e) {
      throw new ValidationError(`invalid offer: ${e instanceof Error ? e.message : String(e)}`);
    }
    await iceGatheringComplete(this.pc);
    if (this.closed) throw new InvalidStateError('publisher transport closed');
    this.reconcile(sources);
    const local = this.pc.localDescription;
    if (!local) throw new Error('no local description');
    return this.origin.apply(filterCandidates(local.sdp, this.net));
  }

  /** Producers follow the negotiated transceivers: one per receiving m-line, gone when the client stops sending. */
  private reconcile(sources: Record<string, TrackSource>): void {
    const added: Producer[] = [];
    const removed: Producer[] = [];
    for (const t of this.pc.getTransceivers()) {
      const receiving = !t.stopped && !t.stopping && (t.direction === 'recvonly' || t.direction === 'sendrecv') && t.receiver.tracks.length > 0;
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
        existing.attachTracks();
        continue;
      }
      const kind = t.kind as MediaKind;
      const rids = t.receiver.tracks.map((tr) => tr.rid).filter((r): r is string => typeof r === 'string' && r.length > 0);
      const source = sources[t.mid ?? ''] ?? (t.receiver.remoteTrackId ? sources[t.receiver.remoteTrackId] : undefined) ?? defaultSource(kind);
      const p = new Producer(shortId('prod'), this.participantId, kind, source, codec, t, rids);
      p.enabled = this.hooks.enabled(kind);
      p.attachTracks();
      this.producers.set(t, p);
      added.push(p);
    }
    if (added.length || removed.length) this.hooks.changed(added, removed);
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
