import { access } from 'node:fs/promises';
import { run } from '../media.js';
import { TranscriptionError, segmentWords, type SpeechEngine, type TimedWord, type TranscriptSegment } from './engine.js';

/** Debian's pocketsphinx 0.8 (`pocketsphinx_continuous` + pocketsphinx-en-us): English, offline. */
export class PocketsphinxEngine implements SpeechEngine {
  readonly name = 'pocketsphinx';

  constructor(private readonly bin = 'pocketsphinx_continuous', private readonly modelDir = '/usr/share/pocketsphinx/model/en-us') {}

  async check(): Promise<void> {
    await access(this.modelDir).catch(() => {
      throw new TranscriptionError(`pocketsphinx: model directory ${this.modelDir} not found (install pocketsphinx-en-us)`);
    });
    await run(this.bin, ['-infile', '/dev/null']).catch((e: Error) => {
      if (/ENOENT|not found/.test(e.message)) throw new TranscriptionError(`pocketsphinx: ${this.bin} not found (install pocketsphinx)`);
    });
  }

  async transcribe(wavPath: string, opts: { onProgress?: (f: number) => void } = {}): Promise<TranscriptSegment[]> {
    const words: TimedWord[] = [];
    const out = await run(this.bin, ['-infile', wavPath, '-time', 'yes', '-logfn', '/dev/null'], {
      onLine: (line) => {
        const m = /^(\S+) (\d+\.\d+) (\d+\.\d+) ([\d.]+)$/.exec(line.trim());
        if (m) opts.onProgress?.(Number(m[3]));
      },
    });
    for (const line of out.split('\n')) {
      const m = /^(\S+) (\d+\.\d+) (\d+\.\d+) ([\d.]+)$/.exec(line.trim());
      if (!m) continue;
      const word = m[1]!.replace(/\(\d+\)$/, '');
      // Fillers and markers: sentence start/end, silence, [NOISE], [SPEECH]...
      if (word.startsWith('<') || word.startsWith('[') || word.startsWith('+')) continue;
      words.push({ word, startMs: Math.round(Number(m[2]) * 1000), endMs: Math.round(Number(m[3]) * 1000), confidence: Number(m[4]) });
    }
    return segmentWords(words);
  }
}
