import { access, readdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { run } from '../media.js';
import { join } from 'node:path';
import { TranscriptionError, segmentWords, type SpeechEngine, type TimedWord, type TranscriptSegment } from './engine.js';

/**
 * sherpa-onnx (sherpa-onnx-node) with an offline model directory, e.g. SenseVoice for Mandarin and Cantonese:
 * `model.onnx` or `model.int8.onnx` and `tokens.txt`. No model ships with Concord; a missing or unusable directory is
 * a clear TranscriptionError, raised by `check()` before any work.
 */
/** The child's program (plain JavaScript, CommonJS `require` from this package's node_modules). */
const CHILD = `
const cfg = JSON.parse(process.argv[1]);
let sherpa;
try { sherpa = require(${JSON.stringify(createRequire(import.meta.url).resolve('sherpa-onnx-node'))}); }
catch (e) { console.log(JSON.stringify({ error: 'the native module does not load here: ' + e.message })); process.exit(0); }
try {
  const rec = new sherpa.OfflineRecognizer({ featConfig: { sampleRate: 16000, featureDim: 80 },
    modelConfig: { senseVoice: { model: cfg.model, language: cfg.language, useInverseTextNormalization: 1 }, tokens: cfg.tokens, numThreads: 1, provider: 'cpu', debug: 0 } });
  const wave = sherpa.readWave(cfg.wav);
  const stream = rec.createStream();
  stream.acceptWaveform({ sampleRate: wave.sampleRate, samples: wave.samples });
  rec.decode(stream);
  const r = rec.getResult(stream);
  console.log(JSON.stringify({ text: r.text, tokens: r.tokens, timestamps: r.timestamps, seconds: wave.samples.length / wave.sampleRate }));
} catch (e) { console.log(JSON.stringify({ error: 'the model cannot be loaded: ' + e.message })); }
`;

/** SenseVoice's language hint for a spoken language (ISO 639-3 as hearings name them); unknown: let it detect. */
const SENSEVOICE_LANGUAGE: Record<string, string> = { cmn: 'zh', yue: 'yue', en: 'en', ja: 'ja', ko: 'ko' };

/**
 * Tokens as words: SenseVoice's BPE pieces start a new word with '▁' (or a space) and continue it otherwise; every
 * Chinese character is a word of its own; its tags (`<|zh|>`, `<|NEUTRAL|>`...) are left out.
 */
export function tokensToWords(tokens: readonly string[], timestamps: readonly number[]): TimedWord[] {
  const words: TimedWord[] = [];
  let cur: TimedWord | null = null;
  for (const [i, raw] of tokens.entries()) {
    if (/^<\|.*\|>$/.test(raw)) continue;
    const at = Math.round((timestamps[i] ?? 0) * 1000);
    const starts = raw.startsWith('\u2581') || raw.startsWith(' ');
    const t = raw.replace(/^[\u2581 ]+/, '').trim();
    if (!t) continue;
    const cjk = /^[\u3400-\u9fff\uf900-\ufaff]/u.test(t);
    if (cur && !starts && !cjk && !/[\u3400-\u9fff]$/u.test(cur.word)) {
      cur.word += t;
      cur.endMs = at + 200;
      continue;
    }
    cur = { word: t, startMs: at, endMs: at + 200 };
    words.push(cur);
  }
  return words;
}

export class SherpaOnnxEngine implements SpeechEngine {
  readonly name = 'sherpa-onnx';

  /** `language`: the spoken language this engine is used for (SenseVoice's hint); none: SenseVoice detects it. */
  constructor(private readonly modelDir: string | undefined, private readonly language?: string) {}

  private async files(): Promise<{ model: string; tokens: string }> {
    const dir = this.modelDir;
    if (!dir) throw new TranscriptionError('sherpa-onnx: no model directory configured (CONCORD_SHERPA_MODEL_DIR)');
    const names = await readdir(dir).catch(() => {
      throw new TranscriptionError(`sherpa-onnx: model directory ${dir} does not exist or cannot be read`);
    });
    const model = ['model.int8.onnx', 'model.onnx'].find((n) => names.includes(n));
    if (!model) throw new TranscriptionError(`sherpa-onnx: ${dir} has no model.onnx or model.int8.onnx`);
    if (!names.includes('tokens.txt')) throw new TranscriptionError(`sherpa-onnx: ${dir} has no tokens.txt`);
    await access(join(dir, model));
    return { model: join(dir, model), tokens: join(dir, 'tokens.txt') };
  }

  async check(): Promise<void> {
    await this.files();
  }

  /**
   * Runs in a child process: sherpa-onnx aborts the whole process on some bad models (a native abort, not an
   * exception), and that must never take the server down. The child prints the result as JSON.
   */
  async transcribe(wavPath: string, opts: { onProgress?: (f: number) => void } = {}): Promise<TranscriptSegment[]> {
    const { model, tokens } = await this.files();
    const input = JSON.stringify({ model, tokens, wav: wavPath, language: (this.language && SENSEVOICE_LANGUAGE[this.language]) ?? 'auto' });
    let out: string;
    try {
      out = await run(process.execPath, ['-e', CHILD, input], { timeoutMs: 30 * 60_000 });
    } catch (e) {
      throw new TranscriptionError(`sherpa-onnx: the model in ${this.modelDir} cannot be used: ${(e as Error).message.slice(0, 400)}`);
    }
    const r = JSON.parse(out.trim().split('\n').pop() ?? '{}') as { text?: string; tokens?: string[]; timestamps?: number[]; seconds?: number; error?: string };
    if (r.error) throw new TranscriptionError(`sherpa-onnx: ${r.error}`);
    opts.onProgress?.(1);
    const words = tokensToWords(r.tokens ?? [], r.timestamps ?? []);
    if (words.length === 0 && r.text) return [{ startMs: 0, endMs: Math.round((r.seconds ?? 0) * 1000), text: r.text, words: [] }];
    return segmentWords(words);
  }
}
