import { Emitter } from './emitter.js';

/**
 * The local camera and microphone: one getUserMedia stream with the chosen devices, switched and turned on / off
 * here. The camera is stopped (not just disabled) when turned off, so its light goes out; the microphone is only
 * disabled, so unmuting is instant. A level meter reads the microphone through an AnalyserNode.
 */
export type MediaProblem = 'denied' | 'notFound' | 'inUse' | 'insecure' | 'other';

export interface LocalMediaState {
  audioTrack: MediaStreamTrack | null;
  videoTrack: MediaStreamTrack | null;
  micOn: boolean;
  cameraOn: boolean;
  micId: string;
  cameraId: string;
  mics: MediaDeviceInfo[];
  cameras: MediaDeviceInfo[];
  /** Why a device could not be opened (the hearing still works without it). */
  problem: MediaProblem | null;
}

export interface LocalMediaEvents extends Record<string, unknown> {
  state: LocalMediaState;
  /** A track was replaced (device switch, camera back on): senders must follow. */
  track: { kind: 'audio' | 'video'; track: MediaStreamTrack | null };
}

function problemOf(err: unknown): MediaProblem {
  const name = err instanceof DOMException || err instanceof Error ? err.name : '';
  if (name === 'NotAllowedError' || name === 'SecurityError') return 'denied';
  if (name === 'NotFoundError' || name === 'OverconstrainedError') return 'notFound';
  if (name === 'NotReadableError' || name === 'AbortError') return 'inUse';
  return 'other';
}

export const videoConstraints = (deviceId: string): MediaTrackConstraints => ({
  ...(deviceId ? { deviceId: { exact: deviceId } } : {}),
  width: { ideal: 1280 }, height: { ideal: 720 }, frameRate: { ideal: 24, max: 30 },
});
export const audioConstraints = (deviceId: string): MediaTrackConstraints => ({
  ...(deviceId ? { deviceId: { exact: deviceId } } : {}),
  echoCancellation: true, noiseSuppression: true, autoGainControl: true,
});

export class LocalMedia {
  readonly events = new Emitter<LocalMediaEvents>();
  private s: LocalMediaState = {
    audioTrack: null, videoTrack: null, micOn: true, cameraOn: true, micId: '', cameraId: '', mics: [], cameras: [], problem: null,
  };
  private audioCtx: AudioContext | null = null;
  private analyser: AnalyserNode | null = null;
  private source: MediaStreamAudioSourceNode | null = null;
  private samples: Float32Array<ArrayBuffer> | null = null;
  private closed = false;
  private readonly onDeviceChange = () => void this.refreshDevices();

  get state(): LocalMediaState {
    return this.s;
  }

  /** Asks for camera and microphone; falls back to the microphone alone, then to nothing (listen-only). */
  async open(): Promise<void> {
    if (!navigator.mediaDevices?.getUserMedia) {
      this.set({ problem: window.isSecureContext ? 'other' : 'insecure', micOn: false, cameraOn: false });
      return;
    }
    let stream: MediaStream | null = null;
    let problem: MediaProblem | null = null;
    try {
      stream = await navigator.mediaDevices.getUserMedia({ audio: audioConstraints(''), video: videoConstraints('') });
    } catch (err) {
      problem = problemOf(err);
      try {
        stream = await navigator.mediaDevices.getUserMedia({ audio: audioConstraints('') });
      } catch {
        stream = null;
      }
    }
    if (this.closed) {
      stream?.getTracks().forEach((t) => t.stop());
      return;
    }
    const audioTrack = stream?.getAudioTracks()[0] ?? null;
    const videoTrack = stream?.getVideoTracks()[0] ?? null;
    this.set({
      audioTrack, videoTrack, problem,
      micOn: !!audioTrack, cameraOn: !!videoTrack,
      micId: audioTrack?.getSettings().deviceId ?? '', cameraId: videoTrack?.getSettings().deviceId ?? '',
    });
    this.attachMeter(audioTrack);
    navigator.mediaDevices.addEventListener?.('devicechange', this.onDeviceChange);
    await this.refreshDevices();
  }

  async refreshDevices(): Promise<void> {
    try {
      const all = await navigator.mediaDevices.enumerateDevices();
      this.set({ mics: all.filter((d) => d.kind === 'audioinput'), cameras: all.filter((d) => d.kind === 'videoinput') });
    } catch {
      // enumerateDevices is missing in some in-app browsers: the selects then show the current device only.
    }
  }

