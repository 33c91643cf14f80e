import type { HearingSnapshot, ParticipantState, RequestName, RequestPayload, Responses } from '../../../signaling/protocol/hearing.js';
import { LocalMedia, type LocalMediaState } from './devices.js';
import { Emitter } from './emitter.js';
import { HearingClient, type HearingClientState } from './hearingClient.js';
import { MediaSession, type MediaSessionState } from './media.js';

/**
 * The hearing room's logic, without a framework: the connection (HearingClient), the local devices (LocalMedia) and
 * the media with the SFU (MediaSession), tied together. It starts media once we are let in, stops it when we are sent
 * back to the lobby, restarts it after a reconnect or a media failure, follows the mediator's mutes, and offers every
 * action the views need. The views render `state` and call the methods.
 */
export type RoomPhase = 'prejoin' | 'joining' | 'lobby' | 'inside' | 'closed';
export type RoomNotice = 'mutedAudio' | 'mutedVideo' | 'audioOnlyAuto' | 'forcedMuted';

export interface RoomState {
  phase: RoomPhase;
  hearing: HearingClientState | null;
  media: MediaSessionState | null;
  local: LocalMediaState;
  /** Muted by the mediator: unmuting waits for `control.askUnmute`. */
  forced: { audio: boolean; video: boolean };
  askUnmute: boolean;
  notice: RoomNotice | null;
  /** The last failed action (HearingError), for the error banner. */
  error: unknown;
  /** Active speaker (loudest in our room, held for a moment). */
  speaker: string | null;
}

export interface RoomEvents extends Record<string, unknown> {
  state: RoomState;
}

const SPEAKING = 70; // 0..127 (127 loud): about -57 dBov
const SPEAKER_HOLD_MS = 1500;

export function selfOf(s: HearingSnapshot | null | undefined): ParticipantState | undefined {
  return s?.participants.find((p) => p.id === s.selfId);
}

/** The people we see and hear: others in our own room, present. */
export function roomMates(s: HearingSnapshot | null | undefined): ParticipantState[] {
  const self = selfOf(s);
  if (!s || !self?.roomId) return [];
  return s.participants.filter((p) => p.id !== self.id && p.roomId === self.roomId && p.presence !== 'left');
}

