import { FLOOR_CHANNEL } from '../../../signaling/protocol/domain.js';
import type { ParticipantState } from '../../../signaling/protocol/hearing.js';

/** The floor's level in a language channel: turned down, still audible under the interpreter (as in Zoom, Teams). */
export const FLOOR_GAIN_IN_CHANNEL = 0.2;

/**
 * How loud one remote participant plays for the viewer: in a language channel the floor is turned down and the
 * interpreters (whose audio only reaches us when we are in their audience: the SFU decides that) are at full level.
 */
export function gainFor(viewer: Pick<ParticipantState, 'channel'>, speaker: Pick<ParticipantState, 'interpreting'>): number {
  if (speaker.interpreting) return 1;
  return viewer.channel === FLOOR_CHANNEL ? 1 : FLOOR_GAIN_IN_CHANNEL;
}

interface Strip {
  source: MediaStreamAudioSourceNode;
  gain: GainNode;
  analyser: AnalyserNode;
  participantId: string;
}

/**
 * The room's remote audio through WebAudio: each track -> GainNode -> AnalyserNode -> speakers. The gain is the
 * channel mix; the analyser measures what is really played (after the gain), which the room's debug hook reports.
 * Chromium plays a remote WebRTC stream into WebAudio only while a media element also holds it, so the `<audio>`
 * elements stay, muted. Without WebAudio the element's own volume does the same job (see RemoteAudioTrack).
 */
export class AudioMixer {
  private ctx: AudioContext | null = null;
  private readonly strips = new Map<string, Strip>();

  static supported(): boolean {
    return typeof AudioContext !== 'undefined';
  }

  private context(): AudioContext {
    this.ctx ??= new AudioContext();
    // Created after the join click in practice; a suspended context resumes on the next gesture otherwise.
    if (this.ctx.state === 'suspended') void this.ctx.resume().catch(() => undefined);
    return this.ctx;
  }

  /** Starts playing a track at `gain`; the returned function stops it. */
  add(participantId: string, track: MediaStreamTrack, gain: number): () => void {
    const ctx = this.context();
    const source = ctx.createMediaStreamSource(new MediaStream([track]));
    const g = ctx.createGain();
    g.gain.value = gain;
    const analyser = ctx.createAnalyser();
    analyser.fftSize = 2048;
    source.connect(g).connect(analyser).connect(ctx.destination);
    const strip = { source, gain: g, analyser, participantId };
    this.strips.set(track.id, strip);
    return () => {
      source.disconnect();
      g.disconnect();
      analyser.disconnect();
      if (this.strips.get(track.id) === strip) this.strips.delete(track.id);
    };
  }

  setGain(trackId: string, gain: number): void {
    const s = this.strips.get(trackId);
    if (s && this.ctx) s.gain.gain.setTargetAtTime(gain, this.ctx.currentTime, 0.05);
  }

  /** RMS of what each participant's audio plays at now (after the channel gain), 0..1; loudest track per participant. */
  levels(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const s of this.strips.values()) {
      const buf = new Float32Array(s.analyser.fftSize);
      s.analyser.getFloatTimeDomainData(buf);
      let sum = 0;
      for (const v of buf) sum += v * v;
      const rms = Math.sqrt(sum / buf.length);
      out[s.participantId] = Math.max(out[s.participantId] ?? 0, rms);
    }
    return out;
  }

  close(): void {
    this.strips.clear();
    void this.ctx?.close().catch(() => undefined);
    this.ctx = null;
  }
}