  async setCamera(deviceId: string): Promise<void> {
    this.set({ cameraId: deviceId });
    if (this.s.cameraOn) await this.reopenVideo();
  }

  async setMic(deviceId: string): Promise<void> {
    this.set({ micId: deviceId });
    try {
      const stream = await navigator.mediaDevices.getUserMedia({ audio: audioConstraints(deviceId) });
      const track = stream.getAudioTracks()[0] ?? null;
      if (!track) return;
      const old = this.s.audioTrack;
      track.enabled = this.s.micOn;
      this.set({ audioTrack: track, problem: null });
      this.attachMeter(track);
      this.events.emit('track', { kind: 'audio', track });
      old?.stop();
    } catch (err) {
      this.set({ problem: problemOf(err) });
    }
  }

  /** Microphone on / off: the track stays, only disabled. Opens one when there was none. */
  async setMicOn(on: boolean): Promise<void> {
    if (on && !this.s.audioTrack) await this.setMic(this.s.micId);
    if (this.s.audioTrack) this.s.audioTrack.enabled = on;
    this.set({ micOn: on && !!this.s.audioTrack });
  }

  /** Camera on / off: off stops the track (the camera light goes out); on opens the chosen camera again. */
  async setCameraOn(on: boolean): Promise<void> {
    if (!on) {
      const old = this.s.videoTrack;
      this.set({ cameraOn: false, videoTrack: null });
      this.events.emit('track', { kind: 'video', track: null });
      old?.stop();
      return;
    }
    this.set({ cameraOn: true });
    await this.reopenVideo();
  }

  /** Microphone level 0..1 (RMS, scaled), for meters. */
  level(): number {
    if (!this.analyser || !this.samples || !this.s.micOn) return 0;
    this.analyser.getFloatTimeDomainData(this.samples);
    let sum = 0;
    for (const v of this.samples) sum += v * v;
    const rms = Math.sqrt(sum / this.samples.length);
    return Math.min(1, rms * 4);
  }

  /** Browsers start an AudioContext suspended until the user interacts: call from a click handler. */
  resumeAudio(): void {
    void this.audioCtx?.resume().catch(() => undefined);
  }

  close(): void {
    this.closed = true;
    this.s.audioTrack?.stop();
    this.s.videoTrack?.stop();
    this.source?.disconnect();
    void this.audioCtx?.close().catch(() => undefined);
    this.audioCtx = null;
    navigator.mediaDevices?.removeEventListener?.('devicechange', this.onDeviceChange);
    this.events.clear();
  }

  private async reopenVideo(): Promise<void> {
    try {
      const stream = await navigator.mediaDevices.getUserMedia({ video: videoConstraints(this.s.cameraId) });
      const track = stream.getVideoTracks()[0] ?? null;
      if (this.closed || !this.s.cameraOn) {
        track?.stop();
        return;
      }
      const old = this.s.videoTrack;
      this.set({ videoTrack: track, problem: null, cameraId: track?.getSettings().deviceId ?? this.s.cameraId });
      this.events.emit('track', { kind: 'video', track });
      if (old && old !== track) old.stop();
      if (!this.s.cameras.length) await this.refreshDevices();
    } catch (err) {
      this.set({ cameraOn: false, problem: problemOf(err) });
    }
  }

  private attachMeter(track: MediaStreamTrack | null): void {
    this.source?.disconnect();
    this.source = null;
    if (!track) return;
    try {
      const Ctx = window.AudioContext ?? (window as unknown as { webkitAudioContext?: typeof AudioContext }).webkitAudioContext;
      if (!Ctx) return;
      this.audioCtx ??= new Ctx();
      if (!this.analyser) {
        this.analyser = this.audioCtx.createAnalyser();
        this.analyser.fftSize = 512;
        this.samples = new Float32Array(new ArrayBuffer(this.analyser.fftSize * 4));
      }
      this.source = this.audioCtx.createMediaStreamSource(new MediaStream([track]));
      this.source.connect(this.analyser);
    } catch {
      // No Web Audio (some in-app browsers): the meter stays at zero.
    }
  }

  private set(patch: Partial<LocalMediaState>): void {
    this.s = { ...this.s, ...patch };
    this.events.emit('state', this.s);
  }
}
