import { access, readdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { TranscriptionError, segmentWords, type SpeechEngine, type TimedWord, type TranscriptSegment } from './engine.js';

/**
 * sherpa-onnx (sherpa-onnx-node) with an offline model directory, e.g. SenseVoice for Mandarin and Cantonese:
 * `model.onnx` or `model.int8.onnx` and `tokens.txt`. No model ships with Concord; a missing or unusable directory is
 * a clear TranscriptionError, raised by `check()` before any work.
 */
export class SherpaOnnxEngine implements SpeechEngine {
  readonly name = 'sherpa-onnx';

  constructor(private readonly modelDir: string | undefined) {}

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

  async transcribe(wavPath: string, opts: { onProgress?: (f: number) => void } = {}): Promise<TranscriptSegment[]> {
    const { model, tokens } = await this.files();
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    let sherpa: any;
    try {
      sherpa = createRequire(import.meta.url)('sherpa-onnx-node');
    } catch (e) {
      throw new TranscriptionError(`sherpa-onnx: the native module does not load here: ${(e as Error).message}`);
    }
    let recognizer;
    try {
      recognizer = new sherpa.OfflineRecognizer({
        featConfig: { sampleRate: 16000, featureDim: 80 },
        modelConfig: { senseVoice: { model, useInverseTextNormalization: 1 }, tokens, numThreads: 1, provider: 'cpu', debug: 0 },
      });
    } catch (e) {
      throw new TranscriptionError(`sherpa-onnx: the model in ${this.modelDir} cannot be loaded: ${(e as Error).message}`);
    }
    const wave = sherpa.readWave(wavPath);
    const stream = recognizer.createStream();
    stream.acceptWaveform({ sampleRate: wave.sampleRate, samples: wave.samples });
    recognizer.decode(stream);
    const r = recognizer.getResult(stream) as { text: string; tokens?: string[]; timestamps?: number[] };
    opts.onProgress?.(1);
    const words: TimedWord[] = (r.tokens ?? []).map((t, i) => {
      const s = Math.round((r.timestamps?.[i] ?? 0) * 1000);
      return { word: t.trim(), startMs: s, endMs: s + 200 };
    }).filter((w) => w.word.length > 0);
    if (words.length === 0 && r.text) return [{ startMs: 0, endMs: Math.round((wave.samples.length / wave.sampleRate) * 1000), text: r.text, words: [] }];
    return segmentWords(words);
  }
}
