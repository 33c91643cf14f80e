import { readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

/**
 * Which recogniser captions a speaker, by language:
 * - a language listed for the configured sherpa-onnx streaming model (CONCORD_CAPTIONS_SHERPA_MODEL_DIR, e.g. the
 *   streaming Zipformer for Chinese) -> sherpa-onnx, partial results as it decodes, finals at its endpoints;
 * - English -> pocketsphinx_continuous reading 16 kHz PCM on stdin (Debian's pocketsphinx + pocketsphinx-en-us),
 *   one final per utterance, cut by its own voice-activity detector;
 * - anything else (Chinese without a model, Portuguese...) -> none, with the reason the viewers see (`no_model`).
 */
export type CaptionEngine =
  | { kind: 'pocketsphinx'; bin: string }
  | { kind: 'sherpa-onnx'; files: StreamingModelFiles }
  | { kind: 'none'; message: string };

export interface StreamingModelFiles {
  encoder: string;
  decoder: string;
  joiner: string;
  tokens: string;
}

export interface CaptionEngineConfig {
  pocketsphinx: string;
  sherpaModelDir: string | undefined;
  sherpaLanguages: readonly string[];
}

const base = (tag: string) => tag.toLowerCase().split('-')[0]!;

/** A language matches a listed one exactly or by its primary subtag (zh-Hant-HK -> zh). */
function listed(language: string, list: readonly string[]): boolean {
  const l = language.toLowerCase();
  return list.some((x) => x.toLowerCase() === l || x.toLowerCase() === base(l));
}

/**
 * The streaming transducer files of a model directory (as the sherpa-onnx releases name them: encoder-*.onnx, with
 * an int8 variant preferred, decoder-*.onnx, joiner-*.onnx, tokens.txt), or the clear reason it cannot be used.
 */
export function streamingModelFiles(dir: string): StreamingModelFiles | string {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return `sherpa-onnx: the streaming model directory ${dir} does not exist or cannot be read`;
  }
  const pick = (part: string) => {
    const all = names.filter((n) => n.startsWith(part) && n.endsWith('.onnx')).sort();
    return all.find((n) => n.includes('int8')) ?? all[0];
  };
  const encoder = pick('encoder');
  const decoder = pick('decoder');
  const joiner = pick('joiner');
  const missing = [!encoder && 'encoder*.onnx', !decoder && 'decoder*.onnx', !joiner && 'joiner*.onnx', !names.includes('tokens.txt') && 'tokens.txt'].filter(Boolean);
  if (missing.length > 0) return `sherpa-onnx: ${dir} is not a streaming transducer model (missing ${missing.join(', ')})`;
  return { encoder: join(dir, encoder!), decoder: join(dir, decoder!), joiner: join(dir, joiner!), tokens: join(dir, 'tokens.txt') };
}

export function chooseCaptionEngine(language: string, cfg: CaptionEngineConfig): CaptionEngine {
  if (listed(language, cfg.sherpaLanguages)) {
    if (!cfg.sherpaModelDir) {
      return { kind: 'none', message: `no streaming model for ${language} captions is configured (CONCORD_CAPTIONS_SHERPA_MODEL_DIR)` };
    }
    const files = streamingModelFiles(cfg.sherpaModelDir);
    if (typeof files === 'string') return { kind: 'none', message: files };
    return { kind: 'sherpa-onnx', files };
  }
  if (base(language) === 'en') return { kind: 'pocketsphinx', bin: cfg.pocketsphinx };
  return { kind: 'none', message: `no caption engine for ${language}: pocketsphinx captions English, a sherpa-onnx model the languages it is configured for` };
}

/** In a recogniser's args: the path of the FIFO it reads its PCM from (`input: 'fifo'`). */
export const FIFO_ARG = '{fifo}';

/** How the recogniser process is run: a command reading 16 kHz mono s16le PCM, and how to read its output. */
export interface RecognizerCommand {
  engine: string;
  cmd: string;
  args: string[];
  /**
   * Where it reads the PCM: its stdin, or a named pipe (FIFO_ARG in `args`). pocketsphinx_continuous fopen()s its
   * `-infile`, and /dev/stdin cannot be opened when stdin is the socket pair node gives a child: it gets a FIFO.
   */
  input: 'stdin' | 'fifo';
  /** One stdout line -> a result, or null for anything else. */
  parse(line: string): { text: string; final: boolean } | null;
}

