import { EventEmitter } from 'node:events';
import { RTCPeerConnection, type MediaStreamTrack, type RTCRtpReceiver } from 'werift';
import type { ForwardingEntry, MediaKind, ProducerInfo, RouterEvents, TrackSource } from '../../server/media/engine.js';
import { filterCandidates, iceGatheringComplete, publisherConfig, subscriberConfig, type NetworkOptions } from '../../server/media/werift/config.js';
import type { HostedRouter } from '../../server/media/worker/serve.js';

/**
 * The baseline the benchmark compares against: forwarding the way werift's examples do it, with plain
 * RTCPeerConnections, `ontrack` and werift's own `sendRtp` per subscriber (header extensions cleared, PLI relayed).
 * Enough of MediaRouter for the benchmark's static rooms: everyone publishes, then everyone subscribes once.
 */
interface Track {
  id: string;
  participantId: string;
  kind: MediaKind;
  track: MediaStreamTrack;
  receiver: RTCRtpReceiver;
}

export class NaiveRouter implements HostedRouter {
  readonly id = `naive_${Math.random().toString(36).slice(2)}`;
  closed = false;
  private readonly events = new EventEmitter();
  private readonly pubs = new Map<string, RTCPeerConnection>();
  private readonly subs = new Map<string, RTCPeerConnection>();
  private readonly tracks: Track[] = [];
  private readonly counts = new Map<string, ForwardingEntry>();
  private n = 0;

  constructor(
    readonly hearingId: string,
    private readonly net: NetworkOptions,
  ) {}

  async publish(participantId: string, offerSdp: string, _sources: Record<string, TrackSource>): Promise<{ answerSdp: string }> {
    const pc = new RTCPeerConnection(publisherConfig(this.net));
    this.pubs.set(participantId, pc);
    pc.onTrack.subscribe((track) => {
      const t = pc.getTransceivers().find((x) => x.receiver.tracks.includes(track));
      if (t) this.tracks.push({ id: `p${this.n++}`, participantId, kind: track.kind as MediaKind, track, receiver: t.receiver });
    });
    await pc.setRemoteDescription({ type: 'offer', sdp: offerSdp });
    await pc.setLocalDescription(await pc.createAnswer());
    await iceGatheringComplete(pc);
    const infos: ProducerInfo[] = this.tracks.map((t) => ({ id: t.id, participantId: t.participantId, kind: t.kind, source: 'camera', layers: [] }));
    this.events.emit('producersChanged', infos);
    return { answerSdp: filterCandidates(pc.localDescription!.sdp, this.net) };
  }

  async subscribe(participantId: string): Promise<void> {
    const pc = new RTCPeerConnection(subscriberConfig(this.net));
    this.subs.set(participantId, pc);
    for (const src of this.tracks) {
      if (src.participantId === participantId) continue;
      const t = pc.addTransceiver(src.kind, { direction: 'sendonly' });
      t.sender.setStreams([{ id: src.participantId } as never]);
      (t.sender as unknown as { trackId: string }).trackId = src.id;
      const row: ForwardingEntry = { producerId: src.id, fromParticipantId: src.participantId, toParticipantId: participantId, kind: src.kind, packets: 0, bytes: 0 };
      this.counts.set(`${src.id}>${participantId}`, row);
      src.track.onReceiveRtp.subscribe((rtp) => {
        rtp.header.extensions = []; // Chromium drops forwarded packets carrying the publisher's extension ids
        t.sender.sendRtp(rtp).catch(() => undefined);
        row.packets++;
        row.bytes += rtp.payload.length + 12;
      });
      t.sender.onPictureLossIndication.subscribe(() => {
        if (src.track.ssrc) src.receiver.sendRtcpPLI(src.track.ssrc).catch(() => undefined);
      });
    }
    await pc.setLocalDescription(await pc.createOffer());
    await iceGatheringComplete(pc);
    this.events.emit('subscriberOffer', participantId, filterCandidates(pc.localDescription!.sdp, this.net));
  }

  async answerSubscriber(participantId: string, answerSdp: string): Promise<void> {
    await this.subs.get(participantId)?.setRemoteDescription({ type: 'answer', sdp: answerSdp });
  }

  async setRoom(): Promise<void> {}
  async setForwarding(): Promise<void> {}
  async setReceivePreferences(): Promise<void> {}
  // Interpreter channels are not part of the naive baseline.
  async setAudience(): Promise<void> {}
  async removeParticipant(): Promise<void> {}

  // Recording taps are not part of the naive baseline.
  async recordableProducers(): Promise<never[]> {
    return [];
  }
  async startRecordingTap(): Promise<null> {
    return null;
  }
  async stopRecordingTap(): Promise<null> {
    return null;
  }
  async forwardingTable(): Promise<ForwardingEntry[]> {
    return [...this.counts.values()];
  }

  load(): { participants: number; producers: number; consumers: number } {
    return { participants: this.pubs.size, producers: this.tracks.length, consumers: this.counts.size };
  }

  on<E extends keyof RouterEvents>(event: E, listener: RouterEvents[E]): void {
    this.events.on(event, listener);
  }
  off<E extends keyof RouterEvents>(event: E, listener: RouterEvents[E]): void {
    this.events.off(event, listener);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.allSettled([...this.pubs.values(), ...this.subs.values()].map((pc) => pc.close()));
  }
}
