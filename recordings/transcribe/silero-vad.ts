import { access } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { run } from '../media.js';
import { TranscriptionError } from './engine.js';
import type { SpeechRegion, VoiceActivityDetector } from './vad.js';
import type { WavInfo } from './wav.js';

/**
 * The child's program (plain JavaScript): reads the WAV's samples in 512-sample steps (Silero's window at 16 kHz),
 * feeds sherpa-onnx's VAD and prints each speech segment as it is found, so neither process holds the file.
 */
const CHILD = `
const fs = require('node:fs');
const cfg = JSON.parse(process.argv[1]);
let sherpa;
try { sherpa = require(${JSON.stringify(createRequire(import.meta.url).resolve('sherpa-onnx-node'))}); }
catch (e) { console.log(JSON.stringify({ error: 'the native module does not load here: ' + e.message })); process.exit(0); }
let vad;
try {
  vad = new sherpa.Vad({ sileroVad: { model: cfg.model, threshold: 0.5, minSilenceDuration: 0.3, minSpeechDuration: 0.1, windowSize: 512, maxSpeechDuration: 25 },
    sampleRate: cfg.rate, numThreads: 1, provider: 'cpu', debug: 0 }, 60);
} catch (e) { console.log(JSON.stringify({ error: 'the VAD model cannot be loaded: ' + e.message })); process.exit(0); }
const fd = fs.openSync(cfg.wav, 'r');
const step = 512;
const buf = Buffer.alloc(step * 2 * 64);
let pos = 0;
const drain = () => { while (!vad.isEmpty()) { const s = vad.front(false); console.log(JSON.stringify({ s: s.start, n: s.samples.length })); vad.pop(); } };
while (pos < cfg.bytes) {
  const got = fs.readSync(fd, buf, 0, Math.min(buf.length, cfg.bytes - pos), cfg.offset + pos);
  if (got <= 0) break;
  const n = got >> 1;
  for (let i = 0; i + step <= n; i += step) {
    const f = new Float32Array(step);
    for (let j = 0; j < step; j++) f[j] = buf.readInt16LE((i + j) * 2) / 32768;
    vad.acceptWaveform(f);
  }
  pos += got;
  drain();
}
vad.flush();
drain();
console.log(JSON.stringify({ done: true }));
`;

/**
 * sherpa-onnx's Silero VAD (`silero_vad.onnx`, CONCORD_VAD_MODEL). Runs in a child process like the recogniser: a
 * native abort on a bad model must not take the server down. Its segments are capped at 25 s, so a window (30 s
 * with context) never has to be cut inside speech.
 */
export class SileroVad implements VoiceActivityDetector {
  readonly name = 'silero';

  constructor(private readonly model: string) {}

  async check(): Promise<void> {
    await access(this.model).catch(() => {
      throw new TranscriptionError(`silero-vad: model ${this.model} not found (CONCORD_VAD_MODEL)`);
    });
  }

  async detect(wavPath: string, info: WavInfo): Promise<SpeechRegion[]> {
    await this.check();
    const regions: SpeechRegion[] = [];
    const errors: string[] = [];
    const ms = (samples: number) => Math.round((samples / info.sampleRate) * 1000);
    const input = JSON.stringify({ model: this.model, wav: wavPath, offset: info.dataOffset, bytes: info.dataBytes, rate: info.sampleRate });
    try {
      await run(process.execPath, ['-e', CHILD, input], {
        timeoutMs: 30 * 60_000,
        keepOutput: false,
        onLine: (line) => {
          if (!line.startsWith('{')) return;
          const m = JSON.parse(line) as { s?: number; n?: number; error?: string };
          if (m.error) errors.push(m.error);
          else if (m.s !== undefined && m.n !== undefined) regions.push({ startMs: ms(m.s), endMs: ms(m.s + m.n) });
        },
      });
    } catch (e) {
      throw new TranscriptionError(`silero-vad: the model ${this.model} cannot be used: ${(e as Error).message.slice(0, 400)}`);
    }
    if (errors.length > 0) throw new TranscriptionError(`silero-vad: ${errors[0]}`);
    return regions;
  }
}