/**
 * pocketsphinx 0.8's `pocketsphinx_continuous` on stdin: it decodes as the audio arrives and prints each utterance's
 * hypothesis when its voice-activity detector sees the speech end (after `vad_postspeech` frames of 10 ms; 20 here,
 * against 50 by default, to answer sooner: the test speech still cuts into the same utterances). No partial results.
 */
export function pocketsphinxCommand(bin: string): RecognizerCommand {
  return {
    engine: 'pocketsphinx',
    cmd: bin,
    input: 'fifo',
    // The default model is pocketsphinx-en-us's (as recordings/transcribe/pocketsphinx.ts uses it).
    args: ['-infile', FIFO_ARG, '-logfn', '/dev/null', '-vad_postspeech', '20'],
    parse: (line) => {
      const text = line.trim();
      if (!text || /^(INFO|WARN|ERROR|FATAL)/.test(text)) return null;
      return { text, final: true };
    },
  };
}

/**
 * The sherpa-onnx streaming child (plain JavaScript, CommonJS `require` from this package's node_modules): reads PCM
 * on stdin, prints `{"partial": text}` as the text grows and `{"final": text}` at each endpoint, `{"error": ...}` when
 * the model cannot be loaded. A child process, because sherpa-onnx aborts the whole process on some bad models.
 */
export function sherpaStreamingChild(): string {
  const mod = JSON.stringify(createRequire(import.meta.url).resolve('sherpa-onnx-node'));
  return `
const cfg = JSON.parse(process.argv[1]);
let sherpa;
try { sherpa = require(${mod}); }
catch (e) { console.log(JSON.stringify({ error: 'the native module does not load here: ' + e.message })); process.exit(3); }
let rec, stream;
try {
  rec = new sherpa.OnlineRecognizer({
    featConfig: { sampleRate: 16000, featureDim: 80 },
    modelConfig: { transducer: { encoder: cfg.encoder, decoder: cfg.decoder, joiner: cfg.joiner }, tokens: cfg.tokens, numThreads: 1, provider: 'cpu', debug: 0 },
    decodingMethod: 'greedy_search', enableEndpoint: 1, rule1MinTrailingSilence: 1.2, rule2MinTrailingSilence: 0.6, rule3MinUtteranceLength: 20,
  });
  stream = rec.createStream();
} catch (e) { console.log(JSON.stringify({ error: 'the model cannot be loaded: ' + e.message })); process.exit(3); }
let last = '';
let rest = Buffer.alloc(0);
process.stdin.on('data', (chunk) => {
  const buf = Buffer.concat([rest, chunk]);
  const n = buf.length >> 1;
  rest = buf.subarray(n * 2);
  const samples = new Float32Array(n);
  for (let i = 0; i < n; i++) samples[i] = buf.readInt16LE(i * 2) / 32768;
  stream.acceptWaveform({ sampleRate: 16000, samples });
  while (rec.isReady(stream)) rec.decode(stream);
  const text = rec.getResult(stream).text.trim();
  if (text !== last) { last = text; if (text) console.log(JSON.stringify({ partial: text })); }
  if (rec.isEndpoint(stream)) {
    if (last) console.log(JSON.stringify({ final: last }));
    last = '';
    rec.reset(stream);
  }
});
process.stdin.on('end', () => process.exit(0));
`;
}

export function sherpaCommand(files: StreamingModelFiles): RecognizerCommand {
  return {
    engine: 'sherpa-onnx',
    cmd: process.execPath,
    input: 'stdin',
    args: ['-e', sherpaStreamingChild(), JSON.stringify(files)],
    parse: (line) => {
      try {
        const j = JSON.parse(line) as { partial?: unknown; final?: unknown };
        if (typeof j.final === 'string') return { text: j.final, final: true };
        if (typeof j.partial === 'string') return { text: j.partial, final: false };
      } catch {
        /* not ours */
      }
      return null;
    },
  };
}