export class RoomController {
  readonly events = new Emitter<RoomEvents>();
  readonly local = new LocalMedia();
  client: HearingClient | null = null;
  private media: MediaSession | null = null;
  /** The media session is started (we are inside); before that it may exist only warmed up. */
  private mediaRunning = false;
  private s: RoomState;
  private readonly offs: (() => void)[] = [];
  private restartTimer: ReturnType<typeof setTimeout> | undefined;
  private restartDelay = 1000;
  private speakerTimer: ReturnType<typeof setTimeout> | undefined;
  private noticeTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly token: () => string | null) {
    this.s = { phase: 'prejoin', hearing: null, media: null, local: this.local.state, forced: { audio: false, video: false }, askUnmute: false, notice: null, error: null, speaker: null };
    this.offs.push(this.local.events.on('state', (local) => this.set({ local })));
  }

  get state(): RoomState {
    return this.s;
  }

  get self(): ParticipantState | undefined {
    return selfOf(this.s.hearing?.snapshot);
  }

  // ---- joining and leaving ----

  /**
   * On the pre-join page, while the person reads the rules: open the socket (handshake, no join yet) and, once the
   * camera and microphone are open, build and gather the publishing connection. Entering then costs the join and
   * one publish round trip. Nothing is sent about the person until they join.
   */
  prepare(): void {
    const client = this.ensureClient();
    client.connect();
    void this.local.open().then(() => {
      if (this.s.phase === 'closed') return;
      this.ensureMedia(client).warm();
    });
  }

  async join(): Promise<void> {
    if (this.s.phase !== 'prejoin' && this.client) return;
    const client = this.ensureClient();
    this.set({ phase: 'joining', error: null });
    try {
      await client.join();
    } catch (err) {
      if (client.state.connection.kind !== 'closed') client.close('refused', err instanceof Error ? err.message : undefined);
      this.set({ error: err });
    }
  }

  /** The connection, open (the pre-join test call runs on it before joining). */
  async connected(): Promise<HearingClient> {
    const client = this.ensureClient();
    await client.whenConnected();
    return client;
  }

  private ensureClient(): HearingClient {
    if (this.client) return this.client;
    // Joining needs the rules and recording notice read on the pre-join page; the server records that. It is not
    // consent to be recorded: that is asked in the room when recording starts (client/src/recordings/ConsentDialog.tsx).
    const client = new HearingClient({ token: this.token, consent: () => ({ recording: 'accepted' }) });
    this.client = client;
    this.offs.push(
      client.on('state', (hearing) => this.onHearing(hearing)),
      client.on('joined', ({ resumed }) => void this.onJoined(resumed)),
      client.on('media.restart', () => this.scheduleRestart(0)),
      client.on('control.muted', ({ kind }) => void this.onMuted(kind)),
      client.on('control.askUnmute', () => this.set({ forced: { audio: false, video: false }, askUnmute: true })),
    );
    return client;
  }

  async leave(): Promise<void> {
    await this.client?.leave();
  }

  dispose(): void {
    clearTimeout(this.restartTimer);
    clearTimeout(this.noticeTimer);
    clearTimeout(this.speakerTimer);
    this.media?.dispose();
    this.media = null;
    this.client?.close('left');
    for (const off of this.offs.splice(0)) off();
    this.local.close();
    this.events.clear();
  }

  // ---- own devices and state ----

  async toggleMic(): Promise<void> {
    const on = !this.s.local.micOn;
    if (on && this.s.forced.audio) return this.flash('forcedMuted');
    this.local.resumeAudio();
    await this.local.setMicOn(on);
    await this.updateSelf({ audioMuted: !this.s.local.micOn });
  }

  async toggleCamera(): Promise<void> {
    const on = !this.s.local.cameraOn;
    if (on && this.s.forced.video) return this.flash('forcedMuted');
    await this.local.setCameraOn(on);
    await this.updateSelf({ videoMuted: !this.s.local.cameraOn });
  }

  async acceptUnmute(): Promise<void> {
    this.set({ askUnmute: false });
    if (!this.s.local.micOn) await this.toggleMic();
  }

  dismissUnmute(): void {
    this.set({ askUnmute: false });
  }

  async toggleScreen(): Promise<void> {
    const m = this.media;
    if (!m) return;
    try {
      if (m.state.screenTrack) await m.stopScreen();
      else await m.startScreen();
    } catch (err) {
      // Cancelled in the browser's picker: not an error worth a banner.
      if (!(err instanceof DOMException && err.name === 'NotAllowedError')) this.set({ error: err });
    }
    await this.updateSelf({ screenSharing: !!m.state.screenTrack });
  }

  async toggleHand(): Promise<void> {
    await this.updateSelf({ handRaised: !this.self?.handRaised });
  }

  /** A remote tile's rendered height changed (device pixels): the SFU picks that person's simulcast layer by it. */
  setTileHeight(participantId: string, px: number): void {
    this.media?.setTileHeight(participantId, px);
  }

  async setAudioOnly(on: boolean): Promise<void> {
    await this.media?.setAudioOnly(on, false);
  }

  // ---- requests (chat, the mediator's controls) ----

  /** One request; a failure lands in `error` for the banner and resolves to null. */
  async act<N extends RequestName>(name: N, payload: RequestPayload<N>): Promise<Responses[N] | null> {
    if (!this.client) return null;
    try {
      const r = await this.client.request(name, payload);
      if (this.s.error) this.set({ error: null });
      return r;
    } catch (err) {
      this.set({ error: err });
      return null;
    }
  }

  clearError(): void {
    this.set({ error: null });
  }

  // ---- internals ----

  private updateSelf(patch: RequestPayload<'self.update'>): Promise<unknown> {
    if (!this.client || this.client.state.connection.kind !== 'connected' || !this.client.state.joined) return Promise.resolve();
    return this.act('self.update', patch);
  }

  private async onJoined(resumed: boolean): Promise<void> {
    // Our own mutes hold on the server too (chosen before joining, or kept through a reconnect).
    const self = this.self;
    const patch: RequestPayload<'self.update'> = {};
    if (self && self.audioMuted !== !this.s.local.micOn) patch.audioMuted = !this.s.local.micOn;
    if (self && self.videoMuted !== !this.s.local.cameraOn) patch.videoMuted = !this.s.local.cameraOn;
    if (Object.keys(patch).length) await this.updateSelf(patch);
    if (resumed && this.media && this.mediaRunning) this.scheduleRestart(0);
  }

  private async onMuted(kind: 'audio' | 'video'): Promise<void> {
    this.set({ forced: { ...this.s.forced, [kind]: true } });
    this.flash(kind === 'audio' ? 'mutedAudio' : 'mutedVideo');
    if (kind === 'audio') await this.local.setMicOn(false);
    else await this.local.setCameraOn(false);
  }

  private onHearing(hearing: HearingClientState): void {
    const prev = this.s.hearing;
    const self = selfOf(hearing.snapshot);
    // The mediator's mutes come with our own state (so a reload remembers them): follow the server.
    const forced = self?.forcedMuted;
    if (forced && (forced.audio !== this.s.forced.audio || forced.video !== this.s.forced.video)) {
      this.s = { ...this.s, forced: { audio: forced.audio, video: forced.video } };
    }
    let phase: RoomPhase = this.s.phase;
    if (hearing.connection.kind === 'closed') phase = 'closed';
    else if (hearing.joined && self) phase = self.roomId ? 'inside' : 'lobby';
    const patch: Partial<RoomState> = { hearing, phase };
    if (hearing.levels !== prev?.levels) patch.speaker = this.pickSpeaker(hearing.levels);
    this.set(patch);
    this.syncMedia(phase, hearing.connection.kind === 'connected');
    // Closed for good: the camera light goes out.
    if (phase === 'closed') this.local.close();
    if (hearing.snapshot !== prev?.snapshot) this.media?.remap();
  }

  /** The media session (made early by `prepare` to warm up, or when we are let in). */
  private ensureMedia(client: HearingClient): MediaSession {
    if (this.media) return this.media;
    const maxHeight = typeof window !== 'undefined' && window.innerWidth < 700 ? 360 : undefined;
    const media = new MediaSession(client, this.local, {
      participants: () => roomMates(this.client?.state.snapshot),
      selfId: () => this.client?.selfId ?? null,
      producers: () => this.client?.state.snapshot?.producers ?? [],
      iceServers: () => this.client?.state.iceServers ?? [],
      ...(maxHeight ? { maxHeight } : {}),
    });
    this.media = media;
    media.events.on('state', (m) => {
      if (!this.mediaRunning) return;
      if (m.status === 'connected') this.restartDelay = 1000;
      if (m.audioOnlyAuto && !this.s.media?.audioOnlyAuto) this.flash('audioOnlyAuto');
      this.set({ media: m });
    });
    media.events.on('failed', (why) => {
      if (!this.mediaRunning) return;
      console.warn(`hearing media: ${why}; restarting`);
      this.scheduleRestart(this.restartDelay);
    });
    return media;
  }

  /** Media runs while we are inside; the lobby and a closed hearing have none (a warmed-up session waits). */
  private syncMedia(phase: RoomPhase, connected: boolean): void {
    if (phase === 'inside' && !this.mediaRunning && connected && this.client) {
      const media = this.ensureMedia(this.client);
      this.mediaRunning = true;
      this.set({ media: media.state });
      media.start().catch((err: unknown) => {
        console.warn('hearing media: start failed', err);
        this.scheduleRestart(this.restartDelay);
      });
    } else if (((phase !== 'inside' && this.mediaRunning) || phase === 'closed') && this.media) {
      clearTimeout(this.restartTimer);
      this.media.dispose();
      this.media = null;
      this.mediaRunning = false;
      this.set({ media: null });
    }
  }

  private scheduleRestart(delay: number): void {
    clearTimeout(this.restartTimer);
    this.restartTimer = setTimeout(() => {
      if (!this.media || !this.mediaRunning || this.client?.state.connection.kind !== 'connected') return;
      this.restartDelay = Math.min(15_000, this.restartDelay * 2);
      this.media.start().catch((err: unknown) => {
        console.warn('hearing media: restart failed', err);
        this.scheduleRestart(this.restartDelay);
      });
    }, delay);
  }

  /** The loudest in our room above the speaking level; kept for a moment after they stop (levels stop coming then). */
  private pickSpeaker(levels: Record<string, number>): string | null {
    let best: string | null = null;
    let max = SPEAKING;
    for (const [pid, level] of Object.entries(levels)) {
      if (level >= max) {
        max = level;
        best = pid;
      }
    }
    if (!best) return this.s.speaker;
    clearTimeout(this.speakerTimer);
    this.speakerTimer = setTimeout(() => this.set({ speaker: null }), SPEAKER_HOLD_MS);
    return best;
  }

  private flash(notice: RoomNotice): void {
    clearTimeout(this.noticeTimer);
    this.set({ notice });
    this.noticeTimer = setTimeout(() => this.set({ notice: null }), 6000);
  }

  private set(patch: Partial<RoomState>): void {
    this.s = { ...this.s, ...patch };
    this.events.emit('state', this.s);
  }
}
