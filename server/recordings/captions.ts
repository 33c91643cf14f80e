import type { CaptionBackend, CaptionOpen, CaptionResult, CaptionSpec } from '../hearings/caption-backend.js';
import type { Logger } from '../lib/logger.js';
import { CaptionDecoder } from '../../recordings/captions/decoder.js';
import {
  chooseCaptionEngine, pocketsphinxCommand, sherpaCommand, type CaptionEngineConfig, type RecognizerCommand,
} from '../../recordings/captions/engines.js';

export interface CaptionServiceOptions extends CaptionEngineConfig {
  enabled: boolean;
  /** Hard cap on decoders running at once in this process (the node). */
  maxDecoders: number;
  language: string;
  ffmpeg: string;
  log: Logger;
}

/**
 * The node's caption decoders (issue 17.4): the hearing layer asks for one per captioned speaker and room; this
 * service picks the engine by language, starts the decoder, and refuses beyond `maxDecoders` (the hearing shows
 * `limit` for that speaker and asks again as slots free). A slot is taken before the processes start and given back
 * when the decoder closes or fails to start, so the cap holds under concurrent requests.
 */
export class CaptionService implements CaptionBackend {
  private readonly running = new Set<CaptionDecoder>();
  private reserved = 0;

  constructor(private readonly opts: CaptionServiceOptions) {}

  get available(): boolean {
    return this.opts.enabled;
  }

  get defaultLanguage(): string {
    return this.opts.language;
  }

  /** Decoders running now (tests, bench, metrics). */
  decoders(): CaptionDecoder[] {
    return [...this.running];
  }

  async open(spec: CaptionSpec, onText: (r: CaptionResult) => void): Promise<CaptionOpen> {
    if (!this.opts.enabled) return { ok: false, reason: 'failed', message: 'live captions are off on this server (CONCORD_CAPTIONS=off)' };
    const engine = chooseCaptionEngine(spec.language, this.opts);
    if (engine.kind === 'none') return { ok: false, reason: 'no_model', message: engine.message };
    if (this.running.size + this.reserved >= this.opts.maxDecoders) {
      return { ok: false, reason: 'limit', message: `this server runs its maximum of ${this.opts.maxDecoders} caption decoders` };
    }
    this.reserved++;
    const recognizer: RecognizerCommand = engine.kind === 'pocketsphinx' ? pocketsphinxCommand(engine.bin) : sherpaCommand(engine.files);
    const decoder = new CaptionDecoder({
      ffmpeg: this.opts.ffmpeg, producer: spec.producer, recognizer, onText,
      onFailed: (why) => {
        this.running.delete(decoder);
        this.opts.log.warn({ hearingId: spec.hearingId, participantId: spec.participantId, why }, 'a caption decoder stopped');
      },
    });
    try {
      await decoder.start();
    } catch (err) {
      await decoder.close();
      return { ok: false, reason: 'failed', message: (err as Error).message };
    } finally {
      this.reserved--;
    }
    if (decoder.failed) {
      await decoder.close();
      return { ok: false, reason: 'failed', message: 'the caption decoder stopped at once' };
    }
    this.running.add(decoder);
    return {
      ok: true,
      stream: {
        target: () => decoder.target(),
        engine: decoder.engine,
        get failed() {
          return decoder.failed;
        },
        close: async () => {
          this.running.delete(decoder);
          await decoder.close();
        },
      },
    };
  }

  async close(): Promise<void> {
    await Promise.all([...this.running].map((d) => d.close()));
    this.running.clear();
  }
}
