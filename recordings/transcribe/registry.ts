import type { RecordingsConfig } from '../../server/config/recordings.js';
import type { SpeechEngine } from './engine.js';
import { PocketsphinxEngine } from './pocketsphinx.js';
import { SherpaOnnxEngine } from './sherpa.js';
import { SileroVad } from './silero-vad.js';
import { EnergyVad, type VoiceActivityDetector } from './vad.js';

/**
 * Spoken languages as hearings name them (ISO 639-3 where it matters: Mandarin and Cantonese are both "Chinese" in
 * 639-1): cmn Mandarin, yue Cantonese, en English, pt Portuguese. Other values pass through as they are.
 */
export type SpokenLanguage = string;

/** A language tag as given (`zh`, `zh-CN`, `yue-HK`, `en-GB`, `pt-MO`, `cmn-Hans`...) as a spoken language. */
export function spokenLanguage(tag: string): SpokenLanguage {
  const t = tag.trim().toLowerCase().replace(/_/g, '-');
  const [base = '', region = ''] = t.split('-');
  if (base === 'yue' || t === 'zh-yue' || (base === 'zh' && (region === 'hk' || region === 'mo'))) return 'yue';
  if (base === 'cmn' || base === 'zh') return 'cmn';
  return base;
}

/** The engine for a language, or why there is none (stored with the track's result, shown in the case file). */
export type EngineChoice = { ok: true; language: SpokenLanguage; engine: SpeechEngine } | { ok: false; language: SpokenLanguage; reason: string };

export type EngineSettings = Pick<RecordingsConfig, 'transcribeEngine' | 'sherpaModelDir' | 'pocketsphinx'> & Partial<Pick<RecordingsConfig, 'vadModel'>>;

/**
 * Which engine transcribes which language:
 * - en: pocketsphinx (Debian's en-us model), or SenseVoice when CONCORD_TRANSCRIBE_ENGINE=sherpa-onnx;
 * - cmn, yue: sherpa-onnx with SenseVoice when CONCORD_SHERPA_MODEL_DIR is set;
 * - anything else (pt among them: SenseVoice does not speak it): "no model for <language>".
 * The VAD: Silero through sherpa-onnx when CONCORD_VAD_MODEL is set, otherwise the energy detector.
 */
export class SpeechEngines {
  private readonly cache = new Map<SpokenLanguage, SpeechEngine>();

  constructor(private readonly cfg: EngineSettings) {}

  forLanguage(tag: string): EngineChoice {
    const language = spokenLanguage(tag);
    const hit = this.cache.get(language);
    if (hit) return { ok: true, language, engine: hit };
    const engine = this.build(language);
    if (typeof engine === 'string') return { ok: false, language, reason: engine };
    this.cache.set(language, engine);
    return { ok: true, language, engine };
  }

  private build(language: SpokenLanguage): SpeechEngine | string {
    const sherpa = this.cfg.sherpaModelDir;
    if (language === 'en') {
      return this.cfg.transcribeEngine === 'sherpa-onnx' ? new SherpaOnnxEngine(sherpa, 'en') : new PocketsphinxEngine(this.cfg.pocketsphinx);
    }
    if (language === 'cmn' || language === 'yue') {
      if (sherpa) return new SherpaOnnxEngine(sherpa, language);
      return `no model for ${language}: set CONCORD_SHERPA_MODEL_DIR to a SenseVoice model directory (recordings/README.md)`;
    }
    return `no model for ${language}: no speech engine here transcribes it`;
  }

  vad(): VoiceActivityDetector {
    return this.cfg.vadModel ? new SileroVad(this.cfg.vadModel) : new EnergyVad();
  }
}

/** The engines for the configuration, or null when transcription is off (CONCORD_TRANSCRIBE_ENGINE=none). */
export function speechEngines(cfg: EngineSettings): SpeechEngines | null {
  return cfg.transcribeEngine === 'none' ? null : new SpeechEngines(cfg);
}
