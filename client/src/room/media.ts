import type { IceServer, ParticipantState, ProducerSummary } from '../../../signaling/protocol/hearing.js';
import type { LocalMedia } from './devices.js';
import { Emitter } from './emitter.js';
import type { HearingClient } from './hearingClient.js';
import {
  QualityTracker, VideoStallDetector, classifyQuality, readPublishStats, readReceiveStats, windowInput, type LinkQuality,
  type PublishStats, type ReceiveStats,
} from './quality.js';
import { trace } from './debug.js';
import { Receiver } from './receiver.js';
import { SIMULCAST, iceGatheringComplete } from './rtc.js';
import { mapTracks, type RemoteMedia } from './trackMap.js';

/**
 * Media with the SFU: one publishing RTCPeerConnection (we offer, `media.publish` answers) and one receiving one (the
 * server offers through `media.offer` after `media.subscribe`, we answer with `media.answer`). ICE is not trickled:
 * every SDP waits for gathering to complete. A restart (reconnect, `media.restart`, a failed connection) tears both
 * down and does it all again. Every 2 s the statistics give the link quality (told to the server with `self.update`)
 * and notice when video stopped getting through while audio flows: then we go audio-only.
 */
export type TrackSource = 'microphone' | 'camera' | 'screen';
export type MediaStatus = 'idle' | 'connecting' | 'connected' | 'failed';

export interface MediaSessionState {
  status: MediaStatus;
  remote: Map<string, RemoteMedia>;
  quality: LinkQuality | null;
  audioOnly: boolean;
  /** Audio-only was switched on by the stall detector, not by the user. */
  audioOnlyAuto: boolean;
  screenTrack: MediaStreamTrack | null;
  simulcast: boolean;
}

export interface MediaSessionEvents extends Record<string, unknown> {
  state: MediaSessionState;
  /** A peer connection failed for good: the owner restarts (with backoff). */
  failed: string;
}

export interface MediaSessionOptions {
  /** The people we may receive from now (our room), in snapshot order, and our own id. */
  participants: () => ParticipantState[];
  selfId: () => string | null;
  /** Who publishes what (the server's producer list): tells a screen share from a camera. */
  producers?: () => ProducerSummary[];
  /** STUN/TURN servers for both peer connections. */
  iceServers?: () => IceServer[];
  statsIntervalMs?: number;
  /** Receive at most this height (phones: 360). */
  maxHeight?: number;
}

export class MediaSession {
  readonly events = new Emitter<MediaSessionEvents>();
  private s: MediaSessionState = {
    status: 'idle', remote: new Map(), quality: null, audioOnly: false, audioOnlyAuto: false, screenTrack: null, simulcast: false,
  };
  private pub: RTCPeerConnection | null = null;
  private rx: Receiver | null = null;
  private audioT: RTCRtpTransceiver | null = null;
  private videoT: RTCRtpTransceiver | null = null;
  private screenT: RTCRtpTransceiver | null = null;
  private gen = 0;
  private pubQueue: Promise<unknown> = Promise.resolve();
  /** The server has seen a screen m-section from us (see `republish`). */
  private screenSlot = false;
  private resubTimer: ReturnType<typeof setTimeout> | undefined;
  /** Rendered height of each remote tile (device pixels), what the SFU chooses the simulcast layer by. */
  private readonly tiles = new Map<string, number>();
  private sentTiles = new Map<string, number>();
  private tileTimer: ReturnType<typeof setTimeout> | undefined;
  private resubDelay = 2000;
  private joinedMates = 0;
  private statsTimer: ReturnType<typeof setInterval> | undefined;
  private prevStats: { pub: PublishStats | null; sub: ReceiveStats | null } = { pub: null, sub: null };
  private readonly tracker = new QualityTracker();
  private readonly stall = new VideoStallDetector();
  private disconnectedTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly offs: (() => void)[] = [];
  /** A publishing connection built and gathered on the pre-join page (`warm`), taken over by the first `start`. */
  private warmed: { pc: RTCPeerConnection; audioT: RTCRtpTransceiver | null; videoT: RTCRtpTransceiver | null; ready: Promise<void> } | null = null;

  constructor(
    private readonly client: HearingClient,
    private readonly local: LocalMedia,
    private readonly opts: MediaSessionOptions,
  ) {
    this.offs.push(client.on('media.offer', (o) => this.rx?.handleOffer(o.sdp)));
    this.offs.push(local.events.on('track', ({ kind, track }) => void this.onLocalTrack(kind, track)));
  }

  get state(): MediaSessionState {
    return this.s;
  }

