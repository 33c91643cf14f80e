import type { RecordableProducer, RecordingTarget } from '../media/engine.js';

/**
 * What the live hearing needs from the caption service (recordings/captions implements it): one decoder per captioned
 * speaker and room, fed by an SFU tap like a recorder, and a hard cap on how many run on this node. Kept here as an
 * interface so this layer knows no processes or models.
 */
export interface CaptionBackend {
  /** Whether any engine can run here at all (CONCORD_CAPTIONS=off says no). */
  readonly available: boolean;
  /**
   * Starts a decoder for one speaker's microphone in one room, or says why not (the cap, no model for the language,
   * a start failure). `onText` gets partial and final results in order; it is never called after `close()` resolved.
   */
  open(spec: CaptionSpec, onText: (r: CaptionResult) => void): Promise<CaptionOpen>;
  /** The language a speaker's captions are decoded in, when nothing more specific is known about them. */
  readonly defaultLanguage: string;
}

export interface CaptionSpec {
  hearingId: string;
  participantId: string;
  roomId: string;
  /** BCP 47-ish: 'en', 'zh', 'zh-Hans', 'yue'... picks the engine. */
  language: string;
  producer: RecordableProducer;
}

export interface CaptionResult {
  text: string;
  final: boolean;
}

export type CaptionOpen =
  | { ok: true; stream: CaptionStream }
  | { ok: false; reason: 'limit' | 'no_model' | 'failed'; message: string };

export interface CaptionStream {
  /** Where the SFU's caption tap sends the speaker's RTP (loopback). */
  target(): RecordingTarget;
  readonly engine: string;
  /** The decoder died on its own: the hearing closes it and starts a new one. */
  readonly failed: boolean;
  /** Stops the decoder (both processes); frees its slot under the cap at once. */
  close(): Promise<void>;
}
