import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { segmentWords, type SpeechEngine, type TimedWord, type TranscriptSegment } from './engine.js';
import { planWindows, type DecodeWindow, type VoiceActivityDetector } from './vad.js';
import { wavInfo, writeWavSlice } from './wav.js';

/** Offline decodes stay at or under 30 s (k2-fsa/sherpa-onnx#1422; a one-hour SenseVoice decode asked for 53 GiB). */
export const MAX_WINDOW_MS = 30_000;

export interface WindowProgress {
  /** Windows decoded so far, and how many there are. */
  done: number;
  windows: number;
  /** The window just decoded (ms on the track). */
  window: DecodeWindow;
  /** Audio decoded so far over all audio to decode (0..1). */
  fraction: number;
}

export interface WindowedTranscript {
  segments: TranscriptSegment[];
  windows: DecodeWindow[];
  durationMs: number;
  vad: string;
}

/**
 * A track through a speech engine in windows: the VAD finds the speech (streaming the file), `planWindows` cuts it
 * into windows of at most `maxWindowMs` at silences, and each window is written as its own small WAV, decoded and
 * deleted before the next. Word times come back relative to the window and get its offset added, so they are
 * relative to the track. Memory holds one window's samples (~1 MB at 30 s) and the words found so far.
 */
export async function transcribeWindowed(o: {
  engine: SpeechEngine;
  vad: VoiceActivityDetector;
  wav: string;
  /** Where the window files go (one at a time). */
  workDir: string;
  maxWindowMs?: number;
  onProgress?: (p: WindowProgress) => void;
}): Promise<WindowedTranscript> {
  const info = await wavInfo(o.wav);
  const regions = await o.vad.detect(o.wav, info);
  const windows = planWindows(regions, info.durationMs, o.maxWindowMs ?? MAX_WINDOW_MS);
  const total = windows.reduce((a, w) => a + (w.endMs - w.startMs), 0);
  const words: TimedWord[] = [];
  let decoded = 0;
  const slice = join(o.workDir, `window-${process.pid}-${Date.now().toString(36)}.wav`);
  try {
    for (const [i, w] of windows.entries()) {
      await writeWavSlice(o.wav, info, (w.startMs / 1000) * info.sampleRate, (w.endMs / 1000) * info.sampleRate, slice);
      const segs = await o.engine.transcribe(slice);
      for (const s of segs) {
        for (const x of s.words) {
          words.push({ ...x, startMs: x.startMs + w.startMs, endMs: Math.min(x.endMs + w.startMs, w.endMs) });
        }
        // An engine that gives text without word times (sherpa-onnx on some models): one timed word per utterance.
        if (s.words.length === 0 && s.text.trim()) words.push({ word: s.text.trim(), startMs: s.startMs + w.startMs, endMs: Math.min(s.endMs + w.startMs, w.endMs) });
      }
      decoded += w.endMs - w.startMs;
      o.onProgress?.({ done: i + 1, windows: windows.length, window: w, fraction: total > 0 ? decoded / total : 1 });
    }
  } finally {
    await rm(slice, { force: true });
  }
  words.sort((a, b) => a.startMs - b.startMs);
  return { segments: segmentWords(words), windows, durationMs: info.durationMs, vad: o.vad.name };
}