  /**
   * Publish and subscribe (again): tears down whatever there was first. A failed publish fails the start (the owner
   * restarts); a failed subscription is retried on its own, and at once when someone joins the room.
   */
  async start(): Promise<void> {
    trace('media start');
    const warm = this.warmed;
    this.warmed = null;
    this.teardown();
    const gen = ++this.gen;
    this.set({ status: 'connecting', remote: new Map() });
    await Promise.all([this.publish(gen, warm), this.resubscribe(gen)]);
    if (gen !== this.gen) return;
    clearInterval(this.statsTimer);
    this.statsTimer = setInterval(() => void this.sample(gen), this.opts.statsIntervalMs ?? 2000);
  }

  /** Stops everything; the object can be started again. */
  stop(): void {
    this.gen++;
    this.teardown();
    this.set({ status: 'idle', remote: new Map() });
  }

  /**
   * Before joining (pre-join page, lobby): build the publishing connection with the devices we have and gather its
   * ICE candidates, so that entering the room costs one `media.publish` round trip instead of a whole negotiation.
   * Tracks that arrive later are put in place by `replaceTrack`. The first `start` takes it over.
   */
  warm(): void {
    if (this.warmed || this.pub || typeof RTCPeerConnection === 'undefined') return;
    const pc = new RTCPeerConnection(this.rtcConfig());
    const l = this.local.state;
    const stream = new MediaStream();
    const audioT = l.audioTrack || l.mics.length ? pc.addTransceiver(l.audioTrack ?? 'audio', { direction: 'sendonly', streams: [stream] }) : null;
    let videoT: RTCRtpTransceiver | null = null;
    if (l.videoTrack || l.cameras.length) {
      const track = this.s.audioOnly ? null : l.videoTrack;
      try {
        videoT = pc.addTransceiver(track ?? 'video', { direction: 'sendonly', streams: [stream], sendEncodings: SIMULCAST });
      } catch {
        videoT = pc.addTransceiver(track ?? 'video', { direction: 'sendonly', streams: [stream] });
      }
    }
    if (!audioT && !videoT) {
      pc.close();
      return;
    }
    const ready = (async () => {
      await pc.setLocalDescription(await pc.createOffer());
      await iceGatheringComplete(pc);
    })().catch(() => undefined);
    this.warmed = { pc, audioT, videoT, ready };
    trace('publisher warmed');
  }

  dispose(): void {
    this.warmed?.pc.close();
    this.warmed = null;
    this.stop();
    this.s.screenTrack?.stop();
    for (const off of this.offs.splice(0)) off();
    this.events.clear();
  }

  /** Recomputes whose track is whose (call when the snapshot changed); resubscribes when newcomers find us unsubscribed. */
  remap(): void {
    const rx = this.rx;
    if (!rx) return;
    const mates = this.opts.participants();
    // Someone arrived: their offer is on its way; the watchdog counts from now, not from when we were alone.
    const joined = mates.filter((p) => p.presence === 'joined').length;
    if (joined > this.joinedMates) rx.offerAt = Date.now();
    this.joinedMates = joined;
    const remote = mapTracks(rx.tracks(), mates, this.opts.selfId(), this.opts.producers?.() ?? []);
    trace('remap', { mates: mates.map((p) => `${p.id.slice(0, 6)}:${p.presence}`), remote: [...remote].map(([k, v]) => `${k.slice(0, 6)}:${v.camera ? 'cam' : '-'}:${v.audio.length}`) });
    this.set({ remote });
    if (!rx.subscribed && this.resubTimer && mates.some((p) => p.presence === 'joined')) {
      clearTimeout(this.resubTimer);
      this.resubTimer = undefined;
      void this.resubscribe(this.gen);
    }
    this.updateStatus();
  }

  async startScreen(): Promise<void> {
    const stream = await navigator.mediaDevices.getDisplayMedia({ video: { frameRate: { ideal: 10, max: 15 } }, audio: false });
    const track = stream.getVideoTracks()[0];
    if (!track) return;
    track.contentHint = 'detail';
    track.addEventListener('ended', () => {
      if (this.s.screenTrack === track) void this.stopScreen();
    });
    this.s.screenTrack?.stop();
    this.set({ screenTrack: track });
    await this.republish();
  }

