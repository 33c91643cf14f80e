import type { RecordingsConfig } from '../../server/config/recordings.js';
import { TranscriptionError, type SpeechEngine } from './engine.js';
import { PocketsphinxEngine } from './pocketsphinx.js';
import { SherpaOnnxEngine } from './sherpa.js';

export * from './engine.js';
export { PocketsphinxEngine } from './pocketsphinx.js';
export { SherpaOnnxEngine } from './sherpa.js';
export { toWebVtt, type VttCue } from './webvtt.js';
export { SpeechEngines, speechEngines, spokenLanguage, type EngineChoice, type EngineSettings, type SpokenLanguage } from './registry.js';
export { EnergyVad, planWindows, type DecodeWindow, type SpeechRegion, type VoiceActivityDetector } from './vad.js';
export { SileroVad } from './silero-vad.js';
export { MAX_WINDOW_MS, transcribeWindowed, type WindowProgress, type WindowedTranscript } from './windowed.js';
export { wavInfo, type WavInfo } from './wav.js';
export { wordErrorRate } from './wer.js';

/** The configured engine, or null when transcription is off. */
export function speechEngine(cfg: Pick<RecordingsConfig, 'transcribeEngine' | 'sherpaModelDir' | 'pocketsphinx'>): SpeechEngine | null {
  switch (cfg.transcribeEngine) {
    case 'none':
      return null;
    case 'sherpa-onnx':
      return new SherpaOnnxEngine(cfg.sherpaModelDir);
    case 'pocketsphinx':
      return new PocketsphinxEngine(cfg.pocketsphinx);
    default:
      throw new TranscriptionError(`unknown speech engine ${String(cfg.transcribeEngine)}`);
  }
}
