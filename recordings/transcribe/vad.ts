import { pcmChunks, type WavInfo } from './wav.js';

/** A stretch of a track where someone speaks (ms from the start of the file). */
export interface SpeechRegion {
  startMs: number;
  endMs: number;
}

/**
 * Finds the speech in a 16 kHz mono 16-bit WAV, reading it as a stream (memory does not grow with the file). Two
 * implementations: `EnergyVad` (always available, no model) and `SileroVad` (sherpa-onnx, vad.ts's sibling
 * silero-vad.ts) where a Silero VAD model is configured.
 */
export interface VoiceActivityDetector {
  readonly name: string;
  detect(wavPath: string, info: WavInfo): Promise<SpeechRegion[]>;
}

export interface EnergyVadOptions {
  /** Frame length (ms); RMS is measured per frame. */
  frameMs?: number;
  /** A frame at or above this level (dBFS) is voiced. */
  thresholdDb?: number;
  /** How long a region stays open after its last voiced frame (ms): bridges the gaps between words. */
  hangoverMs?: number;
  /** Regions shorter than this (clicks, a cough) are dropped (ms). */
  minSpeechMs?: number;
}

/**
 * Energy voice-activity detection: frame RMS against a fixed level, with hangover. Good enough on the per-speaker
 * tracks a hearing records (one close microphone, Opus-decoded, quiet between utterances); a noisy room wants the
 * Silero model. Its regions only decide where windows are cut and what is never decoded (long silences).
 */
export class EnergyVad implements VoiceActivityDetector {
  readonly name = 'energy';
  private readonly frameMs: number;
  private readonly threshold: number;
  private readonly hangoverMs: number;
  private readonly minSpeechMs: number;

  constructor(o: EnergyVadOptions = {}) {
    this.frameMs = o.frameMs ?? 20;
    this.threshold = 32768 * 10 ** ((o.thresholdDb ?? -45) / 20);
    this.hangoverMs = o.hangoverMs ?? 300;
    this.minSpeechMs = o.minSpeechMs ?? 80;
  }

  async detect(wavPath: string, info: WavInfo): Promise<SpeechRegion[]> {
    const frame = Math.max(1, Math.round((info.sampleRate * this.frameMs) / 1000));
    const regions: SpeechRegion[] = [];
    // The region being read (held in an object: the helpers below change it).
    const st: { open: { start: number; lastVoiced: number } | null; acc: number; n: number; frameStart: number } = { open: null, acc: 0, n: 0, frameStart: 0 };
    const ms = (sample: number) => Math.round((sample / info.sampleRate) * 1000);
    const close = () => {
      const o = st.open;
      if (o && ms(o.lastVoiced) - ms(o.start) >= this.minSpeechMs) regions.push({ startMs: ms(o.start), endMs: ms(o.lastVoiced) });
      st.open = null;
    };
    const endFrame = (endSample: number) => {
      const rms = Math.sqrt(st.acc / Math.max(1, st.n));
      if (rms >= this.threshold) {
        if (!st.open) st.open = { start: st.frameStart, lastVoiced: endSample };
        else st.open.lastVoiced = endSample;
      } else if (st.open && ms(endSample) - ms(st.open.lastVoiced) > this.hangoverMs) {
        close();
      }
      st.acc = 0;
      st.n = 0;
      st.frameStart = endSample;
    };
    for await (const { first, samples } of pcmChunks(wavPath, info, frame * 50)) {
      for (let i = 0; i < samples.length; i++) {
        const v = samples[i]!;
        st.acc += v * v;
        st.n++;
        if (st.n === frame) endFrame(first + i + 1);
      }
    }
    if (st.n > 0) endFrame(info.samples);
    close();
    return regions;
  }
}

/** A span of the track decoded at once. */
export interface DecodeWindow {
  startMs: number;
  endMs: number;
}

/**
 * Decode windows from speech regions: each at most `maxMs` long, cut in the silence between regions, padded by `padMs`
 * of context on each side where there is room; neighbouring regions share a window while it fits. A region longer than
 * a window (someone speaking 30 s without a pause the detector sees) is cut hard at the window length. Windows never
 * overlap, so no word is decoded twice; silence outside every window is never decoded.
 */
export function planWindows(regions: readonly SpeechRegion[], durationMs: number, maxMs = 30_000, padMs = 250): DecodeWindow[] {
  const out: DecodeWindow[] = [];
  let cur: DecodeWindow | null = null;
  const limit = Math.max(1000, maxMs);
  const pieceMax = Math.max(500, limit - 2 * padMs);
  for (const r of [...regions].sort((a, b) => a.startMs - b.startMs)) {
    for (let s = r.startMs; s < r.endMs; s += pieceMax) {
      const e = Math.min(r.endMs, s + pieceMax);
      const prevEnd: number = cur ? cur.endMs : out.length > 0 ? out[out.length - 1]!.endMs : 0;
      const ws = Math.max(prevEnd, s - padMs, 0);
      const we = Math.min(durationMs, e + padMs);
      if (we <= ws) continue;
      if (cur && we - cur.startMs <= limit) {
        cur.endMs = we;
      } else {
        if (cur) out.push(cur);
        cur = { startMs: Math.max(ws, cur ? cur.endMs : 0), endMs: we };
        // A hard cut inside a long region: the next piece starts where this one ends.
        if (cur.endMs - cur.startMs > limit) cur.endMs = cur.startMs + limit;
      }
    }
  }
  if (cur) out.push(cur);
  return out;
}