  async stopScreen(): Promise<void> {
    const track = this.s.screenTrack;
    if (!track) return;
    this.set({ screenTrack: null });
    track.stop();
    await this.republish();
  }
  /** Audio-only: stop sending and receiving video (weak links), or back to normal. */
  async setAudioOnly(on: boolean, auto = false): Promise<void> {
    if (on === this.s.audioOnly) return;
    this.set({ audioOnly: on, audioOnlyAuto: on && auto });
    await this.videoT?.sender.replaceTrack(on ? null : this.local.state.videoTrack).catch(() => undefined);
    this.stall.reset();
    // Back from audio-only, the next sample reports the quality afresh.
    this.tracker.reset();
    if (!on) this.set({ quality: null });
    await this.client.request('media.preferences', this.preferences()).catch(() => undefined);
    if (on) await this.client.request('self.update', { quality: 'audio_only' }).catch(() => undefined);
  }

  // ---- publishing ----

  private async publish(gen: number, warm: MediaSession['warmed'] = null): Promise<void> {
    if (warm && !this.s.screenTrack && warm.pc.signalingState !== 'closed') {
      this.pub = warm.pc;
      this.audioT = warm.audioT;
      this.videoT = warm.videoT;
      this.set({ simulcast: (warm.videoT?.sender.getParameters().encodings.length ?? 0) > 1 });
      // Devices may have changed since: the current tracks go in without renegotiating.
      const l = this.local.state;
      await warm.audioT?.sender.replaceTrack(l.audioTrack).catch(() => undefined);
      await warm.videoT?.sender.replaceTrack(this.s.audioOnly ? null : l.videoTrack).catch(() => undefined);
      this.watch(warm.pc, gen);
      await warm.ready;
      await this.negotiatePub(gen);
      return;
    }
    warm?.pc.close();
    const l = this.local.state;
    const pc = new RTCPeerConnection(this.rtcConfig());
    this.pub = pc;
    this.watch(pc, gen);
    const stream = new MediaStream();
    if (l.audioTrack || l.mics.length) {
      this.audioT = pc.addTransceiver(l.audioTrack ?? 'audio', { direction: 'sendonly', streams: [stream] });
    }
    if (l.videoTrack || l.cameras.length) this.addCamera(pc, stream, this.s.audioOnly ? null : l.videoTrack);
    if (this.s.screenTrack) this.screenT = pc.addTransceiver(this.s.screenTrack, { direction: 'sendonly', streams: [new MediaStream([this.s.screenTrack])] });
    // Once the server knew a screen section, later offers keep it (inactive): an offer must not drop m-lines.
    else if (this.screenSlot) this.screenT = pc.addTransceiver('video', { direction: 'inactive' });
    if (this.s.screenTrack) this.screenSlot = true;
    if (!this.audioT && !this.videoT && !this.screenT) return; // listen-only: nothing to publish
    await this.negotiatePub(gen);
  }

  private addCamera(pc: RTCPeerConnection, stream: MediaStream, track: MediaStreamTrack | null): void {
    try {
      this.videoT = pc.addTransceiver(track ?? 'video', { direction: 'sendonly', streams: [stream], sendEncodings: SIMULCAST });
      this.set({ simulcast: this.videoT.sender.getParameters().encodings.length > 1 });
    } catch {
      this.videoT = pc.addTransceiver(track ?? 'video', { direction: 'sendonly', streams: [stream] });
      this.set({ simulcast: false });
    }
  }

  /** createOffer -> gathering complete -> media.publish -> answer. One at a time. */
  private negotiatePub(gen: number): Promise<void> {
    const run = async () => {
      const pc = this.pub;
      if (!pc || gen !== this.gen || pc.signalingState === 'closed') return;
      // A warmed connection already has its offer with every candidate: send it as it is.
      if (pc.signalingState !== 'have-local-offer') await pc.setLocalDescription(await pc.createOffer());
      await iceGatheringComplete(pc);
      if (gen !== this.gen) return;
      trace('publish');
      const { sdp } = await this.client.request('media.publish', { sdp: pc.localDescription!.sdp, sources: this.sources() });
      trace('published');
      if (gen !== this.gen || this.pub !== pc) return;
      await pc.setRemoteDescription({ type: 'answer', sdp });
    };
    const next = this.pubQueue.then(run, run);
    this.pubQueue = next.catch(() => undefined);
    return next;
  }

  /** Track source by mid and by track id (the server looks up either). */
  private sources(): Record<string, TrackSource> {
    const out: Record<string, TrackSource> = {};
    const add = (t: RTCRtpTransceiver | null, src: TrackSource) => {
      if (!t) return;
      if (t.mid) out[t.mid] = src;
      const id = t.sender.track?.id;
      if (id && id.length <= 64) out[id] = src;
    };
    add(this.audioT, 'microphone');
    add(this.videoT, 'camera');
    add(this.screenT, 'screen');
    return out;
  }

