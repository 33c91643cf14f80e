import type { HearingClient } from './hearingClient.js';
import { sdpSummary, trace } from './debug.js';
import { OfferGate } from './offers.js';
import { iceGatheringComplete } from './rtc.js';
import { parseMsids, type IncomingTrack, type MsidInfo } from './trackMap.js';

/**
 * The receiving side: one RTCPeerConnection the SFU offers to. `subscribe` asks for it (`media.subscribe`); each
 * `media.offer` is answered (`media.answer`) once ICE gathering is complete. A new subscription is a new Receiver.
 */
export class Receiver {
  readonly pc: RTCPeerConnection;
  /** m-sections of the latest offer (mid, publisher, active). */
  msids: MsidInfo[] = [];
  /** `media.subscribe` was acknowledged. */
  subscribed = false;
  /** At least one offer was answered. */
  answered = false;
  /** When we subscribed or last got an offer: the watchdog's clock. */
  offerAt = Date.now();
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;
  private readonly seqs = new Map<string, number>();
  /** Holds offers until `media.subscribe` names our transport's session; drops a replaced transport's. */
  private readonly gate = new OfferGate((sdp) => this.answerOffer(sdp), (sdp) => trace('offer of a replaced transport dropped', sdpSummary(sdp)));
  private seq = 0;

  constructor(
    private readonly client: HearingClient,
    config: RTCConfiguration,
    /** Tracks or connection state changed. */
    private readonly changed: () => void,
    private readonly failed: (why: string) => void,
  ) {
    this.pc = new RTCPeerConnection(config);
    this.pc.addEventListener('track', () => this.changed());
    this.pc.addEventListener('connectionstatechange', () => {
      if (this.closed) return;
      if (this.pc.connectionState === 'failed') this.failed('receiving connection failed');
      else this.changed();
    });
  }

  get connected(): boolean {
    return this.pc.connectionState === 'connected';
  }

  async subscribe(): Promise<void> {
    this.offerAt = Date.now();
    trace('subscribe');
    const res = await this.client.request('media.subscribe', {});
    trace('subscribed', res);
    this.subscribed = true;
    this.gate.subscribed(typeof res?.session === 'string' ? res.session : null);
  }

  /** The server's offer: answer it, one at a time. */
  handleOffer(sdp: string): void {
    trace('offer received', sdpSummary(sdp));
    this.gate.offer(sdp);
  }

  private answerOffer(sdp: string): void {
    const run = async () => {
      if (this.closed) return trace('offer dropped: receiver closed');
      await this.pc.setRemoteDescription({ type: 'offer', sdp });
      await this.pc.setLocalDescription(await this.pc.createAnswer());
      await iceGatheringComplete(this.pc);
      if (this.closed) return;
      this.offerAt = Date.now();
      this.msids = parseMsids(sdp);
      this.changed();
      await this.client.request('media.answer', { sdp: this.pc.localDescription!.sdp });
      trace('answer accepted', sdpSummary(sdp));
      this.answered = true;
      this.changed();
    };
    this.queue = this.queue.then(run, run).catch((err: unknown) => {
      trace('answer failed', String(err));
      if (!this.closed) this.failed(`answering the server's offer failed: ${String(err)}`);
    });
  }

  /**
   * The tracks the server sends now, with the msid of their m-section. `seq` orders first appearance of a
   * (mid, producer) pair, so a participant's newer video (the screen) sorts after the camera.
   */
  tracks(): IncomingTrack[] {
    const infos = new Map(this.msids.map((m) => [m.mid, m]));
    const out: IncomingTrack[] = [];
    for (const t of this.pc.getTransceivers()) {
      const info = t.mid === null ? undefined : infos.get(t.mid);
      if (!info || !info.active || !t.mid) continue;
      const key = `${t.mid}:${info.trackId ?? info.streamId ?? ''}`;
      let seq = this.seqs.get(key);
      if (seq === undefined) {
        seq = ++this.seq;
        this.seqs.set(key, seq);
      }
      out.push({ mid: t.mid, kind: info.kind, track: t.receiver.track, streamId: info.streamId, trackId: info.trackId, seq });
    }
    return out;
  }

  /** Others are in the room, but no offer with their media came, or it never connected. */
  stuck(othersPresent: boolean): boolean {
    const quiet = Date.now() - this.offerAt;
    if (this.msids.length === 0) return othersPresent && quiet > 10_000;
    // A loaded machine can take many seconds for ICE and DTLS: starting over too early only makes it later.
    return quiet > 25_000 && !this.connected;
  }

  close(): void {
    this.closed = true;
    this.pc.close();
  }
}
