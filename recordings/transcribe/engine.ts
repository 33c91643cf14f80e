/** A word with its time in the audio it came from (ms). */
export interface TimedWord {
  word: string;
  startMs: number;
  endMs: number;
  confidence?: number;
}

/** One utterance: what a speaker said between pauses. */
export interface TranscriptSegment {
  startMs: number;
  endMs: number;
  text: string;
  words: TimedWord[];
}

/**
 * A speech-to-text engine. Each participant's own track is transcribed separately (so the speaker is known); input
 * is a 16 kHz mono 16-bit WAV file; output is timed utterances relative to the start of that file.
 */
export interface SpeechEngine {
  readonly name: string;
  /** Throws TranscriptionError with a clear message when the engine cannot run (missing program or model). */
  check(): Promise<void>;
  transcribe(wavPath: string, opts?: { onProgress?: (fraction: number) => void }): Promise<TranscriptSegment[]>;
}

export class TranscriptionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TranscriptionError';
  }
}

/** Han characters, kana, Hangul and CJK punctuation: written without spaces between them. */
const CJK = /[\u3000-\u303f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef]/u;

/** Words as text: spaces between words, none between two Chinese (CJK) ones. */
export function joinWords(words: readonly string[]): string {
  let out = '';
  for (const w of words) {
    if (out && !(CJK.test(out[out.length - 1]!) && CJK.test(w[0] ?? ''))) out += ' ';
    out += w;
  }
  return out;
}

/** Groups timed words into utterances at pauses longer than `gapMs`. */
export function segmentWords(words: TimedWord[], gapMs = 700): TranscriptSegment[] {
  const out: TranscriptSegment[] = [];
  let cur: TimedWord[] = [];
  const flush = () => {
    if (cur.length === 0) return;
    out.push({ startMs: cur[0]!.startMs, endMs: cur[cur.length - 1]!.endMs, text: joinWords(cur.map((w) => w.word)), words: cur });
    cur = [];
  };
  for (const w of words) {
    const last = cur[cur.length - 1];
    if (last && w.startMs - last.endMs > gapMs) flush();
    cur.push(w);
  }
  flush();
  return out;
}