  /**
   * Screen share on or off: one more video section on the running publishing connection, renegotiated (the camera
   * keeps flowing; the SFU keeps its routes for the running streams). Stopping turns the section inactive: m-lines
   * are never removed, and the next share reuses it. Receiving is left alone.
   */
  private async republish(): Promise<void> {
    const pc = this.pub;
    if (!pc || pc.signalingState === 'closed') return;
    const track = this.s.screenTrack;
    if (track) {
      if (this.screenT) {
        await this.screenT.sender.replaceTrack(track);
        this.screenT.direction = 'sendonly';
      } else {
        this.screenT = pc.addTransceiver(track, { direction: 'sendonly', streams: [new MediaStream([track])] });
      }
      this.screenSlot = true;
    } else if (this.screenT) {
      await this.screenT.sender.replaceTrack(null).catch(() => undefined);
      this.screenT.direction = 'inactive';
    }
    await this.negotiatePub(this.gen);
  }

  private async onLocalTrack(kind: 'audio' | 'video', track: MediaStreamTrack | null): Promise<void> {
    const w = this.warmed;
    if (w) {
      const wt = kind === 'audio' ? w.audioT : w.videoT;
      if (!(kind === 'video' && this.s.audioOnly)) await wt?.sender.replaceTrack(track).catch(() => undefined);
    }
    const t = kind === 'audio' ? this.audioT : this.videoT;
    if (kind === 'video' && this.s.audioOnly) return;
    if (t) {
      await t.sender.replaceTrack(track).catch(() => undefined);
      return;
    }
    // A device that was missing at start: add its transceiver and negotiate again.
    if (!track || !this.pub) return;
    if (kind === 'audio') this.audioT = this.pub.addTransceiver(track, { direction: 'sendonly', streams: [new MediaStream()] });
    else this.addCamera(this.pub, new MediaStream(), track);
    await this.negotiatePub(this.gen).catch(() => undefined);
  }

  // ---- receiving ----

  /** A fresh receiving connection and `media.subscribe`; on failure, try again later (2 s, doubling, at most 20 s). */
  private async resubscribe(gen: number): Promise<void> {
    trace('resubscribe', { gen });
    clearTimeout(this.resubTimer);
    this.resubTimer = undefined;
    this.rx?.close();
    const rx = new Receiver(this.client, this.rtcConfig(), () => gen === this.gen && this.remap(), (why) => gen === this.gen && this.events.emit('failed', why));
    this.rx = rx;
    try {
      await rx.subscribe();
      this.resubDelay = 2000;
      const prefs = this.preferences();
      if (prefs.audioOnly || prefs.maxHeight || prefs.tiles) {
        this.sentTiles = new Map(this.tiles);
        await this.client.request('media.preferences', prefs).catch(() => undefined);
      }
    } catch (err) {
      trace('subscribe failed', String(err));
      if (gen !== this.gen || this.rx !== rx) return;
      // Someone arrived meanwhile: their media is what we are missing, so try again soon.
      const others = this.opts.participants().some((p) => p.presence === 'joined');
      this.resubTimer = setTimeout(() => void this.resubscribe(gen), others ? 500 : this.resubDelay);
      this.resubDelay = Math.min(20_000, this.resubDelay * 2);
      this.updateStatus();
    }
  }

  private rtcConfig(): RTCConfiguration {
    const iceServers = (this.opts.iceServers?.() ?? []).map((s) => ({ ...s, urls: typeof s.urls === 'string' ? s.urls : [...s.urls] }));
    return { bundlePolicy: 'max-bundle', rtcpMuxPolicy: 'require', ...(iceServers.length ? { iceServers } : {}) };
  }

  private preferences(): { audioOnly: boolean; maxHeight?: number; tiles?: Record<string, number> } {
    const tiles = Object.fromEntries(this.tiles);
    return {
      audioOnly: this.s.audioOnly,
      ...(this.opts.maxHeight ? { maxHeight: this.opts.maxHeight } : {}),
      ...(this.tiles.size ? { tiles } : {}),
    };
  }

  /**
   * A remote tile's rendered height (device pixels; 0 = not shown). Sent to the SFU at most every 500 ms and only
   * when some tile changed by more than a fifth: the layer follows the tile, not the window.
   */
  setTileHeight(participantId: string, px: number): void {
    const h = Math.max(0, Math.min(4320, Math.round(px)));
    if (this.tiles.get(participantId) === h) return;
    this.tiles.set(participantId, h);
    if (this.tileTimer) return;
    this.tileTimer = setTimeout(() => {
      this.tileTimer = undefined;
      const changed = [...this.tiles].some(([pid, v]) => {
        const old = this.sentTiles.get(pid);
        return old === undefined || Math.abs(v - old) > 0.2 * Math.max(v, old, 1);
      });
      if (!changed || !this.rx?.subscribed) return;
      this.sentTiles = new Map(this.tiles);
      trace('tile heights', Object.fromEntries(this.tiles));
      void this.client.request('media.preferences', this.preferences()).catch(() => undefined);
    }, 500);
  }

  // ---- health and quality ----

  private watch(pc: RTCPeerConnection, gen: number): void {
    pc.addEventListener('connectionstatechange', () => {
      if (gen !== this.gen) return;
      const st = pc.connectionState;
      if (st === 'connected') {
        clearTimeout(this.disconnectedTimer);
        this.updateStatus();
      } else if (st === 'failed') {
        this.set({ status: 'failed' });
        trace('publishing connection failed');
        this.events.emit('failed', 'publishing connection failed');
      } else if (st === 'disconnected') {
        clearTimeout(this.disconnectedTimer);
        this.disconnectedTimer = setTimeout(() => {
          if (gen === this.gen && pc.connectionState === 'disconnected') this.events.emit('failed', 'publishing connection lost');
        }, 20_000);
      }
    });
  }

  /**
   * Connected when each side that carries media is: a publisher with nothing to send does not hold it up, nor does
   * the receiving side while nobody else is in the room (the server's offer then has no tracks, or it failed).
   */
  private updateStatus(): void {
    if (this.s.status === 'failed' || this.s.status === 'idle') return;
    const pubOk = !this.pub || (!this.audioT && !this.videoT && !this.screenT) || this.pub.connectionState === 'connected';
    const rx = this.rx;
    const others = this.opts.participants().some((p) => p.presence === 'joined');
    const subOk = !!rx && (rx.connected || (rx.answered && rx.msids.length === 0) || (!others && !rx.connected && rx.msids.length === 0));
    const status = pubOk && subOk ? 'connected' : 'connecting';
    if (status !== this.s.status) this.set({ status });
  }

  private async sample(gen: number): Promise<void> {
    const pub = this.pub;
    const rx = this.rx;
    const [pr, sr] = await Promise.all([pub?.getStats().catch(() => null), rx?.pc.getStats().catch(() => null)]);
    if (gen !== this.gen) return;
    if (rx?.subscribed && rx.stuck(this.opts.participants().some((p) => p.presence === 'joined'))) {
      trace('receiver stuck: resubscribing');
      void this.resubscribe(gen);
      return;
    }
    const next = { pub: pr ? readPublishStats(pr) : null, sub: sr ? readReceiveStats(sr) : null };
    const sendingVideo = !!this.videoT?.sender.track && !this.s.audioOnly;
    const input = windowInput(this.prevStats, next, sendingVideo);
    this.prevStats = next;
    if (!this.s.audioOnly) {
      const q = this.tracker.push(classifyQuality(input));
      if (q) {
        this.set({ quality: q });
        void this.client.request('self.update', { quality: q }).catch(() => undefined);
      }
    }
    if (next.sub && !this.s.audioOnly && rx?.connected) {
      const paused = typeof document !== 'undefined' && document.visibilityState === 'hidden';
      if (this.stall.push(Date.now(), next.sub, this.expectingVideo(), paused)) void this.setAudioOnly(true, true);
    }
  }

  /** Someone in our room sends video we receive: then frames must be decoded. */
  private expectingVideo(): boolean {
    const byId = new Map(this.opts.participants().map((p) => [p.id, p]));
    for (const [pid, m] of this.s.remote) {
      const p = byId.get(pid);
      if (m.camera && p && p.presence === 'joined' && !p.videoMuted && p.quality !== 'audio_only') return true;
    }
    return false;
  }

  private teardown(): void {
    clearInterval(this.statsTimer);
    clearTimeout(this.tileTimer);
    this.tileTimer = undefined;
    clearTimeout(this.disconnectedTimer);
    clearTimeout(this.resubTimer);
    this.resubTimer = undefined;
    this.resubDelay = 2000;
    this.pub?.close();
    this.rx?.close();
    this.pub = null;
    this.rx = null;
    this.audioT = this.videoT = this.screenT = null;
    this.screenSlot = false;
    this.prevStats = { pub: null, sub: null };
    this.stall.reset();
    this.pubQueue = Promise.resolve();
  }

  private set(patch: Partial<MediaSessionState>): void {
    this.s = { ...this.s, ...patch };
    this.events.emit('state', this.s);
  }
}
